import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Plotting

/// Where the advantage appears: the paper says its size "varies with network architecture". The
/// four-layer net against the eight-layer small AlexNet (five convolutions, LRN, overlapping
/// pooling, three fully connected layers; no dropout, every bias 0), each with ReLU and with
/// tanh. In the paper's regime the eight-layer ReLU net does not leave chance for hundreds of
/// steps (see `alexnet train --recipe paper`), so both depths get scaled pixels and each
/// activation its customary initialisation: He's N(0, 2/fan-in) for ReLU, LeCun's N(0, 1/fan-in)
/// for tanh. tanh's saturated units are recorded on the first reported seed of each depth.
func depthExperiment(_ s: Setting, plan: ComparisonPlan) throws {
    let data = s.data
    print("Depth on \(data.name): four against eight layers, scaled pixels, He's or LeCun's initialisation")
    let scaled = Normalization.standardizing(data.train)
    func arm(_ activation: ActivationFunction, layers: Int) -> Arm {
        let initialization: WeightInitialization = activation == .relu ? .he : .lecun
        return Arm("\(activation == .relu ? "ReLU" : "tanh") \(layers)", normalization: scaled) { seed in
            if layers == 4 {
                var c = FourLayerNetConfiguration(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes)
                (c.activation, c.convolutionKernels, c.localKernels) = (activation, 32, 32)
                (c.weightInitialization, c.seed) = (initialization, seed)
                return try FourLayerNet<Float>(c)
            }
            var c = AlexNetConfiguration.small(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes)
            (c.activation, c.dropout, c.hiddenBias) = (activation, nil, 0)
            (c.weightInitialization, c.seed) = (initialization, seed)
            return try AlexNetModel<Float>(c)
        }
    }
    // tanh's saturated units with scaled pixels, recorded on the first reported seed of each depth.
    let view = Augmentation.none.centreView(height: s.probe.height, width: s.probe.width)
    let images = Augmentation.batch(views: Array(repeating: view, count: 256), of: s.probe, indices: Array(0..<256), normalization: scaled)
    var saturation = CSVTable(header: ["depth", "step", "layer", "saturated_fraction"])
    var results: [ComparisonPlan.ArmResult] = []
    for layers in [4, 8] {
        for activation in [ActivationFunction.relu, .tanh] {
            results.append(try plan.run(arm(activation, layers: layers), on: data.train, probe: s.probe, log: { print($0) }) { seed, step, network in
                guard activation == .tanh, seed == plan.reportedSeeds[0] else { return }
                for (layer, fraction) in saturatedFractions(of: network, images: images) {
                    saturation.append([String(layers), String(step), layer, String(fraction)])
                }
            })
        }
    }
    let four = speedUpTable(relu: results[0], tanh: results[1], linear: nil, thresholds: s.thresholds)
    let eight = speedUpTable(relu: results[2], tanh: results[3], linear: nil, thresholds: s.thresholds)
    var summary = summaryTable(s, plan: plan, arms: results)
    appendSpeedUp(to: &summary, prefix: "four_layer_", relu: results[0], tanh: results[1], threshold: plan.selectionThreshold)
    appendSpeedUp(to: &summary, prefix: "eight_layer_", relu: results[2], tanh: results[3], threshold: plan.selectionThreshold)
    appendFinalErrorDifference(to: &summary, prefix: "four_layer_", relu: results[0], tanh: results[1])
    appendFinalErrorDifference(to: &summary, prefix: "eight_layer_", relu: results[2], tanh: results[3])
    // The largest saturated fraction of any layer, at the start and at the end of the run.
    for layers in ["4", "8"] {
        let rows = saturation.rows.filter { $0[0] == layers }
        let last = rows.map { Int($0[1])! }.max()!
        for (label, step) in [("init", 0), ("end", last)] {
            let worst = rows.filter { Int($0[1]) == step }.map { Double($0[3])! }.max()!
            summary.append(["tanh_\(layers)_most_saturated_layer_\(label)", String(worst)])
        }
    }
    try saturation.write(to: s.options.path("chapter-03-relu-depth-saturation.csv"))
    try runsTable(results).write(to: s.options.path("chapter-03-relu-depth-runs.csv"))
    try four.write(to: s.options.path("chapter-03-relu-depth-4.csv"))
    try eight.write(to: s.options.path("chapter-03-relu-depth-8.csv"))
    try summary.write(to: s.options.path("chapter-03-relu-depth.csv"))
    try curvesChart(results, title: "Depth 4 and 8, \(data.name), scaled pixels (\(plan.reportedSeeds.count) seeds each)",
                    thresholds: [plan.selectionThreshold]).write(to: s.options.path("chapter-03-relu-depth.png"))
    try speedUpChart([("four layers", four, results[0].stayedAtChance > 0), ("eight layers", eight, results[2].stayedAtChance > 0)], dataset: data.name).write(to: s.options.path("chapter-03-relu-depth-speedup.png"))
    try finish(s, plan: plan, arms: results, comparisons: [("four layers", results[0], results[1], four), ("eight layers", results[2], results[3], eight)],
               files: ["chapter-03-relu-depth.png", "chapter-03-relu-depth-speedup.png"])
}
