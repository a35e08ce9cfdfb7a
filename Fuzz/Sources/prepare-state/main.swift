// libFuzzer on the preparation's resume state (`prepare-state`), read the way `alexnet
// prepare-imagenet` resumes a killed run: a tree of six 12×12 JPEGs (two classes, shards of two
// images at size 8) is prepared as far as its first shard once, at start; each input is then a
// state for that tree less its last four bytes, the CRC-32, which the target appends (a mutated
// byte would otherwise fail the checksum and never reach the fields behind it), and the
// preparation resumes from it to the end. The state of the first shard, less its checksum, is
// written into the first corpus directory on the command line at start, so the seed always has
// the current format; Fuzz/Corpus/prepare-state keeps the states that found bugs (sums that
// overflowed the next shard's, found in about 27,000 runs before ImageNetPreparation.check).
// Built and run by Scripts/fuzz.sh.
import AlexNetData
import Foundation
import FuzzDriver

/// A preparation of the tree under the current directory into `output`, shards of two images at 8×8.
func preparation(into output: String) throws -> ImageNetPreparation {
    var p = ImageNetPreparation(layout: try ImageNetLayout.scan(root: "tree"), output: output)
    p.size = 8
    p.imagesPerShard = 2
    p.threads = 1
    return p
}

/// The tree, its first shard and its state after it, made in a directory of this process; the paths
/// in the state are relative to it, so every process's state is the same.
let corpus = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }.map { URL(fileURLWithPath: $0).path }
let home = NSTemporaryDirectory() + "alexnet-fuzz-prepare-state-\(getpid())"
let files = ["train/n01/a.JPEG", "train/n01/b.JPEG", "train/n02/c.JPEG", "train/n02/d.JPEG", "val/n01/e.JPEG", "val/n02/f.JPEG"]
try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
guard FileManager.default.changeCurrentDirectoryPath(home) else { fatalError("cannot enter \(home)") }
for (i, file) in files.enumerated() {
    try FileManager.default.createDirectory(atPath: "tree/" + (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let rgb = (0..<(12 * 12 * 3)).map { UInt8(truncatingIfNeeded: $0 * (i + 3)) }
    _ = FileManager.default.createFile(atPath: "tree/" + file, contents: Data(try JPEG.encode(rgb, width: 12, height: 12)))
}
var first = try preparation(into: "first")
first.stopAfterShards = 1
try first.run()
let firstShard = FileManager.default.contents(atPath: "first/train-00000.shard")!
let firstState = FileManager.default.contents(atPath: "first/prepare-state")!
if let corpus {
    _ = FileManager.default.createFile(atPath: corpus + "/first-shard.state", contents: firstState.dropLast(4))
}

/// The zlib CRC-32 (reflected, 0xEDB88320), bit by bit.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

fuzz { data, size in
    var state = bytes(data, size)
    withUnsafeBytes(of: crc32(state).littleEndian) { state += $0 }
    try? FileManager.default.removeItem(atPath: "resumed")
    try? FileManager.default.createDirectory(atPath: "resumed", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: "resumed/train-00000.shard", contents: firstShard)
    _ = FileManager.default.createFile(atPath: "resumed/prepare-state", contents: Data(state))
    _ = try? preparation(into: "resumed").run()
    return 0
}
