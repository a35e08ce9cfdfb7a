import CMalloc
import COpenBLAS
import Dispatch
import Foundation

/// How the library uses the machine's cores.
///
/// All parallel work runs on ``parallelFor(_:_:)``'s workers: a convolution's runs of images
/// (each through im2col and single-threaded GEMMs), a locally connected layer's positions,
/// loops over the batch (pooling, normalisation), element-wise loops
/// (``parallelForRanges(_:_:)``) and bands of large matrix products (``matrixMultiply``), each
/// band a single-threaded OpenBLAS call. OpenBLAS's own threads are switched off: idle, they spin and
/// would steal the cores from everything that is not a matrix multiply. The thread count is
/// process-wide, as OpenBLAS's is.
public enum Threading {
    /// Sets the number of threads of the library's parallel loops and matrix products.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "Threading: thread count must be at least 1, got \(count)")
        configureProcess()
        storage.withLock { $0 = count }
    }

    /// The current thread count: the number of active cores until set, or a worker's share of
    /// them inside ``withWorkerShare(_:_:)``.
    public static var threadCount: Int { workerShare ?? storage.withLock { $0 } }

    /// Runs `body` with ``threadCount`` reading `threads` on the calling thread only: a worker of
    /// the tower executor (AlexNetExperiments), which owns its share of the cores while the other tower's
    /// worker owns the rest, runs its layers' loops and matrix products on that share.
    public static func withWorkerShare<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        precondition(threads >= 1, "Threading: a worker's share must be at least 1 thread, got \(threads)")
        return try $workerShare.withValue(threads, operation: body)
    }

    /// Bound per thread (a task-local value read outside any task is the thread's own).
    @TaskLocal private static var workerShare: Int?

    /// 0..<count cut into one contiguous, nearly equal run per worker (``threadCount`` of them,
    /// at most `count`, at least one): how the convolutions share a batch's images.
    static func runs(_ count: Int) -> [Range<Int>] {
        let workers = max(1, min(threadCount, count))
        return (0..<workers).map { w in (count * w / workers)..<(count * (w + 1) / workers) }
    }

    private static let storage = Locked(ProcessInfo.processInfo.activeProcessorCount)

    /// Once per process: sets OpenBLAS to one thread, and asks glibc to keep freed blocks in the
    /// heap rather than unmapping them. Every training step allocates and frees tensors of the
    /// same sizes, and a block returned to the system comes back as fresh pages that fault in one
    /// by one, zeroed. Both are settings of the whole process, so the library makes them only when
    /// asked: by this call, which every executable makes through `runTool`, or by
    /// ``setThreadCount(_:)``. Without it the results are the same, and OpenBLAS's own threads
    /// compete with the library's for the cores.
    @inlinable
    package static func configureProcess() { _ = processConfigured }

    @usableFromInline
    static let processConfigured: Bool = {
        openblas_set_num_threads(1)
        mallopt(M_MMAP_MAX, 0)                 // every block comes from the heap (none is mmap'ed)…
        mallopt(M_TRIM_THRESHOLD, 1 << 30)     // …and up to 1 GiB of free heap is kept for reuse
        return true
    }()
}

/// A tiny mutex-protected box, for the one piece of process-wide state above.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(&value)
    }
}

/// A pointer that may be captured by the `@Sendable` closures of ``parallelFor(_:_:)``.
///
/// Each parallel iteration must touch a disjoint part of the memory; that promise, not the
/// compiler, is what makes sharing it safe. This is the one such wrapper in the library.
public struct SendablePointer<Pointee>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Pointee>
    @inlinable public init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
    @inlinable public init(_ base: UnsafePointer<Pointee>) {
        self.base = UnsafeMutablePointer(mutating: base)
    }
}

/// Runs `body(i)` for every i in 0..<count, split over ``Threading/threadCount`` threads in
/// contiguous ranges. Iterations must be independent.
@inlinable
public func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
    let workers = min(Threading.threadCount, count)
    if workers <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let start = count * w / workers, end = count * (w + 1) / workers
        for i in start..<end { body(i) }
    }
}

/// Runs `body` on ``Threading/threadCount`` contiguous, nearly equal parts of 0..<count, in
/// parallel: for element-wise loops over a whole tensor, each part one tight loop.
@inlinable
public func parallelForRanges(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let parts = max(1, min(Threading.threadCount, count))
    parallelFor(parts) { w in body((count * w / parts)..<(count * (w + 1) / parts)) }
}
