import AlexNet
import AlexNetData
import AlexNetTraining

/// The protocol of a comparison measured by held-out error after a fixed training horizon: two
/// towers against one, with and without LRN, overlapping against plain pooling, with and without
/// augmentation or dropout (chapters 4–8).
///
/// 1. For each arm, the learning rate by a ``RateSweep`` on `selectionSeeds`: each trial trains
///    `steps` steps and is scored by its error on the **validation** split (then by its
///    training-probe error);
/// 2. for each arm at its rate, one run of `steps` steps per reported seed — seeds that took no
///    part in the selection — measuring every `measureEvery` steps the error on a probe of
///    training images, on the validation split and on the **test** split.
///
/// The test split is measured only in step 2 and chooses nothing; the train–test gap at a step
/// is test error minus training-probe error, both measured with the weights of that step.
///
/// A reported run's end point is the median of its measurements in the span of its
/// ``endWindow`` (by default five over the last 5% of its steps, and a regular probe that falls
/// in that span), never its last step alone; the sweep's trials are scored at their last step.
public struct HeldOutComparison: Sendable {
    public var sweep: RateSweep
    public var selectionSeeds: [UInt64]
    public var reportedSeeds: [UInt64]
    public var steps: Int
    public var measureEvery: Int
    public var batchSize = 128
    public var momentum = 0.9
    /// The paper's weight decay (Section 5); 0 switches it off.
    public var weightDecay = 0.0005
    public var augmentation = Augmentation.none
    /// How each run's rate changes from the chosen one (``ProbedRun/schedule``); with a schedule
    /// other than constant the sweep's trials are measured as often as the reported runs, since
    /// the schedule acts on those measurements.
    public var schedule = LearningRateSchedule.Kind.constant
    /// What the sweep scores: the validation split's error (the default), or — for a claim
    /// about training itself, such as chapter 9's on momentum and weight decay — the training
    /// probe's error, tie-broken by the validation error.
    public var selection = Selection.validationError

    public enum Selection: String, Sendable { case validationError, trainingError }
    /// Whether the reported runs measure the test split at every measurement (its curve), or
    /// only at the end (cheaper, when only the final error is reported).
    public var measuresTestCurve = true
    /// The measurements a reported run's end point is the median of (nil: its last step alone).
    public var endWindow: ProbedRun.EndWindow?
    /// The default window: five measurements over the last 5% of `steps`.
    public static func defaultEndWindow(steps: Int) -> ProbedRun.EndWindow { .last(5, over: 0.05, of: steps) }

    public init(sweep: RateSweep, selectionSeeds: [UInt64], reportedSeeds: [UInt64], steps: Int, measureEvery: Int) {
        precondition(Set(selectionSeeds).isDisjoint(with: reportedSeeds), "HeldOutComparison: a seed both selects and reports")
        precondition(!selectionSeeds.isEmpty && !reportedSeeds.isEmpty, "HeldOutComparison: no seeds")
        precondition(steps >= 1 && measureEvery >= 1, "HeldOutComparison: steps \(steps), measure every \(measureEvery)")
        self.sweep = sweep
        self.selectionSeeds = selectionSeeds
        self.reportedSeeds = reportedSeeds
        self.steps = steps
        self.measureEvery = measureEvery
        self.endWindow = Self.defaultEndWindow(steps: steps)
    }

    /// What one arm gave: its sweep (each trial's validation error) and its reported runs.
    public struct ArmResult: Sendable {
        public var name: String
        public var sweep: RateSweep.Outcome
        public var rate: Double { sweep.chosen }
        public var runs: [(seed: UInt64, result: ProbedRun.Result)]
        /// What the sweep's scores are: validation or training-probe errors.
        public var selection = Selection.validationError
        /// The first step of the reported runs' end window (their last step when there is none).
        public var endWindowStart = Int.max

        /// The measurements of a run on `split` ("train" for the training probe, "validation"
        /// or "test") from the end window's first step on: the window's own and any regular
        /// probe between them.
        func window(_ result: ProbedRun.Result, _ split: String) -> [Curve.Point] {
            (split == "train" ? result.curve : result.heldOut[split]!).window(from: endWindowStart)
        }
        /// Each reported run's end point on `split`: the median of its measurements in the end
        /// window; ∞ for a run that diverged.
        public func final(_ split: String) -> [Double] {
            runs.map { run in
                run.result.diverged ? .infinity : Spread(window(run.result, split).map(\.y)).median
            }
        }
        /// Each reported run's train–test gap at its end: the median over the end window of test
        /// error minus training-probe error at the same step.
        public var gaps: [Double] {
            runs.map { run in
                guard !run.result.diverged else { return .nan }
                let train = Dictionary(window(run.result, "train").map { ($0.x, $0.y) }, uniquingKeysWith: { a, _ in a })
                return Spread(window(run.result, "test").compactMap { p in train[p.x].map { p.y - $0 } }).median
            }
        }
        /// Median seconds per reported run.
        public var medianSeconds: Double { Spread(runs.map(\.result.seconds)).median }
    }

