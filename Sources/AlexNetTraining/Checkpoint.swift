import CZlib
import Foundation
import AlexNet
import AlexNetData

/// Everything needed to resume training exactly, or to evaluate a trained network.
///
/// **File format, version 2** (all integers little-endian):
///
///     "ALEXNETC"                 8 bytes, the magic
///     version                    UInt32 = 2
///     payload length             UInt64
///     payload:
///       specification            string: JSON of ``ModelSpecification``
///       metadata                 string: JSON object of strings (data set, seed, …)
///       state                    string: JSON of ``TrainingState``
///       normalization scale      Float32, then the mean image as a tensor
///       parameter count P        UInt32
///       P parameters             string name, tensor value
///       P velocities             tensor each (SGD momentum buffers)
///       generator count G        UInt32, then G × 4 UInt64 (dropout mask generators)
///     CRC-32 of the payload      UInt32 (zlib's crc32)
///
/// A string is a UInt32 byte count and UTF-8 bytes; a tensor is a UInt32 rank, one UInt64 per
/// dimension and the Float32 elements in row-major order.
///
/// **Version 1** had the same bytes but kept a convolution split over towers as one tensor per
/// tower (`conv2.tower1.weight`, …); it is read and migrated to version 2 as it is decoded
/// (``migratedFromVersion1(_:_:)``), so a run checkpointed before the change resumes.
///
/// Writing is atomic: the bytes go to a temporary file in the same directory, which is flushed
/// to disk and then renamed over the old checkpoint, so a crash at any moment leaves either the
/// old or the new checkpoint intact, never a mixture.
public struct Checkpoint: Sendable, Equatable {
    public static let magic = Array("ALEXNETC".utf8)
    public static let version: UInt32 = 2

    public var specification: ModelSpecification
    public var metadata: [String: String]
    public var state: TrainingState
    public var normalization: Normalization
    public var parameters: [(name: String, value: Tensor<Float>)]
    public var velocities: [Tensor<Float>]
    public var generators: [RandomGenerator]

