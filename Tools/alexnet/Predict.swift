import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import Plotting

/// `alexnet predict`: the five most probable classes of a JPEG or PNG picture, from one of our
/// checkpoints or from torchvision's AlexNet weights in a safetensors file.
func predict(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet predict", summary: "The top-5 classes of a JPEG or PNG picture, with probabilities. With --checkpoint: the picture is scaled so its shorter side fits the network's training images, centre-cropped, and normalised with the checkpoint's mean image (the paper's way). With --weights and --model torchvision: torchvision's AlexNet, its weights by torchvision's names, and its preprocessing (shorter side 256, centre 224, ImageNet's channel means and deviations).")
    let path = a.optionalString("--checkpoint", help: "one of our checkpoint files", placeholder: "FILE")
    let weights = a.optionalString("--weights", help: "a safetensors file: exported by export-weights, or torchvision's alexnet (see README) with --model torchvision", placeholder: "FILE")
    let model = a.optionalChoice("--model", choices: ["torchvision"], help: "the network the --weights are for")
    let top = a.integer("--top", default: 5, help: "how many classes to print")
    let maximumPixels = maximumPixelsOption(a, refusal: "is refused")
    let image = a.positional("IMAGE", help: "the picture to classify (JPEG or PNG)")
    try a.finish()
    guard let image else { throw UsageError("a picture (JPEG or PNG) to classify is required", command: a.command) }
    let network: any Network<Float>, names: [String], normalization: Normalization?, side: Int, crop: Int
    switch (path, weights, model) {
    case (let path?, nil, nil):
        let checkpoint = try Checkpoint.read(from: path)
        network = try loadNetwork(checkpoint)
        let classes = checkpoint.specification.classes
        names = checkpoint.metadata["classes"]?.split(separator: "\n").map(String.init)
            ?? (classes == ImageNetClassNames.all.count ? ImageNetClassNames.all : (0..<classes).map { "class \($0)" })
        normalization = checkpoint.normalization
        (side, crop) = (checkpoint.normalization.mean.shape[1], checkpoint.specification.inputShape[1])
    case (nil, let weights?, "torchvision"?):
        let net = try AlexNetModel<Float>(.torchvision)
        try Safetensors.read(from: weights).load(into: net, names: .torchvision)
        (network, names, normalization, side, crop) = (net, ImageNetClassNames.all, nil, 256, 224)
    case (nil, let weights?, nil):
        let exported = try Safetensors.read(from: weights).exportedNetwork(path: weights)
        let classes = exported.network.parameters.last!.value.count
        (network, normalization) = (exported.network, exported.normalization)
        names = exported.classes ?? (classes == ImageNetClassNames.all.count ? ImageNetClassNames.all : (0..<classes).map { "class \($0)" })
        (side, crop) = (exported.normalization.mean.shape[1], network.inputShape[1])
    default:
        throw UsageError("give --checkpoint FILE, or --weights FILE (exported by export-weights, or torchvision's with --model torchvision)", command: a.command)
    }
    let input: Tensor<Float>
    if let normalization {
        // Ours: the checkpoint's image size, its centre crop, its mean image.
        let picture = try readPicture(image, channels: normalization.mean.shape[0], maximumPixels: maximumPixels).resizedAndCentreCropped(to: side)
        let view = Augmentation(cropSize: crop).centreView(height: side, width: side)
        input = Augmentation.batch(views: [view], of: picture, indices: [0], normalization: normalization)
    } else {
        input = Augmentation.torchvisionInput(try readPicture(image, channels: 3, maximumPixels: maximumPixels), resize: side, crop: crop)
    }
    network.phase = .inference
    let probabilities = SoftmaxCrossEntropy<Float>.softmax(network.forward(input)).scalars
    guard probabilities.allSatisfy(\.isFinite) else {
        throw CheckpointError.doesNotFit("the network's outputs for \(image) are not finite (NaN or infinite): its weights are broken (a diverged run?), so it predicts nothing")
    }
    for (rank, entry) in TopK.top(probabilities, k: min(top, probabilities.count)).enumerated() {
        print(String(format: "%d. %@  %.2f%%", rank + 1, names[entry.index], 100 * entry.score))
    }
}

/// A JPEG (by its first bytes, whatever its name) or PNG file as a one-image split with
/// `channels` planes; a warning about a damaged JPEG is printed, not fatal; a header claiming more
/// than `maximumPixels` pixels is refused before anything is allocated.
func readPicture(_ path: String, channels: Int, maximumPixels: Int) throws -> DatasetSplit {
    guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("\(path): no such file, or it cannot be read") }
    let bytes = [UInt8](data)
    guard JPEG.isJPEG(bytes) else { return DatasetSplit(picture: try Image.readPNG(from: path, channels: channels == 1 ? 1 : 3, maximumPixels: maximumPixels)) }
    let decoded = try JPEG.decode(bytes, path: path, maximumPixels: maximumPixels)
    if let warning = decoded.warning { FileHandle.standardError.write(Data("warning: \(path): \(warning)\n".utf8)) }
    let split = DatasetSplit(rgb: decoded.rgb, width: decoded.width, height: decoded.height)
    return channels == 1 ? split.grey() : split
}
