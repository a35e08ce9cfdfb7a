import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
@testable import AlexNetExperiments
import TestSupport

/// Chapter 9's pieces of the protocol: schedules inside a probed run, a sweep scored on the
/// training error, the first steps recorded one by one, dead ReLUs.
@Suite struct ScheduledRunTests {
    func setUp() -> (Dataset, Normalization) {
        let data = syntheticDataset(count: 96).holdingOutValidation(24, seed: 3)
        return (data, .standardizing(data.train))
    }
    func linear() -> LinearClassifier<Float> {
        LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: 1)
    }

    /// The rate in force is the schedule's: divided by 10 from the first measurement on, a run
    /// at 0.5 trains exactly as a constant run at 0.05 does after its first interval.
    @Test func theScheduleSetsTheRateTheStepsUse() {
        let (data, normalization) = setUp()
        var divided = ProbedRun(steps: 12, probeEvery: 4, learningRate: 0.5, seed: 2)
        divided.batchSize = 16
        divided.schedule = .steps(atEpochs: [0])
        var constant = ProbedRun(steps: 12, probeEvery: 4, learningRate: 0.05, seed: 2)
        constant.batchSize = 16
        let (a, b) = (linear(), linear())
        let r = divided.train(a, on: data.train, probe: data.train.prefix(32), normalization: normalization)
        _ = constant.train(b, on: data.train, probe: data.train.prefix(32), normalization: normalization)
        #expect(a.fc.weight.value == b.fc.weight.value)
        #expect(r.rates.x == [0, 4, 8, 12] && r.rates.y.allSatisfy { $0 == 0.05 })
        // Divided at the second interval only: the weights differ from both.
        var later = divided
        later.schedule = .steps(atEpochs: [1])
        let c = linear()
        let s = later.train(c, on: data.train, probe: data.train.prefix(32), normalization: normalization)
        #expect(s.rates.y == [0.5, 0.05, 0.05, 0.05])
        #expect(c.fc.weight.value != a.fc.weight.value)
    }

    /// A run into a file (not a terminal) says which run it is and where it ended, in one plain
    /// line, however short it was (a line every 10 s comes before it in a long one); one that
    /// stops at its threshold says at which step.
    @Test func aRunShowsItsProgressInAFile() throws {
        let (data, normalization) = setUp()
        let path = try temporaryDirectory() + "/progress.txt"
        FileManager.default.createFile(atPath: path, contents: nil)
        let file = try #require(FileHandle(forWritingAtPath: path))
        var run = ProbedRun(steps: 12, probeEvery: 4, learningRate: 0.05, seed: 2)
        (run.batchSize, run.label, run.progressOutput) = (16, "run linear ε = 0.05, seed 2 (1 of 1)", file)
        _ = run.train(linear(), on: data.train, probe: data.train.prefix(32), normalization: normalization)
        var stopped = run
        (stopped.label, stopped.stopAtError) = ("sweep linear", 1)      // reached at the first measurement
        _ = stopped.train(linear(), on: data.train, probe: data.train.prefix(32), normalization: normalization)
        try file.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("run linear ε = 0.05, seed 2 (1 of 1): ended at step 12/12 after ") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("sweep linear: ended at step 0/12 after ") == true, "\(lines)")
        #expect(!lines.joined().contains("\u{1B}"), "terminal codes in a file")
    }

    /// With a rate too small to change the validation error, every measurement after the first
    /// is a plateau: ÷10 at each (patience 1), three times, then no more.
    @Test func thePlateauRuleDividesWhenValidationStopsImprovingThreeTimesAtMost() {
        let (data, normalization) = setUp()
        var run = ProbedRun(steps: 28, probeEvery: 4, learningRate: 1e-9, seed: 2)
        run.batchSize = 16
        run.schedule = .plateau(patience: 1, maximumReductions: 3)
        let r = run.train(linear(), on: data.train, probe: data.train.prefix(32), heldOut: [("validation", data.validation!)],
                          normalization: normalization)
        let v = r.heldOut["validation"]!.y
        #expect(Set(v.dropFirst()).count == 1, "the validation error moved: \(v)")
        let expected = [1e-9, 1e-9, 1e-10, 1e-11, 1e-12, 1e-12, 1e-12, 1e-12]
        #expect(zip(r.rates.y, expected).allSatisfy { abs($0 / $1 - 1) < 1e-9 } && r.rates.y.count == expected.count, "\(r.rates.y)")
    }

    /// A split measured at the end only has one point, at the last step, with the error a run
    /// measuring it throughout ends with; the other curves are unchanged.
    @Test func aSplitMeasuredAtTheEndOnly() {
        let (data, normalization) = setUp()
        var run = ProbedRun(steps: 12, probeEvery: 4, learningRate: 0.05, seed: 2)
        run.batchSize = 16
        let splits: [(name: String, split: DatasetSplit)] = [("validation", data.validation!), ("test", data.test)]
        let throughout = run.train(linear(), on: data.train, probe: data.train.prefix(32), heldOut: splits, normalization: normalization)
        run.measuredAtEndOnly = ["test"]
        let atEnd = run.train(linear(), on: data.train, probe: data.train.prefix(32), heldOut: splits, normalization: normalization)
        #expect(atEnd.heldOut["test"]!.x == [12] && atEnd.heldOut["test"]!.y == [throughout.heldOut["test"]!.last!.y])
        #expect(atEnd.heldOut["validation"] == throughout.heldOut["validation"] && atEnd.curve == throughout.curve)
    }

    /// Selecting on the training error: each trial's score is the training-probe error a plain
    /// run with the same settings reaches, and the CSV says which split scored.
    @Test func aSweepScoredOnTheTrainingErrorScoresTheProbe() throws {
        let (data, normalization) = setUp()
        var comparison = HeldOutComparison(sweep: RateSweep(lowest: 0.001, ratio: 4, count: 3), selectionSeeds: [10],
                                           reportedSeeds: [1], steps: 12, measureEvery: 4)
        (comparison.batchSize, comparison.momentum, comparison.weightDecay, comparison.selection) = (16, 0.5, 0.001, .trainingError)
        let arm = Arm("linear", normalization: normalization) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        let probe = data.train.prefix(32)
        let result = try comparison.run(arm, on: data, probe: probe)
        for trial in result.sweep.trials {
            var run = ProbedRun(steps: 12, probeEvery: 12, learningRate: trial.rate, seed: 10)
            (run.batchSize, run.momentum, run.weightDecay) = (16, 0.5, 0.001)
            let alone = run.train(try arm.build(10), on: data.train, probe: probe, heldOut: [("validation", data.validation!)],
                                  normalization: normalization)
            #expect(trial.score.primary == alone.curve.last!.y)
            #expect(trial.score.secondary == alone.heldOut["validation"]!.last!.y)
        }
        #expect(result.csvRows.filter { $0[0] == "sweep" }.allSatisfy { $0[5] == "train" })
    }
}

