// --scaling: the paper net's training step at 1, 2, 4, … threads up to the cores present.
import AlexNet
import Foundation
import ToolSupport
import AlexNetTraining

/// Trains the network named by `--net` at each thread count of ``threadCounts(upTo:)``, the counts
/// taking turns, and prints
/// images/s, the speed-up over one thread, the parallel efficiency (speed-up / threads) and the
/// Karp–Flatt serial fraction e = (1/S − 1/p) / (1 − 1/p): near 0 when the step scales, the share
/// of the one-thread step that did not get faster when it does not. Then each layer's speed-up
/// between one thread and the most, which says which part of the step holds the rest back.
func scalingBenchmark(_ options: Options) throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let counts = threadCounts(upTo: min(options.threads, cores))
    let (network, inputShape) = try benchmarkNetwork(options)
    for line in BLASKernelSelection.report { print(line) }
    let classes = network.describe().last!.outputShape[0]
    var g = RandomGenerator(seed: 1)
    let images = Tensor<Float>.normal(shape: [options.batch] + inputShape, standardDeviation: 1, generator: &g)
    let labels = (0..<options.batch).map { $0 % classes }
    let (objective, sgd) = (SoftmaxCrossEntropy<Float>(), SGD(parameters: network.parameters))
    network.phase = .training
    print("net \(options.net), batch \(options.batch), thread counts \(counts.map(String.init).joined(separator: ", ")) of \(cores) cores; "
          + "one warm-up step at each count, then \(options.steps) rounds through the counts in turn (so that a drift of the "
          + "machine's speed falls on every count alike); the median of each count's steps")
    func step(threads: Int) throws -> Double {
        Threading.setThreadCount(threads)
        return try measureSeconds {
            try trainStep(network, objective: objective, optimizer: sgd, images: images, labels: labels, learningRate: 1e-5)
        }
    }
    for threads in counts { _ = try step(threads: threads) }
    var times = [[Double]](repeating: [], count: counts.count)
    for _ in 0..<options.steps {
        for (i, threads) in counts.enumerated() { try times[i].append(step(threads: threads)) }
    }
    var rows = [["threads", "s per step", "images/s", "speed-up", "efficiency", "serial fraction (Karp–Flatt)"]]
    let oneThread = median(times[0])
    for (i, threads) in counts.enumerated() {
        let t = median(times[i])
        let speedUp = oneThread / t, p = Double(threads)
        let serial = threads == 1 ? "—" : String(format: "%.3f", (1 / speedUp - 1 / p) / (1 - 1 / p))
        rows.append([String(threads), String(format: "%.3f", t), String(format: "%.1f", Double(options.batch) / t),
                     String(format: "%.2f×", speedUp), String(format: "%.0f%%", 100 * speedUp / p), serial])
    }
    var profiles: [(threads: Int, stages: [StageTiming])] = []
    for threads in Set([counts.first!, counts.last!]).sorted() {
        Threading.setThreadCount(threads)
        profiles.append((threads, profileStages(network, images: images, labels: labels, repeats: options.steps)))
    }
    printTable(rows)
    guard profiles.count == 2 else { return }
    let (few, many) = (profiles[0], profiles[1])
    print("\nper layer, \(few.threads) thread against \(many.threads) (forward + backward, median of \(options.steps)):")
    var layerRows = [["layer", "ms at \(few.threads)", "ms at \(many.threads)", "speed-up", "share at \(many.threads)"]]
    let total = many.stages.reduce(0) { $0 + $1.forward + $1.backward }
    for (a, b) in zip(few.stages, many.stages) {
        let (ta, tb) = (a.forward + a.backward, b.forward + b.backward)
        layerRows.append([a.name, String(format: "%.1f", ta * 1e3), String(format: "%.1f", tb * 1e3),
                          String(format: "%.2f×", ta / tb), String(format: "%.1f%%", 100 * tb / total)])
    }
    printTable(layerRows)
}

/// 1, 2, 4, 8, … below `limit`, then `limit` itself: [1, 2] for 2 cores, [1, 2, 4, 8, 16] for 16,
/// [1, 2, 4, 6] for 6.
func threadCounts(upTo limit: Int) -> [Int] {
    var counts: [Int] = []
    var n = 1
    while n < limit { counts.append(n); n *= 2 }
    return counts + [max(1, limit)]
}
