import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
@testable import AlexNetTraining
import TestSupport

@Suite struct SGDTests {
    /// Two steps by hand, ε = 0.1, μ = 0.9, λ = 0.01, gradients 0.5 then 0.2, weights from 1:
    ///   weight: v₁ = −0.01·0.1·1 − 0.1·0.5 = −0.051,       w₁ = 0.949
    ///           v₂ = 0.9·v₁ − 0.01·0.1·0.949 − 0.1·0.2 = −0.066849,  w₂ = 0.882151
    ///   bias (no decay): v₁ = −0.05, w₁ = 0.95; v₂ = −0.065, w₂ = 0.885
    @Test func twoStepsByHand() {
        let weight = Parameter<Double>(name: "w", kind: .weight, value: Tensor(shape: [1], scalars: [1]))
        let bias = Parameter<Double>(name: "b", kind: .bias, value: Tensor(shape: [1], scalars: [1]))
        let sgd = SGD(parameters: [weight, bias], momentum: 0.9, weightDecay: 0.01)
        for g in [0.5, 0.2] {
            weight.gradient.scalars[0] = g
            bias.gradient.scalars[0] = g
            sgd.step(learningRate: 0.1)
        }
        #expect(abs(weight.value.scalars[0] - 0.882151) < 1e-15)
        #expect(abs(sgd.velocities[0].scalars[0] + 0.066849) < 1e-15)
        #expect(abs(bias.value.scalars[0] - 0.885) < 1e-15)
        #expect(weight.gradient.scalars == [0.2] && bias.gradient.scalars == [0.2])   // left for the caller to zero
    }

    /// With `decaysBiases` the bias follows the weight's rule: from 1, v₁ = −0.001 − 0.05 = −0.051.
    @Test func biasesDecayOnlyWhenAsked() {
        let bias = Parameter<Double>(name: "b", kind: .bias, value: Tensor(shape: [1], scalars: [1]))
        let sgd = SGD(parameters: [bias], momentum: 0.9, weightDecay: 0.01, decaysBiases: true)
        bias.gradient.scalars[0] = 0.5
        sgd.step(learningRate: 0.1)
        #expect(abs(bias.value.scalars[0] - 0.949) < 1e-15)
    }
}

@Suite struct TrainStepTests {
    /// One step: the loss of the batch, the weights moved, every gradient zeroed again.
    @Test func aStepUpdatesAndZeroes() throws {
        let model = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let before = model.parameters.map(\.value)
        let sgd = SGD(parameters: model.parameters)
        let shape = model.describe()[0].outputShape
        var g = RandomGenerator(seed: 3)
        let images = Tensor<Float>.normal(shape: [4] + shape, standardDeviation: 1, generator: &g)
        let classes = model.describe().last!.outputShape[0]
        let (loss, logits) = try trainStep(model, objective: SoftmaxCrossEntropy(), optimizer: sgd, images: images,
                                           labels: [0, 1, 2, 3].map { $0 % classes }, learningRate: 0.01)
        #expect(loss.isFinite && logits.shape == [4, classes])
        #expect(zip(before, model.parameters.map(\.value)).contains { $0 != $1 })
        #expect(model.parameters.allSatisfy { $0.gradient.scalars.allSatisfy { $0 == 0 } })
    }

    /// A loss that is not finite stops the step before the update.
    @Test func aNonFiniteLossLeavesTheWeights() throws {
        let model = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        model.parameters.last!.value.scalars[0] = .infinity           // the last bias: an infinite logit
        let before = model.parameters.map(\.value)
        let shape = model.describe()[0].outputShape
        let images = Tensor<Float>(shape: [2] + shape, repeating: 1)
        #expect(throws: TrainingError.self) {
            try trainStep(model, objective: SoftmaxCrossEntropy(), optimizer: SGD(parameters: model.parameters),
                          images: images, labels: [0, 1], learningRate: 0.01)
        }
        #expect(model.parameters.map(\.value) == before)
    }
}

@Suite struct ScheduleTests {
    @Test func constantAndSteps() {
        #expect(LearningRateSchedule.constant(0.01).rate(epoch: 50) == 0.01)
        let steps = LearningRateSchedule.steps(0.01, atEpochs: [2, 4])
        let rates = (0..<6).map { steps.rate(epoch: $0) }
        #expect(rates.map { ($0 * 1e6).rounded() } == [10000, 10000, 1000, 1000, 100, 100])
    }

    @Test func thePapersPlateauRule() {
        var s = LearningRateSchedule.plateau(0.01, patience: 2, maximumReductions: 3)
        // Improves, improves, stalls twice (÷10), stalls twice (÷10), improves, stalls twice (÷10), stalls twice (no more).
        let errors = [0.5, 0.4, 0.45, 0.41, 0.42, 0.43, 0.3, 0.31, 0.32, 0.33, 0.34]
        var reduced: [Bool] = []
        for e in errors { reduced.append(s.record(validationError: e)) }
        #expect(reduced == [false, false, false, true, false, true, false, false, true, false, false])
        #expect(s.reductions == 3)
        #expect(abs(s.rate(epoch: 0) - 1e-5) < 1e-18)
    }
}

