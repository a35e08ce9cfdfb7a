import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

/// Section 5's recipe run end to end on prepared shards: batch 128, momentum 0.9, weight decay
/// 0.0005, the rate divided by 10 when the validation error stops improving (three times at
/// most), random crops, reflections and PCA lighting (Section 4.1), dropout in fc6 and fc7
/// (Section 4.2); several networks, each from its own seed, for the ensembles of Table 2.
///
/// The validation split the rule watches is held out of the training shards (the same split for
/// every net); the prepared validation set is the reported one and is never used to choose.
struct Recipe {
    var specification: (UInt64) -> ModelSpecification
    var normalization: Normalization
    /// Whether the pixels are standardised (the stand-in) or only the mean image is subtracted (ImageNet).
    var standardizes: Bool
    var lighting: PCALighting
    var crop: Int
    var epochs: Int, patience: Int
    /// The learning rates a sweep tries (bracketing, on the held-out split, with a seed of its
    /// own); nil: the paper's 0.01 without a sweep (on ImageNet, where a sweep is out of reach).
    var sweepRates: [Double]?
    var sweepEpochs: Int
    var heldOut: Int
    var limitTrain: Int?
    var checkpointDirectory: String?

    struct Net {
        var seed: UInt64
        var network: any Network<Float>
        var records: [EpochRecord]
        var seconds: Double
    }

    struct Outcome {
        var sweep: RateSweep.Outcome?
        var rate: Double
        var nets: [Net]
    }

    func data(_ shards: ImageNetShards) throws -> TrainingData {
        try TrainingData(imageNet: shards, heldOut: heldOut, seed: 0, limitTrain: limitTrain)
    }

    /// One net: `epochs` epochs of the recipe from `seed` at `rate` (constant if `sweeping`), of
    /// the recipe's network or `network`, every layer but the output one started from `initial`
    /// when given (fine-tuning), checkpointed under `name` (default seed-N).
    func train(_ shards: ImageNetShards, seed: UInt64, rate: Double, epochs: Int, sweeping: Bool,
               network: ModelSpecification? = nil, initial: [(name: String, value: Tensor<Float>)]? = nil, name: String? = nil) throws -> Net {
        var options = TrainingOptions(epochs: epochs)
        options.schedule = sweeping ? .constant(rate) : .plateau(rate, patience: patience)
        options.augmentation = Augmentation(cropSize: crop, flips: true, lighting: lighting)
        options.seed = seed
        options.showsProgress = !sweeping
        options.checkpointDirectory = sweeping ? nil : checkpointDirectory.map { ($0 as NSString).appendingPathComponent(name ?? "seed-\(seed)") }
        let trainer = try Trainer(specification: network ?? specification(seed), data: try data(shards), options: options, normalization: normalization)
        if let directory = options.checkpointDirectory, FileManager.default.fileExists(atPath: Trainer.checkpointPath(in: directory)) {
            try trainer.resume(from: try Checkpoint.read(from: Trainer.checkpointPath(in: directory)))
        } else if let initial {
            try StateDict.initialize(trainer.network, from: initial, source: "the pre-trained net of seed \(seed)")
        }
        let seconds = try measureSeconds { try trainer.run() }
        return Net(seed: seed, network: trainer.network, records: trainer.state.records, seconds: seconds)
    }

    func run(_ shards: ImageNetShards, seeds: [UInt64], sweepSeed: UInt64, log: (String) -> Void) throws -> Outcome {
        var sweep: RateSweep.Outcome?
        var rate = 0.01
        if let rates = sweepRates {
            let outcome = try RateSweep(rates: rates).run(seeds: [sweepSeed]) { rate, seed in
                let net = try train(shards, seed: seed, rate: rate, epochs: sweepEpochs, sweeping: true)
                let last = net.records.last!
                log(String(format: "  sweep: ε = %g → validation error %.2f%%", rate, 100 * last.validationTop1))
                return RateSweep.Score(last.validationTop1, tieBreak: last.trainingLoss)
            }
            sweep = outcome
            rate = outcome.chosen
            log(String(format: "  chosen ε = %g (%@)", rate, outcome.bracketed ? "bracketed" : "NOT bracketed: at the edge of the grid"))
        }
        var nets: [Net] = []
        for seed in seeds {
            let net = try train(shards, seed: seed, rate: rate, epochs: epochs, sweeping: false)
            let last = net.records.last!
            log(String(format: "  net of seed %d: %d epochs in %.0f s, final ε %g, validation error %.2f%%, reported top-1 %.2f%% (centre)",
                       seed, last.epoch, net.seconds, last.learningRate, 100 * last.validationTop1, 100 * last.testTop1))
            nets.append(net)
        }
        return Outcome(sweep: sweep, rate: rate, nets: nets)
    }
}

extension Recipe {
    /// The recipe on other data: its own mean image (or standardisation) and PCA.
    func on(_ shards: ImageNetShards) -> Recipe {
        var r = self
        r.normalization = standardizes ? shards.standardizing : shards.normalization
        r.lighting = shards.lighting
        return r
    }

