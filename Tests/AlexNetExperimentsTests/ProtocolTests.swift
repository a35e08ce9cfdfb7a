import Foundation
import Testing
import AlexNet
import AlexNetData
@testable import AlexNetExperiments
import TestSupport

@Suite struct CurveTests {
    @Test func theFirstCrossingIsInterpolatedBetweenMeasurements() {
        let curve = Curve(x: [0, 100, 200, 300], y: [0.9, 0.5, 0.3, 0.35])
        #expect(curve.firstCrossing(below: 0.4) == 150)           // half way from 0.5 to 0.3
        #expect(curve.firstCrossing(below: 0.5) == 100)           // reached exactly at a measurement
        #expect(curve.firstCrossing(below: 0.95) == 0)            // already there before training
        #expect(curve.firstCrossing(below: 0.25) == nil)          // never
        #expect(curve.minimum == 0.3)
        // A NaN (a diverged run) never counts as reaching a threshold.
        #expect(Curve(x: [0, 1], y: [0.9, .nan]).firstCrossing(below: 0.5) == nil)
    }

    /// The running median keeps the x, removes a lone outlier, keeps the ends their own, and
    /// shrinks its window near them so that it stays centred.
    @Test func theRunningMedianIgnoresOneOutlyingProbe() {
        let noisy = Curve(x: [0, 10, 20, 30, 40, 50, 60], y: [0.9, 0.5, 0.4, 0.1, 0.35, 0.3, 0.32])
        let smooth = noisy.runningMedian(width: 5)
        #expect(smooth.x == noisy.x)
        // i = 0 and 6: themselves; i = 1: median(0.9, 0.5, 0.4); i = 2: median of the first five;
        // i = 3: median(0.5 … 0.3) = 0.35; i = 5: median(0.35, 0.3, 0.32).
        #expect(smooth.y == [0.9, 0.5, 0.4, 0.35, 0.32, 0.32, 0.32])
        #expect(noisy.minimum == 0.1 && smooth.minimum == 0.32)   // the dip at step 30 was one probe
        #expect(noisy.runningMedian(width: 1) == noisy)
    }

    /// An end window is the points from its first step on, the probe at that step included;
    /// a window later than every point falls back to the last point alone.
    @Test func theEndWindowIsThePointsFromItsFirstStep() {
        let curve = Curve(x: [0, 10, 16, 18, 20], y: [0.9, 0.5, 0.4, 0.45, 0.3])
        #expect(curve.window(from: 16).map(\.x) == [16, 18, 20])
        #expect(curve.window(from: 17).map(\.y) == [0.45, 0.3])
        #expect(curve.window(from: Int.max).map(\.x) == [20])
        #expect(Curve().window(from: 0).isEmpty)
    }
}

@Suite struct SpreadTests {
    @Test func medianAndRange() {
        let odd = Spread([3, 1, 2])
        #expect(odd.median == 2 && odd.minimum == 1 && odd.maximum == 3 && odd.count == 3)
        #expect(Spread([4, 1, 2, 3]).median == 2.5)
        #expect(Spread([1, .infinity, 2]).median == 2)           // an unreached run counts as the slowest
        #expect(Spread([1, 2, 3]).formatted(1) == "2.0 (1.0–3.0)")
        #expect(Spread([1, .infinity, .infinity]).formatted(0) == "∞ (1–∞)")
    }

    @Test func aClearDifferenceIsOutsideTheNoiseAndAnOverlapInside() {
        let fast = [100.0, 105, 98, 102, 101], slow = [200.0, 210, 190, 205, 199]
        let clear = RatioOfMedians(fast, slow)
        #expect(clear.ratio == 200.0 / 101)
        #expect(!clear.insideTheNoise && clear.low > 1.8 && clear.high < 2.2)
        let overlap = RatioOfMedians([100, 120, 90, 110, 105], [95, 125, 100, 115, 108])
        #expect(overlap.insideTheNoise && overlap.low < 1 && overlap.high > 1)
        #expect(clear.verdict == "outside the noise" && overlap.verdict == "inside the noise")
        // Three seeds an arm that do not overlap: the interval misses 1, but that is chance one time in ten.
        let three = RatioOfMedians([100, 105, 98], [200, 210, 190])
        #expect(!three.insideTheNoise && !three.outsideTheNoise && three.verdict == "too few seeds to tell (3 and 3)")
        #expect(abs(three.low - 190.0 / 105) < 1e-12 && abs(three.high - 210.0 / 98) < 1e-12 && abs(three.achievedConfidence - 0.9) < 1e-12)
        #expect(clear.formatted.contains("90% exact interval"))
    }
}

