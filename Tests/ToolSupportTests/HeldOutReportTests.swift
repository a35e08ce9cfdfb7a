import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
@testable import ToolSupport
import TestSupport

/// What chapters 4–8 print and write about a held-out comparison.
@Suite struct HeldOutReportTests {
    func arm(_ name: String, scale: Double) throws -> HeldOutComparison.ArmResult {
        let data = syntheticDataset(count: 96).holdingOutValidation(24, seed: 3)
        var comparison = HeldOutComparison(sweep: RateSweep(rates: [0.001 * scale, 0.004 * scale, 0.016 * scale], ratio: 4, maximumExtensions: 0),
                                           selectionSeeds: [10], reportedSeeds: [1, 2, 3], steps: 8, measureEvery: 4)
        comparison.batchSize = 16
        let arm = Arm(name, normalization: .standardizing(data.train)) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        return try comparison.run(arm, on: data, probe: data.train.prefix(32))
    }

    @Test func summaryRowsAndTheDifferenceSayWhatWasMeasured() throws {
        let a = try arm("two towers", scale: 1), b = try arm("one tower, α/n", scale: 1)
        #expect(a.key == "two_towers" && b.key == "one_tower_α_n")
        let rows = a.summaryRows
        #expect(rows.first == ["two_towers_learning_rate", String(a.rate)])
        #expect(rows.contains(["two_towers_test_error_median", String(Spread(a.final("test")).median)]))
        #expect(rows.contains { $0[0] == "two_towers_gap_max" } && rows.contains { $0[0] == "two_towers_seconds_per_run" })
        // The same arm against itself: a difference of 0, inside the noise, said in the sentence.
        let same = differenceRows(a, a, key: "same", method: .exactShift)
        #expect(same.rows.contains(["same_test_error_difference", "0.0"]))
        #expect(same.rows.contains(["same_inside_the_noise", "true"]))
        #expect(same.sentence.contains("inside the noise"))
        let chart = heldOutChart([a, b], title: "t")
        #expect(chart.series.count == 4 && chart.yScale == .logarithmic)
        #expect(heldOutRunsTable([a, b]).rows.count == a.csvRows.count + b.csvRows.count)
    }

    @Test func anUnbracketedSweepFailsAQuickRunAndWarnsOtherwise() throws {
        let a = try arm("only rate", scale: 1)
        var unbracketed = a
        unbracketed.sweep.bracketed = false
        #expect(throws: UsageError.self) { try reportArms([unbracketed], strict: true) }
        try reportArms([unbracketed], strict: false)
    }
}

@Suite struct HeldOutSetupTests {
    func setup(_ words: [String]) throws -> (HeldOutArguments, ChapterOptions) {
        let a = Arguments(words[...], command: "chapter-test", summary: "a test")
        let options = ChapterOptions(a)
        let heldOut = HeldOutArguments(a, steps: (normal: 300, full: 1_000), lowestRate: 0.005)
        try a.finish()
        return (heldOut, options)
    }

    @Test func theHorizonComesFromStepsOrEpochsAndNotFromBoth() throws {
        let (byDefault, o1) = try setup([])
        #expect(try byDefault.comparison(o1, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6)).steps == 300)
        let (bySteps, o2) = try setup(["--steps", "40"])
        #expect(try bySteps.comparison(o2, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6)).steps == 40)
        let (byEpochs, o3) = try setup(["--epochs", "2"])
        let fromEpochs = try byEpochs.comparison(o3, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6))
        #expect(fromEpochs.steps == 15 && fromEpochs.measureEvery == 5)          // 2 · 1,000 / 128
        let (both, o4) = try setup(["--steps", "40", "--epochs", "2"])
        #expect(throws: UsageError.self) { try both.comparison(o4, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6)) }
    }

    /// `--measurements` sets how often a reported run is measured, and must fit the horizon.
    @Test func measurementsSetTheProbeInterval() throws {
        let (byDefault, o1) = try setup([])
        #expect(try byDefault.comparison(o1, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6)).measureEvery == 100)
        let (dense, o2) = try setup(["--measurements", "60"])
        #expect(try dense.comparison(o2, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6)).measureEvery == 5)
        #expect(throws: (any Error).self) { try setup(["--measurements", "0"]) }
        let (tooMany, o3) = try setup(["--measurements", "301"])                // more than the 300 steps
        #expect(throws: UsageError.self) { try tooMany.comparison(o3, trainingImages: 1_000, quickLowest: 0.01, measurements: (3, 6)) }
    }

    /// `--train-images` exists only where the chapter declares a default, cuts the training split
    /// (after the validation split is held out, which it leaves alone), and refuses 0.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
    func theTrainingSubset() throws {
        func setup(_ words: [String]) throws -> (HeldOutArguments, ChapterOptions) {
            let a = Arguments(words[...], command: "chapter-test", summary: "a test")
            let options = ChapterOptions(a)
            let heldOut = HeldOutArguments(a, steps: (normal: 300, full: 1_000), lowestRate: 0.005,
                                           trainImages: (quick: 700, normal: 2_000, full: nil))
            try a.finish()
            return (heldOut, options)
        }
        let (quick, o1) = try setup(["--quick"])
        let data = try quick.data(o1)
        #expect(data.train.count == 700 && data.validation?.count == 500 && data.test.count == 1_000)
        let (chosen, o2) = try setup(["--quick", "--train-images", "123"])
        #expect(try chosen.data(o2).train.count == 123)
        #expect(throws: UsageError.self) { try setup(["--quick", "--train-images", "0"]) }
        // Without a default the option does not exist.
        let a = Arguments(["--train-images", "5"][...], command: "chapter-test", summary: "a test")
        _ = HeldOutArguments(a, steps: (normal: 300, full: 1_000), lowestRate: 0.005)
        #expect(throws: UsageError.self) { try a.finish() }
    }
}
