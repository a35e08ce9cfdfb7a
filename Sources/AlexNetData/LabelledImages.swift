/// Labelled 8-bit images, planar (C, H, W) each, wherever their bytes live: in memory
/// (``DatasetSplit``) or memory-mapped from prepared ImageNet shards (``ImageNetShards/Split``).
/// Augmentation, the batch loader, evaluation and the trainer read images through this, so the
/// same code trains on Fashion-MNIST in memory and on ImageNet from disk.
public protocol LabelledImages: Sendable {
    var count: Int { get }
    var channels: Int { get }
    var height: Int { get }
    var width: Int { get }
    /// The class of each image, 0-based.
    var labels: [Int] { get }
    /// Calls `body` with the C·H·W bytes of image `index`; the pointer is valid only inside `body`.
    func withImage<R>(_ index: Int, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R
}

extension LabelledImages {
    /// Bytes per image, C·H·W.
    public var imageSize: Int { channels * height * width }
}

extension DatasetSplit: LabelledImages {
    public func withImage<R>(_ index: Int, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < count, "DatasetSplit: image \(index) of \(count)")
        return try pixels.withUnsafeBufferPointer { try body($0.baseAddress! + index * imageSize) }
    }
}
