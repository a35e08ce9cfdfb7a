import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// What both experiments share: the data, the probe, the thresholds and where files go.
struct Setting {
    var data: Dataset
    var probe: DatasetSplit
    var thresholds: [Double]
    var options: ChapterOptions
    let started = Date()
}

/// Figure 1 in the paper's regime: the four-layer net with ReLU and with tanh on raw
/// mean-subtracted pixels, weights N(0, 0.01²), no regularisation; a linear softmax baseline on
/// scaled pixels; and the fraction of tanh's saturated units, at initialisation (raw and scaled
/// pixels) and during the first reported run.
func paperExperiment(_ s: Setting, plan: ComparisonPlan) throws {
    let data = s.data
    print("Figure 1 on \(data.name), the paper's regime: \(data.train.count) training images, probe of \(s.probe.count), batch 128, momentum 0.9, no regularisation")
    let raw = Normalization.meanImage(of: data.train), scaled = Normalization.standardizing(data.train)
    func fourLayer(_ activation: ActivationFunction) -> Arm {
        Arm(activation == .relu ? "ReLU" : "tanh", normalization: raw) { seed in
            var c = FourLayerNetConfiguration(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes)
            (c.activation, c.convolutionKernels, c.localKernels, c.seed) = (activation, 32, 32, seed)
            return try FourLayerNet<Float>(c)
        }
    }
    let linear = Arm("linear", normalization: scaled) { seed in
        LinearClassifier<Float>(inputShape: [data.train.channels, data.train.height, data.train.width], classes: data.classes, seed: seed)
    }
    func probeBatch(_ normalization: Normalization) -> Tensor<Float> {
        let view = Augmentation.none.centreView(height: s.probe.height, width: s.probe.width)
        return Augmentation.batch(views: Array(repeating: view, count: 256), of: s.probe, indices: Array(0..<256), normalization: normalization)
    }

    // Train: the baseline, ReLU, and tanh with its saturation recorded on the first reported seed.
    var saturation = CSVTable(header: ["regime", "step", "layer", "saturated_fraction"])
    for (regime, normalization) in [("paper init", raw), ("scaled init", scaled)] {
        let untrained = try fourLayer(.tanh).build(plan.reportedSeeds[0])
        for (layer, fraction) in saturatedFractions(of: untrained, images: probeBatch(normalization)) {
            saturation.append([regime, "0", layer, String(fraction)])
        }
    }
    let baseline = try plan.run(linear, on: data.train, probe: s.probe, log: { print($0) })
    let relu = try plan.run(fourLayer(.relu), on: data.train, probe: s.probe, log: { print($0) })
    let images = probeBatch(raw)
    let tanh = try plan.run(fourLayer(.tanh), on: data.train, probe: s.probe, log: { print($0) }) { seed, step, network in
        guard seed == plan.reportedSeeds[0] else { return }
        for (layer, fraction) in saturatedFractions(of: network, images: images) {
            saturation.append(["paper", String(step), layer, String(fraction)])
        }
    }

    // Report: every run, the speed-up against the threshold, the equal-rate check, the summary, the figures.
    let speedUps = speedUpTable(relu: relu, tanh: tanh, linear: baseline, thresholds: s.thresholds)
    var summary = summaryTable(s, plan: plan, arms: [relu, tanh, baseline])
    appendSpeedUp(to: &summary, prefix: "", relu: relu, tanh: tanh, threshold: plan.selectionThreshold)
    appendFinalErrorDifference(to: &summary, prefix: "", relu: relu, tanh: tanh)
    let lastStep = saturation.rows.filter { $0[0] == "paper" }.map { Int($0[1])! }.max()!
    for row in saturation.rows where row[0] != "paper" || Int(row[1]) == lastStep {
        summary.append(["tanh_saturated_\(row[2])_" + ["paper": "end", "paper init": "init_raw", "scaled init": "init_scaled"][row[0]]!, row[3]])
    }
    try runsTable([baseline, relu, tanh]).write(to: s.options.path("chapter-03-relu-runs.csv"))
    try saturation.write(to: s.options.path("chapter-03-relu-saturation.csv"))
    try speedUps.write(to: s.options.path("chapter-03-relu-speedup.csv"))
    try equalRateTable(relu: relu, tanh: tanh).write(to: s.options.path("chapter-03-relu-equal-rates.csv"))
    try summary.write(to: s.options.path("chapter-03-relu.csv"))
    try curvesChart([relu, tanh, baseline], title: "Figure 1, \(data.name), the paper's regime (\(plan.reportedSeeds.count) seeds each)",
                    thresholds: [plan.selectionThreshold]).write(to: s.options.path("chapter-03-relu.png"))
    try speedUpChart([("four-layer net, paper's regime", speedUps, relu.stayedAtChance > 0)], dataset: data.name).write(to: s.options.path("chapter-03-relu-speedup.png"))
    try finish(s, plan: plan, arms: [relu, tanh, baseline], comparisons: [("four-layer net, the paper's regime", relu, tanh, speedUps)], files: ["chapter-03-relu.png", "chapter-03-relu-speedup.png"])
}
