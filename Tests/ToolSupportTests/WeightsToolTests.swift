import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import TestSupport

/// `alexnet export-weights` and `import-weights`: a checkpoint's weights out as safetensors under
/// PyTorch's names, changed, and back into a checkpoint; weights that do not fit are refused.
@Suite struct WeightsToolTests {
    @Test func exportChangeImport() throws {
        let directory = try temporaryDirectory()
        let configuration = tinyAlexNetConfiguration()
        let network = try AlexNetModel<Float>(configuration)
        let data = syntheticDataset(count: 8)
        let checkpoint = Checkpoint(network: network, optimizer: SGD(parameters: network.parameters),
                                    specification: .alexNet(configuration), normalization: .meanImage(of: data.train),
                                    state: TrainingState(schedule: .constant(0.01)), metadata: ["classes": "r\ng\nb"])
        try checkpoint.write(to: directory + "/a.alexnet")

        let export = try runExecutable("alexnet", ["export-weights", "--checkpoint", directory + "/a.alexnet", "--out", directory + "/w.safetensors"])
        #expect(export.status == 0, "\(export.errors)")
        var weights = try Safetensors.read(from: directory + "/w.safetensors")
        #expect(weights.tensors.map(\.name) == StateDict.tensors(of: network).map(\.name) + ["alexnet.normalization.mean"])
        #expect(zip(weights.tensors, StateDict.tensors(of: network)).allSatisfy { $0.value == $1.value })
        #expect(weights["alexnet.normalization.mean"] == checkpoint.normalization.mean)
        #expect(weights.metadata["alexnet.classes"] == "r\ng\nb" && weights.metadata["format"] == "pt")
        let exported = try weights.exportedNetwork(path: "w")
        #expect(zip(exported.network.parameters, network.parameters).allSatisfy { $0.value == $1.value })
        #expect(exported.normalization == checkpoint.normalization && exported.classes == ["r", "g", "b"])

        // Change fc8's bias, write, import: only that tensor differs in the new checkpoint.
        let k = weights.tensors.firstIndex { $0.name == "fc8.bias" }!
        weights.tensors[k].value = Tensor(shape: [3], scalars: [1, 2, 3])
        try weights.write(to: directory + "/changed.safetensors")
        let imported = try runExecutable("alexnet", ["import-weights", "--checkpoint", directory + "/a.alexnet",
                                                     "--weights", directory + "/changed.safetensors", "--out", directory + "/b.alexnet"])
        #expect(imported.status == 0, "\(imported.errors)")
        let b = try Checkpoint.read(from: directory + "/b.alexnet")
        for (old, new) in zip(checkpoint.parameters, b.parameters) {
            if old.name == "fc8.bias" { #expect(new.value.scalars == [1, 2, 3]) } else { #expect(old.value == new.value, "\(old.name)") }
        }

        // Weights of another network: a clear failure, and no checkpoint written.
        weights.tensors[k].value = Tensor(shape: [4], repeating: 0)
        try weights.write(to: directory + "/wrong.safetensors")
        let refused = try runExecutable("alexnet", ["import-weights", "--checkpoint", directory + "/a.alexnet",
                                                    "--weights", directory + "/wrong.safetensors", "--out", directory + "/c.alexnet"])
        #expect(refused.status == 1 && refused.errors.contains("fc8.bias is [4], the network's [3]"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/c.alexnet"))
    }
}