@Suite struct FirstStepsTests {
    /// The recorded steps are the training steps: the same losses and weights as `trainStep`
    /// over the same batches, and the gradient norms those of each step's backward pass.
    @Test func theRecordMatchesPlainTrainingSteps() throws {
        let data = syntheticDataset(count: 96)
        let normalization = Normalization.standardizing(data.train)
        var configuration = tinyAlexNetConfiguration()
        configuration.dropout = nil        // the twin runs each batch forward twice: no masks to draw
        let recorded = try AlexNetModel<Float>(configuration), plain = try AlexNetModel<Float>(configuration)
        let probeImages = BatchLoader(split: data.train.prefix(20), batchSize: 20, augmentation: .none, normalization: normalization,
                                      seed: 0, dropsLastBatch: false).batch(epoch: 0, index: 0).images
        var first = FirstSteps(steps: 7, learningRate: 0.01, seed: 4, activityEvery: 3)
        first.batchSize = 16
        let record = first.run(recorded, on: data.train, probeImages: probeImages, normalization: normalization)

        let loader = BatchLoader(split: data.train, batchSize: 16, augmentation: .none, normalization: normalization, seed: 4, dropsLastBatch: true)
        let optimizer = SGD(parameters: plain.parameters, momentum: 0.9, weightDecay: 0.0005)
        let objective = SoftmaxCrossEntropy<Float>()
        var losses: [Double] = [], conv1Norms: [Double] = [], fc8Norms: [Double] = []
        plain.phase = .training
        for k in 0..<7 {
            let batch = loader.batch(epoch: k / loader.batchesPerEpoch, index: k % loader.batchesPerEpoch)
            _ = objective.forward(plain.forward(batch.images), labels: batch.labels)
            plain.backward(objective.backward())
            func norm(_ ps: [Parameter<Float>]) -> Double {
                ps.flatMap(\.gradient.scalars).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            }
            conv1Norms.append(norm([plain.conv1.weight]))
            fc8Norms.append(norm([plain.fc8.weight]))
            plain.zeroGradients()
            losses.append(Double(try trainStep(plain, objective: objective, optimizer: optimizer, images: batch.images,
                                               labels: batch.labels, learningRate: 0.01).loss))
        }
        #expect(record.losses == losses)
        #expect(zip(recorded.parameters, plain.parameters).allSatisfy { $0.value == $1.value })
        #expect(record.gradientNorms.map(\.layer) == ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"])
        #expect(zip(record.gradientNorms[0].norms, conv1Norms).allSatisfy { abs($0 / $1 - 1) < 1e-9 })
        #expect(zip(record.gradientNorms[7].norms, fc8Norms).allSatisfy { abs($0 / $1 - 1) < 1e-9 })
        #expect(record.activity.map(\.step) == [0, 3, 6, 7])
        #expect(record.activity[0].layers.map(\.layer) == ["relu1", "relu2", "relu3", "relu4", "relu5", "relu6", "relu7"])
    }
}

