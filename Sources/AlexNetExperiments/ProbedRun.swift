import AlexNet
import Foundation
import AlexNetData
import AlexNetTraining

/// One training run of an experiment, measured as it goes: the paper's SGD at a constant rate for
/// a number of steps, with the error on a fixed *probe* of training images measured before the
/// first step and every `probeEvery` steps — the curve Figure 1 plots.
///
/// The error is measured on the probe in inference phase, with the weights as they are at that
/// step, not averaged over the batches of an epoch: the first point is the untrained network's
/// (not an assumed chance level), and two runs measured at the same steps see the same images.
public struct ProbedRun: Sendable {
    public var steps: Int
    public var probeEvery: Int
    public var learningRate: Double
    public var batchSize = 128
    public var momentum = 0.9
    /// The paper's Figure 1 runs use no regularisation of any kind: 0 here.
    public var weightDecay = 0.0
    /// Seeds the data order (the weights are seeded by the network's configuration).
    public var seed: UInt64
    /// Stop as soon as the probe error is at or below this (a sweep needs only the crossing).
    public var stopAtError: Double?
    /// The training views (none: the whole image, as Figure 1's runs; chapter 7 crops and flips).
    public var augmentation = Augmentation.none
    /// How the rate changes from `learningRate` (Section 5; chapter 9): constant, or divided by
    /// 10 at given measurements, or when the error on the held-out split named "validation"
    /// has not improved for `patience` measurements. The schedule's "epoch" here is one
    /// measurement interval of `probeEvery` steps.
    public var schedule = LearningRateSchedule.Kind.constant
    /// Held-out splits measured only in the end window (at the last step when there is none; e.g.
    /// a large test split whose curve is not needed).
    public var measuredAtEndOnly: Set<String> = []
    /// Extra measurements before the last step, so that a run's end point can be the median of
    /// several (``EndWindow``); nil: the regular probes only.
    public var endWindow: EndWindow?

    /// The last `count` measurements of a run, `spacing` steps apart and ending at its last
    /// step: steps T − (count − 1)·spacing, …, T − spacing, T, measured besides the regular
    /// probes. They take no part in a schedule (its "epochs" are the regular intervals), and an
    /// end point reported as their median moves less with the batches of the last few steps than
    /// the last step alone.
    public struct EndWindow: Sendable, Equatable {
        public var count: Int, spacing: Int
        public init(count: Int, spacing: Int) {
            precondition(count >= 1 && spacing >= 1, "EndWindow: count \(count), spacing \(spacing)")
            (self.count, self.spacing) = (count, spacing)
        }
        /// The window of a run of `steps` steps measured `count` times over its last `fraction`
        /// (spacing at least one step; fewer points when the run is too short for them).
        public static func last(_ count: Int, over fraction: Double, of steps: Int) -> EndWindow {
            let spacing = max(1, Int((Double(steps) * fraction / Double(max(1, count - 1))).rounded()))
            return EndWindow(count: min(count, steps / spacing + 1), spacing: spacing)
        }
        /// The first step of the window in a run of `steps` steps (never below 0).
        public func start(steps: Int) -> Int { max(0, steps - (count - 1) * spacing) }
        /// Whether `step` is one of the window's measurements.
        public func contains(_ step: Int, steps: Int) -> Bool {
            step >= start(steps: steps) && step <= steps && (steps - step) % spacing == 0
        }
    }
    /// Which run this is, in the progress line on standard error (e.g. "sweep ReLU ε = 0.02, seed 101").
    public var label = "run"
    /// Whether the run shows its step and time left on standard error as it goes: redrawn in a
    /// terminal, a line every 10 s in a file, and a last line when it ends (``ProgressDisplay``).
    public var showsProgress = true
    /// Where the progress goes: standard error, or a file a test reads.
    public var progressOutput = FileHandle.standardError

    public init(steps: Int, probeEvery: Int, learningRate: Double, seed: UInt64) {
        precondition(steps >= 1 && probeEvery >= 1 && learningRate > 0, "ProbedRun: steps \(steps), probe every \(probeEvery), rate \(learningRate)")
        self.steps = steps
        self.probeEvery = probeEvery
        self.learningRate = learningRate
        self.seed = seed
    }

    /// What a run measured: the probe error against steps, and whether the loss stopped being
    /// finite (the curve then ends at the last good measurement).
    public struct Result: Sendable, Equatable {
        public var curve: Curve
        public var diverged: Bool
        /// The error on each held-out split passed to ``train``, measured at the probe's steps.
        public var heldOut: [String: Curve] = [:]
        /// Wall-clock seconds of the run, measurements included.
        public var seconds = 0.0
        /// The learning rate in force after each measurement (the first at step 0).
        public var rates = Curve()
    }

