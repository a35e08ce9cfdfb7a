// alexnet-bench: times the training step (forward, backward) and the forward pass of the
// paper's network and of the chapter-size nets, from a release build.
//
//     swift run -c release alexnet-bench [--net paper|one-tower|fashion|four-layer] [--batch N]
//                                        [--steps N] [--threads N]
//     swift run -c release alexnet-bench --pipeline [--data-dir DIR]
//     swift run -c release alexnet-bench --neighbours
//     swift run -c release alexnet-bench --imagenet-pipeline [--photos N] [--batch N] [--steps N]
//     mpirun -np 2 .build/release/alexnet-bench --data-parallel [--net paper] [--threads 1]
//
// --pipeline measures the data pipeline instead: Fashion-MNIST loading, then one epoch of
// augmented batches (24×24 crops, flips, PCA lighting) through the prefetching loader, against
// the rate at which the chapter-size AlexNet trains; and prints the PCA eigenvalues.
//
// --imagenet-pipeline measures ImageNet's costs: the preparation of N synthetic 500×375 JPEG
// photographs into 256×256 shards, the loader's delivery of the paper's 227×227 training views
// from those shards with 1 and 2 assembling threads, and the paper's network's training step, and
// prints how many times faster the loader is than training.
//
// --data-parallel times the data-parallel training step (run it under mpirun, or alone for one
// process): images/s of the global batch, the bytes summed per step and the seconds spent in the
// sums; with --net paper it also projects the paper's 90 epochs onto M two-core machines.
//
// It also proves that the library's generic code is specialised for Float in this module:
// an unspecialised generic loop runs tens of times slower than the same loop written here.
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

struct Options {
    var net: String, batch: Int, steps: Int, threads: Int
    var pipeline: Bool, dataDirectory: String
    var neighbours = false
    var activation: ActivationFunction

