import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining

/// Rebuilds the network of a checkpoint with its trained weights.
func loadNetwork(_ checkpoint: Checkpoint) throws -> any Network<Float> {
    let stored = checkpoint.parameters.reduce(0) { $0 + $1.value.count }
    let network = try checkpoint.specification.build(Float.self, maximumParameters: stored)
    try checkpoint.restore(into: network)
    return network
}

/// `alexnet evaluate`: top-1 and top-5 error of one checkpoint, or of several averaged.
func evaluate(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet evaluate", summary: "Top-1 and top-5 test error of a checkpoint, or of an ensemble of checkpoints whose predictions are averaged (Section 6).")
    let data = DataArguments(a, imageNet: true)
    let paths = a.strings("--checkpoint", help: "a checkpoint file; give several for an ensemble", placeholder: "FILE")
    let views = a.choice("--views", default: "centre", choices: ["centre", "ten"], help: "the centre patch, or the ten views averaged (Section 4.1)")
    let limit = a.optionalInteger("--limit-test", help: "use only the first N test images")
    let threads = a.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, help: "threads")
    try a.finish()
    guard !paths.isEmpty else { throw UsageError("--checkpoint FILE is required", command: a.command) }
    Threading.setThreadCount(threads)
    // The reported split: the test set, or ImageNet's prepared validation set (Table 2's).
    let (test, classes, name): (any LabelledImages, Int, String)
    if data.isImageNet {
        let shards = try data.imageNetShards()
        guard let validation = shards.validation else { throw UsageError("\(shards.directory) has no prepared validation images to evaluate on", command: a.command) }
        (test, classes, name) = (validation, shards.index.classes.count, "ImageNet's validation set")
    } else {
        let dataset = try data.load()
        (test, classes, name) = (dataset.test, dataset.classes, dataset.name)
    }
    let split: any LabelledImages = limit.map { ImageSubset(test, indices: Array(0..<min($0, test.count))) } ?? test
    var all: [Tensor<Float>] = []
    for path in paths {
        let checkpoint = try Checkpoint.read(from: path)
        guard checkpoint.specification.classes == classes else {
            throw CheckpointError.doesNotFit("\(path) predicts \(checkpoint.specification.classes) classes; \(name) has \(classes)")
        }
        let network = try loadNetwork(checkpoint)
        let crop = checkpoint.specification.inputShape[1]
        guard checkpoint.normalization.mean.shape == [split.channels, split.height, split.width] else {
            throw CheckpointError.doesNotFit("\(path) was trained on images of \(checkpoint.normalization.mean.shape), \(name) has \([split.channels, split.height, split.width])")
        }
        let p = Evaluation.probabilities(of: network, on: split, normalization: checkpoint.normalization,
                                         augmentation: Augmentation(cropSize: crop), views: views == "ten" ? .ten : .centre)
        let e = Evaluation(probabilities: p, labels: split.labels)
        print(String(format: "%@: top-1 error %.2f%%, top-5 error %.2f%% (%@ view%@, %d images)", path, 100 * e.top1, 100 * e.top5,
                     views, views == "ten" ? "s" : "", e.images) + nonFiniteNote(e))
        all.append(p)
    }
    if all.count > 1 {
        let e = Evaluation(probabilities: Evaluation.ensemble(all), labels: split.labels)
        print(String(format: "ensemble of %d: top-1 error %.2f%%, top-5 error %.2f%%", all.count, 100 * e.top1, 100 * e.top5) + nonFiniteNote(e))
    }
}

/// "; 12 images with non-finite outputs, counted as wrong", or nothing.
func nonFiniteNote(_ e: Evaluation) -> String {
    e.nonFinite == 0 ? "" : "; \(e.nonFinite) image\(e.nonFinite == 1 ? "" : "s") with non-finite outputs (NaN or infinite), counted as wrong"
}

/// `alexnet inspect`: what a checkpoint holds.
func inspect(_ raw: ArraySlice<String>) throws {
    let a = Arguments(raw, command: "alexnet inspect", summary: "Print what a checkpoint holds and a checksum of its weights and momentum.")
    let path = a.optionalString("--checkpoint", help: "the checkpoint file", placeholder: "FILE")
    try a.finish()
    guard let path else { throw UsageError("--checkpoint FILE is required", command: a.command) }
    let c = try Checkpoint.read(from: path)
    let count = c.parameters.reduce(0) { $0 + $1.value.count }
    var weights: [UInt8] = [], momentum: [UInt8] = []
    for p in c.parameters { p.value.scalars.withUnsafeBytes { weights += $0 } }
    for v in c.velocities { v.scalars.withUnsafeBytes { momentum += $0 } }
    print("checkpoint \(path)")
    print("  data set: \(c.metadata["dataset"] ?? "?"), \(count) parameters in \(c.parameters.count) tensors")
    print("  \(c.state.records.count) epochs done, \(c.state.step) steps; next: epoch \(c.state.epoch + 1), batch \(c.state.batchIndex + 1), learning rate \(c.state.schedule.rate(epoch: c.state.epoch))")
    print(String(format: "  weights CRC-32 %08x, momentum CRC-32 %08x", Checkpoint.crc32(weights), Checkpoint.crc32(momentum)))
    for r in c.state.records {
        print(String(format: "  epoch %d: training error %.2f%%, test error %.2f%%", r.epoch, 100 * r.trainingError, 100 * r.testTop1))
    }
}
