// Chapter 3 — ReLU against tanh (Section 3.1, Figure 1 of the paper).
//
// Two experiments, each a few minutes, both following the protocol of `AlexNetExperiments`:
// every arm's learning rate from a sweep that must bracket the optimum, chosen on the steps to
// the selection threshold with seeds of its own; then several other seeds per arm, measured on a
// fixed probe of training images every few steps; the speed-up of ReLU with a bootstrap interval
// at several thresholds.
//
// - `--experiment paper` (default): the four-layer net in the paper's regime (raw mean-subtracted
//   pixels, weights N(0, 0.01²)), with a linear softmax baseline and tanh's saturated units.
// - `--experiment depth`: the four-layer net against the eight-layer small AlexNet, both with
//   scaled pixels and each activation's customary initialisation (He's, LeCun's).
//
//     swift run -c release chapter-03-relu [--experiment paper|depth] [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import Foundation
import ToolSupport

runTool("chapter-03-relu") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-03-relu",
                      summary: "Chapter 3: Figure 1 of the paper — steps to a training-error threshold with ReLU and with tanh.")
    let options = ChapterOptions(a)
    let experiment = a.choice("--experiment", default: "paper", choices: ["paper", "depth"],
                              help: "the four-layer net in the paper's regime, or four against eight layers with scaled inputs (--quick runs both)")
    let seeds = a.optionalInteger("--seeds", help: "reported seeds per arm (default: 5; --quick 2)")
    let selectionSeeds = a.optionalInteger("--selection-seeds", help: "seeds per rate in the sweep (default: 1; --full 2)")
    let stepsOption = a.optionalInteger("--steps", help: "training steps of batch 128 per run, sweep included (default: paper 600, depth 250; --quick 60; --full 2,000; --epochs E: E passes over the training images)")
    let lowest = a.double("--lowest-rate", default: 0.005, help: "the sweep's lowest learning rate; the grid doubles from it", range: 1e-9...10)
    let rateCount = a.integer("--rate-count", default: 5, help: "rates in the sweep's starting grid (extended while the best is on an edge)")
    try a.finish()
    try options.prepare()

    // Load: the training images less a held-out validation split; a fixed probe of training images.
    let loaded = try options.data.load()
    let data = loaded.holdingOutValidation(options.budget(quick: 500, normal: 5_000, full: 5_000), seed: options.seed)
    let probeSize = options.budget(quick: 400, normal: 1_000, full: 2_000)
    let probe = data.train.subset(Array(stride(from: 0, to: data.train.count, by: data.train.count / probeSize)))

    /// The protocol for one experiment: its horizon, seeds and grid.
    // --epochs, as every chapter takes it, counts passes over the training images in steps of 128.
    let stepsOfEpochs = options.epochs.map { $0 * ((data.train.count + 127) / 128) }
    func plan(steps: Int, sweepSteps: Int) -> ComparisonPlan {
        let steps = stepsOption ?? stepsOfEpochs ?? options.budget(quick: 60, normal: steps, full: 2_000)
        return ComparisonPlan(
            sweep: RateSweep(lowest: options.quick ? 0.01 : lowest, count: options.quick ? 4 : rateCount, maximumExtensions: 4),
            selectionSeeds: (0..<UInt64(selectionSeeds ?? options.budget(quick: 1, normal: 1, full: 2))).map { options.seed + 100 + $0 },
            reportedSeeds: (0..<UInt64(seeds ?? options.budget(quick: 2, normal: 5, full: 5))).map { options.seed + $0 },
            selectionThreshold: options.quick ? 0.6 : 0.25,
            sweepSteps: stepsOption ?? stepsOfEpochs ?? options.budget(quick: 60, normal: sweepSteps, full: 2_000), steps: steps,
            probeEvery: options.budget(quick: 10, normal: 25, full: 50))
    }
    // The paper's threshold is 25% on CIFAR-10; more of the curve is shown around it.
    let thresholds = options.quick ? [0.7, 0.6, 0.5] : [0.5, 0.4, 0.3, 0.25, 0.22, 0.2, 0.18, 0.15, 0.12]
    let setting = Setting(data: data, probe: probe, thresholds: thresholds, options: options)

    // Train and plot: one experiment, or both on the --quick budget.
    if experiment == "paper" || options.quick {
        try paperExperiment(setting, plan: plan(steps: 600, sweepSteps: 400))
    }
    if experiment == "depth" || options.quick {
        try depthExperiment(setting, plan: plan(steps: 250, sweepSteps: 200))
    }
}
