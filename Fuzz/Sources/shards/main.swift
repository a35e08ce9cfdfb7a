// libFuzzer on prepared ImageNet (index.json, a shard, the mean image), all from one input:
// 4 bytes (little-endian) giving the index's length, then index.json, then one byte s for the
// mean image's side (mean.f32 of 12·s² zero bytes, s ≤ 64), then train-00000.shard. Built and
// run by Scripts/fuzz.sh; the seed in Fuzz/Corpus/shards opens cleanly.
import AlexNetData
import Foundation
import FuzzDriver

fuzz { data, size in
    let input = bytes(data, size)
    guard input.count >= 5 else { return 0 }
    let length = min(Int(input[0]) | Int(input[1]) << 8 | Int(input[2]) << 16 | Int(input[3]) << 24, input.count - 4)
    let directory = NSTemporaryDirectory() + "alexnet-fuzz-shards-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: directory + "/index.json", contents: Data(input[4..<(4 + length)]))
    let rest = input[(4 + length)...]
    let side = Int(rest.first ?? 0) % 65
    FileManager.default.createFile(atPath: directory + "/mean.f32", contents: Data(count: 12 * side * side))
    FileManager.default.createFile(atPath: directory + "/train-00000.shard", contents: Data(rest.dropFirst()))
    if let shards = try? ImageNetShards(directory: directory) {
        for i in 0..<shards.train.count { _ = shards.train.withImage(i) { $0[shards.train.imageSize - 1] } }
    }
    return 0
}