/// The interval method every comparison uses: the exact Mann–Whitney distribution, and the
/// coverage of the interval for a shift checked by simulation.
@Suite struct ShiftIntervalTests {
    @Test func theExactDistributionIsTheTables() {
        // Orderings of 3 a's and 3 b's: C(6, 3) = 20, one with no b below an a.
        let three = ShiftInterval.mannWhitneyCumulative(3, 3)
        #expect(three.count == 10 && abs(three[0] - 1.0 / 20) < 1e-15 && abs(three[1] - 2.0 / 20) < 1e-15 && three.last == 1)
        // m = n = 5: P(U ≤ 4) = 12/252 (the tables' 0.048), P(U ≤ 12) = 0.5 by symmetry.
        let five = ShiftInterval.mannWhitneyCumulative(5, 5)
        #expect(abs(five[4] - 12.0 / 252) < 1e-15 && abs(five[12] - 0.5) < 1e-15)
        // Symmetric: P(U ≤ u) + P(U ≤ mn − u − 1) = 1.
        let uneven = ShiftInterval.mannWhitneyCumulative(4, 7)
        for u in 0..<27 { #expect(abs(uneven[u] + uneven[27 - u] - 1) < 1e-12) }
        #expect(ShiftInterval.mannWhitneyCumulative(1, 1) == [0.5, 1])
    }

    @Test func intervalsAreOrderStatisticsOfTheDifferences() {
        let a = [1.0, 2, 3, 4, 5], b = [3.0, 4, 5, 6, 7.5]
        let i = ShiftInterval(a, b)
        let differences = b.flatMap { y in a.map { y - $0 } }.sorted()
        #expect(i.low == differences[4] && i.high == differences[20] && abs(i.achievedConfidence - (1 - 24.0 / 252)) < 1e-12)
        #expect(i.shift == differences[12])
        // Two runs an arm cannot give a 90% interval at all.
        let two = ShiftInterval([1, 2], [10, 11])
        #expect(two.low == -.infinity && two.high == .infinity && two.verdict == "inside the noise")
        // An unreached run is larger than every reached one; ∞ − ∞ is no difference.
        #expect(ShiftInterval([1, 2, .infinity], [1, 2, .infinity]).containsZero)
    }

    /// 4,000 simulated experiments per case: b is a shifted by Δ, with normal and with skewed
    /// (exponential) noise; the interval must contain Δ at least as often as it claims, within
    /// the simulation's own error (3 standard errors), and not far more often.
    @Test(arguments: [(3, 3), (5, 5), (3, 6), (8, 8)])
    func theCoverageIsWhatTheIntervalClaims(_ sizes: (Int, Int)) {
        var g = RandomGenerator(seed: UInt64(sizes.0 * 100 + sizes.1))
        for skewed in [false, true] {
            let trials = 4000, delta = 0.7
            var covered = 0, claimed = 0.0
            for _ in 0..<trials {
                func draw() -> Double { skewed ? -Foundation.log(1 - g.uniform()) : g.normal(standardDeviation: 1) }
                let a = (0..<sizes.0).map { _ in draw() }, b = (0..<sizes.1).map { _ in draw() + delta }
                let i = ShiftInterval(a, b)
                if i.low <= delta && delta <= i.high { covered += 1 }
                claimed = i.achievedConfidence
            }
            let rate = Double(covered) / Double(trials), error = (claimed * (1 - claimed) / Double(trials)).squareRoot()
            #expect(claimed >= 0.9 && rate >= claimed - 3 * error && rate <= claimed + 3 * error, "\(sizes) skewed \(skewed): \(rate) against \(claimed)")
        }
    }
}

@Suite struct RateSweepTests {
    /// A made-up score with its optimum at `best`, symmetric in log(rate).
    func score(best: Double) -> (Double, UInt64) -> RateSweep.Score {
        { rate, seed in RateSweep.Score(abs(log2(rate / best)) + Double(seed) * 0.01) }
    }

