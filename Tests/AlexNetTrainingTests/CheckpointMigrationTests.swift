import Foundation
import Testing
import AlexNet
import AlexNetTraining
import TestSupport

/// Checkpoint format version 1 kept each convolution as one tensor per tower; version 2 keeps the
/// layer's one weight. The fixtures were written by the code of version 1: `version1.alexnet`
/// (a tiny two-tower net after 3 steps, `alexnet train --width-scale 0.05 --hidden-width 16
/// --limit-train 600 --limit-test 100 --validation 100 --batch 50 --epochs 2 --stop-after-steps 3
/// --seed 3`) and `version1-weights.safetensors`, its weights as that code's `alexnet
/// export-weights` joined the towers.
@Suite struct CheckpointMigrationTests {
    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
    }

    @Test func aVersion1CheckpointIsReadInTheCurrentLayout() throws {
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: try Self.fixture("version1.alexnet"))))
        #expect(bytes[8] == 1)                                        // the format version, as written
        let checkpoint = try Checkpoint(decoding: bytes)
        let exported = try Safetensors.read(from: try Self.fixture("version1-weights.safetensors"))
        let network = try checkpoint.specification.build(Float.self)
        #expect(checkpoint.parameters.map(\.name) == network.parameters.map(\.name))
        #expect(checkpoint.parameters.map(\.name).prefix(4) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"])
        for (name, value) in checkpoint.parameters {
            #expect(exported[name] == value, "\(name): the joined towers differ from what the old export wrote")
        }
        #expect(checkpoint.velocities.map(\.shape) == checkpoint.parameters.map(\.value.shape))
        #expect(checkpoint.velocities.contains { $0.scalars.contains { $0 != 0 } })  // three steps of momentum came along
        let sgd = SGD(parameters: network.parameters)
        try checkpoint.restore(into: network, optimizer: sgd)
        // Written again, it is version 2 and reads back the same.
        let again = try checkpoint.encoded()
        #expect(again[8] == UInt8(Checkpoint.version) && Checkpoint.version == 2)
        #expect(try Checkpoint(decoding: again) == checkpoint)
    }

    /// Tower blocks that cannot be joined (another kernel shape in one of them) are an error that
    /// names the layer, not a checkpoint silently misread.
    @Test func towersThatDoNotJoinAreRefused() throws {
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: try Self.fixture("version1.alexnet"))))
        var checkpoint = try Checkpoint(decoding: bytes)
        // Make a version 1 file whose conv2 towers disagree: split conv2 by hand, with a bad second block.
        let conv2 = checkpoint.parameters[2].value
        let half = conv2.shape[0] / 2
        checkpoint.parameters.replaceSubrange(2...3, with: [
            ("conv2.tower1.weight", conv2.rows(0..<half)),
            ("conv2.tower1.bias", checkpoint.parameters[3].value.rows(0..<half)),
            ("conv2.tower2.weight", Tensor(shape: [half, 1, 5, 5], repeating: 0)),
            ("conv2.tower2.bias", checkpoint.parameters[3].value.rows(half..<(2 * half))),
        ])
        checkpoint.velocities.replaceSubrange(2...3, with: checkpoint.parameters[2...5].map { Tensor(shape: $0.value.shape) })
        var version1 = try checkpoint.encoded()
        version1[8] = 1
        let crcAt = version1.count - 4
        let crc = Checkpoint.crc32(Array(version1[20..<crcAt]))
        withUnsafeBytes(of: crc.littleEndian) { version1.replaceSubrange(crcAt..<(crcAt + 4), with: $0) }
        let error = try #require(throws: CheckpointError.self) { try Checkpoint(decoding: version1) }
        #expect(error.description.contains("conv2.weight") && error.description.contains("do not join"), "\(error)")
    }
}
