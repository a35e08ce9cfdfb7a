import Foundation
import AlexNet

/// Prepared ImageNet: every image already rescaled to `size`×`size` (Section 2 of the paper),
/// packed into shard files that are memory-mapped, so training reads pixels straight from the
/// page cache and a machine with less memory than the data set still trains on all of it.
///
/// A directory written by ``ImageNetPreparation`` holds:
///
///     index.json           this ``Index``: classes, shards, the PCA covariance, counts
///     mean.f32             the mean training image, C·size·size little-endian Float32, planar
///     train-00000.shard …  the training images, in the order of the tree (class, then name)
///     validation-00000.shard …
///     report.txt           every file converted (grey, CMYK, PNG, damaged) or skipped, and why
///
/// A shard is a 64-byte header, the labels, then the pixels:
///
///     0   "ALEXSHRD"   8 bytes
///     8   version 1, count n, channels C, height H, width W     five UInt32, little-endian
///     28  zeros to 64
///     64  n labels, Int32 little-endian, then zeros to the next multiple of 64
///         n images of C·H·W bytes, planar (the layout of ``DatasetSplit``)
///
/// and nothing after. Opening checks every count, size and label against the index; a shard
/// that does not add up is refused by name, never read past its end.
public final class ImageNetShards: Sendable {
    /// What `index.json` records.
    public struct Index: Codable, Sendable, Equatable {
        public var format = "alexnet-imagenet-shards"
        public var version = 1
        /// The side of every stored image (the paper: 256).
        public var size: Int
        public var channels = 3
        /// WordNet ids (or folder names), class i at position i.
        public var classes: [String]
        public var train: [Shard]
        public var validation: [Shard]
        /// The 3×3 covariance of the training pixels' RGB values in [0, 1] (for PCA lighting).
        public var covariance: [[Double]]
        /// Files converted on the way in, and files skipped (their names are in report.txt).
        public var converted: Int
        public var skipped: Int
        /// Identifies the tree and settings the shards were made from.
        public var fingerprint: String

        public struct Shard: Codable, Sendable, Equatable {
            public var file: String
            public var images: Int
        }
    }

    public static let magic = Array("ALEXSHRD".utf8)
    public static let headerSize = 64

    public let directory: String
    public let index: Index
    public let train: Split
    /// The prepared validation images (ILSVRC's 50,000), or nil if the tree had none.
    public let validation: Split?
    /// The mean training image: the paper's preprocessing.
    public let normalization: Normalization

    /// The PCA of the training pixels (Section 4.1), with the paper's σ = 0.1.
    public var lighting: PCALighting { PCALighting(covariance: index.covariance) }

    /// The mean image and 1/σ, σ the standard deviation of all training pixel values (pooled over
    /// the channels, from the covariance and the mean image's channel means): the book's
    /// "standardised" input, as ``Normalization/standardizing(_:)`` gives for data in memory.
    public var standardizing: Normalization {
        let plane = index.size * index.size
        let means = (0..<index.channels).map { c in normalization.mean.scalars[(c * plane)..<((c + 1) * plane)].reduce(0.0) { $0 + Double($1) } / Double(plane) }
        let overall = means.reduce(0, +) / Double(index.channels)
        let variance = (0..<index.channels).map { 65025 * index.covariance[$0][$0] + (means[$0] - overall) * (means[$0] - overall) }.reduce(0, +) / Double(index.channels)
        return Normalization(mean: normalization.mean, scale: Float(1 / max(variance, 1e-12).squareRoot()))
    }