    @Test func anOptimumInsideTheGridIsChosenWithoutExtending() {
        let outcome = RateSweep(lowest: 0.01, count: 5).run(seeds: [0, 1], trial: score(best: 0.04))
        #expect(outcome.chosen == 0.04 && outcome.bracketed)
        #expect(outcome.trials.count == 10)
    }

    @Test func anOptimumPastAnEdgeExtendsTheGridUntilItIsBracketed() {
        let up = RateSweep(lowest: 0.01, count: 3).run(seeds: [0], trial: score(best: 0.16))
        #expect(up.chosen == 0.16 && up.bracketed)
        #expect(up.results.map(\.rate) == [0.01, 0.02, 0.04, 0.08, 0.16, 0.32])
        let down = RateSweep(lowest: 0.01, count: 3).run(seeds: [0], trial: score(best: 0.0025))
        #expect(down.chosen == 0.0025 && down.bracketed)
        #expect(down.results.first!.rate == 0.00125)
    }

    @Test func anOptimumTooFarAwayIsReportedAsUnbracketed() {
        var sweep = RateSweep(lowest: 0.01, count: 3)
        sweep.maximumExtensions = 2
        let outcome = sweep.run(seeds: [0], trial: score(best: 10))
        #expect(!outcome.bracketed && outcome.chosen == 0.16)
    }

    @Test func theWorseOfTwoSeedsDecidesAndTheMetricComesBeforeTheTieBreak() {
        // Rate 0.02 is best for seed 0 but bad for seed 1; 0.04 is good for both.
        let outcome = RateSweep(rates: [0.01, 0.02, 0.04, 0.08]).run(seeds: [0, 1]) { rate, seed in
            switch (rate, seed) {
            case (0.02, 0): RateSweep.Score(1)
            case (0.02, 1): RateSweep.Score(9)
            case (0.04, _): RateSweep.Score(2)
            default: RateSweep.Score(.infinity, tieBreak: rate)    // never reached: only the tie-break differs
            }
        }
        #expect(outcome.chosen == 0.04 && outcome.bracketed)
        #expect(RateSweep.Score(.nan) == RateSweep.Score(.infinity))
        #expect(RateSweep.Score(5, tieBreak: 0.9) < RateSweep.Score(.infinity, tieBreak: 0.1))
    }
}

@Suite struct ProbedRunTests {
    func setUp() -> (Dataset, Normalization) {
        let data = syntheticDataset(count: 96)
        return (data, .standardizing(data.train))
    }

    @Test func theCurveStartsBeforeTrainingAndFallsOnALearnableTask() {
        let (data, normalization) = setUp()
        let net = LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: 1)
        var run = ProbedRun(steps: 30, probeEvery: 10, learningRate: 0.01, seed: 2)
        run.batchSize = 16
        var observed: [Int] = []
        let result = run.train(net, on: data.train, probe: data.train.prefix(48), normalization: normalization) { step, _ in observed.append(step) }
        #expect(result.curve.x == [0, 10, 20, 30] && observed == [0, 10, 20, 30])
        #expect(!result.diverged)
        #expect(result.curve.y.first! > 0.3 && result.curve.y.last! < 0.1, "\(result.curve.y)")
    }