    init(_ arguments: Arguments) {
        net = arguments.choice("--net", default: "paper", choices: ["paper", "one-tower", "fashion", "four-layer", "four-layer-lrn"],
                               help: "the network to time (four-layer: the CIFAR-10 side experiments' net, 64 kernels, on 24×24×3; -lrn: with LRN)")
        activation = ActivationFunction(rawValue: arguments.choice("--activation", default: "relu", choices: ["relu", "tanh"],
                                                                   help: "the non-linearity of every hidden layer"))!
        batch = arguments.integer("--batch", default: 128, help: "images per batch")
        steps = arguments.integer("--steps", default: 3, help: "timed repetitions (the median is printed)")
        threads = arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, help: "threads")
        pipeline = arguments.flag("--pipeline", help: "time the data pipeline on Fashion-MNIST instead")
        dataParallel = arguments.flag("--data-parallel", help: "time the data-parallel step (under mpirun: every rank's part of --batch)")
        imagenetPipeline = arguments.flag("--imagenet-pipeline", help: "time ImageNet's preparation, loader and the paper's training step instead")
        photos = arguments.integer("--photos", default: 200, help: "--imagenet-pipeline: synthetic photographs to prepare", range: 1...100_000)
        neighbours = arguments.flag("--neighbours", help: "time the nearest-neighbour search of Figure 4 instead (16 queries among 55,000 vectors)")
        dataDirectory = arguments.string("--data-dir", default: FashionMNIST.defaultDirectory, help: "Fashion-MNIST's directory (with --pipeline)")
        convolution = arguments.choice("--convolution", default: "auto", choices: ["auto", "im2col"],
                                       help: "auto: Winograd where it applies (stride 1, 3×3 or 5×5); im2col: im2col + GEMM everywhere")
        widthScale = arguments.double("--width-scale", default: 1.0 / 3, help: "--net fashion: the conv widths as a share of the paper's", range: 0.01...1)
        hiddenWidth = arguments.integer("--hidden-width", default: 512, help: "--net fashion: the width of fc6 and fc7")
        csv = arguments.optionalString("--csv", help: "append one row per measurement (net, pass, batch, images/s, GFLOP/s, peak MiB)", placeholder: "FILE")
    }
    var csv: String?
    var imagenetPipeline: Bool, photos: Int, dataParallel: Bool
    var convolution: String
    var widthScale: Double, hiddenWidth: Int
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
    case "four-layer", "four-layer-lrn":
        var c = FourLayerNet<Float>.Configuration(inputChannels: 3, inputSize: 24, classes: 10)
        if options.net == "four-layer-lrn" { c.normalization = AlexNetConfiguration.NormalizationSpec() }
        c.activation = options.activation
        network = try FourLayerNet<Float>(c); inputShape = [3, 24, 24]
    default:
        var c: AlexNetConfiguration = switch options.net {
        case "fashion": .small(inputChannels: 1, inputSize: 28, classes: 10, widthScale: options.widthScale, hiddenWidth: options.hiddenWidth)
        case "one-tower": .paperOneTower
        default: .paper
        }
        c.activation = options.activation
        network = try AlexNetModel<Float>(c); inputShape = [c.inputChannels, c.inputSize, c.inputSize]
    }
    for line in BLASKernelSelection.report { print(line) }
    if options.convolution == "im2col" {
        for stage in network.stages { (stage.layer as? Convolution<Float>)?.algorithm = .im2col }
    }
    let convolutions = network.stages.compactMap { stage in (stage.layer as? Convolution<Float>).map { "\(stage.name) \($0.algorithm)" } }
    print("convolutions: \(convolutions.joined(separator: ", ")) (GFLOP/s below count a direct convolution's multiply-adds)")
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
    let (objective, sgd) = (SoftmaxCrossEntropy<Float>(), SGD(parameters: network.parameters))
    var step: [Double] = []
    for _ in 0..<options.steps {
        try step.append(measureSeconds {
            try trainStep(network, objective: objective, optimizer: sgd, images: images, labels: labels, learningRate: 0.001)
        })
    }
    // The update alone (its cost does not depend on the gradients' values).
    let update = median((0..<options.steps).map { _ in seconds { sgd.step(learningRate: 0.001) } })
    let batch = Double(options.batch)
    let profile = profileStages(network, images: images, labels: labels, repeats: options.steps)
    let forwardFlops = profile.reduce(0) { $0 + $1.forwardFlops }, stepFlops = profile.reduce(0) { $0 + $1.forwardFlops + $1.backwardFlops }
    print("\nper layer (median of \(options.steps), training mode):")
    var rows = [["layer", "forward ms", "backward ms", "GFLOP/s", "share"]]
    let total = profile.reduce(0) { $0 + $1.forward + $1.backward }
    for p in profile {
        let flops = p.forwardFlops + p.backwardFlops
        rows.append([p.name, String(format: "%.1f", p.forward * 1e3), String(format: "%.1f", p.backward * 1e3),
                     flops > 0 ? String(format: "%.1f", flops / (p.forward + p.backward) / 1e9) : "—",
                     String(format: "%.1f%%", 100 * (p.forward + p.backward) / total)])
    }
    printTable(rows)
    print(String(format: "SGD update (momentum, weight decay): %.1f ms", update * 1e3))
    let gemm = sgemmRate(threads: options.threads)
    let peak = peakResidentMiB()
    print(String(format: "\nforward:       median %.3f s per batch, %.1f images/s, %.1f GFLOP/s  (min %.3f, max %.3f)",
                 median(forward), batch / median(forward), forwardFlops / median(forward) / 1e9, forward.min()!, forward.max()!))
    print(String(format: "training step: median %.3f s per batch, %.1f images/s, %.1f GFLOP/s  (min %.3f, max %.3f; forward + backward + SGD)",
                 median(step), batch / median(step), stepFlops / median(step) / 1e9, step.min()!, step.max()!))
    print(String(format: "sgemm (2048³, %d threads, as the library runs it, \(BLASKernel.current) kernel): %.1f GFLOP/s; the step reaches %.0f%% of it",
                 options.threads, gemm, 100 * stepFlops / median(step) / 1e9 / gemm))
    print(String(format: "peak resident memory: %.0f MiB", peak))
    if let path = options.csv {
        let exists = FileManager.default.fileExists(atPath: path)
        let header = ["net", "pass", "batch", "images_per_second", "gflops", "peak_mib", "sgemm_gflops", "blas_kernel", "convolution"]
        var table = exists ? try CSVTable.read(from: path) : CSVTable(header: header)
        guard table.header == header else {
            throw UsageError("\(path) has the columns \(table.header.joined(separator: ",")), not this benchmark's \(header.joined(separator: ",")): name a new file")
        }
        table.append([options.net, "forward", String(options.batch), String(format: "%.2f", batch / median(forward)),
                      String(format: "%.2f", forwardFlops / median(forward) / 1e9), String(format: "%.0f", peak), String(format: "%.1f", gemm),
                      BLASKernel.current, options.convolution])
        table.append([options.net, "training", String(options.batch), String(format: "%.2f", batch / median(step)),
                      String(format: "%.2f", stepFlops / median(step) / 1e9), String(format: "%.0f", peak), String(format: "%.1f", gemm),
                      BLASKernel.current, options.convolution])
        try table.write(to: path)
    }
}