    /// Opens a prepared directory, checking the index, the mean image and every shard.
    public init(directory: String) throws {
        let indexPath = (directory as NSString).appendingPathComponent("index.json")
        guard let bytes = FileManager.default.contents(atPath: indexPath) else {
            throw ImageNetError.badShards(path: indexPath, problem: "missing: prepare the data first (alexnet prepare-imagenet)")
        }
        let index = try Self.decodeIndex(bytes, path: indexPath)
        self.directory = directory
        self.index = index
        let plane = index.channels * index.size * index.size
        let meanPath = (directory as NSString).appendingPathComponent("mean.f32")
        guard let meanBytes = FileManager.default.contents(atPath: meanPath), meanBytes.count == 4 * plane else {
            throw ImageNetError.badShards(path: meanPath, problem: "missing or not \(4 * plane) bytes")
        }
        let mean = meanBytes.withUnsafeBytes { raw in (0..<plane).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        normalization = Normalization(mean: Tensor(shape: [index.channels, index.size, index.size], scalars: mean))
        train = try Split(directory: directory, shards: index.train, index: index)
        validation = index.validation.isEmpty ? nil : try Split(directory: directory, shards: index.validation, index: index)
    }

    /// Parses and checks `index.json`.
    public static func decodeIndex(_ bytes: Data, path: String) throws -> Index {
        let index: Index
        do { index = try JSONDecoder().decode(Index.self, from: bytes) } catch {
            throw ImageNetError.badShards(path: path, problem: "not a shard index (\(error))")
        }
        func bad(_ problem: String) -> ImageNetError { .badShards(path: path, problem: problem) }
        guard index.format == "alexnet-imagenet-shards", index.version == 1 else { throw bad("format \(index.format) version \(index.version), expected alexnet-imagenet-shards 1") }
        guard (1...4096).contains(index.size), [1, 3].contains(index.channels) else { throw bad("image size \(index.size) or \(index.channels) channels out of range") }
        guard !index.classes.isEmpty, Set(index.classes).count == index.classes.count else { throw bad("no classes, or a class twice") }
        guard !index.train.isEmpty else { throw bad("no training shards") }
        guard index.covariance.count == index.channels, index.covariance.allSatisfy({ $0.count == index.channels && $0.allSatisfy(\.isFinite) }) else {
            throw bad("the covariance is not \(index.channels)×\(index.channels)")
        }
        for shard in index.train + index.validation {
            guard shard.images >= 0, !shard.file.contains("/"), !shard.file.hasPrefix(".") else { throw bad("shard entry \(shard.file) with \(shard.images) images") }
        }
        return index
    }

    /// The bytes of a shard's header and labels, padded (the pixels follow).
    public static func header(count: Int, channels: Int, size: Int, labels: [Int]) -> [UInt8] {
        var bytes = magic
        for v in [1, count, channels, size, size] { withUnsafeBytes(of: UInt32(v).littleEndian) { bytes += $0 } }
        bytes += [UInt8](repeating: 0, count: headerSize - bytes.count)
        for l in labels { withUnsafeBytes(of: Int32(l).littleEndian) { bytes += $0 } }
        bytes += [UInt8](repeating: 0, count: (64 - bytes.count % 64) % 64)
        return bytes
    }

    /// Images of one split, memory-mapped from their shards.
    public struct Split: LabelledImages {
        public let channels: Int, height: Int, width: Int
        public let labels: [Int]
        let files: [MappedFile]
        /// Image i lives in shard `shardOf[i]`, at byte `offsetOf[i]` of it.
        let shardOf: [Int32], offsetOf: [Int]

        public var count: Int { labels.count }

        init(directory: String, shards: [Index.Shard], index: Index) throws {
            (channels, height, width) = (index.channels, index.size, index.size)
            let imageBytes = channels * height * width
            var labels: [Int] = [], files: [MappedFile] = [], shardOf: [Int32] = [], offsetOf: [Int] = []
            for (s, shard) in shards.enumerated() {
                let path = (directory as NSString).appendingPathComponent(shard.file)
                func bad(_ problem: String) -> ImageNetError { .badShards(path: path, problem: problem) }
                let file = try MappedFile(path: path)
                let expectedHeader = header(count: shard.images, channels: channels, size: height, labels: Array(repeating: 0, count: shard.images))
                let pixelsStart = expectedHeader.count
                guard file.count == pixelsStart + shard.images * imageBytes else {
                    throw bad("\(file.count) bytes, expected \(pixelsStart + shard.images * imageBytes) for \(shard.images) images of \(channels)×\(height)×\(width)")
                }
                let raw = UnsafeRawBufferPointer(start: file.bytes, count: file.count)
                guard Array(raw[0..<28]) == Array(expectedHeader[0..<28]) else { throw bad("its header does not match the index (\(shard.images) images of \(channels)×\(height)×\(width))") }
                for i in 0..<shard.images {
                    let label = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: headerSize + 4 * i, as: Int32.self)))
                    guard label >= 0, label < index.classes.count else { throw bad("image \(i) has label \(label), outside 0…\(index.classes.count - 1)") }
                    labels.append(label)
                    shardOf.append(Int32(s))
                    offsetOf.append(pixelsStart + i * imageBytes)
                }
                files.append(file)
            }
            self.labels = labels
            self.files = files
            self.shardOf = shardOf
            self.offsetOf = offsetOf
        }

        public func withImage<R>(_ index: Int, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
            precondition(index >= 0 && index < count, "ImageNetShards: image \(index) of \(count)")
            return try body(files[Int(shardOf[index])].bytes + offsetOf[index])
        }
    }
}

