// alexnet-bench: times the training step (forward, backward) and the forward pass of the
// paper's network and of the chapter-size nets, from a release build.
//
//     swift run -c release alexnet-bench [--net paper|one-tower|fashion|four-layer] [--batch N]
//                                        [--steps N] [--threads N]
//     swift run -c release alexnet-bench --pipeline [--data-dir DIR]
//
// --pipeline measures the data pipeline instead: Fashion-MNIST loading, then one epoch of
// augmented batches (24×24 crops, flips, PCA lighting) through the prefetching loader, against
// the rate at which the chapter-size AlexNet trains; and prints the PCA eigenvalues.
//
// It also proves that the library's generic code is specialised for Float in this module:
// an unspecialised generic loop runs tens of times slower than the same loop written here.
import AlexNet
import Foundation
import ToolSupport

struct Options {
    var net: String, batch: Int, steps: Int, threads: Int
    var pipeline: Bool, dataDirectory: String

    init(_ arguments: Arguments) {
        net = arguments.choice("--net", default: "paper", choices: ["paper", "one-tower", "fashion", "four-layer"],
                               help: "the network to time")
        batch = arguments.integer("--batch", default: 128, help: "images per batch")
        steps = arguments.integer("--steps", default: 3, help: "timed repetitions (the median is printed)")
        threads = arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, help: "threads")
        pipeline = arguments.flag("--pipeline", help: "time the data pipeline on Fashion-MNIST instead")
        dataDirectory = arguments.string("--data-dir", default: FashionMNIST.defaultDirectory, help: "Fashion-MNIST's directory (with --pipeline)")
    }
}

func seconds(_ body: () -> Void) -> Double { measureSeconds(body) }

/// The same ReLU, once through the library's generic layer, called through the `any Layer`
/// existential as a training loop would, and once as a plain Float loop here.
func specialisationCheck() {
    var x = Tensor<Float>(shape: [1 << 24])
    for i in 0..<x.count { x.scalars[i] = Float(i % 7) - 3 }
    let relu: any Layer<Float> = Activation<Float>(.relu)
    var library: [Double] = [], local: [Double] = []
    for _ in 0..<5 {
        library.append(seconds { _ = relu.forward(x) })
        local.append(seconds {
            var y = x
            y.withUnsafeMutableBufferPointer { y in for i in 0..<y.count { y[i] = max(0, y[i]) } }
            precondition(y.scalars[1] == 0)
        })
    }
    let ratio = median(library) / median(local)
    print(String(format: "specialisation: library ReLU %.2f ms, local loop %.2f ms on 16M floats (ratio %.2f; unspecialised would be ≫ 10)",
                 median(library) * 1e3, median(local) * 1e3, ratio))
}

func benchmark(_ options: Options) throws {
    Threading.setThreadCount(options.threads)
    let network: any Network<Float>
    let inputShape: [Int]
    switch options.net {
    case "paper":
        network = try AlexNetModel<Float>(.paper); inputShape = [3, 227, 227]
    case "fashion":
        network = try AlexNetModel<Float>(.small(inputChannels: 1, inputSize: 28, classes: 10)); inputShape = [1, 28, 28]
    case "four-layer":
        var c = FourLayerNet<Float>.Configuration(inputChannels: 3, inputSize: 24, classes: 10)
        c.normalization = AlexNetConfiguration.NormalizationSpec()
        network = try FourLayerNet<Float>(c); inputShape = [3, 24, 24]
    default:                                                  // "one-tower"
        network = try AlexNetModel<Float>(.paperOneTower); inputShape = [3, 227, 227]
    }
    print(network.describe().table())
    let classes = network.describe().last!.outputShape[0]
    var g = RandomGenerator(seed: 1)
    let images = Tensor<Float>.normal(shape: [options.batch] + inputShape, standardDeviation: 1, generator: &g)
    let labels = (0..<options.batch).map { $0 % classes }
    let macs = network.describe().reduce(0) { $0 + $1.multiplyAdds }
    print("net \(options.net), batch \(options.batch), \(options.threads) threads, \(network.parameterCount) parameters, \(Double(macs) / 1e9) GMAC per image forward")

    network.phase = .inference
    _ = network.forward(images)                           // warm-up: page in the buffers
    var forward: [Double] = []
    for _ in 0..<options.steps { forward.append(seconds { _ = network.forward(images) }) }
    network.phase = .training
    var step: [Double] = []
    for _ in 0..<options.steps {
        step.append(seconds {
            network.zeroGradients()
            _ = network.lossAndGradient(images: images, labels: labels)
        })
    }
    let batch = Double(options.batch)
    print(String(format: "forward:       median %.3f s per batch, %.1f images/s  (min %.3f, max %.3f)",
                 median(forward), batch / median(forward), forward.min()!, forward.max()!))
    print(String(format: "training step: median %.3f s per batch, %.1f images/s  (min %.3f, max %.3f; forward + backward, no update)",
                 median(step), batch / median(step), step.min()!, step.max()!))
}

