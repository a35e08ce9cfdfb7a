import Foundation
import Testing
import AlexNet
import AlexNetData
@testable import AlexNetTraining
import TestSupport

/// Checkpoints made on purpose: well formed, checksum recomputed, but with hostile numbers inside.
/// Each is refused with one clear error before anything is allocated for what it claims (before,
/// a count near 2³² reserved terabytes, and a dimension past 2⁶³ trapped).
@Suite struct HostileCheckpointTests {
    /// The payload of a real checkpoint up to its parameter count, then `rest`.
    static func payload(_ rest: (inout BinaryWriter) -> Void) throws -> BinaryWriter {
        let network = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let data = syntheticDataset(count: 8)
        let checkpoint = Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(tinyAlexNetConfiguration()),
                                    normalization: .meanImage(of: data.train), state: TrainingState(schedule: .constant(0.01)))
        var w = BinaryWriter()
        let json = JSONEncoder()
        json.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        w.string(String(decoding: try json.encode(checkpoint.specification), as: UTF8.self))
        w.string("{}")
        w.string(String(decoding: try json.encode(checkpoint.state), as: UTF8.self))
        w.float(checkpoint.normalization.scale)
        w.tensor(checkpoint.normalization.mean)
        rest(&w)
        return w
    }

    static func refusal(_ rest: (inout BinaryWriter) -> Void) throws -> String {
        let bytes = Checkpoint.file(payload: try payload(rest).bytes)
        let error = try #require(throws: CheckpointError.self) { try Checkpoint(decoding: bytes, path: "hostile.alexnet") }
        return error.description
    }

    @Test func countsTheBytesCannotHoldAreRefused() throws {
        let parameters = try Self.refusal { $0.uint32(0xFFFF_FFFF) }
        #expect(parameters.contains("hostile.alexnet") && parameters.contains("4294967295 parameters, more than the"), "\(parameters)")
        let generators = try Self.refusal { w in
            w.uint32(0)                       // no parameters, then a generator count near 2³²
            w.uint32(0xFFFF_FFF0)
        }
        #expect(generators.contains("4294967280 dropout generators"), "\(generators)")
    }

    @Test func dimensionsPastTheFileOrWhoseProductOverflowsAreRefused() throws {
        func tensorHeader(_ shape: [UInt64]) -> (inout BinaryWriter) -> Void {
            { w in
                w.uint32(1)
                w.string("conv1.weight")
                w.uint32(UInt32(shape.count))
                for d in shape { w.uint64(d) }
            }
        }
        let huge = try Self.refusal(tensorHeader([UInt64.max]))
        #expect(huge.contains("a tensor dimension of 18446744073709551615, larger than the file"), "\(huge)")
        let product = try Self.refusal(tensorHeader([1, 1 << 20, 1 << 20, 1 << 20]))
        #expect(product.contains("larger than the file") || product.contains("overflows"), "\(product)")
        let wide = try Self.refusal(tensorHeader([UInt64(Int.max), 2]))
        #expect(wide.contains("larger than the file"), "\(wide)")
    }
}
