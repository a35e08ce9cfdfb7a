import Foundation
import AlexNet
import AlexNetData
import AlexNetTraining

/// Files made on purpose, the way an attacker of a new user would: well formed, checksums right,
/// hostile numbers inside. Shared by the readers' tests and the tool's battery.

/// The zlib (and PNG) CRC-32, bit by bit: reflected, polynomial 0xEDB88320.
public func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
}

/// A PNG of a few dozen bytes whose header claims `width` × `height` RGB pixels and whose image
/// data is an empty zlib stream: the hostile file a reader must refuse before allocating what the
/// header says. The chunks' CRCs are right, so everything up to the image data reads.
public func hostilePNG(width: UInt32, height: UInt32) -> [UInt8] {
    func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }
    let header = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]     // 8 bits, RGB, no interlace
    let emptyZlibStream: [UInt8] = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", emptyZlibStream) + chunk("IEND", [])
}

/// A baseline JPEG of a 16×16 grey square whose frame header (SOF0) is rewritten to claim
/// `width` × `height` (at most 65,535 each, JPEG's own limit): its scan data is a 16×16 image's.
public func hostileJPEG(width: UInt16, height: UInt16) throws -> [UInt8] {
    var bytes = try JPEG.encode([UInt8](repeating: 128, count: 16 * 16 * 3), width: 16, height: 16)
    // The segments after SOI: FF, the marker, a big-endian length that counts itself, the body.
    var sof = 2
    while sof + 9 < bytes.count, bytes[sof] == 0xFF, bytes[sof + 1] != 0xC0 { sof += 2 + Int(bytes[sof + 2]) << 8 + Int(bytes[sof + 3]) }
    guard sof + 9 < bytes.count, bytes[sof + 1] == 0xC0 else { throw CocoaError(.fileReadCorruptFile) }
    // FF C0, length (2), precision (1), height (2), width (2), big-endian.
    (bytes[sof + 5], bytes[sof + 6]) = (UInt8(height >> 8), UInt8(height & 0xFF))
    (bytes[sof + 7], bytes[sof + 8]) = (UInt8(width >> 8), UInt8(width & 0xFF))
    return bytes
}

/// What follows the normalisation in a hostile checkpoint of the tiny network.
public enum HostileCheckpointTail: Sendable {
    /// A parameter count the file's bytes cannot hold.
    case parameterCount(UInt32)
    /// No parameters, then a count of dropout generators the bytes cannot hold.
    case generatorCount(UInt32)
    /// One parameter, conv1.weight, whose header claims this shape.
    case tensorShape([UInt64])
}

/// A checkpoint of ``tinyAlexNetConfiguration()`` that is well formed up to its normalisation,
/// followed by `tail`, its checksum recomputed: a reader must refuse it by what it says, before
/// allocating anything for it. Written field by field as an attacker would (the library's own
/// writer cannot write what it must refuse): the magic, the version, the payload's length, the
/// payload, its CRC-32; in the payload, strings and tensors as `Checkpoint` lays them out.
public func hostileCheckpoint(_ tail: HostileCheckpointTail) throws -> [UInt8] {
    let network = try AlexNetModel<Float>(tinyAlexNetConfiguration())
    let data = syntheticDataset(count: 8)
    let checkpoint = Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(tinyAlexNetConfiguration()),
                                normalization: .meanImage(of: data.train), state: TrainingState(schedule: .constant(0.01)),
                                metadata: ["classes": "red\ngreen\nblue"])
    var payload = LittleEndianBytes()
    let json = JSONEncoder()
    json.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    payload.string(String(decoding: try json.encode(checkpoint.specification), as: UTF8.self))
    payload.string(String(decoding: try json.encode(checkpoint.metadata), as: UTF8.self))
    payload.string(String(decoding: try json.encode(checkpoint.state), as: UTF8.self))
    payload.uint32(checkpoint.normalization.scale.bitPattern)
    let mean = checkpoint.normalization.mean
    payload.uint32(UInt32(mean.rank))
    for d in mean.shape { payload.uint64(UInt64(d)) }
    for v in mean.scalars { payload.uint32(v.bitPattern) }
    switch tail {
    case .parameterCount(let count):
        payload.uint32(count)
    case .generatorCount(let count):
        payload.uint32(0)
        payload.uint32(count)
    case .tensorShape(let shape):
        payload.uint32(1)
        payload.string("conv1.weight")
        payload.uint32(UInt32(shape.count))
        for d in shape { payload.uint64(d) }
    }
    var file = LittleEndianBytes(bytes: Checkpoint.magic)
    file.uint32(Checkpoint.version)
    file.uint64(UInt64(payload.bytes.count))
    file.bytes += payload.bytes
    file.uint32(Checkpoint.crc32(payload.bytes))
    return file.bytes
}

/// Little-endian fields, as the checkpoint format stores them.
private struct LittleEndianBytes {
    var bytes: [UInt8] = []
    mutating func uint32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { uint32(UInt32(s.utf8.count)); bytes += Array(s.utf8) }
}
