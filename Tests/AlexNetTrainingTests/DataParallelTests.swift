import Foundation
import Testing
import AlexNet
import AlexNetData
@testable import AlexNetTraining

/// The data-parallel step without MPI: a group of one is the plain step, bit for bit, and two
/// members simulated in one process (each summing with the other) make the whole batch's update.
@Suite struct DataParallelTests {
    /// Members that sum by waiting for each other on threads of one process.
    final class Pair: @unchecked Sendable {
        let lock = NSCondition()
        var pending: [[Double]] = [], result: [Double]?
        var arrived = 0, generation = 0

        /// Sums two members' contributions (each blocks until both have arrived).
        func exchange(_ values: [Double]) -> [Double] {
            lock.lock(); defer { lock.unlock() }
            let mine = generation
            pending.append(values)
            if pending.count == 2 {
                result = zip(pending[0], pending[1]).map { $0 + $1 }
                pending = []
                generation += 1
                lock.broadcast()
            } else {
                while generation == mine { lock.wait() }
            }
            return result!
        }
    }

    final class Member: DataParallelGroup, @unchecked Sendable {
        let rank: Int, size: Int, pair: Pair?
        var bytesSummed = 0, secondsSumming = 0.0
        init(rank: Int, size: Int, pair: Pair?) { (self.rank, self.size, self.pair) = (rank, size, pair) }
        func sum(_ values: UnsafeMutableBufferPointer<Float>) {
            guard let pair else { return }
            let total = pair.exchange(values.map(Double.init))
            for i in 0..<values.count { values[i] = Float(total[i]) }
        }
        func sum(_ values: [Double]) -> [Double] { pair?.exchange(values) ?? values }
    }

    static func network() throws -> any Network<Float> {
        var c = AlexNetConfiguration.small(inputChannels: 1, inputSize: 16, classes: 4, widthScale: 1.0 / 16, hiddenWidth: 16)
        c.dropout = nil
        return try AlexNetModel<Float>(c)
    }

    static let images: Tensor<Float> = { var g = RandomGenerator(seed: 3); return .normal(shape: [6, 1, 16, 16], standardDeviation: 1, generator: &g) }()
    static let labels = [0, 1, 2, 3, 1, 2]

    @Test func aGroupOfOneIsThePlainStep() throws {
        let (a, b) = (try Self.network(), try Self.network())
        let (sa, sb) = (SGD(parameters: a.parameters), SGD(parameters: b.parameters))
        var buffer: [Float] = []
        for _ in 0..<3 {
            let plain = try trainStep(a, objective: SoftmaxCrossEntropy<Float>(), optimizer: sa, images: Self.images, labels: Self.labels, learningRate: 0.05)
            let shared = try dataParallelTrainStep(b, objective: SoftmaxCrossEntropy<Float>(), optimizer: sb, images: Self.images, labels: Self.labels,
                                                   learningRate: 0.05, group: Member(rank: 0, size: 1, pair: nil), buffer: &buffer)
            #expect(plain.loss == shared.loss && shared.count == 6)
        }
        #expect(a.parameters.map(\.value) == b.parameters.map(\.value))
    }

    @Test func twoMembersMakeTheWholeBatchsUpdate() throws {
        let whole = try Self.network()
        let sgd = SGD(parameters: whole.parameters)
        let loss = try trainStep(whole, objective: SoftmaxCrossEntropy<Float>(), optimizer: sgd, images: Self.images, labels: Self.labels, learningRate: 0.05).loss
        let pair = Pair()
        nonisolated(unsafe) let members = [try Self.network(), try Self.network()]
        // Uneven parts (2 and 4 images), as the last batch of an epoch can be.
        let parts = [0..<2, 2..<6]
        nonisolated(unsafe) var results: [(loss: Float, mistakes: Int, count: Int)?] = [nil, nil]
        nonisolated(unsafe) var failures: [Error] = []
        DispatchQueue.concurrentPerform(iterations: 2) { r in
            do {
                let images = Tensor<Float>(shape: [parts[r].count, 1, 16, 16], scalars: Array(Self.images.scalars[(parts[r].lowerBound * 256)..<(parts[r].upperBound * 256)]))
                var buffer: [Float] = []
                results[r] = try dataParallelTrainStep(members[r], objective: SoftmaxCrossEntropy<Float>(), optimizer: SGD(parameters: members[r].parameters),
                                                       images: images, labels: Array(Self.labels[parts[r]]), learningRate: 0.05,
                                                       group: Member(rank: r, size: 2, pair: pair), buffer: &buffer)
            } catch { failures.append(error) }
        }
        #expect(failures.isEmpty)
        #expect(abs(results[0]!.loss - loss) <= 1e-5 && results[0]!.count == 6 && results[1]!.loss == results[0]!.loss)
        for (p, (q, r)) in zip(whole.parameters, zip(members[0].parameters, members[1].parameters)) {
            #expect(q.value == r.value, "the members disagree on \(p.name)")
            let worst = zip(p.value.scalars, q.value.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-6, "\(p.name): \(worst)")
        }
    }
}