    @Test func aRunStopsAtItsTargetAndADivergedRunSaysSo() throws {
        let (data, normalization) = setUp()
        var run = ProbedRun(steps: 200, probeEvery: 5, learningRate: 0.01, seed: 2)
        run.batchSize = 16
        run.stopAtError = 0.2
        let net = LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: 1)
        let stopped = run.train(net, on: data.train, probe: data.train.prefix(48), normalization: normalization)
        #expect(stopped.curve.last!.y <= 0.2 && stopped.curve.last!.x < 200)
        var wild = ProbedRun(steps: 50, probeEvery: 5, learningRate: 1e4, seed: 2)
        wild.batchSize = 16
        let diverged = wild.train(try AlexNetModel<Float>(tinyAlexNetConfiguration()), on: data.train,
                                  probe: data.train.prefix(48), normalization: .meanImage(of: data.train))
        #expect(diverged.diverged && diverged.curve.last!.x < 50)
    }

    @Test func theEndWindowAddsMeasurementsBeforeTheLastStepOnly() {
        // Five over the last 5% of 800 steps: 760, 770, …, 800; a short run gets what fits.
        let w = ProbedRun.EndWindow.last(5, over: 0.05, of: 800)
        #expect(w == .init(count: 5, spacing: 10) && w.start(steps: 800) == 760)
        #expect(w.contains(770, steps: 800) && !w.contains(765, steps: 800) && !w.contains(750, steps: 800))
        #expect(ProbedRun.EndWindow.last(5, over: 0.05, of: 12) == .init(count: 5, spacing: 1))
        #expect(ProbedRun.EndWindow.last(5, over: 0.5, of: 3).start(steps: 3) == 0)
        let (data, normalization) = setUp()
        var run = ProbedRun(steps: 30, probeEvery: 10, learningRate: 0.01, seed: 2)
        run.batchSize = 16
        run.endWindow = .init(count: 3, spacing: 2)
        run.measuredAtEndOnly = ["test"]
        run.schedule = .plateau(patience: 1, maximumReductions: 3)
        let net = LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: 1)
        let result = run.train(net, on: data.train, probe: data.train.prefix(48),
                               heldOut: [("validation", data.train.prefix(24)), ("test", data.test)], normalization: normalization)
        #expect(result.curve.x == [0, 10, 20, 26, 28, 30])
        #expect(result.heldOut["validation"]!.x == [0, 10, 20, 26, 28, 30])
        #expect(result.heldOut["test"]!.x == [26, 28, 30])
    }
}

@Suite struct ComparisonPlanTests {
    func plan(selection: [UInt64] = [10], reported: [UInt64] = [1, 2]) -> ComparisonPlan {
        var plan = ComparisonPlan(sweep: RateSweep(lowest: 0.001, ratio: 4, count: 3), selectionSeeds: selection,
                                  reportedSeeds: reported, selectionThreshold: 0.3, sweepSteps: 20, steps: 24, probeEvery: 6)
        plan.batchSize = 16
        return plan
    }

    /// The sweep on the selection seed, then one full run per reported seed at the chosen rate,
    /// and every measurement of both in the CSV rows.
    @Test func sweepThenReportedRunsAtTheChosenRate() throws {
        let data = syntheticDataset(count: 96)
        let arm = Arm("linear", normalization: .standardizing(data.train)) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        var lines: [String] = []
        let result = try plan().run(arm, on: data.train, probe: data.train.prefix(48), log: { lines.append($0) })
        #expect(result.sweep.trials.allSatisfy { $0.seed == 10 })
        #expect(result.sweep.results.contains { $0.rate == result.rate })
        #expect(result.runs.map(\.seed) == [1, 2])
        // The regular probes and, by default, five over the last 5% of the steps (one apart here).
        #expect(result.runs.allSatisfy { $0.result.curve.x == [0, 6, 12, 18, 20, 21, 22, 23, 24] })
        #expect(result.endWindowStart == 20)
        #expect(result.steps(toReach: -1) == [.infinity, .infinity])       // never reached: ∞, not a number of steps
        let rows = result.csvRows
        #expect(rows.allSatisfy { $0.count == ComparisonPlan.ArmResult.csvHeader.count })
        #expect(rows.filter { $0[0] == "report" }.count == 18)
        #expect(rows.filter { $0[0] == "sweep" }.count == result.sweepCurves.reduce(0) { $0 + $1.curve.points.count })
        #expect(lines.count == result.sweep.trials.count + 2)
    }

