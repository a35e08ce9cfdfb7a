import CMPI
import Foundation
import AlexNetTraining

/// The processes `mpirun` started, as a ``DataParallelGroup``: Open MPI's `MPI_COMM_WORLD`.
///
/// `alexnet train` is the same program with or without MPI: ``start()`` initialises MPI only when
/// the process was launched by `mpirun` (Open MPI sets `OMPI_COMM_WORLD_SIZE`), so a plain run
/// never touches it. Sums are `MPI_Allreduce` with `MPI_SUM` in place: one call per step for
/// every gradient, in a fixed order, the same result on every member.
public final class MPIGroup: DataParallelGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    public private(set) var bytesSummed = 0
    public private(set) var secondsSumming = 0.0
    private let world = alexnet_mpi_comm_world()

    /// Whether this process was started by Open MPI's `mpirun` (or `mpiexec`).
    public static var launchedByMPI: Bool { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil }

    /// The group, when launched by `mpirun`; nil otherwise (and MPI is left alone).
    public static func start() -> MPIGroup? {
        guard launchedByMPI else { return nil }
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
        return MPIGroup()
    }

    private init() {
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(world, &r)
        MPI_Comm_size(world, &s)
        rank = Int(r)
        size = Int(s)
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
        let started = Date()
        // MPI counts are Int32: a long buffer goes in pieces, each summed in place.
        var offset = 0
        while offset < values.count {
            let n = min(values.count - offset, Int(Int32.max) / 2)
            MPI_Allreduce(alexnet_mpi_in_place(), values.baseAddress! + offset, Int32(n), alexnet_mpi_float(), alexnet_mpi_sum(), world)
            offset += n
        }
        bytesSummed += 4 * values.count
        secondsSumming += Date().timeIntervalSince(started)
    }

    public func sum(_ values: [Double]) -> [Double] {
        let started = Date()
        var out = values
        out.withUnsafeMutableBufferPointer { b in
            _ = MPI_Allreduce(alexnet_mpi_in_place(), b.baseAddress!, Int32(b.count), alexnet_mpi_double(), alexnet_mpi_sum(), world)
        }
        bytesSummed += 8 * values.count
        secondsSumming += Date().timeIntervalSince(started)
        return out
    }

    /// Waits until every member arrives.
    public func barrier() { MPI_Barrier(world) }

    /// Ends every member's process: a member that cannot go on must not leave the others waiting
    /// in a sum. Prints `message` (with the rank) on standard error first.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(size): \(message)\n".utf8))
        MPI_Abort(world, code)
        exit(code)
    }

    /// Leaves MPI cleanly at the end of a run.
    public func finish() { MPI_Finalize() }
}
