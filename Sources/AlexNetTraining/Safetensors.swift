import Foundation
import AlexNetData
import AlexNet

/// Named tensors in Hugging Face's safetensors format: the way trained weights leave and enter
/// the project (our own ``Checkpoint`` stays the format for the state of a training run).
///
/// **The format.** All integers little-endian:
///
///     N                      UInt64: the length of the header in bytes
///     header                 N bytes of UTF-8 JSON, one object:
///                              "__metadata__": {"key": "value", …}     optional, strings only
///                              "<name>": {"dtype": "F32", "shape": [d0, d1, …],
///                                         "data_offsets": [begin, end]}  for each tensor
///     data                   the tensors' bytes, row-major, each at [begin, end) of this part
///
/// **Untrusted bytes.** A file may come from anywhere, so reading checks every number before it
/// is used: the header's length against the file (and against 100 MB), the JSON's shape, each
/// dtype, each shape's element count and byte count without overflow, each range against the
/// data and against its dtype and shape, and the ranges against each other — they may neither
/// overlap nor leave a byte of the data unaccounted for. Any failure is a ``SafetensorsError``
/// that says which tensor and what is wrong; nothing is read out of bounds.
///
/// F32 is read as it is; F64, F16 and BF16 are converted to Float. Writing uses F32, names in the
/// given order, the header padded with spaces to a multiple of 8 bytes.
public struct Safetensors: Sendable, Equatable {
    public var tensors: [(name: String, value: Tensor<Float>)]
    public var metadata: [String: String]

    /// The longest header read: a guard against a hostile length (the reference implementation's too).
    public static let maximumHeaderBytes = 100_000_000