    /// Runs the sweep and the reported runs of `arm` on `data` (which must hold a validation
    /// split), measuring the training error on `probe`. `log` hears one line per run; `trained`
    /// is handed each reported run's network when it has finished (e.g. to draw its kernels).
    /// With `rate`, no sweep: the reported runs train at that rate (another arm's choice, for a
    /// comparison at equal rates), and the outcome says it was not bracketed.
    public func run(_ arm: Arm, on data: Dataset, probe: DatasetSplit, rate fixedRate: Double? = nil,
                    log: (String) -> Void = { _ in },
                    trained: ((UInt64, any Network<Float>) -> Void)? = nil) throws -> ArmResult {
        guard let validation = data.validation else { preconditionFailure("HeldOutComparison: \(data.name) has no validation split") }
        func configured(_ rate: Double, _ seed: UInt64, every: Int, label: String) -> ProbedRun {
            var run = ProbedRun(steps: steps, probeEvery: every, learningRate: rate, seed: seed)
            run.label = label
            (run.batchSize, run.momentum, run.weightDecay, run.augmentation, run.schedule) = (batchSize, momentum, weightDecay, augmentation, schedule)
            run.measuredAtEndOnly = measuresTestCurve ? [] : ["test"]
            return run
        }
        let outcome = try fixedRate.map { RateSweep.Outcome(trials: [], chosen: $0, bracketed: false) } ?? sweep.run(seeds: selectionSeeds) { rate, seed in
            let result = configured(rate, seed, every: schedule == .constant ? steps : measureEvery, label: "sweep \(arm.name) ε = \(rate), seed \(seed)")
                .train(try arm.build(seed), on: data.train, probe: probe, heldOut: [("validation", validation)],
                       normalization: arm.normalization)
            guard !result.diverged else {
                log("  sweep \(arm.name) ε = \(rate), seed \(seed): diverged")
                return RateSweep.Score(.infinity, tieBreak: .infinity)
            }
            let (validationError, trainingError) = (result.heldOut["validation"]!.last!.y, result.curve.last!.y)
            log("  sweep \(arm.name) ε = \(rate), seed \(seed): validation error \(validationError), training error \(trainingError)")
            return selection == .validationError ? RateSweep.Score(validationError, tieBreak: trainingError)
                                                 : RateSweep.Score(trainingError, tieBreak: validationError)
        }
        var runs: [(seed: UInt64, result: ProbedRun.Result)] = []
        for (k, seed) in reportedSeeds.enumerated() {
            let network = try arm.build(seed)
            var reported = configured(outcome.chosen, seed, every: measureEvery,
                                      label: "run \(arm.name) ε = \(outcome.chosen), seed \(seed) (\(k + 1) of \(reportedSeeds.count))")
            reported.endWindow = endWindow
            let result = reported.train(network, on: data.train, probe: probe,
                       heldOut: [("validation", validation), ("test", data.test)], normalization: arm.normalization)
            runs.append((seed, result))
            trained?(seed, network)
            log("  run \(arm.name) ε = \(outcome.chosen), seed \(seed): "
                + (result.diverged ? "diverged" : "test error \(result.heldOut["test"]!.last!.y), training error \(result.curve.last!.y)")
                + " (\(Int(result.seconds)) s)")
        }
        return ArmResult(name: arm.name, sweep: outcome, runs: runs, selection: selection,
                         endWindowStart: endWindow?.start(steps: steps) ?? steps)
    }
}

extension HeldOutComparison.ArmResult {
    /// Every measurement of every reported run and every sweep trial's score, one row each.
    public static let csvHeader = ["phase", "arm", "learning_rate", "seed", "step", "split", "error"]

    public var csvRows: [[String]] {
        var rows: [[String]] = sweep.trials.map {
            ["sweep", name, String($0.rate), String($0.seed), "", selection == .validationError ? "validation" : "train", String($0.score.primary)]
        }
        for (seed, result) in runs {
            var curves = [("train", result.curve)]
            curves += result.heldOut.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            for (split, curve) in curves {
                rows += curve.points.map { ["report", name, String(rate), String(seed), String(Int($0.x)), split, String($0.y)] }
            }
        }
        return rows
    }
}
