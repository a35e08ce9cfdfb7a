import AlexNet
import AlexNetData
import AlexNetTraining

/// One setting of a comparison (e.g. "ReLU" against "tanh"): how to build its network for a
/// seed, and how its images are normalised.
public struct Arm {
    public var name: String
    public var normalization: Normalization
    public var build: (UInt64) throws -> any Network<Float>

    public init(_ name: String, normalization: Normalization, build: @escaping (UInt64) throws -> any Network<Float>) {
        self.name = name
        self.normalization = normalization
        self.build = build
    }
}

/// The protocol of a comparison between arms, measured in steps to an error threshold:
///
/// 1. for each arm, the learning rate by a ``RateSweep`` on `selectionSeeds`, each trial scored
///    by the steps its probe error needs to reach `selectionThreshold` (then by its last error),
///    trials stopping at the threshold or after `sweepSteps`;
/// 2. for each arm at its rate, one ``ProbedRun`` of `steps` steps per reported seed — seeds
///    that took no part in the selection — measured besides its regular probes in an
///    ``endWindow`` (five times over the last 5% of its steps), so that its end point is the
///    median of several measurements, never one step.
///
/// The same grid serves every arm. Nothing here sees a test set.
public struct ComparisonPlan: Sendable {
    public var sweep: RateSweep
    public var selectionSeeds: [UInt64]
    public var reportedSeeds: [UInt64]
    public var selectionThreshold: Double
    public var sweepSteps: Int
    public var steps: Int
    public var probeEvery: Int
    public var batchSize = 128
    /// The reported runs' end window (``HeldOutComparison/defaultEndWindow(steps:)`` unless set);
    /// nil: the end point is the last probe.
    public var endWindow: ProbedRun.EndWindow?

    public init(sweep: RateSweep, selectionSeeds: [UInt64], reportedSeeds: [UInt64], selectionThreshold: Double,
                sweepSteps: Int, steps: Int, probeEvery: Int) {
        precondition(Set(selectionSeeds).isDisjoint(with: reportedSeeds), "ComparisonPlan: a seed both selects and reports")
        precondition(!selectionSeeds.isEmpty && !reportedSeeds.isEmpty, "ComparisonPlan: no seeds")
        self.sweep = sweep
        self.selectionSeeds = selectionSeeds
        self.reportedSeeds = reportedSeeds
        self.selectionThreshold = selectionThreshold
        self.sweepSteps = sweepSteps
        self.steps = steps
        self.probeEvery = probeEvery
        self.endWindow = HeldOutComparison.defaultEndWindow(steps: steps)
    }

    /// What one arm gave: its sweep, its chosen rate and one curve per reported seed.
    public struct ArmResult: Sendable {
        public var name: String
        public var sweep: RateSweep.Outcome
        public var sweepCurves: [(rate: Double, seed: UInt64, curve: Curve)]
        public var rate: Double { sweep.chosen }
        public var runs: [(seed: UInt64, result: ProbedRun.Result)]
        /// The first step of the reported runs' end window (their last probe when there is none).
        public var endWindowStart = Int.max

        /// Each reported run's end point: the median of its probe errors from `endWindowStart`
        /// on (``Curve/window(from:)``: the window's measurements and any regular probe among
        /// them); ∞ for a run that diverged.
        public var finalErrors: [Double] {
            runs.map { run in
                run.result.diverged ? .infinity : Spread(run.result.curve.window(from: endWindowStart).map(\.y)).median
            }
        }

        /// Steps each reported run needed to reach `threshold` (∞ when it did not).
        public func steps(toReach threshold: Double) -> [Double] {
            runs.map { $0.result.curve.firstCrossing(below: threshold) ?? .infinity }
        }
    }

    /// Runs the sweep and the reported runs of `arm` on `split`, measuring on `probe`.
    /// `log` hears one line per run; `observe` is passed to the reported runs.
    public func run(_ arm: Arm, on split: DatasetSplit, probe: DatasetSplit, log: (String) -> Void = { _ in },
                    observe: ((UInt64, Int, any Network<Float>) -> Void)? = nil) throws -> ArmResult {
        var sweepCurves: [(rate: Double, seed: UInt64, curve: Curve)] = []
        let outcome = try sweep.run(seeds: selectionSeeds) { rate, seed in
            var trial = ProbedRun(steps: sweepSteps, probeEvery: probeEvery, learningRate: rate, seed: seed)
            trial.batchSize = batchSize
            trial.stopAtError = selectionThreshold
            trial.label = "sweep \(arm.name) ε = \(rate), seed \(seed)"
            let result = trial.train(try arm.build(seed), on: split, probe: probe, normalization: arm.normalization)
            sweepCurves.append((rate, seed, result.curve))
            let reached = result.curve.firstCrossing(below: selectionThreshold)
            log("  sweep \(arm.name) ε = \(rate), seed \(seed): " + (reached.map { "\(Int($0)) steps to \(selectionThreshold)" }
                ?? (result.diverged ? "diverged" : "not reached in \(sweepSteps) steps (last \(result.curve.last!.y))")))
            return RateSweep.Score(reached ?? .infinity, tieBreak: result.diverged ? .infinity : result.curve.last!.y)
        }
        var runs: [(seed: UInt64, result: ProbedRun.Result)] = []
        for (k, seed) in reportedSeeds.enumerated() {
            var run = ProbedRun(steps: steps, probeEvery: probeEvery, learningRate: outcome.chosen, seed: seed)
            run.batchSize = batchSize
            run.endWindow = endWindow
            run.label = "run \(arm.name) ε = \(outcome.chosen), seed \(seed) (\(k + 1) of \(reportedSeeds.count))"
            let result = run.train(try arm.build(seed), on: split, probe: probe, normalization: arm.normalization) { step, network in
                observe?(seed, step, network)
            }
            runs.append((seed, result))
            log("  run \(arm.name) ε = \(outcome.chosen), seed \(seed): error \(result.curve.last!.y) after \(Int(result.curve.last!.x)) steps")
        }
        return ArmResult(name: arm.name, sweep: outcome, sweepCurves: sweepCurves, runs: runs,
                         endWindowStart: endWindow?.start(steps: steps) ?? steps)
    }
}

extension ComparisonPlan.ArmResult {
    /// Every measurement of every run, sweep and reported, one row each: the CSV a figure and
    /// the book are regenerated from.
    public static let csvHeader = ["phase", "arm", "learning_rate", "seed", "step", "error"]

    public var csvRows: [[String]] {
        var rows: [[String]] = []
        for (rate, seed, curve) in sweepCurves {
            rows += curve.points.map { ["sweep", name, String(rate), String(seed), String(Int($0.x)), String($0.y)] }
        }
        for (seed, result) in runs {
            rows += result.curve.points.map { ["report", name, String(rate), String(seed), String(Int($0.x)), String($0.y)] }
        }
        return rows
    }
}