/// One layer's median forward and backward times and its floating-point operations.
struct StageTiming {
    var name: String
    var forward = 0.0, backward = 0.0
    var forwardFlops = 0.0, backwardFlops = 0.0
}

/// Times every stage of `network` alone: forward in order, then backward in reverse, as the
/// model runs them (the first convolution computes no gradient for the image).
func profileStages(_ network: any Network<Float>, images: Tensor<Float>, labels: [Int], repeats: Int) -> [StageTiming] {
    let stages = network.stages
    var times = stages.map { StageTiming(name: $0.name) }
    var forwardRuns = [[Double]](repeating: [], count: stages.count), backwardRuns = forwardRuns
    network.phase = .training
    for _ in 0..<repeats {
        var x = images
        for (i, stage) in stages.enumerated() {
            let input = x
            forwardRuns[i].append(seconds { x = stage.layer.forward(input) })
            // Multiply-adds of the layers that multiply matrices: 2 flops each forward, 4 backward.
            let macs = Double(stage.layer.multiplyAdds(for: input.shape))
            times[i].forwardFlops = 2 * macs
            times[i].backwardFlops = (i == 0 ? 2 : 4) * macs
        }
        let objective = SoftmaxCrossEntropy<Float>()
        _ = objective.forward(x, labels: labels)
        var g = objective.backward()
        for i in stages.indices.reversed() {
            let dy = g
            if i == 0, let conv = stages[i].layer as? Convolution<Float> {
                backwardRuns[i].append(seconds { conv.backwardParametersOnly(dy) })
            } else {
                backwardRuns[i].append(seconds { g = stages[i].layer.backward(dy) })
            }
        }
        network.zeroGradients()
    }
    for i in times.indices {
        times[i].forward = median(forwardRuns[i])
        times[i].backward = median(backwardRuns[i])
    }
    return times
}

