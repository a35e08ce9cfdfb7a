import CZlib
import Foundation

/// A reader of the parts of MATLAB's level-5 MAT-file format that ILSVRC's devkit uses: its
/// `meta.mat` holds one variable, `synsets`, a struct array whose fields (`ILSVRC2012_ID`, `WNID`,
/// `num_children`, `num_train_images`, …) are numbers and character arrays. That is the only
/// place the devkit states which WordNet id each ILSVRC id (the numbers of its validation ground
/// truth) stands for.
///
/// The format (MathWorks, "MAT-File Format", level 5): a 128-byte header (text, then the version
/// 0x0100 and the byte order "IM" for little-endian), then data elements. Each element is a tag —
/// type and byte count as two 32-bit words, or, when the count fits in 16 bits, both packed in one
/// word with up to 4 bytes of data after it — and its data, padded to 8 bytes. A variable is a
/// `miMATRIX` element holding sub-elements: array flags (the class), dimensions, name, then by
/// class the real part (numeric), the characters (char), one `miMATRIX` per cell (cell), or the
/// field names and one `miMATRIX` per field of each element in column-major order (struct). A
/// `miCOMPRESSED` element is a zlib stream of one element (MATLAB's default since version 7).
///
/// Every count is checked against the bytes that remain, so a damaged or hostile file is an
/// error, never a trap or a huge allocation. Sparse, object and function arrays are refused.
public enum MATFile {
    public indirect enum Value: Sendable, Equatable {
        case numeric(dimensions: [Int], values: [Double])
        case text(dimensions: [Int], String)
        case cell(dimensions: [Int], [Value])
        /// Elements in column-major order, each a dictionary of its fields.
        case structure(dimensions: [Int], fields: [String], elements: [[String: Value]])

        /// A number stored as a 1×1 array.
        public var number: Double? {
            if case .numeric(_, let values) = self, values.count == 1 { return values[0] }
            return nil
        }
        public var string: String? {
            if case .text(_, let s) = self { return s }
            return nil
        }
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String, problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// The variables of a level-5 MAT-file, by name.
    public static func read(_ bytes: [UInt8], path: String) throws -> [String: Value] {
        func fail(_ problem: String) -> Failure { Failure(path: path, problem: problem) }
        guard bytes.count >= 128 else { throw fail("too short for a MAT-file (\(bytes.count) bytes)") }
        if bytes[124] == 0x00 && bytes[125] == 0x02 {
            throw fail("a MAT-file of version 7.3 (HDF5), which this reader does not read; save it with -v7")
        }
        guard bytes[126] == UInt8(ascii: "I"), bytes[127] == UInt8(ascii: "M") else {
            throw fail(bytes[126] == UInt8(ascii: "M") && bytes[127] == UInt8(ascii: "I")
                       ? "a big-endian MAT-file, which this reader does not read" : "not a MAT-file of level 5 (no 'IM' at byte 126)")
        }
        var reader = Reader(bytes: bytes, position: 128, path: path)
        var variables: [String: Value] = [:]
        while reader.position < bytes.count {
            if let (name, value) = try reader.variable(depth: 0) { variables[name] = value }
        }
        return variables
    }

    /// Data element types (miINT8 = 1 … miUTF32 = 18).
    enum ElementType: UInt32 {
        case int8 = 1, uint8, int16, uint16, int32, uint32, single, double = 9, int64 = 12, uint64, matrix, compressed, utf8, utf16, utf32

        var width: Int {
            switch self {
            case .int8, .uint8, .utf8: 1
            case .int16, .uint16, .utf16: 2
            case .int32, .uint32, .single, .utf32: 4
            case .double, .int64, .uint64: 8
            case .matrix, .compressed: 1
            }
        }
    }

    struct Reader {
        var bytes: [UInt8]
        var position: Int
        let path: String

        func fail(_ problem: String) -> Failure { Failure(path: path, problem: "\(problem) (at byte \(position))") }

        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }

        /// The next element's type and data, the position moved past it and its padding.
        mutating func element() throws -> (type: ElementType, data: ArraySlice<UInt8>) {
            guard bytes.count - position >= 8 else { throw fail("the file ends inside an element's tag") }
            let first = word(position)
            let rawType: UInt32, count: Int, start: Int, next: Int
            if first >> 16 != 0 {                   // small element: type and count in one word
                (rawType, count, start) = (first & 0xFFFF, Int(first >> 16), position + 4)
                guard count <= 4 else { throw fail("a small element of \(count) bytes (at most 4)") }
                next = position + 8
            } else {
                (rawType, count, start) = (first, Int(word(position + 4)), position + 8)
                guard count <= bytes.count - start else { throw fail("an element claims \(count) bytes where \(bytes.count - start) remain") }
                let padded = rawType == ElementType.compressed.rawValue ? count : (count + 7) / 8 * 8
                next = min(bytes.count, start + padded)
            }
            guard let type = ElementType(rawValue: rawType) else { throw fail("an element of unknown type \(rawType)") }
            let data = bytes[start..<(start + count)]
            position = next
            return (type, data)
        }

        /// The next variable (a matrix or a compressed one); nil for an element that is neither.
        mutating func variable(depth: Int) throws -> (String, Value)? {
            let (type, data) = try element()
            switch type {
            case .matrix:
                var inner = Reader(bytes: Array(data), position: 0, path: path)
                return try inner.matrix(depth: depth)
            case .compressed:
                var inner = Reader(bytes: try MATFile.inflate(data, path: path), position: 0, path: path)
                return try inner.variable(depth: depth)
            default:
                return nil
            }
        }

        /// The sub-elements of a miMATRIX: its name and value.
        mutating func matrix(depth: Int) throws -> (String, Value) {
            guard depth < 32 else { throw fail("arrays nested more than 32 deep") }
            if bytes.isEmpty { return ("", .numeric(dimensions: [0, 0], values: [])) }     // an empty cell
            let (flagsType, flags) = try element()
            guard flagsType == .uint32, flags.count == 8 else { throw fail("an array without its flags") }
            let arrayClass = word(flags.startIndex) & 0xFF
            let (dimensionsType, dimensionData) = try element()
            guard dimensionsType == .int32, dimensionData.count >= 8, dimensionData.count % 4 == 0 else { throw fail("an array without its dimensions") }
            let dimensions = stride(from: dimensionData.startIndex, to: dimensionData.endIndex, by: 4).map { Int(Int32(bitPattern: word($0))) }
            guard dimensions.allSatisfy({ $0 >= 0 }) else { throw fail("negative dimensions \(dimensions)") }
            var count = 1
            for d in dimensions {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= bytes.count else { throw fail("dimensions \(dimensions) hold more elements than the array's bytes") }
                count = product
            }
            let (_, nameData) = try element()
            let name = String(decoding: nameData, as: UTF8.self)
            switch arrayClass {
            case 6...15:                        // double, single, int8 … uint64
                let (type, data) = try element()
                let values = try numbers(type, data)
                guard values.count == count else { throw fail("\(name): \(values.count) values for dimensions \(dimensions)") }
                return (name, .numeric(dimensions: dimensions, values: values))
            case 4:                             // char
                if count == 0 { return (name, .text(dimensions: dimensions, "")) }
                let (type, data) = try element()
                let text: String
                switch type {
                case .utf8, .int8, .uint8: text = String(decoding: data, as: UTF8.self)
                case .utf16, .uint16, .int16:
                    text = String(decoding: stride(from: data.startIndex, to: data.endIndex - 1, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }, as: UTF16.self)
                default: throw fail("\(name): characters of type \(type)")
                }
                // Column-major rows × columns; a row vector (the devkit's strings) reads as it is.
                let rows = dimensions.first ?? 1
                guard rows > 1 else { return (name, .text(dimensions: dimensions, text)) }
                let characters = Array(text), columns = characters.count / rows
                let lines = (0..<rows).map { r in String((0..<columns).map { characters[$0 * rows + r] }) }
                return (name, .text(dimensions: dimensions, lines.joined(separator: "\n")))
            case 1:                             // cell
                var cells: [Value] = []
                for _ in 0..<count {
                    guard let (_, value) = try variable(depth: depth + 1) else { throw fail("\(name): a cell that is not an array") }
                    cells.append(value)
                }
                return (name, .cell(dimensions: dimensions, cells))
            case 2:                             // struct
                let (lengthType, lengthData) = try element()
                guard lengthType == .int32, lengthData.count == 4 else { throw fail("\(name): a struct without its field-name length") }
                let length = Int(word(lengthData.startIndex))
                let (_, namesData) = try element()
                guard length > 0, namesData.count % length == 0 else { throw fail("\(name): field names of \(namesData.count) bytes in slots of \(length)") }
                let fields = stride(from: namesData.startIndex, to: namesData.endIndex, by: length).map { start in
                    String(decoding: namesData[start..<(start + length)].prefix { $0 != 0 }, as: UTF8.self)
                }
                var elements: [[String: Value]] = []
                for _ in 0..<count {
                    var element: [String: Value] = [:]
                    for field in fields {
                        guard let (_, value) = try variable(depth: depth + 1) else { throw fail("\(name).\(field): not an array") }
                        element[field] = value
                    }
                    elements.append(element)
                }
                return (name, .structure(dimensions: dimensions, fields: fields, elements: elements))
            default:
                throw fail("\(name): an array of class \(arrayClass) (sparse, object or function), which this reader does not read")
            }
        }

        func numbers(_ type: ElementType, _ data: ArraySlice<UInt8>) throws -> [Double] {
            guard data.count % type.width == 0 else { throw fail("\(data.count) bytes of \(type) values") }
            let s = data.startIndex
            func u64(_ at: Int) -> UInt64 { UInt64(word(at)) | UInt64(word(at + 4)) << 32 }
            return (0..<(data.count / type.width)).map { i in
                let at = s + i * type.width
                switch type {
                case .int8: return Double(Int8(bitPattern: data[at]))
                case .uint8, .utf8: return Double(data[at])
                case .int16: return Double(Int16(bitPattern: UInt16(data[at]) | UInt16(data[at + 1]) << 8))
                case .uint16, .utf16: return Double(UInt16(data[at]) | UInt16(data[at + 1]) << 8)
                case .int32: return Double(Int32(bitPattern: word(at)))
                case .uint32, .utf32: return Double(word(at))
                case .single: return Double(Float(bitPattern: word(at)))
                case .double: return Double(bitPattern: u64(at))
                case .int64: return Double(Int64(bitPattern: u64(at)))
                case .uint64: return Double(u64(at))
                case .matrix, .compressed: return .nan
                }
            }
        }
    }

    /// A zlib stream's bytes, at most 1 GiB of them.
    static func inflate(_ data: ArraySlice<UInt8>, path: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw Failure(path: path, problem: "zlib could not start") }
        defer { inflateEnd(&stream) }
        var input = Array(data), output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
                guard output.count <= 1 << 30 else { throw Failure(path: path, problem: "a compressed variable of more than 1 GiB") }
                if status == Z_STREAM_END { return output }
                guard status == Z_OK else { throw Failure(path: path, problem: "a compressed variable that does not inflate (zlib \(status))") }
                if stream.avail_in == 0 && stream.avail_out != 0 { throw Failure(path: path, problem: "a compressed variable cut short") }
            }
        }
    }
}
