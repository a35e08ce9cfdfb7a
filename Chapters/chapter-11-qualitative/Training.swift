import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

/// The network the chapter looks into, and how it came to be.
struct TrainedNetwork {
    var network: AlexNetModel<Float>
    var configuration: AlexNetConfiguration
    /// The normalisation it was trained with (a loaded network's own).
    var normalization: Normalization
    /// The rate the sweep chose, the steps trained, whether it was loaded from a checkpoint.
    var rate: Double, steps: Int, loaded: Bool
    var sweep: RateSweep.Outcome?
    var curve: ProbedRun.Result?
    /// Centre-view top-1 and top-5 errors of the final network.
    var validation: Evaluation, test: Evaluation

    /// The chapter's AlexNet: chapter 8's (convolutions at a sixth of the paper's widths, fc6
    /// and fc7 512 wide, LRN, dropout 0.5, He's initialisation, hidden biases 0.1).
    static func configuration(_ data: Dataset, seed: UInt64) -> AlexNetConfiguration {
        var c = AlexNetConfiguration.small(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes,
                                           widthScale: 1.0 / 6, hiddenWidth: 512)
        (c.weightInitialization, c.hiddenBias, c.seed) = (.he, 0.1, seed)
        return c
    }

    /// A network's layers in a few words, for an error message.
    static func describe(_ specification: ModelSpecification) -> String {
        guard case .alexNet(let c) = specification else { return "not an AlexNet" }
        return "convolutions \(c.convolutions.map(\.kernels)), fc \(c.hiddenWidths), \(c.inputChannels)×\(c.inputSize)×\(c.inputSize) input, \(c.classes) classes"
    }

    /// About 2,000 training images, evenly spaced: the probe the training error is measured on.
    static func probe(_ data: Dataset) -> DatasetSplit {
        data.train.subset(Array(stride(from: 0, to: data.train.count, by: max(1, data.train.count / 2_000))))
    }

    /// Trains the chapter's network from `seed` for `steps` steps at `rate` with the paper's
    /// momentum and weight decay, measured on a probe of 2,000 training images and the
    /// validation split as it goes.
    static func train(_ data: Dataset, normalization: Normalization, rate: Double, seed: UInt64, steps: Int) throws -> TrainedNetwork {
        let configuration = configuration(data, seed: seed)
        let network = try AlexNetModel<Float>(configuration)
        let probe = Self.probe(data)
        var run = ProbedRun(steps: steps, probeEvery: max(1, steps / 8), learningRate: rate, seed: seed)
        (run.weightDecay, run.label) = (0.0005, "run ε = \(rate), seed \(seed)")
        let curve = run.train(network, on: data.train, probe: probe, heldOut: [("validation", data.validation!)], normalization: normalization)
        guard !curve.diverged else { throw UsageError("training diverged at ε = \(rate); try --steps or another --seed") }
        return TrainedNetwork(network: network, configuration: configuration, normalization: normalization, rate: rate, steps: steps,
                              loaded: false, sweep: nil, curve: curve,
                              validation: Evaluation(network: network, split: data.validation!, normalization: normalization, augmentation: .none),
                              test: Evaluation(network: network, split: data.test, normalization: normalization, augmentation: .none))
    }

    /// Loads the network from `checkpoint` when that file exists; otherwise chooses the rate by a
    /// sweep of `sweepSteps`-step trials on the validation split (a seed of its own), trains
    /// `steps` steps with the paper's momentum and weight decay, and saves it to `checkpoint`.
    static func obtain(_ data: Dataset, normalization: Normalization, checkpoint: String?, seed: UInt64,
                       steps: Int, sweepSteps: Int, log: (String) -> Void) throws -> TrainedNetwork {
        let configuration = configuration(data, seed: seed)
        let network = try AlexNetModel<Float>(configuration)
        func evaluated(rate: Double, steps: Int, loaded: Bool, sweep: RateSweep.Outcome?, curve: ProbedRun.Result?,
                       normalization: Normalization) -> TrainedNetwork {
            TrainedNetwork(network: network, configuration: configuration, normalization: normalization, rate: rate, steps: steps,
                           loaded: loaded, sweep: sweep, curve: curve,
                           validation: Evaluation(network: network, split: data.validation!, normalization: normalization, augmentation: .none),
                           test: Evaluation(network: network, split: data.test, normalization: normalization, augmentation: .none))
        }
        if let checkpoint, FileManager.default.fileExists(atPath: checkpoint) {
            // Any seed will do; the layers must be the chapter's.
            let saved = try Checkpoint.read(from: checkpoint)
            guard case .alexNet(var theirs) = saved.specification, { theirs.seed = configuration.seed; return theirs == configuration }() else {
                throw UsageError("\(checkpoint) holds a network other than this chapter's on \(data.name) (\(Self.describe(saved.specification))); remove the file or name another")
            }
            try saved.restore(into: network)
            log("Loaded \(checkpoint): trained \(saved.state.step) steps at ε = \(saved.state.schedule.initialRate); its normalisation is used")
            return evaluated(rate: saved.state.schedule.initialRate, steps: saved.state.step, loaded: true, sweep: nil, curve: nil,
                             normalization: saved.normalization)
        }

        let probe = Self.probe(data)
        func run(_ rate: Double, _ seed: UInt64, steps: Int, label: String) -> ProbedRun {
            var run = ProbedRun(steps: steps, probeEvery: max(1, steps / 8), learningRate: rate, seed: seed)
            (run.weightDecay, run.label) = (0.0005, label)
            return run
        }
        let sweep = try RateSweep(lowest: 0.01, count: 3, maximumExtensions: 4).run(seeds: [seed + 100]) { rate, s in
            var trial = run(rate, s, steps: sweepSteps, label: "sweep ε = \(rate), seed \(s)")
            trial.probeEvery = sweepSteps
            let result = trial.train(try AlexNetModel<Float>(Self.configuration(data, seed: s)), on: data.train, probe: probe,
                                     heldOut: [("validation", data.validation!)], normalization: normalization)
            let error = result.diverged ? Double.infinity : result.heldOut["validation"]!.last!.y
            log("  sweep ε = \(rate): " + (result.diverged ? "diverged" : "validation error \(error)"))
            return RateSweep.Score(error, tieBreak: result.diverged ? .infinity : result.curve.last!.y)
        }
        log("Training \(steps) steps at ε = \(sweep.chosen)" + (sweep.bracketed ? "" : " (the sweep did not bracket it)"))
        var trained = try train(data, normalization: normalization, rate: sweep.chosen, seed: seed, steps: steps)
        trained.sweep = sweep
        if let checkpoint {
            var state = TrainingState(schedule: .constant(sweep.chosen))
            state.step = steps
            try Checkpoint(network: network, optimizer: SGD(parameters: network.parameters), specification: .alexNet(configuration),
                           normalization: normalization, state: state,
                           metadata: ["chapter": "chapter-11-qualitative", "dataset": data.name, "seed": String(seed),
                                      "note": "weights for evaluation; the momentum is not saved"]).write(to: checkpoint)
            log("Saved \(checkpoint)")
        }
        return trained
    }
}
