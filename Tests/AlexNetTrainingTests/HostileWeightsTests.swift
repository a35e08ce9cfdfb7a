import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import TestSupport

/// What an exported weights file says about its network (`alexnet predict --weights`) is checked
/// against the file before anything is built from it: a hostile specification, mean image, class
/// list or scale is one clear error, never a trap or an allocation beyond the file's own size.
@Suite struct HostileWeightsTests {
    /// A valid export of the tiny network, then `edit` applied to its tensors and metadata.
    static func refusal(_ edit: (inout [(name: String, value: Tensor<Float>)], inout [String: String]) throws -> Void) throws -> String {
        let configuration = tinyAlexNetConfiguration()
        let network = try AlexNetModel<Float>(configuration)
        let data = syntheticDataset(count: 8)
        let checkpoint = Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(configuration),
                                    normalization: .meanImage(of: data.train), state: TrainingState(schedule: .constant(0.01)),
                                    metadata: ["classes": "red\ngreen\nblue"])
        let valid = try Safetensors(checkpoint: checkpoint, network: network)
        #expect(throws: Never.self) { try valid.exportedNetwork(path: "valid.safetensors") }
        var (tensors, metadata) = (valid.tensors, valid.metadata)
        try edit(&tensors, &metadata)
        let file = try Safetensors(decoding: try Safetensors(tensors: tensors, metadata: metadata).encoded())
        let error = try #require(throws: (any Error).self) { try file.exportedNetwork(path: "hostile.safetensors") }
        return "\(error)"
    }

    static func specification(_ change: (inout AlexNetConfiguration) -> Void) throws -> String {
        var c = tinyAlexNetConfiguration()
        change(&c)
        return String(decoding: try JSONEncoder().encode(ModelSpecification.alexNet(c)), as: UTF8.self)
    }

    @Test func hostileMetadataIsRefusedByWhatItSays() throws {
        let stride = try Self.refusal { _, m in m["alexnet.specification"] = try Self.specification { $0.convolutions[0].stride = 0 } }
        #expect(stride.contains("conv1.stride is 0, outside 1..."), "\(stride)")
        let huge = try Self.refusal { _, m in m["alexnet.specification"] = try Self.specification { $0.hiddenWidths = [1 << 20, 1 << 20] } }
        #expect(huge.contains("more than the") && huge.contains("numbers its file holds"), "\(huge)")
        let kernel = try Self.refusal { _, m in m["alexnet.specification"] = try Self.specification { $0.convolutions[1].kernelSize = 1 << 40 } }
        #expect(kernel.contains("conv2.kernelSize"), "\(kernel)")
        let size = try Self.refusal { _, m in m["alexnet.specification"] = try Self.specification { $0.inputSize = 17 } }
        #expect(size.contains("the mean image is [3, 15, 15], the network's input [3, 17, 17]"), "\(size)")
        let names = try Self.refusal { _, m in m["alexnet.classes"] = "red\ngreen" }
        #expect(names.contains("2 class names for a network of 3 classes"), "\(names)")
        let scale = try Self.refusal { _, m in m["alexnet.normalization.scale"] = "nan" }
        #expect(scale.contains("normalisation scale is nan"), "\(scale)")
        let mean = try Self.refusal { t, _ in
            let i = t.firstIndex { $0.name == "alexnet.normalization.mean" }!
            t[i].value = Tensor(shape: [3, 1_000, 15], repeating: 0)
        }
        #expect(mean.contains("the mean image is [3, 1000, 15]"), "\(mean)")
    }
}