@Suite struct ReLUActivityTests {
    /// A unit is dead when it is 0 for every image at every position; zeros count every 0.
    @Test func deadUnitsAndZerosOfKnownOutputs() {
        // (N 2, C 3, 2×2): channel 0 always 0; channel 1 zero but at one place of one image;
        // channel 2 never 0.
        var values = [Float](repeating: 1, count: 24)
        for n in 0..<2 { for p in 0..<4 { values[(n * 3 + 0) * 4 + p] = 0; values[(n * 3 + 1) * 4 + p] = n == 1 && p == 2 ? 0.5 : 0 } }
        let a = ReLUActivity.measure("relu", Tensor(shape: [2, 3, 2, 2], scalars: values))
        #expect(a.dead == 1.0 / 3 && a.zeros == 15.0 / 24)
        let fc = ReLUActivity.measure("relu6", Tensor(shape: [2, 2], scalars: [0, 1, 0, 0]))
        #expect(fc.dead == 0.5 && fc.zeros == 0.75)
    }

    /// fc7's bias far below zero kills every fc7 unit, far above none; the phase comes back.
    @Test func aNetworksReLULayersMeasuredInOrder() throws {
        let net = try AlexNetModel<Float>(tinyAlexNetConfiguration())
        let images: Tensor<Float> = randomTensor([5, 3, 15, 15], seed: 2)
        net.phase = .training
        for (bias, dead) in [(-1000.0, 1.0), (1000.0, 0.0)] {
            net.fc7.bias.value = Tensor(shape: net.fc7.bias.value.shape, repeating: Float(bias))
            let activity = ReLUActivity.measure(net, images: images)
            #expect(activity.count == 7 && activity.last!.layer == "relu7")
            #expect(activity.last!.dead == dead && activity.last!.zeros == dead)
            #expect(net.phase == .training)
        }
    }
}