    public init(tensors: [(name: String, value: Tensor<Float>)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public static func == (a: Safetensors, b: Safetensors) -> Bool {
        a.metadata == b.metadata && a.tensors.count == b.tensors.count
            && zip(a.tensors, b.tensors).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The tensor called `name`, if there is one.
    public subscript(name: String) -> Tensor<Float>? { tensors.first { $0.name == name }?.value }

    // MARK: Writing

    public func encoded() throws -> [UInt8] {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard !name.isEmpty, name != "__metadata__", seen.insert(name).inserted else {
                throw SafetensorsError.badHeader(path: "(writing)", problem: "the tensor name \"\(name)\" is empty, reserved or repeated")
            }
        }
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(Self.json($0.key)):\(Self.json($0.value))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, value) in tensors {
            let end = offset + value.count * 4
            entries.append("\(Self.json(name)):{\"dtype\":\"F32\",\"shape\":[\(value.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for (_, value) in tensors {
            for x in value.scalars { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    /// Writes atomically (``writeAtomically(_:to:)``).
    public func write(to path: String) throws {
        let bytes = try encoded()
        do {
            try writeAtomically(bytes, to: path)
        } catch let error as AtomicWriteError {
            throw SafetensorsError.cannotWrite(path: path, problem: error.problem)
        }
    }

    /// A JSON string literal.
    static func json(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: Reading

    public static func read(from path: String) throws -> Safetensors {
        guard let data = FileManager.default.contents(atPath: path) else { throw SafetensorsError.cannotRead(path: path) }
        return try Safetensors(decoding: [UInt8](data), path: path)
    }

    /// One tensor's entry in the header, checked on its own.
    struct Entry {
        var name: String, dtype: DType, shape: [Int], begin: Int, end: Int
    }

    enum DType: String {
        case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16"
        var size: Int { switch self { case .f32: 4; case .f64: 8; case .f16, .bf16: 2 } }
    }

    public init(decoding bytes: [UInt8], path: String = "safetensors") throws {
        func bad(_ problem: String) -> SafetensorsError { .badHeader(path: path, problem: problem) }
        guard bytes.count >= 8 else { throw SafetensorsError.truncated(path: path, problem: "\(bytes.count) bytes, fewer than the 8 of the header's length") }
        let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(Self.maximumHeaderBytes) else { throw bad("a header of \(length) bytes (at most \(Self.maximumHeaderBytes) are read)") }
        guard 8 + Int(length) <= bytes.count else {
            throw SafetensorsError.truncated(path: path, problem: "the header is said to be \(length) bytes, but only \(bytes.count - 8) follow")
        }
        let headerBytes = bytes[8..<(8 + Int(length))]
        guard headerBytes.first == UInt8(ascii: "{") else { throw bad("the header does not start with '{'") }
        let header: JSONValue
        do {
            header = try JSONValue.parse(headerBytes)
        } catch let error as JSONValue.ParseError {
            throw bad("the header is not JSON (\(error.problem) at byte \(8 + error.offset))")
        }
        guard case .object(let members) = header else { throw bad("the header is not a JSON object") }
        let dataCount = bytes.count - 8 - Int(length)

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw bad("__metadata__ is not an object") }
                for (k, v) in pairs {
                    guard case .string(let text) = v else { throw bad("__metadata__[\"\(k)\"] is not a string") }
                    metadata[k] = text
                }
                continue
            }
            entries.append(try Self.entry(name, value, dataCount: dataCount, bad: bad))
        }
        // The ranges, in file order, must tile the data exactly.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for e in entries {
            guard e.begin >= covered else { throw SafetensorsError.badData(path: path, problem: "\(e.name)'s bytes [\(e.begin), \(e.end)) overlap the tensor before it (which ends at \(covered))") }
            guard e.begin == covered else { throw SafetensorsError.badData(path: path, problem: "bytes [\(covered), \(e.begin)) of the data belong to no tensor") }
            covered = e.end
        }
        guard covered == dataCount else {
            throw SafetensorsError.badData(path: path, problem: "the tensors account for \(covered) bytes of data, the file has \(dataCount)")
        }
        let base = 8 + Int(length)
        self.tensors = entries.map { e in (e.name, Self.tensor(e, bytes, base: base)) }
        self.metadata = metadata
    }

    /// Checks one tensor's entry: its fields, dtype, shape and range.
    static func entry(_ name: String, _ value: JSONValue, dataCount: Int, bad: (String) -> SafetensorsError) throws -> Entry {
        guard !name.isEmpty else { throw bad("a tensor has an empty name") }
        guard case .object(let members) = value else { throw bad("\(name): not an object") }
        let fields = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard case .string(let dtypeName) = fields["dtype"] else { throw bad("\(name): no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw bad("\(name): dtype \(dtypeName); weights are read from F32, F64, F16 or BF16")
        }
        guard case .array(let rawShape) = fields["shape"], case let shape = rawShape.compactMap(\.wholeNumber), shape.count == rawShape.count else {
            throw bad("\(name): the shape is not a list of whole numbers ≥ 0")
        }
        guard case .array(let rawOffsets) = fields["data_offsets"], rawOffsets.count == 2,
              let begin = rawOffsets[0].wholeNumber, let end = rawOffsets[1].wholeNumber else {
            throw bad("\(name): data_offsets is not two whole numbers ≥ 0")
        }
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("\(name): the shape \(shape) holds more elements than can be counted") }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow else { throw bad("\(name): the shape \(shape) holds more bytes than can be counted") }
        guard begin <= end, end <= dataCount else {
            throw bad("\(name): data_offsets [\(begin), \(end)) lie outside the \(dataCount) bytes of data")
        }
        guard end - begin == byteCount else {
            throw bad("\(name): \(end - begin) bytes for shape \(shape) of \(dtypeName), which needs \(byteCount)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The entry's elements as Float.
    static func tensor(_ e: Entry, _ bytes: [UInt8], base: Int) -> Tensor<Float> {
        let count = (e.end - e.begin) / e.dtype.size
        var scalars = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { b in
            let p = b.baseAddress! + base + e.begin
            func word<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                var v: T = 0
                for k in 0..<MemoryLayout<T>.size { v |= T(p[i * MemoryLayout<T>.size + k]) << (8 * k) }
                return v
            }
            for i in 0..<count {
                switch e.dtype {
                case .f32: scalars[i] = Float(bitPattern: word(UInt32.self, i))
                case .f64: scalars[i] = Float(Double(bitPattern: word(UInt64.self, i)))
                case .f16: scalars[i] = Float(Float16(bitPattern: word(UInt16.self, i)))
                case .bf16: scalars[i] = Float(bitPattern: UInt32(word(UInt16.self, i)) << 16)
                }
            }
        }
        return Tensor(shape: e.shape, scalars: scalars)
    }
}

/// A safetensors file that cannot be read or written, with the reason.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case cannotRead(path: String)
    /// Fewer bytes than the header's length promises.
    case truncated(path: String, problem: String)
    /// The header is not what the format says: its length, JSON, fields, dtypes, shapes, ranges.
    case badHeader(path: String, problem: String)
    /// The tensors' ranges overlap or leave bytes unaccounted for.
    case badData(path: String, problem: String)
    case cannotWrite(path: String, problem: String)
    /// The weights do not fit the network they are loaded into.
    case doesNotFit(String)

    public var description: String {
        switch self {
        case .cannotRead(let path): "\(path): no such file, or it cannot be read"
        case .truncated(let path, let problem): "\(path): truncated: \(problem)"
        case .badHeader(let path, let problem): "\(path): not a valid safetensors header: \(problem)"
        case .badData(let path, let problem): "\(path): inconsistent tensor data: \(problem)"
        case .cannotWrite(let path, let problem): "\(path): \(problem)"
        case .doesNotFit(let reason): reason
        }
    }
}
