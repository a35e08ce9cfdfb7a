// The training step and the forward pass of a network, layer by layer (the default mode).
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

func benchmark(_ options: Options) throws {
    Threading.setThreadCount(options.threads)
    let (network, inputShape) = try benchmarkNetwork(options)
    for line in BLASKernelSelection.report { print(line) }
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

/// The network named by `--net` with `--activation` and `--convolution`, and the shape of one input image.
func benchmarkNetwork(_ options: Options) throws -> (network: any Network<Float>, inputShape: [Int]) {
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
    if options.convolution == "im2col" {
        for stage in network.stages { (stage.layer as? Convolution<Float>)?.algorithm = .im2col }
    }
    return (network, inputShape)
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
