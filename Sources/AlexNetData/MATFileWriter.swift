/// Writes level-5 MAT-files (``MATFile``), uncompressed: the devkit's `meta.mat` for chapter 10's
/// stand-in of ILSVRC's archives. Numbers are written as doubles and text as 16-bit characters,
/// as MATLAB writes them; a struct array's fields are named in slots of 32 bytes.
extension MATFile {
    /// A file holding `variables` (name and value), in the order given.
    public static func encode(_ variables: [(name: String, value: Value)]) -> [UInt8] {
        var bytes = Array("MATLAB 5.0 MAT-file, written by AlexNet-in-Swift".utf8)
        bytes += [UInt8](repeating: 0x20, count: 116 - bytes.count)
        bytes += [UInt8](repeating: 0, count: 8)                 // no subsystem data
        bytes += [0x00, 0x01, UInt8(ascii: "I"), UInt8(ascii: "M")]
        for (name, value) in variables { bytes += matrix(name, value) }
        return bytes
    }

    static func word(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// One element: its tag and data, padded to 8 bytes.
    static func element(_ type: ElementType, _ data: [UInt8]) -> [UInt8] {
        word(type.rawValue) + word(UInt32(data.count)) + data + [UInt8](repeating: 0, count: (8 - data.count % 8) % 8)
    }

    static func matrix(_ name: String, _ value: Value) -> [UInt8] {
        func header(_ arrayClass: UInt32, _ dimensions: [Int]) -> [UInt8] {
            element(.uint32, word(arrayClass) + word(0)) + element(.int32, dimensions.flatMap { word(UInt32($0)) }) + element(.int8, Array(name.utf8))
        }
        var body: [UInt8]
        switch value {
        case .numeric(let dimensions, let values):
            body = header(6, dimensions) + element(.double, values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } })
        case .text(_, let text):
            let units = Array(text.utf16)
            body = header(4, [1, units.count]) + element(.uint16, units.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
        case .cell(let dimensions, let cells):
            body = header(1, dimensions) + cells.flatMap { matrix("", $0) }
        case .structure(let dimensions, let fields, let elements):
            body = header(2, dimensions)
            body += word(UInt32(4) << 16 | ElementType.int32.rawValue) + word(32)     // a small element: slots of 32 bytes
            body += element(.int8, fields.flatMap { Array($0.utf8.prefix(31)) + [UInt8](repeating: 0, count: 32 - min(31, $0.utf8.count)) })
            for e in elements {
                for field in fields { body += matrix("", e[field] ?? .numeric(dimensions: [0, 0], values: [])) }
            }
        }
        return element(.matrix, body)
    }
}
