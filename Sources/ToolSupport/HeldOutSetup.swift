import AlexNetData
import AlexNetExperiments

/// The options of a chapter that compares arms by held-out error (chapters 4–8), and the
/// comparison they make: `--seeds`, `--steps`, `--lowest-rate`, `--rate-count`.
package struct HeldOutArguments {
    package let seeds: Int?, steps: Int?
    /// `--measurements`: regular measurements of each reported run after step 0 (nil: the chapter's).
    package let measurements: Int?
    package let lowestRate: Double, rateCount: Int
    let defaultSteps: (normal: Int, full: Int)
    let defaultSeeds: (quick: Int, normal: Int, full: Int)
    /// `--train-images`, and the chapter's defaults (full nil: every training image).
    package let trainImages: Int?
    let defaultTrainImages: (quick: Int, normal: Int, full: Int?)?

    /// `trainImages` nil: the chapter trains on every training image and has no `--train-images`.
    package init(_ a: Arguments, steps: (normal: Int, full: Int), lowestRate: Double,
                 seeds defaultSeeds: (quick: Int, normal: Int, full: Int) = (2, 5, 7),
                 trainImages defaultTrainImages: (quick: Int, normal: Int, full: Int?)? = nil, rateCount: Int = 4) {
        defaultSteps = steps
        self.defaultSeeds = defaultSeeds
        self.defaultTrainImages = defaultTrainImages
        trainImages = defaultTrainImages.flatMap { d in
            a.optionalInteger("--train-images", help: "training images used (default \(d.normal); --quick \(d.quick); --full \(d.full.map(String.init) ?? "all"))")
        }
        seeds = a.optionalInteger("--seeds", help: "reported seeds per arm (default \(defaultSeeds.normal); --quick \(defaultSeeds.quick); --full \(defaultSeeds.full))")
        self.steps = a.optionalInteger("--steps", help: "training steps of batch 128 per run (default \(steps.normal); --quick 30; --full \(steps.full))")
        measurements = a.optionalInteger("--measurements", help: "regular measurements of each reported run after step 0, besides its end window (default: the chapter's; --quick 3)")
        self.lowestRate = a.double("--lowest-rate", default: lowestRate, help: "the sweep's lowest learning rate; the grid doubles from it", range: 1e-9...10)
        self.rateCount = a.integer("--rate-count", default: rateCount, help: "rates in the sweep's starting grid (extended while the best is on an edge)")
    }

    /// The protocol: a sweep from `--lowest-rate` (`quickLowest` on `--quick`) on one selection
    /// seed, then the reported seeds, each run measured `measurements` times after step 0 (or
    /// `--measurements` times). Its
    /// horizon is `--steps`, or `--epochs` passes over `trainingImages` in batches of 128, or the
    /// chapter's default; both options at once are refused.
    package func comparison(_ options: ChapterOptions, trainingImages: Int, quickLowest: Double,
                            measurements: (normal: Int, full: Int)) throws -> HeldOutComparison {
        if self.steps != nil && options.epochs != nil { throw UsageError("give --steps or --epochs, not both") }
        let fromEpochs = options.epochs.map { max(1, $0 * trainingImages / 128) }
        let steps = self.steps ?? fromEpochs ?? options.budget(quick: 30, normal: defaultSteps.normal, full: defaultSteps.full)
        guard steps >= 1 else { throw UsageError("--steps must be at least 1, got \(steps)") }
        if let m = self.measurements, !(1...steps).contains(m) {
            throw UsageError("--measurements must be from 1 to the run's \(steps) steps, got \(m)")
        }
        let count = self.measurements ?? options.budget(quick: 3, normal: measurements.normal, full: measurements.full)
        return HeldOutComparison(
            sweep: RateSweep(lowest: options.quick ? quickLowest : lowestRate, count: options.quick ? 3 : rateCount, maximumExtensions: 4),
            selectionSeeds: [options.seed + 100],
            reportedSeeds: (0..<UInt64(seeds ?? options.budget(quick: defaultSeeds.quick, normal: defaultSeeds.normal, full: defaultSeeds.full))).map { options.seed + $0 },
            steps: steps, measureEvery: max(1, steps / count))
    }
}

extension HeldOutArguments {
    /// The chapter's data: ``ChapterOptions/heldOutData()`` with its training split cut to
    /// `--train-images` or the chapter's default for the budget.
    package func data(_ options: ChapterOptions, validation: Int? = nil) throws -> Dataset {
        var data = try options.heldOutData(validation: validation)
        if let d = defaultTrainImages {
            let count = trainImages ?? options.budget(quick: d.quick, normal: d.normal, full: d.full ?? data.train.count)
            data.train = data.train.prefix(count)
        }
        return data
    }
}

extension ChapterOptions {
    /// The data set with 5,000 training images (or `validation`) held out as a validation split
    /// (on `--quick`, 500 of the first 6,000, and the first 1,000 test images).
    package func heldOutData(validation: Int? = nil) throws -> Dataset {
        var loaded = try data.load()
        if quick { loaded = loaded.limited(train: 6_000, test: 1_000) }
        return loaded.holdingOutValidation(budget(quick: 500, normal: validation ?? 5_000, full: validation ?? 5_000), seed: seed)
    }

    /// About 2,000 training images (or `count`), evenly spaced (300 on `--quick`, 5,000 on
    /// `--full`): the probe the training error is measured on.
    package func probe(of split: DatasetSplit, count: Int? = nil) -> DatasetSplit {
        let n = budget(quick: 300, normal: count ?? 2_000, full: 5_000)
        return split.subset(Array(stride(from: 0, to: split.count, by: max(1, split.count / n))))
    }
}