    /// The recipe's network of `seed` with a sixth convolution over pool5 (as many kernels as
    /// conv5, 3×3) and `classes` outputs: Table 2's starred nets.
    func sixConvolutions(seed: UInt64, classes: Int) -> ModelSpecification {
        guard case .alexNet(var c) = specification(seed) else { preconditionFailure("chapter 10 trains AlexNets") }
        c.convolutions.append(.init(kernels: c.convolutions[4].kernels, kernelSize: 3, padding: 1))
        c.classes = classes
        return .alexNet(c)
    }

    /// Table 2's starred nets (Section 6): for each seed, a six-convolution net pre-trained for
    /// `pretrainingEpochs` on `fall` (Fall 2011 or its stand-in, its errors reported on its own
    /// held-out split), then every layer but the output one carried into a net of `shards`'
    /// classes and trained by the recipe at `rate` ("fine-tuned").
    func starred(pretrainingOn fall: ImageNetShards, then shards: ImageNetShards, seeds: [UInt64], rate: Double,
                 pretrainingEpochs: Int, log: (String) -> Void) throws -> [Net] {
        let pretraining = on(fall)
        return try seeds.map { seed in
            let pre = try pretraining.train(fall, seed: seed, rate: rate, epochs: pretrainingEpochs, sweeping: false,
                                            network: sixConvolutions(seed: seed, classes: fall.index.classes.count), name: "starred-pretraining-seed-\(seed)")
            log(String(format: "  starred net of seed %d: pre-trained %d epochs on %d classes in %.0f s, held-out top-1 %.2f%%",
                       seed, pre.records.last!.epoch, fall.index.classes.count, pre.seconds, 100 * pre.records.last!.testTop1))
            let net = try train(shards, seed: seed, rate: rate, epochs: epochs, sweeping: false,
                                network: sixConvolutions(seed: seed, classes: shards.index.classes.count),
                                initial: StateDict.tensors(of: pre.network), name: "starred-seed-\(seed)")
            let last = net.records.last!
            log(String(format: "  starred net of seed %d: fine-tuned %d epochs in %.0f s, validation error %.2f%%, reported top-1 %.2f%% (centre)",
                       seed, last.epoch, net.seconds, 100 * last.validationTop1, 100 * last.testTop1))
            return net
        }
    }
}

/// Tables 1 and 2's columns for our nets: each net on the centre view and on the ten views, and
/// the ensembles of the first k nets (their softmax outputs averaged), k = 1 … all; the starred
/// nets alone, and every net and starred net averaged (Table 2's mixed ensemble of seven).
struct Tables {
    struct Row { var nets: Int, views: Evaluation.Views, top1: Double, top5: Double }
    typealias Single = (seed: UInt64, centre: Evaluation, ten: Evaluation)
    var single: [Single]
    var ensembles: [Row]
    var starred: [Single]
    /// All nets and starred nets averaged, per views; empty without starred nets.
    var mixed: [Row]

    init(_ nets: [Recipe.Net], starred starredNets: [Recipe.Net] = [], on split: any LabelledImages, normalization: Normalization, crop: Int) {
        let augmentation = Augmentation(cropSize: crop)
        var probabilities: [Evaluation.Views: [Tensor<Float>]] = [:], starredProbabilities: [Evaluation.Views: [Tensor<Float>]] = [:]
        func evaluate(_ net: Recipe.Net, into store: inout [Evaluation.Views: [Tensor<Float>]]) -> Single {
            var pair: [Evaluation.Views: Evaluation] = [:]
            for views in Evaluation.Views.allCases {
                let p = Evaluation.probabilities(of: net.network, on: split, normalization: normalization, augmentation: augmentation, views: views)
                store[views, default: []].append(p)
                pair[views] = Evaluation(probabilities: p, labels: split.labels)
            }
            return (net.seed, pair[.centre]!, pair[.ten]!)
        }
        single = nets.map { evaluate($0, into: &probabilities) }
        starred = starredNets.map { evaluate($0, into: &starredProbabilities) }
        ensembles = []
        for k in 1...nets.count {
            for views in Evaluation.Views.allCases {
                let e = Evaluation(probabilities: Evaluation.ensemble(Array(probabilities[views]!.prefix(k))), labels: split.labels)
                ensembles.append(Row(nets: k, views: views, top1: e.top1, top5: e.top5))
            }
        }
        mixed = starredNets.isEmpty ? [] : Evaluation.Views.allCases.map { views in
            let e = Evaluation(probabilities: Evaluation.ensemble(probabilities[views]! + starredProbabilities[views]!), labels: split.labels)
            return Row(nets: nets.count + starredNets.count, views: views, top1: e.top1, top5: e.top5)
        }
    }

    func ensemble(_ k: Int, _ views: Evaluation.Views) -> Row { ensembles.first { $0.nets == k && $0.views == views }! }
}
