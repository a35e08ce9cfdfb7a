import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import Plotting

/// `alexnet predict`: the five most probable classes of a PNG image.
func predict(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet predict", summary: "The top-5 classes of a PNG image, with probabilities. The image is scaled so its shorter side fits the network's training images, centre-cropped, and normalised with the checkpoint's mean image.")
    let path = a.optionalString("--checkpoint", help: "the checkpoint file", placeholder: "FILE")
    let top = a.integer("--top", default: 5, help: "how many classes to print")
    let image = a.positional("IMAGE.png", help: "the picture to classify")
    try a.finish()
    guard let path else { throw UsageError("--checkpoint FILE is required", command: a.command) }
    guard let image else { throw UsageError("an IMAGE.png to classify is required", command: a.command) }
    let checkpoint = try Checkpoint.read(from: path)
    let network = try loadNetwork(checkpoint)
    let names = checkpoint.metadata["classes"]?.split(separator: "\n").map(String.init)
        ?? (0..<checkpoint.specification.classes).map { "class \($0)" }
    let mean = checkpoint.normalization.mean
    let (channels, side) = (mean.shape[0], mean.shape[1])
    let picture = DatasetSplit(picture: try Image.readPNG(from: image, channels: channels == 1 ? 1 : 3))
        .resizedAndCentreCropped(to: side)
    let crop = checkpoint.specification.inputShape[1]
    let view = Augmentation(cropSize: crop).centreView(height: side, width: side)
    network.phase = .inference
    let input = Augmentation.batch(views: [view], of: picture, indices: [0], normalization: checkpoint.normalization)
    let probabilities = SoftmaxCrossEntropy<Float>.softmax(network.forward(input)).scalars
    for (rank, entry) in TopK.top(probabilities, k: min(top, probabilities.count)).enumerated() {
        print(String(format: "%d. %@  %.2f%%", rank + 1, names[entry.index], 100 * entry.score))
    }
}