/// GFLOP/s of a 2048×2048×2048 single-precision product through `matrixMultiply`.
func sgemmRate(threads: Int) -> Double {
    let n = 2048
    var g = RandomGenerator(seed: 2)
    let a = Tensor<Float>.normal(shape: [n, n], standardDeviation: 1, generator: &g)
    var c = Tensor<Float>(shape: [n, n])
    let runs = (0..<3).map { _ in
        seconds {
            a.withUnsafeBufferPointer { a in
                c.withUnsafeMutableBufferPointer { c in
                    matrixMultiply(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a.baseAddress!, lda: n,
                                   b: a.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
    }
    return 2 * Double(n * n * n) / median(runs) / 1e9
}

/// The process's peak resident set size, in MiB (getrusage).
func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024          // kilobytes on Linux
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

/// The step of data-parallel training (`dataParallelTrainStep`) on this process's part of a batch,
/// with MPI when launched by mpirun; rank 0 prints.
func dataParallelBenchmark(_ options: Options) throws {
    Threading.setThreadCount(options.threads)
    let group = MPIGroup.start()
    defer { group?.finish() }
    let (rank, size) = (group?.rank ?? 0, group?.size ?? 1)
    var c: AlexNetConfiguration = options.net == "paper" ? .paper
        : .small(inputChannels: 1, inputSize: 28, classes: 10, widthScale: options.widthScale, hiddenWidth: options.hiddenWidth)
    c.dropout = nil
    let network = try AlexNetModel<Float>(c)
    let part = (options.batch * rank / size)..<(options.batch * (rank + 1) / size)
    var g = RandomGenerator(seed: 1)
    let all = Tensor<Float>.normal(shape: [options.batch, c.inputChannels, c.inputSize, c.inputSize], standardDeviation: 1, generator: &g)
    let per = c.inputChannels * c.inputSize * c.inputSize
    let images = Tensor<Float>(shape: [part.count, c.inputChannels, c.inputSize, c.inputSize],
                               scalars: Array(all.scalars[(part.lowerBound * per)..<(part.upperBound * per)]))
    let labels = part.map { $0 % c.classes }
    let (objective, sgd) = (SoftmaxCrossEntropy<Float>(), SGD(parameters: network.parameters))
    var buffer: [Float] = []
    func step() throws {
        if let group {
            _ = try dataParallelTrainStep(network, objective: objective, optimizer: sgd, images: images, labels: labels,
                                          learningRate: 0.0001, group: group, buffer: &buffer)
        } else {
            try trainStep(network, objective: objective, optimizer: sgd, images: images, labels: labels, learningRate: 0.0001)
        }
    }
    try step()                                            // warm-up
    let (bytes0, sums0) = (group?.bytesSummed ?? 0, group?.secondsSumming ?? 0)
    var times: [Double] = []
    for _ in 0..<options.steps { times.append(try measureSeconds { try step() }) }
    let perStep = median(times)
    let bytes = Double((group?.bytesSummed ?? 0) - bytes0) / Double(options.steps)
    let summing = ((group?.secondsSumming ?? 0) - sums0) / Double(options.steps)
    // The gradient's all-reduce alone, without compute: what moving the bytes costs here.
    var alone: [Double] = []
    if let group {
        buffer.withUnsafeMutableBufferPointer { b in
            for _ in 0..<options.steps {
                group.barrier()
                alone.append(measureSeconds { group.sum(b) })
            }
        }
    }
    guard rank == 0 else { return }
    if size == 1 { for line in BLASKernelSelection.report { print(line) } }
    if !alone.isEmpty {
        print(String(format: "the all-reduce of the %.1f MB gradient alone, after a barrier: %.3f s (median of %d), %.2f GB/s of gradient",
                     Double(4 * buffer.count) / 1e6, median(alone), options.steps, Double(4 * buffer.count) / median(alone) / 1e9))
    }
    print(String(format: "net %@, batch %d over %d process%@ × %d thread%@: %.3f s per step (median of %d), %.1f images/s; summed %.1f MB per step, %.3f s per step in the sums (%.0f%%)",
                 options.net, options.batch, size, size == 1 ? "" : "es", options.threads, options.threads == 1 ? "" : "s", perStep, options.steps,
                 Double(options.batch) / perStep, bytes / 1e6, summing, 100 * summing / perStep))
    if options.net == "paper" && size == 1 {
        let projection = ScalingProjection(imagesPerSecond: Double(options.batch) / perStep)
        print("\nthe paper's 90 epochs on M machines like this one (ring all-reduce of 243.9 MB per step, no overlap), days:")
        var rows = [["machines", "compute s/step", "1 Gbit/s", "10 Gbit/s", "100 Gbit/s"]]
        for m in [1, 2, 4, 8, 16, 32, 64] {
            rows.append([String(m), String(format: "%.3f", projection.step(machines: m, bitsPerSecond: 1e9).compute)]
                        + [1e9, 1e10, 1e11].map { String(format: "%.1f", projection.days(machines: m, bitsPerSecond: $0)) })
        }
        printTable(rows)
    }
}

/// ImageNet's three costs, each measured alone on a quiet machine.
func imageNetPipelineBenchmark(_ options: Options) throws {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    let root = NSTemporaryDirectory() + "alexnet-bench-imagenet-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let size = try ImageNetThroughput.writePhotographs(count: options.photos, to: root + "/tree")
    let prepare = try ImageNetThroughput.preparation(root: root + "/tree", output: root + "/shards", threads: options.threads).imagesPerSecond
    print(String(format: "prepare: %d synthetic 500×375 JPEGs (%.0f KB each) → 256×256 shards at %.1f images/s on %d threads",
                 options.photos, size / 1024, prepare, options.threads))
    let shards = try ImageNetShards(directory: root + "/shards")
    var loader: [Int: Double] = [:]
    for workers in [1, 2] {
        loader[workers] = median((0..<options.steps).map { _ in
            ImageNetThroughput.loader(shards.train, normalization: shards.normalization, lighting: shards.lighting,
                                      batchSize: options.batch, batches: max(1, 4 * options.photos / options.batch), workers: workers)
        })
        print(String(format: "loader: %.0f images/s of 227×227 views (crops, flips, PCA lighting, mean image) with %d assembling thread%@",
                     loader[workers]!, workers, workers == 1 ? "" : "s"))
    }
    let network = try AlexNetModel<Float>(.paper)
    let train = try ImageNetThroughput.trainingStep(network, classes: 1000, batchSize: options.batch, steps: options.steps)
    print(String(format: "the paper's network trains at %.1f images/s (batch %d, %d threads): the loader is %.0f× (1 thread) and %.0f× (2) faster",
                 train, options.batch, options.threads, loader[1]! / train, loader[2]! / train))
}

/// 2,000 random 8×8 RGB images whose channels are correlated as in natural images.
/// Figure 4's search: 16 queries among 55,000 vectors as long as an fc7 layer (512, 4096) or a
/// Fashion-MNIST image (784), by the blocked GEMM search and by its naive twin (on a tenth of the
/// references, scaled up), with the two checked to agree there.
func neighbourBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    for width in [512, 784, 4096] {
        var g = RandomGenerator(seed: 1)
        let references = Tensor<Float>.normal(shape: [55_000, width], standardDeviation: 1, generator: &g)
        let queries = Tensor<Float>.normal(shape: [16, width], standardDeviation: 1, generator: &g)
        var fast: [Double] = []
        for _ in 0..<options.steps { fast.append(seconds { _ = NearestNeighbours.search(queries: queries, references: references, k: 8) }) }
        let tenth = Tensor<Float>(shape: [5_500, width], scalars: Array(references.scalars.prefix(5_500 * width)))
        var agree = false
        let naive = seconds {
            agree = NearestNeighbours.naive(queries: queries, references: tenth, k: 8).map { $0.map(\.index) }
                == NearestNeighbours.search(queries: queries, references: tenth, k: 8).map { $0.map(\.index) }
        } * 10
        print(String(format: "neighbours, %d-long vectors: blocked GEMM %.3f s (median of %d), naive ≈ %.1f s (%.0f× slower); same neighbours on 5,500: %@",
                     width, median(fast), options.steps, naive, naive / median(fast), agree ? "yes" : "NO"))
    }
}

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
    if options.dataParallel {
        try dataParallelBenchmark(options)
    } else if options.imagenetPipeline {
        try imageNetPipelineBenchmark(options)
    } else if options.pipeline {
        try pipelineBenchmark(options)
    } else if options.neighbours {
        neighbourBenchmark(options)
    } else {
        try benchmark(options)      // first, so that its peak memory is the network's alone
        specialisationCheck()
    }
}