    /// A reported run's end point is the median of its probes in the end window, never the last
    /// probe alone; without a window it is the last probe.
    @Test func finalErrorsAreMediansOfTheEndWindow() throws {
        let data = syntheticDataset(count: 96)
        let arm = Arm("linear", normalization: .standardizing(data.train)) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        var windowed = plan(reported: [1, 2, 3])
        windowed.endWindow = .init(count: 3, spacing: 4)          // steps 16, 20, 24, and the probe at 18
        let result = try windowed.run(arm, on: data.train, probe: data.train.prefix(48))
        #expect(result.endWindowStart == 16)
        for (k, run) in result.runs.enumerated() {
            #expect(run.result.curve.x == [0, 6, 12, 16, 18, 20, 24])
            let window = run.result.curve.y.suffix(4).sorted()
            #expect(result.finalErrors[k] == (window[1] + window[2]) / 2)
        }
        var unwindowed = plan(reported: [1])
        unwindowed.endWindow = nil
        let last = try unwindowed.run(arm, on: data.train, probe: data.train.prefix(48))
        #expect(last.runs[0].result.curve.x == [0, 6, 12, 18, 24])
        #expect(last.finalErrors == [last.runs[0].result.curve.y.last!])
    }

    @Test func aSeedThatBothSelectsAndReportsIsRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = ComparisonPlan(sweep: RateSweep(lowest: 0.01, count: 3), selectionSeeds: [1], reportedSeeds: [1, 2],
                               selectionThreshold: 0.5, sweepSteps: 1, steps: 1, probeEvery: 1)
        }
    }
}

@Suite struct KernelColourTests {
    @Test func greyKernelsAreColourAgnosticAndOpponentOnesColourSpecific() {
        // Kernel 0: the same weights in R, G, B. Kernel 1: R = −G, B = 0. Kernel 2: R only.
        let taps: [Float] = [0.5, -1, 2, 0.25]
        var scalars: [Float] = taps + taps + taps
        scalars += taps + taps.map { -$0 } + [0, 0, 0, 0]
        scalars += taps + [0, 0, 0, 0] + [0, 0, 0, 0]
        let shares = KernelColour.chromaticShare(Tensor(shape: [3, 3, 2, 2], scalars: scalars))
        #expect(abs(shares[0]) < 1e-12)
        #expect(abs(shares[1] - 1) < 1e-12)
        #expect(abs(shares[2] - 2.0 / 3) < 1e-12)      // one channel: a third of it is luminance
    }

    @Test func randomKernelsAverageTwoThirds() {
        var g = RandomGenerator(seed: 5)
        let kernels = Tensor<Float>.normal(shape: [400, 3, 5, 5], standardDeviation: 1, generator: &g)
        let mean: Double = KernelColour.chromaticShare(kernels).reduce(0, +) / 400
        #expect(abs(mean - 2.0 / 3) < 0.01)
    }
}

@Suite struct DifferenceOfMediansTests {
    @Test func separatedArmsAreOutsideTheNoiseAndOverlappingOnesInside() {
        let apart = DifferenceOfMedians([0.10, 0.11, 0.12, 0.105, 0.115], [0.13, 0.14, 0.135, 0.145, 0.15])
        #expect(abs(apart.difference - 0.03) < 1e-12 && !apart.insideTheNoise && apart.low > 0)
        let mixed = DifferenceOfMedians([0.10, 0.13, 0.12], [0.11, 0.12, 0.14])
        #expect(mixed.insideTheNoise && mixed.verdict == "inside the noise")
        #expect(apart.formattedPoints.hasPrefix("+3.0 points (90% exact interval") && apart.verdict == "outside the noise")
    }
}

