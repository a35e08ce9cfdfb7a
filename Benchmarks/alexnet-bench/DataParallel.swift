// --data-parallel: the data-parallel training step, under mpirun or alone.
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

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
