import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import TestSupport

/// Checkpoints made on purpose: well formed, checksum recomputed, but with hostile numbers inside.
/// Each is refused with one clear error before anything is allocated for what it claims (before,
/// a count near 2³² reserved terabytes, and a dimension past 2⁶³ trapped).
@Suite struct HostileCheckpointTests {
    static func refusal(_ tail: HostileCheckpointTail) throws -> String {
        let bytes = try hostileCheckpoint(tail)
        let error = try #require(throws: CheckpointError.self) { try Checkpoint(decoding: bytes, path: "hostile.alexnet") }
        return error.description
    }

    @Test func countsTheBytesCannotHoldAreRefused() throws {
        let parameters = try Self.refusal(.parameterCount(0xFFFF_FFFF))
        #expect(parameters.contains("hostile.alexnet") && parameters.contains("4294967295 parameters, more than the"), "\(parameters)")
        let generators = try Self.refusal(.generatorCount(0xFFFF_FFF0))
        #expect(generators.contains("4294967280 dropout generators"), "\(generators)")
    }

    @Test func dimensionsPastTheFileOrWhoseProductOverflowsAreRefused() throws {
        let huge = try Self.refusal(.tensorShape([UInt64.max]))
        #expect(huge.contains("a tensor dimension of 18446744073709551615, larger than the file"), "\(huge)")
        let product = try Self.refusal(.tensorShape([1, 1 << 20, 1 << 20, 1 << 20]))
        #expect(product.contains("larger than the file") || product.contains("overflows"), "\(product)")
        let wide = try Self.refusal(.tensorShape([UInt64(Int.max), 2]))
        #expect(wide.contains("larger than the file"), "\(wide)")
    }
}