/// A file mapped read-only into memory (POSIX `mmap`); unmapped when the last reference goes.
public final class MappedFile: @unchecked Sendable {
    public let bytes: UnsafePointer<UInt8>
    public let count: Int
    private let mapped: UnsafeMutableRawPointer?

    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImageNetError.badShards(path: path, problem: "cannot open it (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImageNetError.badShards(path: path, problem: "cannot stat it") }
        count = Int(info.st_size)
        if count == 0 {
            mapped = nil
            bytes = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
            return
        }
        guard let p = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw ImageNetError.badShards(path: path, problem: "cannot map it (\(String(cString: strerror(errno))))")
        }
        mapped = p
        bytes = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
    }

    deinit {
        if let mapped { munmap(mapped, count) } else { UnsafeMutablePointer(mutating: bytes).deallocate() }
    }
}

/// Some images of another collection, by position: a held-out validation split cut from the
/// training shards, or the first N images for a short run, without copying a pixel.
public struct ImageSubset: LabelledImages {
    public let base: any LabelledImages
    public let indices: [Int]
    public let labels: [Int]

    public init(_ base: any LabelledImages, indices: [Int]) {
        precondition(indices.allSatisfy { $0 >= 0 && $0 < base.count }, "ImageSubset: an index outside 0..<\(base.count)")
        self.base = base
        self.indices = indices
        let all = base.labels
        self.labels = indices.map { all[$0] }
    }

    public var count: Int { indices.count }
    public var channels: Int { base.channels }
    public var height: Int { base.height }
    public var width: Int { base.width }

    public func withImage<R>(_ index: Int, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try base.withImage(indices[index], body)
    }

    /// `count` images of `base` chosen by a seeded shuffle as a validation split, and the rest:
    /// the held-out split the paper's plateau rule watches (the reported set is never used).
    public static func holdingOut(_ count: Int, of base: any LabelledImages, seed: UInt64) -> (train: ImageSubset, validation: ImageSubset) {
        let (train, validation) = heldOutPositions(count, of: base.count, seed: seed)
        return (ImageSubset(base, indices: train), ImageSubset(base, indices: validation))
    }

    /// The positions of a seeded hold-out: `count` of 0..<total by a seeded shuffle as the
    /// validation split, the rest for training, each in ascending order (also what
    /// ``Dataset/holdingOutValidation(_:seed:)`` cuts in memory).
    public static func heldOutPositions(_ count: Int, of total: Int, seed: UInt64) -> (train: [Int], validation: [Int]) {
        precondition(count >= 0 && count < total, "holdingOut: \(count) of \(total) images")
        var order = Array(0..<total)
        var g = RandomGenerator(seed: seed)
        order.shuffle(using: &g)
        return (Array(order[count...]).sorted(), Array(order[..<count]).sorted())
    }
}