@Suite struct TopKTests {
    @Test func knownScores() {
        let scores = Tensor<Float>(shape: [3, 6], scalars: [
            0.1, 0.9, 0.0, 0.0, 0.0, 0.0,       // label 1: top-1
            0.5, 0.1, 0.2, 0.3, 0.4, 0.6,       // label 1: 6th of 6 — wrong even at 5
            0.3, 0.3, 0.1, 0.1, 0.1, 0.1,       // label 1 tied with 0: wrong at 1, right at 5
        ])
        #expect(TopK.mistakes(scores, labels: [1, 1, 1], k: 1) == 2)
        #expect(TopK.mistakes(scores, labels: [1, 1, 1], k: 5) == 1)
        #expect(TopK.mistakes(scores, labels: [1, 5, 2], k: 1) == 1)
        #expect(TopK.top([0.1, 0.7, 0.2] as [Float], k: 2).map(\.index) == [1, 2])
        let e = Evaluation(probabilities: scores, labels: [1, 1, 1])
        #expect(abs(e.top1 - 2.0 / 3) < 1e-12 && abs(e.top5 - 1.0 / 3) < 1e-12)
        // A dead network's equal outputs are wrong everywhere below k = classes, never right.
        let flat = Tensor<Float>(shape: [2, 10], repeating: 0)
        #expect(TopK.mistakes(flat, labels: [0, 7], k: 1) == 2 && TopK.mistakes(flat, labels: [0, 7], k: 5) == 2)
        #expect(TopK.mistakes(flat, labels: [0, 7], k: 10) == 0)
    }

    @Test func anEnsembleAveragesProbabilities() {
        let a = Tensor<Float>(shape: [1, 2], scalars: [0.9, 0.1]), b = Tensor<Float>(shape: [1, 2], scalars: [0.3, 0.7])
        #expect(Evaluation.ensemble([a, b]).scalars == [0.6, 0.4])
    }
}

@Suite struct TrainerTests {
    func trainer(epochs: Int, directory: String? = nil, stopAfter: Int? = nil, every: Int? = nil,
                 rate: Double = 0.01) throws -> Trainer {
        var options = TrainingOptions(epochs: epochs)
        options.batchSize = 8
        options.schedule = .constant(rate)
        options.augmentation = Augmentation(flips: true)
        options.checkpointDirectory = directory
        options.stopAfterSteps = stopAfter
        options.checkpointEverySteps = every
        options.showsProgress = false
        options.seed = 9
        var c = tinyAlexNetConfiguration()
        c.weightInitialization = .gaussian(standardDeviation: 0.1)
        return try Trainer(specification: .alexNet(c), dataset: syntheticDataset(), options: options,
                           normalization: Normalization(mean: Tensor(shape: [3, 15, 15], repeating: 60), scale: 1 / 64))
    }

    func weights(_ t: Trainer) -> [Tensor<Float>] { t.network.parameters.map(\.value) }

    @Test func checkpointRoundTrip() throws {
        let t = try trainer(epochs: 1)
        try t.run()
        let path = try temporaryDirectory() + "/c.alexnet"
        try t.checkpoint().write(to: path)
        let read = try Checkpoint.read(from: path)
        #expect(read == t.checkpoint())
        #expect(read.state.records.count == 1 && read.generators.count == 2)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"))
    }

    @Test func resumingContinuesBitIdentically() throws {
        let straight = try trainer(epochs: 2)
        try straight.run()

        // One epoch, stop, resume for the second.
        let directory = try temporaryDirectory()
        try trainer(epochs: 1, directory: directory).run()
        let resumed = try trainer(epochs: 2, directory: directory)
        try resumed.resume(from: Checkpoint.read(from: Trainer.checkpointPath(in: directory)))
        try resumed.run()
        #expect(weights(resumed) == weights(straight))
        #expect(resumed.optimizer.velocities == straight.optimizer.velocities)
        #expect(resumed.state.records.map(\.trainingLoss) == straight.state.records.map(\.trainingLoss))

        // Stopped in the middle of an epoch (after 3 of 6 batches), resumed from there.
        let middle = try temporaryDirectory()
        try trainer(epochs: 2, directory: middle, stopAfter: 3).run()
        let fromMiddle = try trainer(epochs: 2, directory: middle)
        let checkpoint = try Checkpoint.read(from: Trainer.checkpointPath(in: middle))
        #expect(checkpoint.state.batchIndex == 3 && checkpoint.state.epoch == 0)
        try fromMiddle.resume(from: checkpoint)
        try fromMiddle.run()
        #expect(weights(fromMiddle) == weights(straight))
        #expect(fromMiddle.state.records.map(\.trainingError) == straight.state.records.map(\.trainingError))
    }

