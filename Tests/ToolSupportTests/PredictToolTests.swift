import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import TestSupport

/// `alexnet predict` on a photograph: a JPEG through the checkpoint's own preprocessing gives the
/// probabilities the library computes; torchvision's mode refuses weights of another network.
@Suite struct PredictToolTests {
    @Test func aJPEGEndToEnd() throws {
        let directory = try temporaryDirectory()
        let configuration = tinyAlexNetConfiguration()
        let network = try AlexNetModel<Float>(configuration)
        let data = syntheticDataset(count: 8)
        let normalization = Normalization.meanImage(of: data.train)
        try Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(configuration),
                       normalization: normalization, state: TrainingState(schedule: .constant(0.01)),
                       metadata: ["classes": "red\ngreen\nblue"]).write(to: directory + "/a.alexnet")
        // A 40×30 photograph, named .png to show that the bytes decide.
        var rgb = [UInt8](repeating: 0, count: 40 * 30 * 3)
        for y in 0..<30 {
            for x in 0..<40 {
                let p = (y * 40 + x) * 3
                (rgb[p], rgb[p + 1], rgb[p + 2]) = (UInt8(x * 6), UInt8(y * 8), UInt8((x + y) * 3))
            }
        }
        let jpeg = try JPEG.encode(rgb, width: 40, height: 30, quality: 92)
        try Data(jpeg).write(to: URL(fileURLWithPath: directory + "/photo.png"))

        let run = try runExecutable("alexnet", ["predict", "--checkpoint", directory + "/a.alexnet", "--top", "3", directory + "/photo.png"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(run.output)")

        // The same pipeline through the library.
        let decoded = try JPEG.decode(jpeg)
        let picture = DatasetSplit(rgb: decoded.rgb, width: 40, height: 30).resizedAndCentreCropped(to: 15)
        let view = Augmentation(cropSize: 15).centreView(height: 15, width: 15)
        network.phase = .inference
        let p = SoftmaxCrossEntropy<Float>.softmax(network.forward(Augmentation.batch(views: [view], of: picture, indices: [0],
                                                                                      normalization: normalization))).scalars
        let names = ["red", "green", "blue"]
        let expected = TopK.top(p, k: 3).enumerated().map { String(format: "%d. %@  %.2f%%", $0.offset + 1, names[$0.element.index], 100 * $0.element.score) }
        #expect(lines == expected)

        // The same network exported to safetensors predicts the same, without its checkpoint.
        let export = try runExecutable("alexnet", ["export-weights", "--checkpoint", directory + "/a.alexnet", "--out", directory + "/a.safetensors"])
        #expect(export.status == 0, "\(export.errors)")
        let fromWeights = try runExecutable("alexnet", ["predict", "--weights", directory + "/a.safetensors", "--top", "3", directory + "/photo.png"])
        #expect(fromWeights.status == 0 && fromWeights.output.split(separator: "\n").map(String.init) == expected, "\(fromWeights.errors)")

        // --max-pixels: the photograph's 1,200 pixels pass a limit of 1,200 and are refused by one of 1,199.
        let atLimit = try runExecutable("alexnet", ["predict", "--checkpoint", directory + "/a.alexnet", "--top", "3", "--max-pixels", "1200", directory + "/photo.png"])
        #expect(atLimit.status == 0 && atLimit.output.split(separator: "\n").map(String.init) == expected, "\(atLimit.errors)")
        let over = try runExecutable("alexnet", ["predict", "--checkpoint", directory + "/a.alexnet", "--max-pixels", "1199", directory + "/photo.png"])
        #expect(over.status == 1 && over.errors.contains("40×30 pixels, more than the 1199 this reader accepts"), "\(over.errors)")
        let help = try runExecutable("alexnet", ["predict", "--help"])
        #expect(help.output.contains("--max-pixels"), "\(help.output)")
    }

    @Test func torchvisionsModeRefusesWeightsOfAnotherNetwork() throws {
        let directory = try temporaryDirectory()
        let small = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        try Safetensors(network: small).write(to: directory + "/small.safetensors")
        try Data(try JPEG.encode([UInt8](repeating: 128, count: 8 * 8 * 3), width: 8, height: 8)).write(to: URL(fileURLWithPath: directory + "/p.jpg"))
        let run = try runExecutable("alexnet", ["predict", "--weights", directory + "/small.safetensors", "--model", "torchvision", directory + "/p.jpg"])
        #expect(run.status == 1 && run.errors.contains("missing features.0.weight"), "\(run.errors)")
        let neither = try runExecutable("alexnet", ["predict", directory + "/p.jpg"])
        #expect(neither.status == 2 && neither.errors.contains("give --checkpoint FILE, or --weights FILE"), "\(neither.errors)")
        // torchvision's weights without --model: not ours, and said so.
        let unmarked = try runExecutable("alexnet", ["predict", "--weights", directory + "/small.safetensors", directory + "/p.jpg"])
        #expect(unmarked.status == 1 && unmarked.errors.contains("was not exported by `alexnet export-weights`"), "\(unmarked.errors)")
    }
}

/// A checkpoint whose weights are NaN (a diverged run saved as it was): `predict` refuses with one
/// line rather than listing NaN probabilities (`evaluate`'s 100% is `NonFiniteEvaluationTests`').
@Suite struct NonFiniteToolTests {
    @Test func aNaNCheckpointIsReportedAsWrongEverywhere() throws {
        let directory = try temporaryDirectory()
        let configuration = tinyAlexNetConfiguration()
        let network = try AlexNetModel<Float>(configuration)
        network.fc8.bias.value = Tensor(shape: network.fc8.bias.value.shape, repeating: .nan)
        let data = syntheticDataset(count: 8)
        try Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(configuration),
                       normalization: Normalization.meanImage(of: data.train), state: TrainingState(schedule: .constant(0.01)),
                       metadata: ["classes": "red\ngreen\nblue"]).write(to: directory + "/nan.alexnet")
        let rgb = [UInt8](repeating: 128, count: 15 * 15 * 3)
        try Data(try JPEG.encode(rgb, width: 15, height: 15, quality: 90)).write(to: URL(fileURLWithPath: directory + "/grey.jpg"))
        let predict = try runExecutable("alexnet", ["predict", "--checkpoint", directory + "/nan.alexnet", directory + "/grey.jpg"])
        #expect(predict.status == 1 && predict.errors.contains("not finite"), "\(predict.status): \(predict.errors)")
        // One line besides the BLAS kernel notice a CPU newer than OpenBLAS's own choice prints (BLASKernelSelection).
        let lines = predict.errors.split(separator: "\n").filter { !$0.contains("OPENBLAS_CORETYPE") }
        #expect(lines.count == 1 && predict.output.isEmpty, "\(predict.errors)")
    }
}