    public init(specification: ModelSpecification, metadata: [String: String], state: TrainingState,
                normalization: Normalization, parameters: [(name: String, value: Tensor<Float>)],
                velocities: [Tensor<Float>], generators: [RandomGenerator]) {
        self.specification = specification
        self.metadata = metadata
        self.state = state
        self.normalization = normalization
        self.parameters = parameters
        self.velocities = velocities
        self.generators = generators
    }

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.specification == b.specification && a.metadata == b.metadata && a.state == b.state
            && a.normalization == b.normalization && a.velocities == b.velocities && a.generators == b.generators
            && a.parameters.map(\.name) == b.parameters.map(\.name) && a.parameters.map(\.value) == b.parameters.map(\.value)
    }

    // MARK: Capturing and restoring a network

    /// The current weights, momentum and dropout generators of `network`.
    public init(network: any Network<Float>, optimizer: SGD<Float>, specification: ModelSpecification,
                normalization: Normalization, state: TrainingState, metadata: [String: String] = [:]) {
        self.init(specification: specification, metadata: metadata, state: state, normalization: normalization,
                  parameters: network.parameters.map { ($0.name, $0.value) }, velocities: optimizer.velocities,
                  generators: network.dropoutLayers.map(\.generator))
    }

    /// Copies the checkpoint's weights, momentum and generators into `network` and `optimizer`,
    /// after checking that every parameter's name and shape match.
    public func restore(into network: any Network<Float>, optimizer: SGD<Float>? = nil) throws {
        let targets = network.parameters
        guard targets.count == parameters.count else {
            throw CheckpointError.doesNotFit("the checkpoint has \(parameters.count) parameter tensors, the network \(targets.count)")
        }
        for (p, saved) in zip(targets, parameters) where p.name != saved.name || p.value.shape != saved.value.shape {
            throw CheckpointError.doesNotFit("parameter \(saved.name) \(saved.value.shape) does not fit the network's \(p.name) \(p.value.shape)")
        }
        for (p, saved) in zip(targets, parameters) { p.value = saved.value }
        if let optimizer {
            guard velocities.count == targets.count else { throw CheckpointError.doesNotFit("the checkpoint has no momentum for every parameter") }
            optimizer.velocities = velocities
        }
        let dropouts = network.dropoutLayers
        guard dropouts.count == generators.count else {
            throw CheckpointError.doesNotFit("the checkpoint has \(generators.count) dropout generators, the network \(dropouts.count) dropout layers")
        }
        for (layer, g) in zip(dropouts, generators) { layer.generator = g }
    }

    // MARK: Bytes

    public func encoded() throws -> [UInt8] {
        guard normalization.channelScales == nil else {
            throw CheckpointError.doesNotFit("a checkpoint stores one normalisation scale, not one per channel (torchvision's preprocessing)")
        }
        var payload = BinaryWriter()
        let json = JSONEncoder()
        json.outputFormatting = [.sortedKeys]
        json.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        payload.string(String(decoding: try json.encode(specification), as: UTF8.self))
        payload.string(String(decoding: try json.encode(metadata), as: UTF8.self))
        payload.string(String(decoding: try json.encode(state), as: UTF8.self))
        payload.float(normalization.scale)
        payload.tensor(normalization.mean)
        payload.uint32(UInt32(parameters.count))
        for p in parameters { payload.string(p.name); payload.tensor(p.value) }
        for v in velocities { payload.tensor(v) }
        payload.uint32(UInt32(generators.count))
        for g in generators { for word in [g.state.0, g.state.1, g.state.2, g.state.3] { payload.uint64(word) } }

        return Self.file(payload: payload.bytes)
    }

    /// The magic, the version, the payload's length, the payload and its CRC-32: a file around `payload`.
    static func file(payload: [UInt8]) -> [UInt8] {
        var file = BinaryWriter()
        file.bytes += Self.magic
        file.uint32(Self.version)
        file.uint64(UInt64(payload.count))
        file.bytes += payload
        file.uint32(Self.crc32(payload))
        return file.bytes
    }

    public init(decoding bytes: [UInt8], path: String = "checkpoint") throws {
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else { throw CheckpointError.notACheckpoint(path: path) }
        var header = BinaryReader(bytes: bytes, offset: 8)
        let version = try header.uint32()
        guard version == Self.version || version == 1 else {
            throw CheckpointError.unsupportedVersion(path: path, version: version, supported: Self.version)
        }
        let declared = try header.uint64()                   // the payload's length, as the header says
        guard declared <= UInt64(bytes.count), bytes.count == 20 + Int(declared) + 4 else {
            throw CheckpointError.truncated(path: path, bytes: bytes.count,
                                            expected: declared > UInt64(Int.max - 24) ? Int.max : 20 + Int(declared) + 4)
        }
        let length = Int(declared)
        let payload = Array(bytes[20..<(20 + length)])
        var trailer = BinaryReader(bytes: bytes, offset: 20 + length)
        guard try trailer.uint32() == Self.crc32(payload) else { throw CheckpointError.checksumMismatch(path: path) }
        var r = BinaryReader(bytes: payload, offset: 0)
        let json = JSONDecoder()
        json.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            specification = try json.decode(ModelSpecification.self, from: Data(try r.string().utf8))
            metadata = try json.decode([String: String].self, from: Data(try r.string().utf8))
            state = try json.decode(TrainingState.self, from: Data(try r.string().utf8))
            let scale = try r.float()
            normalization = Normalization(mean: try r.tensor(), scale: scale)
            // Counts are checked against the bytes left before anything is reserved for them: each
            // parameter takes at least 20 bytes (an empty name, a rank-0 tensor and its velocity), a generator 32.
            let count = try r.count(atLeast: 20, each: "parameters")
            parameters = try (0..<count).map { _ in (try r.string(), try r.tensor()) }
            velocities = try (0..<count).map { _ in try r.tensor() }
            generators = try (0..<(try r.count(atLeast: 32, each: "dropout generators"))).map { _ in
                var g = RandomGenerator(seed: 0)
                g.state = (try r.uint64(), try r.uint64(), try r.uint64(), try r.uint64())
                return g
            }
            if version == 1 { (parameters, velocities) = try Self.migratedFromVersion1(parameters, velocities) }
        } catch BinaryReader.Failure.malformed(let problem) {
            throw CheckpointError.unreadableContents(path: path, problem: problem)
        } catch {
            throw CheckpointError.unreadableContents(path: path, problem: "\(error)")
        }
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    // MARK: Files

    /// Writes atomically (``writeAtomically(_:to:)``): a crash leaves the old checkpoint or the new.
    public func write(to path: String) throws {
        do {
            try writeAtomically(try encoded(), to: path)
        } catch let error as AtomicWriteError {
            throw CheckpointError.cannotWrite(path: path, problem: error.problem)
        }
    }

    public static func read(from path: String) throws -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.cannotRead(path: path)
        }
        return try Checkpoint(decoding: [UInt8](data), path: path)
    }
}

