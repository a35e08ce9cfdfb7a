import AlexNet
/// A labelled set of 8-bit images, stored planar: image i is `channels` planes of
/// `height`×`width` bytes at `pixels[i·C·H·W ..< (i+1)·C·H·W]` (the NCHW order of ``Tensor``).
public struct DatasetSplit: Sendable, Equatable {
    public let channels: Int, height: Int, width: Int
    public private(set) var pixels: [UInt8]
    public private(set) var labels: [Int]

    public init(channels: Int, height: Int, width: Int, pixels: [UInt8], labels: [Int]) {
        precondition(pixels.count == labels.count * channels * height * width,
                     "DatasetSplit: \(pixels.count) bytes for \(labels.count) images of \(channels)×\(height)×\(width)")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// The bytes of image `i`.
    public func image(_ i: Int) -> ArraySlice<UInt8> { pixels[i * imageSize..<(i + 1) * imageSize] }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> DatasetSplit {
        var out: [UInt8] = []
        out.reserveCapacity(indices.count * imageSize)
        for i in indices { out.append(contentsOf: image(i)) }
        return DatasetSplit(channels: channels, height: height, width: width, pixels: out, labels: indices.map { labels[$0] })
    }

    /// The first `n` images (all if fewer).
    public func prefix(_ n: Int) -> DatasetSplit { subset(Array(0..<min(n, count))) }

    /// The first `perClass` images of each class, in their order: a split with the same number of
    /// every class (as ILSVRC's validation sets are), or fewer of a class that has fewer.
    public func balanced(perClass: Int) -> DatasetSplit {
        var taken: [Int: Int] = [:]
        return subset(labels.indices.filter { i in
            taken[labels[i], default: 0] += 1
            return taken[labels[i]]! <= perClass
        })
    }
}

/// A data set: training and test splits, an optional validation split held out of the training
/// images, and the class names.
public struct Dataset: Sendable {
    public var name: String
    public var classNames: [String]
    public var train: DatasetSplit
    public var validation: DatasetSplit?
    public var test: DatasetSplit

    public init(name: String, classNames: [String], train: DatasetSplit, validation: DatasetSplit? = nil,
                test: DatasetSplit) {
        self.name = name
        self.classNames = classNames
        self.train = train
        self.validation = validation
        self.test = test
    }

    public var classes: Int { classNames.count }

    /// The same data set with `count` training images, chosen by a seeded shuffle, moved into a
    /// validation split (the paper tunes its schedule on held-out data).
    public func holdingOutValidation(_ count: Int, seed: UInt64) -> Dataset {
        precondition(count > 0 && count < train.count, "holdingOutValidation: \(count) of \(train.count) images")
        let positions = ImageSubset.heldOutPositions(count, of: train.count, seed: seed)
        var copy = self
        copy.validation = train.subset(positions.validation)
        copy.train = train.subset(positions.train)
        return copy
    }

    /// At most `trainCount` training and `testCount` test images (for quick runs).
    public func limited(train trainCount: Int, test testCount: Int) -> Dataset {
        var copy = self
        copy.train = train.prefix(trainCount)
        copy.test = test.prefix(testCount)
        copy.validation = validation?.prefix(testCount)
        return copy
    }
}
