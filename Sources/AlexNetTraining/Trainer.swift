import Foundation
import AlexNet
import AlexNetData

/// How to train: the paper's recipe by default (batch 128, momentum 0.9, weight decay 0.0005,
/// ε = 0.01), every part switchable for the book's comparisons.
public struct TrainingOptions: Sendable {
    public var epochs: Int
    public var batchSize = 128
    public var schedule = LearningRateSchedule.constant(0.01)
    public var momentum = 0.9, weightDecay = 0.0005
    /// Whether weight decay applies to biases too (the paper does not say; off by default).
    public var decaysBiases = false
    /// Training-time augmentation; evaluation uses its crop size (centre or ten views).
    public var augmentation = Augmentation.none
    public var evaluationViews = Evaluation.Views.centre
    /// Seeds the data order and augmentation (the weights are seeded by the model's configuration).
    public var seed: UInt64 = 0
    /// Where `checkpoint.alexnet` is kept; nil: no checkpoints.
    public var checkpointDirectory: String?
    /// Also checkpoint every this many steps (besides each epoch's end).
    public var checkpointEverySteps: Int?
    /// The per-epoch CSV log; nil: none.
    public var logPath: String?
    public var showsProgress = true
    /// Stop this run after this many steps (after checkpointing), as an interruption would.
    public var stopAfterSteps: Int?
    /// Threads that assemble each batch in the background (``BatchLoader/workers``).
    public var loaderWorkers = 1
    /// Train as one member of a data-parallel group: this process takes its part of every batch and
    /// the gradients are summed over the group each step (``dataParallelTrainStep``). Only member 0
    /// should be given a checkpoint directory and a log.
    public var group: (any DataParallelGroup)?

    public init(epochs: Int) { self.epochs = epochs }
}

/// The images a ``Trainer`` reads: training, an optional validation split (which the plateau
/// rule watches) and the test split, from memory or from disk.
public struct TrainingData: Sendable {
    public var name: String
    public var classes: Int
    public var train: any LabelledImages
    public var validation: (any LabelledImages)?
    public var test: any LabelledImages

    public init(name: String, classes: Int, train: any LabelledImages, validation: (any LabelledImages)?, test: any LabelledImages) {
        self.name = name
        self.classes = classes
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// An in-memory data set's splits.
    public init(_ dataset: Dataset) {
        self.init(name: dataset.name, classes: dataset.classes, train: dataset.train, validation: dataset.validation, test: dataset.test)
    }
}

/// Training that cannot start or go on, with what to do about it.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The network's input shape is not what the data set (after cropping) gives.
    case imageShape(network: [Int], dataset: String, gives: [Int])
    /// The network's outputs do not match the data set's classes.
    case classes(network: Int, dataset: String, classes: Int)
    /// A training step's loss was NaN or infinite (the weights are left as before it).
    case lossNotFinite(Float)
    /// The plateau schedule needs a validation split to watch (the test set is never used to train).
    case plateauWithoutValidation(dataset: String)
    /// The loss stopped being finite during a run, at this step and learning rate.
    case diverged(loss: Float, step: Int, epoch: Int, batch: Int, learningRate: Double)

    public var description: String {
        func dims(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }
        switch self {
        case .imageShape(let network, let dataset, let gives):
            return "the network takes \(dims(network)) images, but \(dataset) gives \(dims(gives))"
        case .classes(let network, let dataset, let classes):
            return "the network has \(network) outputs, \(dataset) has \(classes) classes"
        case .plateauWithoutValidation(let dataset):
            return "the plateau schedule watches a validation split, and \(dataset) has none: hold some training images out (Dataset.holdingOutValidation), or use a constant or stepped schedule"
        case .lossNotFinite(let loss):
            return "the loss became \(loss)"
        case .diverged(let loss, let step, let epoch, let batch, let rate):
            return "training diverged: the loss became \(loss) at step \(step) (epoch \(epoch), batch \(batch)) with learning rate \(rate). Try a lower learning rate (e.g. \(rate / 10)); the last good checkpoint is kept."
        }
    }
}

