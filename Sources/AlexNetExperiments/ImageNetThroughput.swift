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

    /// The training tree at `root` as ILSVRC distributes it: a tar of per-class tars at `path`
    /// (``ImageNetLayout/scan(trainArchive:validationArchive:devkit:validationLabels:synsets:)``).
    public static func archive(tree root: String, to path: String) throws {
        let train = (root as NSString).appendingPathComponent("train")
        var inner: [(name: String, bytes: [UInt8])] = []
        for wnid in try FileManager.default.contentsOfDirectory(atPath: train).sorted() {
            let folder = (train as NSString).appendingPathComponent(wnid)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { name in
                (name: name, bytes: [UInt8](FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(name)) ?? Data()))
            }
            inner.append(("\(wnid).tar", try TarArchive.encoded(files)))
        }
        try TarArchive.write(inner, to: path)
    }

    /// Images per second of the whole preparation (read, decode, rescale, crop, sums, shard
    /// writes) of the tree at `root` — or of the same images from `archive`, a tar of per-class
    /// tars (``archive(tree:to:)``), listing included — into `output` at `size`, on `threads`
    /// threads, and the index it wrote (with its counts of converted and skipped files).
    public static func preparation(root: String, archive: String? = nil, output: String, size: Int = 256, threads: Int,
                                   decodeOther: (@Sendable ([UInt8], String) throws -> (rgb: [UInt8], width: Int, height: Int))? = nil)
        throws -> (imagesPerSecond: Double, index: ImageNetShards.Index) {
        let started = Date()
        var p = ImageNetPreparation(layout: try archive.map { try ImageNetLayout.scan(trainArchive: $0) } ?? ImageNetLayout.scan(root: root), output: output)
        p.size = size
        p.threads = threads
        p.imagesPerShard = 100
        p.decodeOther = decodeOther
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

    /// Images per second of the network's forward pass in inference (evaluation's work: the
    /// median of `steps` timed batches after one untimed).
    public static func inference(_ network: any Network<Float>, batchSize: Int, steps: Int) -> Double {
        var g = RandomGenerator(seed: 3)
        let images = Tensor<Float>.normal(shape: [batchSize] + network.inputShape, standardDeviation: 50, generator: &g)
        let saved = network.phase
        network.phase = .inference
        defer { network.phase = saved }
        var times: [Double] = []
        for step in 0...steps {
            let started = Date()
            _ = network.forward(images)
            if step > 0 { times.append(Date().timeIntervalSince(started)) }
        }
        return Double(batchSize) / Spread(times).median
    }

    /// Bytes per second read from the disk under `directory`: a file of `megabytes` is written,
    /// flushed, dropped from the page cache (`posix_fadvise(DONTNEED)`), then read in 8 MiB
    /// pieces. What the preparation reads the archives at, and the loader the shards when they do
    /// not fit in memory. A machine that keeps the file cached anyway gives its memory's rate.
    public static func diskReadRate(directory: String, megabytes: Int) throws -> Double {
        let path = (directory as NSString).appendingPathComponent("disk-read-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var g = RandomGenerator(seed: 4)
        let piece = (0..<(8 << 20)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        let out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard out >= 0 else { throw ImageNetError.unreadable(path: path, problem: "cannot be written") }
        for _ in 0..<max(1, megabytes / 8) { _ = piece.withUnsafeBytes { write(out, $0.baseAddress, $0.count) } }
        fsync(out)
        close(out)
        let input = open(path, O_RDONLY)
        guard input >= 0 else { throw ImageNetError.unreadable(path: path, problem: "cannot be read") }
        defer { close(input) }
        _ = posix_fadvise(input, 0, 0, Int32(POSIX_FADV_DONTNEED))
        var buffer = [UInt8](repeating: 0, count: 8 << 20), total = 0
        let started = Date()
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            total += n
        }
        return Double(total) / Date().timeIntervalSince(started)
    }

    /// The wall time of the paper's runs at measured rates (Sections 5 and 6), everything a real
    /// run does counted: preparing the data from the archives as downloaded (decoding at the
    /// measured rate plus reading the archives' bytes at the disk's); each run's training
    /// (90 passes over ILSVRC-2012's 1,281,167 images at the slower of the step and the loader,
    /// or of the disk when the 252 GB of shards must be read every epoch — they overlap, so the
    /// slowest sets the pace) and its evaluation (the 10,000 held-out and 50,000 validation
    /// images, centre view, after every epoch); Table 2's ten-view evaluation of each ensemble;
    /// and for the seven-net entry, ImageNet Fall 2011 prepared, two six-convolution nets with
    /// 21,841 outputs pre-trained on it (the paper does not say for how long: `pretrainingEpochs`
    /// passes are assumed) and fine-tuned on ILSVRC-2012 (a further full run each, at the six-
    /// convolution rate).
    public struct Projection: Sendable {
        public static let trainingImages = 1_281_167, validationImages = 50_000, heldOutImages = 10_000
        /// ImageNet Fall 2011: 14,197,122 images of 21,841 synsets (the paper: "about 15 million").
        public static let fall2011Images = 14_197_122, fall2011Classes = 21_841
        /// The downloads' sizes: ILSVRC2012_img_train.tar and _val.tar, and fall11_whole.tar.
        public static let ilsvrcArchiveBytes = 147_897_477_120.0 + 6_744_924_160.0, fall2011ArchiveBytes = 1.31e12
        /// One prepared image: 3×256×256 bytes.
        public static let shardImageBytes = 196_608.0

        /// Images per second: the paper's step, its step with a sixth convolution, the same with
        /// 21,841 outputs, the loader, the preparation (from archives), the forward pass.
        public var trainingRate: Double, sixConvolutionRate: Double, fall2011Rate: Double
        public var loaderRate: Double, preparationRate: Double, inferenceRate: Double
        /// Bytes per second from the disk.
        public var diskRate: Double
        /// Whether the shards fit in memory (the loader then reads them from the disk once).
        public var shardsFitInMemory = false
        public var epochs = 90.0, pretrainingEpochs = 90.0

        public init(trainingRate: Double, sixConvolutionRate: Double, fall2011Rate: Double, loaderRate: Double,
                    preparationRate: Double, inferenceRate: Double, diskRate: Double) {
            (self.trainingRate, self.sixConvolutionRate, self.fall2011Rate) = (trainingRate, sixConvolutionRate, fall2011Rate)
            (self.loaderRate, self.preparationRate, self.inferenceRate, self.diskRate) = (loaderRate, preparationRate, inferenceRate, diskRate)
        }

        /// Decoding `images` and reading `bytes` of archives (no overlap assumed: the same threads do both).
        func preparation(images: Int, bytes: Double) -> Double { Double(images) / preparationRate + bytes / diskRate }
        /// `passes` over `images` at `rate`, paced by the slowest of the step, the loader and the disk.
        func training(images: Int, passes: Double, rate: Double) -> Double {
            let perImage = max(1 / rate, 1 / loaderRate, shardsFitInMemory ? 0 : Self.shardImageBytes / diskRate)
            return passes * Double(images) * perImage + (shardsFitInMemory ? Double(images) * Self.shardImageBytes / diskRate : 0)
        }
        /// The centre-view evaluation after each epoch, of the held-out and the validation images.
        var perEpochEvaluation: Double { epochs * Double(Self.heldOutImages + Self.validationImages) / inferenceRate }
        /// Ten views of the 50,000 validation images through `nets` networks.
        func tenViews(nets: Int) -> Double { Double(nets * 10 * Self.validationImages) / inferenceRate }

        /// Seconds to prepare ILSVRC-2012 (training and validation images) once, from its archives.
        public var preparationSeconds: Double { preparation(images: Self.trainingImages + Self.validationImages, bytes: Self.ilsvrcArchiveBytes) }
        /// Seconds of one run of the paper's net: training and its evaluations.
        public var runSeconds: Double { training(images: Self.trainingImages, passes: epochs, rate: trainingRate) + perEpochEvaluation }
        /// The five nets of Table 2 and the ten-view evaluation of their average.
        public var fiveNetSeconds: Double { 5 * runSeconds + tenViews(nets: 5) }
        /// Preparing Fall 2011 from its archive.
        public var fall2011PreparationSeconds: Double { preparation(images: Self.fall2011Images, bytes: Self.fall2011ArchiveBytes) }
        /// The two extra nets' pre-training on Fall 2011, at the assumed passes, with 21,841 outputs.
        public var pretrainingSeconds: Double { 2 * training(images: Self.fall2011Images, passes: pretrainingEpochs, rate: fall2011Rate) }
        /// Their fine-tuning on ILSVRC-2012: a full run each at the six-convolution rate.
        public var fineTuningSeconds: Double { 2 * (training(images: Self.trainingImages, passes: epochs, rate: sixConvolutionRate) + perEpochEvaluation) }
        public var sevenNetSeconds: Double {
            5 * runSeconds + fall2011PreparationSeconds + pretrainingSeconds + fineTuningSeconds + tenViews(nets: 7)
        }
        /// How many times faster the loader delivers than training consumes.
        public var loaderHeadroom: Double { loaderRate / trainingRate }
    }
}