/// Images per second of loading + augmentation + batch assembly on Fashion-MNIST.
func pipelineBenchmark(_ options: Options) throws {
    Threading.setThreadCount(options.threads)
    var data: Dataset! = nil
    let load = seconds { data = try? FashionMNIST.load(directory: options.dataDirectory) }
    if data == nil { _ = try FashionMNIST.load(directory: options.dataDirectory) }    // rethrows the error
    print(String(format: "loaded Fashion-MNIST (%d + %d images) in %.2f s", data.train.count, data.test.count, load))

    let lighting = PCALighting.fit(data.train)
    print("PCA of Fashion-MNIST's grey pixels (values in [0, 1]): eigenvalue \(lighting.eigenvalues)")
    let synthetic = syntheticRGB()
    let rgb = PCALighting.fit(synthetic)
    print("PCA of a synthetic RGB set: eigenvalues \(rgb.eigenvalues.map { String(format: "%.5f", $0) })")

    let loader = BatchLoader(split: data.train, batchSize: options.batch,
                             augmentation: Augmentation(cropSize: 24, flips: true, lighting: lighting),
                             normalization: .meanImage(of: data.train), seed: 1)
    var images = 0
    let epoch = seconds { for batch in loader.batches(epoch: 0) { images += batch.labels.count } }
    let pipelineRate = Double(images) / epoch

    let model = try AlexNetModel<Float>(.small(inputChannels: 1, inputSize: 24, classes: 10))
    let batch = loader.batch(epoch: 0, index: 0)
    _ = model.lossAndGradient(images: batch.images, labels: batch.labels)
    let steps = (0..<3).map { _ in seconds { model.zeroGradients(); _ = model.lossAndGradient(images: batch.images, labels: batch.labels) } }
    let trainRate = Double(options.batch) / median(steps)
    print(String(format: "pipeline: %d images in %.2f s = %.0f images/s (24×24 crops, flips, PCA lighting, batch %d)",
                 images, epoch, pipelineRate, options.batch))
    print(String(format: "the 24×24 small AlexNet trains at %.0f images/s: the pipeline is %.0f× faster", trainRate, pipelineRate / trainRate))
}

/// 2,000 random 8×8 RGB images whose channels are correlated as in natural images.
func syntheticRGB() -> DatasetSplit {
    var g = RandomGenerator(seed: 3)
    var pixels = [UInt8](repeating: 0, count: 2000 * 3 * 64)
    for i in 0..<2000 {
        for p in 0..<64 {
            let light = g.uniform() * 200, tint = g.normal(standardDeviation: 20)
            let rgb = [light + tint, light, light - tint].map { UInt8(max(0, min(255, $0 + 20))) }
            for c in 0..<3 { pixels[(i * 3 + c) * 64 + p] = rgb[c] }
        }
    }
    return DatasetSplit(channels: 3, height: 8, width: 8, pixels: pixels, labels: [Int](repeating: 0, count: 2000))
}

runTool("alexnet-bench") {
    let arguments = Arguments(CommandLine.arguments.dropFirst(), command: "alexnet-bench",
                              summary: "Time the training step and the forward pass of the book's networks, or the data pipeline.")
    let options = Options(arguments)
    try arguments.finish()
    if options.pipeline {
        try pipelineBenchmark(options)
    } else {
        specialisationCheck()
        try benchmark(options)
    }
}
