import Foundation
import AlexNet
import AlexNetData
import AlexNetTraining

/// What one ImageNet run costs on this machine, measured piece by piece (chapter 10, and
/// `alexnet-bench --pipeline --imagenet`): the one-pass preparation of photographs of ImageNet's
/// size, the loader that cuts the paper's training views from the shards, and the training step of
/// the paper's network. From these, ``Projection`` gives the wall time of the paper's runs.
public enum ImageNetThroughput {
    /// Writes `count` synthetic photographs of `width`×`height` (ILSVRC's typical 500×375) as
    /// JPEGs at quality 90 into an ImageNet-layout tree with two classes (no validation): smooth
    /// colour fields with edges and grain, so that decoding does the work a photograph asks of it.
    /// They time the preparation only; nothing is trained on them. Returns the mean file size.
    @discardableResult
    public static func writePhotographs(count: Int, width: Int = 500, height: Int = 375, to root: String, seed: UInt64 = 1) throws -> Double {
        var g = RandomGenerator(seed: seed)
        var bytes = 0
        for i in 0..<count {
            let folder = "\(root)/train/\(ImageNetTree.wnid(i % 2))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // Per channel: two plane waves of random direction and frequency, a disc, grain.
            let waves = (0..<6).map { _ in (g.uniform() * 0.05, g.uniform() * 0.05, g.uniform() * 6.3, 30 + g.uniform() * 50) }
            let (cx, cy, r) = (g.uniform() * Double(width), g.uniform() * Double(height), 40 + g.uniform() * 100)
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let inside = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) < r * r
                    for c in 0..<3 {
                        let (a, b) = (waves[2 * c], waves[2 * c + 1])
                        var v = 128 + a.3 * sin(a.0 * Double(x) + a.1 * Double(y) + a.2) + b.3 * sin(b.0 * Double(x) - b.1 * Double(y) + b.2)
                        if inside { v = 255 - v }
                        v += g.normal(standardDeviation: 20)
                        rgb[(y * width + x) * 3 + c] = UInt8(max(0, min(255, v)))
                    }
                }
            }
            let jpeg = try JPEG.encode(rgb, width: width, height: height, quality: 90)
            bytes += jpeg.count
            guard FileManager.default.createFile(atPath: "\(folder)/photo_\(i).JPEG", contents: Data(jpeg)) else {
                throw ImageNetError.unreadable(path: folder, problem: "cannot write into it")
            }
        }
        return Double(bytes) / Double(max(1, count))
    }

    /// Images per second of the whole preparation (read, decode, rescale, crop, sums, shard
    /// writes) of the tree at `root` into `output` at `size`, on `threads` threads, and the index
    /// it wrote (with its counts of converted and skipped files).
    public static func preparation(root: String, output: String, size: Int = 256, threads: Int,
                                   decodeOther: (@Sendable ([UInt8], String) throws -> (rgb: [UInt8], width: Int, height: Int))? = nil)
        throws -> (imagesPerSecond: Double, index: ImageNetShards.Index) {
        var p = ImageNetPreparation(layout: try ImageNetLayout.scan(root: root), output: output)
        p.size = size
        p.threads = threads
        p.imagesPerShard = 100
        p.decodeOther = decodeOther
        let started = Date()
        guard let index = try p.run() else { throw ImageNetError.badShards(path: output, problem: "the preparation stopped early") }
        let seconds = Date().timeIntervalSince(started)
        return (Double(p.layout.train.count) / seconds, index)
    }

    /// Images per second delivered by the loader: `batches` batches of the paper's training views
    /// (random `crop`×`crop` patches, reflections, PCA lighting, the mean image subtracted),
    /// each assembled by `workers` threads, read from memory-mapped shards.
    public static func loader(_ images: any LabelledImages, normalization: Normalization, lighting: PCALighting,
                              crop: Int = 227, batchSize: Int = 128, batches: Int, workers: Int) -> Double {
        let loader = BatchLoader(split: images, batchSize: batchSize, augmentation: Augmentation(cropSize: crop, flips: true, lighting: lighting),
                                 normalization: normalization, seed: 1, workers: workers)
        _ = loader.batch(epoch: 0, index: 0)               // the first touch of the mapped pages
        var delivered = 0
        let started = Date()
        for k in 0..<batches { delivered += loader.batch(epoch: 1 + k / loader.batchesPerEpoch, index: k % loader.batchesPerEpoch).labels.count }
        return Double(delivered) / Date().timeIntervalSince(started)
    }

    /// Images per second of the paper's SGD step (forward, backward, update) on `network` at
    /// `batchSize`: the median of `steps` timed steps after one untimed.
    public static func trainingStep(_ network: any Network<Float>, classes: Int, batchSize: Int, steps: Int) throws -> Double {
        let shape = network.inputShape
        var g = RandomGenerator(seed: 2)
        let images = Tensor<Float>.normal(shape: [batchSize] + shape, standardDeviation: 50, generator: &g)
        let labels = (0..<batchSize).map { $0 % classes }
        let optimizer = SGD(parameters: network.parameters, momentum: 0.9, weightDecay: 0.0005)
        let objective = SoftmaxCrossEntropy<Float>()
        network.phase = .training
        var times: [Double] = []
        for step in 0...steps {
            let started = Date()
            _ = try trainStep(network, objective: objective, optimizer: optimizer, images: images, labels: labels, learningRate: 0.0001)
            if step > 0 { times.append(Date().timeIntervalSince(started)) }
        }
        return Double(batchSize) / Spread(times).median
    }

    /// The wall time of the paper's runs at measured rates (Sections 5 and 6): one run of
    /// `epochs` passes over ILSVRC-2012's 1,281,167 training images, the five-net ensemble, and
    /// the seven-net one, whose two extra nets were first pre-trained on ImageNet Fall 2011
    /// (about 15 million images; the paper does not say for how long — `pretrainingEpochs`
    /// passes are assumed) and then fine-tuned (counted as a further full run).
    public struct Projection: Sendable {
        public static let trainingImages = 1_281_167, validationImages = 50_000, fall2011Images = 15_000_000
        public var trainingRate: Double, loaderRate: Double, preparationRate: Double
        public var epochs = 90.0, pretrainingEpochs = 90.0

        public init(trainingRate: Double, loaderRate: Double, preparationRate: Double) {
            self.trainingRate = trainingRate
            self.loaderRate = loaderRate
            self.preparationRate = preparationRate
        }

        /// Seconds to prepare ILSVRC-2012 (training and validation images) once.
        public var preparationSeconds: Double { Double(Self.trainingImages + Self.validationImages) / preparationRate }
        /// Seconds of one run, when training is the bottleneck (the loader prefetches alongside).
        public var runSeconds: Double { epochs * Double(Self.trainingImages) / min(trainingRate, loaderRate) }
        public var fiveNetSeconds: Double { 5 * runSeconds }
        /// The two extra nets' pre-training on Fall 2011, at the assumed passes.
        public var pretrainingSeconds: Double { 2 * pretrainingEpochs * Double(Self.fall2011Images) / min(trainingRate, loaderRate) }
        public var sevenNetSeconds: Double { 7 * runSeconds + pretrainingSeconds }
        /// How many times faster the loader delivers than training consumes.
        public var loaderHeadroom: Double { loaderRate / trainingRate }
    }
}
