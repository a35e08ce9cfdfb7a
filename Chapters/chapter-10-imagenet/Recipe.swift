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

    /// One net: `epochs` epochs of the recipe from `seed` at `rate` (constant if `sweeping`).
    func train(_ shards: ImageNetShards, seed: UInt64, rate: Double, epochs: Int, sweeping: Bool) throws -> Net {
        var options = TrainingOptions(epochs: epochs)
        options.schedule = sweeping ? .constant(rate) : .plateau(rate, patience: patience)
        options.augmentation = Augmentation(cropSize: crop, flips: true, lighting: lighting)
        options.seed = seed
        options.showsProgress = !sweeping
        options.checkpointDirectory = sweeping ? nil : checkpointDirectory.map { ($0 as NSString).appendingPathComponent("seed-\(seed)") }
        let trainer = try Trainer(specification: specification(seed), data: try data(shards), options: options, normalization: normalization)
        if let directory = options.checkpointDirectory, FileManager.default.fileExists(atPath: Trainer.checkpointPath(in: directory)) {
            try trainer.resume(from: try Checkpoint.read(from: Trainer.checkpointPath(in: directory)))
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

/// Tables 1 and 2's columns for our nets: each net on the centre view and on the ten views, and
/// the ensembles of the first k nets (their softmax outputs averaged), k = 1 … all.
struct Tables {
    struct Row { var nets: Int, views: Evaluation.Views, top1: Double, top5: Double }
    var single: [(seed: UInt64, centre: Evaluation, ten: Evaluation)]
    var ensembles: [Row]

    init(_ nets: [Recipe.Net], on split: any LabelledImages, normalization: Normalization, crop: Int) {
        let augmentation = Augmentation(cropSize: crop)
        var probabilities: [Evaluation.Views: [Tensor<Float>]] = [:]
        single = []
        for net in nets {
            var pair: [Evaluation.Views: Evaluation] = [:]
            for views in Evaluation.Views.allCases {
                let p = Evaluation.probabilities(of: net.network, on: split, normalization: normalization, augmentation: augmentation, views: views)
                probabilities[views, default: []].append(p)
                pair[views] = Evaluation(probabilities: p, labels: split.labels)
            }
            single.append((net.seed, pair[.centre]!, pair[.ten]!))
        }
        ensembles = []
        for k in 1...nets.count {
            for views in Evaluation.Views.allCases {
                let e = Evaluation(probabilities: Evaluation.ensemble(Array(probabilities[views]!.prefix(k))), labels: split.labels)
                ensembles.append(Row(nets: k, views: views, top1: e.top1, top5: e.top5))
            }
        }
    }

    func ensemble(_ k: Int, _ views: Evaluation.Views) -> Row { ensembles.first { $0.nets == k && $0.views == views }! }
}
