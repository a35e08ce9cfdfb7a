import AlexNet
import AlexNetData
import AlexNetExperiments
import Foundation
import ToolSupport

/// What the real run would cost here, measured at ImageNet's sizes (whatever data the chapter
/// trained on): preparing synthetic photographs of 500×375 into 256×256 shards, the loader
/// cutting the paper's 227×227 views from them, and the paper's network's training step at the
/// paper's batch; then ``ImageNetThroughput/Projection``.
struct Costs {
    var photographs: Int, photographBytes: Double
    var preparationRate: Double
    var loaderRates: [Int: Double]
    var trainingRate: Double, trainingBatch: Int
    var projection: ImageNetThroughput.Projection

    static func measure(photographs: Int, trainingBatch: Int, trainingSteps: Int, threads: Int) throws -> Costs {
        let scratch = NSTemporaryDirectory() + "alexnet-chapter-10-costs-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let bytes = try ImageNetThroughput.writePhotographs(count: photographs, to: scratch + "/tree")
        let prepare = try ImageNetThroughput.preparation(root: scratch + "/tree", output: scratch + "/shards", threads: threads)
        let shards = try ImageNetShards(directory: scratch + "/shards")
        var loader: [Int: Double] = [:]
        for workers in [1, 2] {
            loader[workers] = median((0..<3).map { _ in
                ImageNetThroughput.loader(shards.train, normalization: shards.normalization, lighting: shards.lighting,
                                          batchSize: 128, batches: max(2, 2 * photographs / 128), workers: workers)
            })
        }
        let network = try AlexNetModel<Float>(.paper)
        let train = try ImageNetThroughput.trainingStep(network, classes: 1000, batchSize: trainingBatch, steps: trainingSteps)
        // Training keeps both cores busy; the loader's one background thread is what it has.
        return Costs(photographs: photographs, photographBytes: bytes, preparationRate: prepare, loaderRates: loader,
                     trainingRate: train, trainingBatch: trainingBatch,
                     projection: ImageNetThroughput.Projection(trainingRate: train, loaderRate: loader[1]!, preparationRate: prepare))
    }

    /// Rows of the projection: what, seconds on this machine.
    var rows: [(name: String, seconds: Double)] {
        [("prepare ILSVRC-2012 once (1,331,167 images)", projection.preparationSeconds),
         ("one net, 90 epochs", projection.runSeconds),
         ("five nets (Table 2: 16.4% top-5)", projection.fiveNetSeconds),
         ("seven nets, two pre-trained on Fall 2011 (15.3%)", projection.sevenNetSeconds)]
    }
}