    /// Trains `network` on `split` (batches in a seeded order, epoch after epoch) and measures its
    /// error on `probe`, and on each of `heldOut` (e.g. a validation and a test split) at the same
    /// steps. `observe(step, network)` is called at every probe point, before the error is
    /// measured, e.g. to record the activations' statistics.
    public func train(_ network: any Network<Float>, on split: DatasetSplit, probe: DatasetSplit,
                      heldOut: [(name: String, split: DatasetSplit)] = [],
                      normalization: Normalization, observe: ((Int, any Network<Float>) -> Void)? = nil) -> Result {
        let started = Date()
        var result = run(network, on: split, probe: probe, heldOut: heldOut, normalization: normalization, observe: observe)
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    private func run(_ network: any Network<Float>, on split: DatasetSplit, probe: DatasetSplit,
                     heldOut: [(name: String, split: DatasetSplit)],
                     normalization: Normalization, observe: ((Int, any Network<Float>) -> Void)?) -> Result {
        let loader = BatchLoader(split: split, batchSize: batchSize, augmentation: augmentation, normalization: normalization,
                                 seed: seed, dropsLastBatch: true)
        let optimizer = SGD(parameters: network.parameters, momentum: momentum, weightDecay: weightDecay)
        let objective = SoftmaxCrossEntropy<Float>()
        var curve = Curve(), heldOutCurves = [String: Curve](), rates = Curve()
        var schedule = LearningRateSchedule(self.schedule, initialRate: learningRate), measurements = 0
        if case .plateau = self.schedule {
            precondition(heldOut.contains { $0.name == "validation" }, "ProbedRun: the plateau schedule needs a held-out split named validation")
        }
        /// A measurement at `step`; `regular`: one of the probes every `probeEvery` steps (the
        /// schedule counts those, not the end window's).
        func measure(_ step: Int, regular: Bool = true) -> Bool {
            observe?(step, network)
            func error(_ split: DatasetSplit) -> Double {
                Evaluation(network: network, split: split, normalization: normalization, augmentation: augmentation,
                           batchSize: 256).top1
            }
            let probeError = error(probe)
            curve.append(x: Double(step), y: probeError)
            let atEnd = step == steps || endWindow?.contains(step, steps: steps) == true
            for (name, split) in heldOut where atEnd || !measuredAtEndOnly.contains(name) {
                let e = error(split)
                heldOutCurves[name, default: Curve()].append(x: Double(step), y: e)
                if name == "validation" && step > 0 && regular { schedule.record(validationError: e) }
            }
            if step > 0 && regular { measurements += 1 }
            rates.append(x: Double(step), y: schedule.rate(epoch: measurements))
            return stopAtError.map { probeError <= $0 } ?? false
        }
        let display = ProgressDisplay(enabled: showsProgress, isTerminal: isatty(progressOutput.fileDescriptor) != 0, plainInterval: 10,
                                      output: progressOutput)
        let started = Date()
        var step = 0, epoch = 0
        /// "LABEL: step 250/600, 0:35 so far, 0:49 left" as it goes; "LABEL: ended at step 250/600 after 0:35" last.
        func show(final: Bool = false) {
            let elapsed = ProgressDisplay.duration(Date().timeIntervalSince(started))
            if final { return display.status("\(label): ended at step \(step)/\(steps) after \(elapsed)", final: true) }
            let left = step == 0 ? Double.nan : Date().timeIntervalSince(started) / Double(step) * Double(steps - step)
            display.status("\(label): step \(step)/\(steps), \(elapsed) so far, \(ProgressDisplay.duration(left)) left")
        }
        func result(diverged: Bool) -> Result {
            show(final: true)
            return Result(curve: curve, diverged: diverged, heldOut: heldOutCurves, rates: rates)
        }
        if measure(0) { return result(diverged: false) }
        network.phase = .training                 // the evaluation restores whatever phase it found
        while step < steps {
            for batch in loader.batches(epoch: epoch) {
                do {
                    try trainStep(network, objective: objective, optimizer: optimizer, images: batch.images,
                                  labels: batch.labels, learningRate: schedule.rate(epoch: measurements))
                } catch {
                    return result(diverged: true)      // the loss became NaN or infinite
                }
                step += 1
                show()
                if step % probeEvery == 0 || step == steps {
                    if measure(step) { return result(diverged: false) }
                } else if endWindow?.contains(step, steps: steps) == true {
                    if measure(step, regular: false) { return result(diverged: false) }
                }
                if step == steps { break }
            }
            epoch += 1
        }
        return result(diverged: false)
    }
}
