import Foundation
import Testing
import AlexNet
import AlexNetData
@testable import AlexNetTraining
import TestSupport

/// torchvision's AlexNet: the preset's size and names, and a golden comparison — a network of
/// torchvision's layout (narrower, so that the fixture stays small) with weights and logits from
/// PyTorch (Scripts/make-golden-fixtures.py), imported by torchvision's names.
@Suite struct TorchvisionTests {
    @Test func thePresetIsTorchvisionsAlexNet() throws {
        let net = try AlexNetModel<Float>(.torchvision)
        #expect(net.parameterCount == 61_100_840)                 // torchvision's num_params
        let names = StateDict.tensors(of: net, names: .torchvision).map(\.name)
        #expect(names == ["features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                          "features.6.weight", "features.6.bias", "features.8.weight", "features.8.bias",
                          "features.10.weight", "features.10.bias", "classifier.1.weight", "classifier.1.bias",
                          "classifier.4.weight", "classifier.4.bias", "classifier.6.weight", "classifier.6.bias"])
        #expect(try AlexNetConfiguration.torchvision.spatialSizes() == [55, 27, 27, 13, 13, 13, 13, 6])
    }

    /// A JPEG decoded by Pillow and preprocessed by torchvision (Resize, CenterCrop, ToTensor,
    /// Normalize) against our decoder and `Augmentation.torchvisionInput`: the same numbers but for
    /// rounding — Pillow keeps 8 bits between its two resampling passes, we keep Double.
    @Test func preprocessingMatchesTorchvisions() throws {
        let jpeg = try #require(Bundle.module.url(forResource: "Fixtures/photo", withExtension: "jpg"))
        let reference = try #require(Bundle.module.url(forResource: "Fixtures/photo-torchvision", withExtension: "safetensors"))
        let decoded = try JPEG.decode([UInt8](try Data(contentsOf: jpeg)))
        #expect(decoded.width == 120 && decoded.height == 90)
        let ours = Augmentation.torchvisionInput(DatasetSplit(rgb: decoded.rgb, width: 120, height: 90), resize: 64, crop: 56)
        let theirs = try #require(try Safetensors.read(from: reference.path)["input"])
        #expect(ours.shape == [1] + theirs.shape)
        let differences = zip(ours.scalars, theirs.scalars).map { abs(Double($0) - Double($1)) }
        let mean = differences.reduce(0, +) / Double(differences.count), largest = differences.max()!
        // One grey level is 1/(255·0.225) ≈ 0.017 after normalisation: at most two levels apart.
        #expect(mean < 0.006 && largest < 0.036, "mean \(mean), largest \(largest)")
    }

    @Test func logitsMatchPyTorchs() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/torchvision-layout", withExtension: "safetensors"))
        let file = try Safetensors.read(from: url.path)
        var c = AlexNetConfiguration.torchvision
        c.convolutions = zip([8, 16, 24, 16, 16], c.convolutions).map { k, spec in
            var s = spec
            s.kernels = k
            return s
        }
        (c.hiddenWidths, c.classes, c.inputSize) = ([32, 32], 10, 64)
        #expect(try c.spatialSizes().last == 1)                   // pool5 1×1: the average pooling repeats it
        let net = try AlexNetModel<Float>(c)
        let weights = Safetensors(tensors: file.tensors.filter { $0.name != "input" && $0.name != "logits" })
        try weights.load(into: net, names: .torchvision)
        net.phase = .inference
        let logits = net.forward(try #require(file["input"]))
        let expected = try #require(file["logits"])
        #expect(logits.shape == expected.shape)
        let scale = expected.scalars.map { abs(Double($0)) }.max()!
        let error = zip(logits.scalars, expected.scalars).map { abs(Double($0) - Double($1)) }.max()!
        #expect(error <= 1e-5 * max(1, scale), "largest difference \(error) on logits up to \(scale)")
        // Our own names refuse torchvision's file, naming what is missing.
        #expect(throws: SafetensorsError.self) { try weights.load(into: net) }
    }
}