/// The training loop every chapter and the `alexnet` tool run: epochs of augmented batches,
/// the paper's SGD, an evaluation after each epoch, a CSV log, progress on standard error,
/// checkpoints that survive a crash, and a guard against divergence.
public final class Trainer {
    public let specification: ModelSpecification
    public let network: any Network<Float>
    public let data: TrainingData
    public let normalization: Normalization
    public let optimizer: SGD<Float>
    private let objective = SoftmaxCrossEntropy<Float>()
    public let options: TrainingOptions
    public private(set) var state: TrainingState
    public var metadata: [String: String] = [:]
    public let progress: ProgressDisplay

    /// A trainer with a freshly initialised network. `normalization` defaults to the mean image
    /// of the training split (raw pixel scale, as in the paper).
    public convenience init(specification: ModelSpecification, dataset: Dataset, options: TrainingOptions,
                            normalization: Normalization? = nil) throws {
        try self.init(specification: specification, data: TrainingData(dataset), options: options,
                      normalization: normalization ?? .meanImage(of: dataset.train))
    }

    /// A trainer on images from anywhere (in memory, or ImageNet's memory-mapped shards).
    public init(specification: ModelSpecification, data: TrainingData, options: TrainingOptions,
                normalization: Normalization) throws {
        let shape = specification.inputShape
        let crop = options.augmentation.cropSize ?? min(data.train.height, data.train.width)
        guard shape == [data.train.channels, crop, crop] else {
            throw TrainingError.imageShape(network: shape, dataset: "\(data.name) with crop \(crop)", gives: [data.train.channels, crop, crop])
        }
        guard specification.classes == data.classes else {
            throw TrainingError.classes(network: specification.classes, dataset: data.name, classes: data.classes)
        }
        if case .plateau = options.schedule.kind, data.validation == nil {
            throw TrainingError.plateauWithoutValidation(dataset: data.name)
        }
        self.specification = specification
        self.network = try specification.build(Float.self)
        self.data = data
        self.normalization = normalization
        self.options = options
        self.optimizer = SGD(parameters: network.parameters, momentum: options.momentum, weightDecay: options.weightDecay,
                             decaysBiases: options.decaysBiases)
        self.state = TrainingState(schedule: options.schedule)
        self.progress = ProgressDisplay(enabled: options.showsProgress)
    }

    /// The checkpoint file in `directory`.
    public static func checkpointPath(in directory: String) -> String {
        (directory as NSString).appendingPathComponent("checkpoint.alexnet")
    }

    /// Continues from `checkpoint`: weights, momentum, generators, data position, schedule.
    public func resume(from checkpoint: Checkpoint) throws {
        guard checkpoint.specification == specification else {
            throw CheckpointError.doesNotFit("the checkpoint was made for another network (\(checkpoint.specification)); train with the same model options to resume it")
        }
        try checkpoint.restore(into: network, optimizer: optimizer)
        state = checkpoint.state
    }

    /// The current state as a checkpoint.
    public func checkpoint() -> Checkpoint {
        Checkpoint(network: network, optimizer: optimizer, specification: specification,
                   normalization: normalization, state: state, metadata: metadata)
    }

    private func saveCheckpoint() throws {
        guard let directory = options.checkpointDirectory else { return }
        try checkpoint().write(to: Self.checkpointPath(in: directory))
    }

    private func writeLog() throws {
        guard let path = options.logPath else { return }
        var table = CSVTable(header: EpochRecord.csvHeader)
        for r in state.records { table.append(numbers: r.csvRow) }
        try table.write(to: path)
    }

