import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining

/// How each initialisation starts (Section 5): the first steps recorded one by one at the paper's
/// rate (loss, each layer's gradient norm, dead ReLUs), and longer runs that measure when the
/// training error first leaves chance.
struct StartOfTraining {
    var rate: Double
    var firstSteps: [(initialisation: Initialisation, seed: UInt64, record: FirstSteps.Record)] = []
    var longRuns: [(initialisation: Initialisation, seed: UInt64, result: ProbedRun.Result)] = []
    /// A run has "started" once its training-probe error is at most this (chance is 0.9).
    static let startedBelow = 0.5

    /// The step at which each long run of `initialisation` started (∞ if it did not).
    func startSteps(_ initialisation: Initialisation) -> [Double] {
        longRuns.filter { $0.initialisation == initialisation }.map {
            $0.result.curve.firstCrossing(below: Self.startedBelow) ?? .infinity
        }
    }

    /// Records `steps` first steps of every initialisation on every seed, then (for `horizon` > 0)
    /// trains each until its training-probe error is at most ``startedBelow`` or the horizon ends,
    /// measuring every `every` steps. Momentum 0.9 and weight decay 0.0005, as the paper.
    static func measure(_ data: Dataset, probe: DatasetSplit, normalization: Normalization, seeds: [UInt64],
                        steps: Int, horizon: Int, every: Int, rate: Double, log: (String) -> Void) throws -> StartOfTraining {
        var start = StartOfTraining(rate: rate)
        let probeImages = BatchLoader(split: probe.prefix(512), batchSize: min(512, probe.count), augmentation: .none,
                                      normalization: normalization, seed: 0, dropsLastBatch: false).batch(epoch: 0, index: 0).images
        for initialisation in Initialisation.allCases {
            for seed in seeds {
                let network = try AlexNetModel<Float>(chapterNetwork(data, initialisation: initialisation, seed: seed))
                let record = FirstSteps(steps: steps, learningRate: rate, seed: seed, activityEvery: max(1, steps / 10))
                    .run(network, on: data.train, probeImages: probeImages, normalization: normalization)
                start.firstSteps.append((initialisation, seed, record))
                let dead = record.activity.last!.layers.map { String(format: "%.0f%%", $0.dead * 100) }.joined(separator: " ")
                log("  first \(steps) steps, \(initialisation.name), seed \(seed): loss \(fmt(record.losses.first)) → \(fmt(record.losses.last)); dead ReLUs by layer \(dead)")
            }
        }
        guard horizon > 0 else { return start }
        for initialisation in Initialisation.allCases {
            for seed in seeds {
                var run = ProbedRun(steps: horizon, probeEvery: every, learningRate: rate, seed: seed)
                (run.weightDecay, run.stopAtError) = (0.0005, startedBelow)
                run.label = "start, \(initialisation.name), seed \(seed)"
                let result = run.train(try AlexNetModel<Float>(chapterNetwork(data, initialisation: initialisation, seed: seed)),
                                       on: data.train, probe: probe, normalization: normalization)
                start.longRuns.append((initialisation, seed, result))
                let started = result.curve.firstCrossing(below: startedBelow)
                log("  start, \(initialisation.name), seed \(seed): " + (started.map { "training error ≤ 50% at step \(Int($0))" } ?? "still at \(fmt(result.curve.last!.y)) after \(horizon) steps"))
            }
        }
        return start
    }
}

func fmt(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "—" }