/// A checkpoint that cannot be read, written or used, with the reason.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist or cannot be read.
    case cannotRead(path: String)
    /// The file does not start with the checkpoint's magic bytes.
    case notACheckpoint(path: String)
    /// A format version this build does not read.
    case unsupportedVersion(path: String, version: UInt32, supported: UInt32)
    /// Fewer or more bytes than the header promises.
    case truncated(path: String, bytes: Int, expected: Int)
    /// The payload's CRC-32 does not match: the file is corrupt.
    case checksumMismatch(path: String)
    /// The payload's contents cannot be decoded.
    case unreadableContents(path: String, problem: String)
    /// The checkpoint cannot be written (created, written or renamed into place).
    case cannotWrite(path: String, problem: String)
    /// The checkpoint does not fit the network, data or options it is used with.
    case doesNotFit(String)

    public var description: String {
        switch self {
        case .cannotRead(let path): "\(path): no such checkpoint, or it cannot be read"
        case .notACheckpoint(let path): "\(path): not an AlexNet checkpoint (it does not start with \"ALEXNETC\")"
        case .unsupportedVersion(let path, let version, let supported):
            "\(path): checkpoint format version \(version); this build reads version \(supported) (and migrates version 1)"
        case .truncated(let path, let bytes, let expected):
            "\(path): truncated or padded: \(bytes) bytes where the header promises \(expected)"
        case .checksumMismatch(let path): "\(path): checksum mismatch: the file is corrupt"
        case .unreadableContents(let path, let problem): "\(path): unreadable contents (\(problem))"
        case .cannotWrite(let path, let problem): "\(path): \(problem)"
        case .doesNotFit(let reason): reason
        }
    }
}

/// Little-endian encoding of the checkpoint's fields.
struct BinaryWriter {
    var bytes: [UInt8] = []
    mutating func uint32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func float(_ v: Float) { uint32(v.bitPattern) }
    mutating func string(_ s: String) { let utf8 = Array(s.utf8); uint32(UInt32(utf8.count)); bytes += utf8 }
    mutating func tensor(_ t: Tensor<Float>) {
        uint32(UInt32(t.rank))
        for d in t.shape { uint64(UInt64(d)) }
        t.scalars.withUnsafeBytes { bytes += $0 }       // Float32, little-endian hosts only (x86-64, arm64)
    }
}

struct BinaryReader {
    let bytes: [UInt8]
    var offset: Int

    /// What the reader found wrong; the checkpoint's decoder adds the path.
    enum Failure: Error { case malformed(String) }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, offset + n <= bytes.count else { throw Failure.malformed("unexpected end of the payload") }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }
    mutating func uint32() throws -> UInt32 { try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    mutating func uint64() throws -> UInt64 { try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    mutating func float() throws -> Float { Float(bitPattern: try uint32()) }
    mutating func string() throws -> String { String(decoding: try take(Int(try uint32())), as: UTF8.self) }
    /// A UInt32 count of items of at least `bytes` bytes each, refused when the payload's remaining
    /// bytes cannot hold that many (a hostile count near 2³² would otherwise reserve terabytes).
    mutating func count(atLeast bytes: Int, each what: String) throws -> Int {
        let count = Int(try uint32())
        guard count <= (self.bytes.count - offset) / bytes else {
            throw Failure.malformed("\(count) \(what), more than the \(self.bytes.count - offset) bytes left could hold")
        }
        return count
    }

    /// A tensor whose every dimension, and their product, is checked against the bytes left before
    /// anything is allocated: no dimension past Int's range, no product that overflows.
    mutating func tensor() throws -> Tensor<Float> {
        let rank = Int(try uint32())
        guard rank <= 8 else { throw Failure.malformed("a tensor of rank \(rank)") }
        let left = (bytes.count - offset) / 4
        var shape: [Int] = [], count = 1
        for _ in 0..<rank {
            let extent = try uint64()
            guard extent <= UInt64(left) else { throw Failure.malformed("a tensor dimension of \(extent), larger than the file") }
            shape.append(Int(extent))
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(extent))
            guard !overflow else { throw Failure.malformed("a tensor of shape \(shape)…, whose size overflows") }
            count = product
        }
        guard count <= (bytes.count - offset) / 4 else { throw Failure.malformed("a tensor of shape \(shape), larger than the file") }
        let raw = try take(4 * count)
        var scalars = [Float](repeating: 0, count: count)
        scalars.withUnsafeMutableBytes { $0.copyBytes(from: raw) }     // little-endian hosts only (x86-64, arm64)
        return Tensor(shape: shape, scalars: scalars)
    }
}