@Suite struct HeldOutComparisonTests {
    /// The sweep scores on validation only; the reported runs measure train, validation and test
    /// at the same steps; a test split with scrambled labels changes no choice.
    @Test func theSweepSeesValidationAndTheReportedRunsAlsoTest() throws {
        let base = syntheticDataset(count: 96)
        var comparison = HeldOutComparison(sweep: RateSweep(lowest: 0.001, ratio: 4, count: 3), selectionSeeds: [10],
                                           reportedSeeds: [1, 2], steps: 12, measureEvery: 4)
        comparison.batchSize = 16
        comparison.endWindow = nil
        let arm = Arm("linear", normalization: .standardizing(base.train)) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        func data(scrambledTest: Bool) -> Dataset {
            let held = base.holdingOutValidation(24, seed: 3)
            var test = held.test
            if scrambledTest { test = DatasetSplit(channels: 3, height: 15, width: 15, pixels: test.pixels, labels: test.labels.map { ($0 + 1) % 3 }) }
            return Dataset(name: "synthetic", classNames: held.classNames, train: held.train, validation: held.validation, test: test)
        }
        let result = try comparison.run(arm, on: data(scrambledTest: false), probe: base.train.prefix(32))
        let scrambled = try comparison.run(arm, on: data(scrambledTest: true), probe: base.train.prefix(32))
        #expect(result.sweep == scrambled.sweep)                       // the test split chose nothing
        #expect(result.final("test") != scrambled.final("test"))       // … but it is what the runs report
        #expect(result.runs.allSatisfy { $0.result.heldOut["test"]!.x == [0, 4, 8, 12] && $0.result.heldOut["validation"]!.x == [0, 4, 8, 12] })
        #expect(result.gaps.count == 2)
        let rows = result.csvRows
        #expect(rows.allSatisfy { $0.count == HeldOutComparison.ArmResult.csvHeader.count })
        #expect(rows.filter { $0[0] == "report" }.count == 2 * 3 * 4)
        #expect(rows.filter { $0[0] == "sweep" }.count == result.sweep.trials.count)
    }

    /// At a given rate there is no sweep: no trial, the rate as the choice, not called bracketed,
    /// and the reported runs train at it.
    @Test func aFixedRateSkipsTheSweep() throws {
        let base = syntheticDataset(count: 96)
        let data = base.holdingOutValidation(24, seed: 3)
        var comparison = HeldOutComparison(sweep: RateSweep(lowest: 0.001, ratio: 4, count: 3), selectionSeeds: [10],
                                           reportedSeeds: [1, 2], steps: 8, measureEvery: 4)
        comparison.batchSize = 16
        let arm = Arm("linear", normalization: .standardizing(base.train)) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        let fixed = try comparison.run(arm, on: data, probe: base.train.prefix(32), rate: 0.003)
        #expect(fixed.sweep.trials.isEmpty && fixed.rate == 0.003 && !fixed.sweep.bracketed)
        #expect(fixed.runs.map(\.seed) == [1, 2])
        // The same runs as a sweep that could only choose 0.003.
        comparison.sweep = RateSweep(rates: [0.003], maximumExtensions: 0)
        let swept = try comparison.run(arm, on: data, probe: base.train.prefix(32))
        #expect(swept.runs.map(\.result.curve) == fixed.runs.map(\.result.curve))
    }

    /// A reported run's end point is the median of its end window, and its gap the median of the
    /// window's step-by-step differences, not the last step's.
    @Test func endPointsAreMediansOfTheEndWindow() throws {
        let base = syntheticDataset(count: 96)
        let data = base.holdingOutValidation(24, seed: 3)
        var comparison = HeldOutComparison(sweep: RateSweep(rates: [0.01], ratio: 4, maximumExtensions: 0), selectionSeeds: [10],
                                           reportedSeeds: [1, 2, 3], steps: 20, measureEvery: 10)
        comparison.batchSize = 16
        comparison.endWindow = .init(count: 4, spacing: 3)
        let arm = Arm("linear", normalization: .standardizing(base.train)) { seed in
            LinearClassifier<Float>(inputShape: [3, 15, 15], classes: 3, weightInitialization: .lecun, seed: seed)
        }
        let result = try comparison.run(arm, on: data, probe: base.train.prefix(32))
        #expect(result.endWindowStart == 11)
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return (s[1] + s[2]) / 2 }
        for (k, run) in result.runs.enumerated() {
            let test = run.result.heldOut["test"]!, train = run.result.curve
            #expect(test.x == [0, 10, 11, 14, 17, 20])
            #expect(result.final("test")[k] == median(Array(test.y.suffix(4))))
            #expect(result.final("train")[k] == median(Array(train.y.suffix(4))))
            #expect(result.gaps[k] == median(zip(test.y.suffix(4), train.y.suffix(4)).map { $0 - $1 }))
        }
    }
}