    /// Trains until `options.epochs` epochs are done (or `stopAfterSteps`), and returns the log:
    /// for each batch, a step, booked on the state, shown, and checkpointed when due.
    @discardableResult
    public func run() throws -> [EpochRecord] {
        let loader = BatchLoader(split: data.train, batchSize: options.batchSize, augmentation: options.augmentation,
                                 normalization: normalization, seed: options.seed, workers: options.loaderWorkers,
                                 part: (options.group?.rank ?? 0, options.group?.size ?? 1))
        var buffer: [Float] = []                          // the data-parallel sums' staging, kept from step to step
        var thisRun = (steps: 0, images: 0, seconds: 0.0)
        while state.epoch < options.epochs {
            let rate = state.schedule.rate(epoch: state.epoch)
            network.phase = .training
            for batch in loader.batches(epoch: state.epoch, startingAt: state.batchIndex) {
                let step = try self.step(batch, learningRate: rate, buffer: &buffer)
                state.record(step)
                thisRun = (thisRun.steps + 1, thisRun.images + step.images, thisRun.seconds + step.seconds)
                show(batches: loader.batchesPerEpoch, imagesPerSecond: Double(thisRun.images) / max(thisRun.seconds, 1e-9))
                if let every = options.checkpointEverySteps, state.step % every == 0, state.batchIndex < loader.batchesPerEpoch {
                    try saveCheckpoint()
                }
                if let stop = options.stopAfterSteps, thisRun.steps >= stop {
                    try saveCheckpoint()
                    return state.records
                }
            }
            try finishEpoch(rate: rate)
        }
        return state.records
    }

    /// One step of SGD on `batch` (shared by the group's members when there is a group); a loss
    /// that is not finite ends training with the step, epoch, batch and rate where it happened.
    private func step(_ batch: Batch, learningRate rate: Double, buffer: inout [Float]) throws -> StepResult {
        let started = Date()
        let (loss, mistakes, n): (Float, Int, Int)
        do {
            if let group = options.group {
                (loss, mistakes, n) = try dataParallelTrainStep(network, objective: objective, optimizer: optimizer, images: batch.images,
                                                                labels: batch.labels, learningRate: rate, group: group, buffer: &buffer)
            } else {
                let (l, logits) = try trainStep(network, objective: objective, optimizer: optimizer,
                                                images: batch.images, labels: batch.labels, learningRate: rate)
                (loss, mistakes, n) = (l, TopK.mistakes(logits, labels: batch.labels, k: 1), batch.labels.count)
            }
        } catch TrainingError.lossNotFinite(let loss) {
            throw TrainingError.diverged(loss: loss, step: state.step + 1, epoch: state.epoch + 1,
                                         batch: state.batchIndex + 1, learningRate: rate)
        }
        return StepResult(loss: loss, mistakes: mistakes, images: n, seconds: Date().timeIntervalSince(started))
    }

    /// The progress line: the epoch's loss and error so far, this run's rate and the time left.
    private func show(batches: Int, imagesPerSecond rate: Double) {
        let imagesLeft = Double((options.epochs - state.epoch) * data.train.count - state.epochImages)
        progress.update(epoch: state.epoch + 1, epochs: options.epochs, batch: state.batchIndex, batches: batches,
                        loss: state.epochLoss, error: state.epochError, imagesPerSecond: rate, secondsLeft: imagesLeft / rate)
    }

    /// The network's errors on `split`; in a data-parallel group each member evaluates its part
    /// of the split and the mistakes are summed, so every member gets the same numbers.
    private func evaluate(_ split: any LabelledImages, augmentation: Augmentation) -> Evaluation {
        guard let group = options.group, group.size > 1 else {
            return Evaluation(network: network, split: split, normalization: normalization, augmentation: augmentation,
                              views: options.evaluationViews, batchSize: options.batchSize)
        }
        let part = (split.count * group.rank / group.size)..<(split.count * (group.rank + 1) / group.size)
        let mine = part.isEmpty ? nil : Evaluation(network: network, split: ImageSubset(split, indices: Array(part)), normalization: normalization,
                                                   augmentation: augmentation, views: options.evaluationViews, batchSize: options.batchSize)
        let n = Double(part.count)
        let totals = group.sum([(mine?.top1 ?? 0) * n, (mine?.top5 ?? 0) * n, n, Double(mine?.nonFinite ?? 0)])
        var whole = Evaluation(probabilities: Tensor(shape: [0, 1]), labels: [])
        (whole.top1, whole.top5, whole.images) = (totals[0].rounded() / totals[2], totals[1].rounded() / totals[2], Int(totals[2]))
        whole.nonFinite = Int(totals[3])
        return whole
    }

