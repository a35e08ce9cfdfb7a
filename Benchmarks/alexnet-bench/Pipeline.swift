// --pipeline: the data pipeline on Fashion-MNIST.
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

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