    @Test func corruptTruncatedAndForeignCheckpointsAreRefused() throws {
        let t = try trainer(epochs: 1, stopAfter: 1)
        try t.run()
        let bytes = try t.checkpoint().encoded()
        #expect(try Checkpoint(decoding: bytes) == t.checkpoint())

        let cut = bytes.count - 100
        #expect(throws: CheckpointError.truncated(path: "checkpoint", bytes: cut, expected: bytes.count)) {
            try Checkpoint(decoding: Array(bytes.prefix(cut)))
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(throws: CheckpointError.checksumMismatch(path: "checkpoint")) { try Checkpoint(decoding: flipped) }
        let foreign = try #require(throws: CheckpointError.self) { try Checkpoint(decoding: Array("PNG and other things".utf8)) }
        #expect(foreign == .notACheckpoint(path: "checkpoint") && foreign.description.contains("not an AlexNet checkpoint"))
        var future = bytes
        future[8] = 9
        #expect(throws: CheckpointError.unsupportedVersion(path: "checkpoint", version: 9, supported: Checkpoint.version)) {
            try Checkpoint(decoding: future)
        }
        var huge = bytes                       // a length field near 2⁶⁴ is refused, not trusted
        for k in 12..<20 { huge[k] = 0xFF }
        #expect(throws: CheckpointError.self) { try Checkpoint(decoding: huge) }
        #expect(throws: CheckpointError.cannotRead(path: "/nonexistent/checkpoint.alexnet")) {
            try Checkpoint.read(from: "/nonexistent/checkpoint.alexnet")
        }
        // A checkpoint of another network is refused when resuming.
        var other = tinyAlexNetConfiguration()
        other.hiddenWidths = [5, 5]
        var options = TrainingOptions(epochs: 1)
        options.showsProgress = false
        let mismatch = try Trainer(specification: .alexNet(other), dataset: syntheticDataset(), options: options)
        let misfit = try #require(throws: CheckpointError.self) { try mismatch.resume(from: t.checkpoint()) }
        guard case .doesNotFit = misfit else { Issue.record("\(misfit)"); return }
    }

    @Test func divergenceStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws {
        let directory = try temporaryDirectory()
        let t = try trainer(epochs: 3, directory: directory, every: 1, rate: 1e4)
        let error = try #require(throws: TrainingError.self) { try t.run() }
        #expect(error.description.contains("diverged") && error.description.contains("lower learning rate"))
        #expect(error.description.contains("step \(t.state.step + 1)"))
        let saved = try Checkpoint.read(from: Trainer.checkpointPath(in: directory))
        #expect(saved.state.step <= t.state.step)
        #expect(saved.parameters.allSatisfy { $0.value.scalars.allSatisfy(\.isFinite) })
    }

    @Test func theLogHasOneRowPerEpoch() throws {
        let directory = try temporaryDirectory()
        var options = TrainingOptions(epochs: 2)
        options.batchSize = 16
        options.logPath = directory + "/log.csv"
        options.showsProgress = false
        options.schedule = .constant(0.05)
        let t = try Trainer(specification: .alexNet(tinyAlexNetConfiguration()), dataset: syntheticDataset(),
                            options: options)
        try t.run()
        let log = try CSVTable.read(from: directory + "/log.csv")
        #expect(log.header == EpochRecord.csvHeader)
        #expect(try log.numbers("epoch") == [1, 2])
        #expect(try log.numbers("test_top1").allSatisfy { (0...1).contains($0) })
    }

    /// The plateau rule never watches the test set: without a validation split it refuses to start.
    @Test func thePlateauScheduleNeedsAValidationSplit() throws {
        var options = TrainingOptions(epochs: 1)
        options.schedule = .plateau()
        options.showsProgress = false
        let error = try #require(throws: TrainingError.self) {
            try Trainer(specification: .alexNet(tinyAlexNetConfiguration()), dataset: syntheticDataset(), options: options)
        }
        #expect(error == .plateauWithoutValidation(dataset: syntheticDataset().name))
        let held = syntheticDataset().holdingOutValidation(8, seed: 1)
        _ = try Trainer(specification: .alexNet(tinyAlexNetConfiguration()), dataset: held, options: options)
    }

    @Test func aMismatchedDataSetIsRefused() throws {
        var options = TrainingOptions(epochs: 1)
        options.augmentation = Augmentation(cropSize: 12)
        #expect(throws: TrainingError.self) {
            try Trainer(specification: .alexNet(tinyAlexNetConfiguration()), dataset: syntheticDataset(), options: options)
        }
    }
}