    /// Evaluates, logs and checkpoints the epoch just trained, and moves to the next.
    private func finishEpoch(rate: Double) throws {
        let started = Date()
        let crop = options.augmentation.cropSize
        let evaluationAugmentation = Augmentation(cropSize: crop)
        let validation = data.validation.map { evaluate($0, augmentation: evaluationAugmentation) }
        let test = evaluate(data.test, augmentation: evaluationAugmentation)
        state.elapsedSeconds += Date().timeIntervalSince(started)
        let record = EpochRecord(
            epoch: state.epoch + 1, learningRate: rate,
            trainingLoss: state.epochLoss, trainingError: state.epochError,
            validationTop1: validation?.top1 ?? .nan, validationTop5: validation?.top5 ?? .nan,
            testTop1: test.top1, testTop5: test.top5,
            imagesPerSecond: Double(state.epochImages) / max(state.epochSeconds, 1e-9),
            wallSeconds: state.elapsedSeconds)
        state.records.append(record)
        // The paper's plateau rule watches the validation error (the initialiser made sure there is a split).
        if let validation, state.schedule.record(validationError: validation.top1) {
            progress.log("learning rate divided by 10: now \(state.schedule.rate(epoch: state.epoch + 1))")
        }
        progress.log(String(format: "epoch %d: training loss %.4f, training error %.2f%%, %@test error %.2f%% (top-5 %.2f%%), %.0f images/s",
                            record.epoch, record.trainingLoss, 100 * record.trainingError,
                            validation.map { String(format: "validation error %.2f%%, ", 100 * $0.top1) } ?? "",
                            100 * test.top1, 100 * test.top5, record.imagesPerSecond))
        state.epoch += 1
        state.batchIndex = 0
        state.epochLossSum = 0
        state.epochMistakes = 0
        state.epochImages = 0
        state.epochSeconds = 0
        try writeLog()
        try saveCheckpoint()
    }
}

extension TrainingData {
    /// Prepared ImageNet (``ImageNetShards``): the training shards less `heldOut` images chosen by
    /// `seed`, which become the validation split the plateau rule watches, and the prepared
    /// validation set (ILSVRC's 50,000, the set the paper's Table 2 reports) as the test split.
    /// `limitTrain` / `limitTest` keep the first images only, for short runs.
    /// Data with no validation set (ImageNet Fall 2011, which is only a training set, as the
    /// pre-training of Section 6 uses it) reports its errors on the held-out split, and says so.
    public init(imageNet shards: ImageNetShards, heldOut: Int, seed: UInt64, limitTrain: Int? = nil, limitTest: Int? = nil) throws {
        guard heldOut >= 0, heldOut < shards.train.count else {
            throw ImageNetError.badShards(path: shards.directory, problem: "cannot hold \(heldOut) of \(shards.train.count) training images out")
        }
        let (train, validation) = ImageSubset.holdingOut(heldOut, of: shards.train, seed: seed)
        guard let reported: any LabelledImages = shards.validation ?? (heldOut > 0 ? validation : nil) else {
            throw ImageNetError.badShards(path: shards.directory, problem: "no validation images were prepared and none are held out: hold some training images out (--validation N) to report the errors on")
        }
        let n = min(limitTrain ?? train.count, train.count), m = min(limitTest ?? reported.count, reported.count)
        let note = shards.validation == nil ? "; errors on \(heldOut) held-out training images, as it has no validation set" : ""
        self.init(name: "ImageNet (prepared in \(shards.directory)\(note))", classes: shards.index.classes.count,
                  train: n < train.count ? ImageSubset(train, indices: Array(0..<n)) : train,
                  validation: heldOut > 0 ? validation : nil,
                  test: m < reported.count ? ImageSubset(reported, indices: Array(0..<m)) : reported)
    }
}
