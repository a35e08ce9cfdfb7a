import Dispatch
import Foundation
import AlexNet

/// One training batch: images (B, C, size, size), their labels, and where it sits in its epoch.
public struct Batch: Sendable {
    public var images: Tensor<Float>
    public var labels: [Int]
    public var epoch: Int, index: Int
}

/// Shuffled epochs of augmented batches, each batch a pure function of (seed, epoch, index):
/// the order of epoch e is a seeded shuffle, and every image's crop, flip and lighting come from
/// a generator seeded by (seed, e, position). So training can stop after any batch and resume at
/// the next one with exactly the data it would have seen, and a background thread can prepare
/// batch i + 1 while batch i trains without changing anything.
public final class BatchLoader: Sendable {
    public let split: any LabelledImages
    public let batchSize: Int
    public let augmentation: Augmentation
    public let normalization: Normalization
    public let seed: UInt64
    /// Whether the last, smaller batch of an epoch is dropped.
    public let dropsLastBatch: Bool
    /// Threads that assemble each batch (its images shared out among them); batches are the
    /// same whatever the number.
    public let workers: Int
    /// The part of every batch this loader delivers, for data-parallel training: member `index` of
    /// `count` takes positions ⌊B·index/count⌋ ..< ⌊B·(index+1)/count⌋ of each batch of B — the
    /// same images, with the same crops, flips and lighting, as in the whole batch.
    public let part: (index: Int, count: Int)

    public init(split: any LabelledImages, batchSize: Int, augmentation: Augmentation, normalization: Normalization,
                seed: UInt64, dropsLastBatch: Bool = false, workers: Int = 1, part: (index: Int, count: Int) = (0, 1)) {
        precondition(part.count >= 1 && part.index >= 0 && part.index < part.count, "BatchLoader: part \(part.index) of \(part.count)")
        precondition(batchSize >= 1 && split.count >= 1, "BatchLoader: empty split or batch")
        self.split = split
        self.batchSize = batchSize
        self.augmentation = augmentation
        self.normalization = normalization
        self.seed = seed
        self.dropsLastBatch = dropsLastBatch
        self.workers = max(1, workers)
        self.part = part
    }

    public var batchesPerEpoch: Int {
        dropsLastBatch ? max(1, split.count / batchSize) : (split.count + batchSize - 1) / batchSize
    }

    /// A generator for (epoch, stream), independent of every other pair: stream p < count
    /// draws the augmentation of position p, stream `UInt64.max` the epoch's order.
    func generator(_ epoch: Int, _ stream: UInt64) -> RandomGenerator {
        var mixer = RandomGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        return RandomGenerator(seed: mixer.next() ^ (stream &* 0xD1B5_4A32_D192_ED03))
    }

    /// The order in which epoch `epoch` visits the images.
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<split.count)
        var g = generator(epoch, .max)
        order.shuffle(using: &g)
        return order
    }

    /// Batch `index` of epoch `epoch`, computed from scratch.
    public func batch(epoch: Int, index: Int) -> Batch {
        batch(epoch: epoch, index: index, order: order(epoch: epoch))
    }

    func batch(epoch: Int, index: Int, order: [Int]) -> Batch {
        precondition(index >= 0 && index < batchesPerEpoch, "BatchLoader: batch \(index) of \(batchesPerEpoch)")
        let whole = (index * batchSize)..<min(split.count, (index + 1) * batchSize)
        let positions = (whole.lowerBound + whole.count * part.index / part.count)..<(whole.lowerBound + whole.count * (part.index + 1) / part.count)
        let indices = positions.map { order[$0] }
        let views = positions.map { p -> Augmentation.View in
            var g = generator(epoch, UInt64(p))
            return augmentation.randomView(height: split.height, width: split.width, channels: split.channels, generator: &g)
        }
        let side = augmentation.cropSize ?? min(split.height, split.width)
        let images = views.isEmpty ? Tensor<Float>(shape: [0, split.channels, side, side])     // a part with no image of a short last batch
            : Augmentation.batch(views: views, of: split, indices: indices, normalization: normalization, workers: workers)
        return Batch(images: images, labels: indices.map { split.labels[$0] }, epoch: epoch, index: index)
    }

    /// The batches of `epoch` from `start` on, each prepared on a background thread while the
    /// previous one is in use.
    public func batches(epoch: Int, startingAt start: Int = 0) -> Prefetcher {
        Prefetcher(loader: self, epoch: epoch, start: start)
    }

    /// A sequence of one epoch's batches that keeps the next batch ready on a background queue.
    public final class Prefetcher: Sequence, IteratorProtocol, @unchecked Sendable {
        let loader: BatchLoader, epoch: Int, order: [Int]
        private var nextIndex: Int
        private var pending: DispatchSemaphore?
        private var prepared: Batch?          // written by the queue before it signals `pending`
        private let queue = DispatchQueue(label: "alexnet.batch-prefetch")

        init(loader: BatchLoader, epoch: Int, start: Int) {
            self.loader = loader
            self.epoch = epoch
            self.order = loader.order(epoch: epoch)
            self.nextIndex = start
            prefetch(start)
        }

        private func prefetch(_ index: Int) {
            guard index < loader.batchesPerEpoch else { pending = nil; return }
            let done = DispatchSemaphore(value: 0)
            pending = done
            queue.async { [self] in
                prepared = loader.batch(epoch: epoch, index: index, order: order)
                done.signal()
            }
        }

        public func next() -> Batch? {
            guard let waiting = pending else { return nil }
            waiting.wait()
            let batch = prepared
            nextIndex += 1
            prefetch(nextIndex)
            return batch
        }
    }
}
