// --imagenet-pipeline: ImageNet's preparation, loader and the paper's training step.
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

/// ImageNet's three costs, each measured alone on a quiet machine.
func imageNetPipelineBenchmark(_ options: Options) throws {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    let root = NSTemporaryDirectory() + "alexnet-bench-imagenet-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let size = try ImageNetThroughput.writePhotographs(count: options.photos, to: root + "/tree")
    // The same files from a tree and from a tar of per-class tars (ILSVRC's download), alternating, medians.
    try ImageNetThroughput.archive(tree: root + "/tree", to: root + "/train.tar")
    var fromFiles: [Double] = [], fromArchive: [Double] = []
    for round in 0..<options.steps {
        for archive in [false, true] {
            let out = root + "/shards-\(round)-\(archive)"
            let rate = try ImageNetThroughput.preparation(root: root + "/tree", archive: archive ? root + "/train.tar" : nil, output: out,
                                                          threads: options.threads).imagesPerSecond
            if archive { fromArchive.append(rate) } else { fromFiles.append(rate) }
            if round > 0 || archive { try? FileManager.default.removeItem(atPath: out) }
        }
    }
    try FileManager.default.moveItem(atPath: root + "/shards-0-false", toPath: root + "/shards")
    print(String(format: "prepare: %d synthetic 500×375 JPEGs (%.0f KB each) → 256×256 shards on %d threads, median of %d alternating rounds: %.1f images/s from the files, %.1f from a tar of per-class tars (listing included)",
                 options.photos, size / 1024, options.threads, options.steps, median(fromFiles), median(fromArchive)))
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
