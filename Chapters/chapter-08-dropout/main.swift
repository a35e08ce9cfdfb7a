// Chapter 8 — dropout (Section 4.2 of the paper).
//
// 1. With and without dropout in fc6 and fc7, by the protocol of `AlexNetExperiments`: each
//    arm's learning rate chosen on a validation split with seeds of its own, then several seeds,
//    training and test error over the steps (the paper: without dropout, substantial overfitting),
//    and the steps each needs to converge (the paper: dropout roughly doubles them).
// 2. The test-time rule: weight scaling (outputs × 0.5) against averaging k sampled thinned
//    networks, arithmetic and normalised geometric mean, k = 1, 2, 4, … 256, on every reported
//    dropout network (the paper calls scaling "a reasonable approximation" to the geometric mean).
// 3. Real ensembles: the reported networks averaged, 1 to all of them, with and without dropout.
//
//     swift run -c release chapter-08-dropout [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-08-dropout") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-08-dropout",
                      summary: "Chapter 8: dropout against none, weight scaling against sampled thinned networks, real ensembles.")
    let options = ChapterOptions(a)
    let heldOut = HeldOutArguments(a, steps: (normal: 500, full: 1_500), lowestRate: 0.01, seeds: (quick: 2, normal: 5, full: 7),
                                   trainImages: (quick: 2_000, normal: 2_000, full: 5_000))
    let samples = a.integer("--samples", default: 256, help: "the largest number of thinned networks averaged (powers of 2 up to it; --quick 8)", range: 1...65_536)
    let sampledNets = a.optionalInteger("--sampled-nets", help: "dropout networks whose thinned networks are sampled (default 2; --full all)")
    try a.finish()
    try options.prepare()
    let started = Date()

    // Load: a subset of the training images less a validation split; a probe of them; the test split.
    let data = try heldOut.data(options)
    let probe = options.probe(of: data.train)
    let normalization = Normalization.standardizing(data.train)
    let sampleCounts = powersOfTwo(upTo: options.quick ? min(samples, 8) : samples)

    // 1. Build and train: the chapter's AlexNet with dropout 0.5 in fc6 and fc7, and without.
    let comparison = try heldOut.comparison(options, trainingImages: data.train.count, quickLowest: 0.01, measurements: (normal: 5, full: 15))
    print("Dropout on \(data.name): \(data.train.count) training images, \(comparison.steps) steps of 128 (\(String(format: "%.1f", Double(comparison.steps * 128) / Double(data.train.count))) epochs), validation \(data.validation!.count), test \(data.test.count)")
    let sampled = Set(comparison.reportedSeeds.prefix(sampledNets ?? (options.full ? comparison.reportedSeeds.count : 2)))
    var trained = TrainedNetworks()
    var arms: [HeldOutComparison.ArmResult] = []
    for dropout in [0.5, nil] as [Double?] {
        let arm = Arm(dropout == nil ? "no dropout" : "dropout", normalization: normalization) { seed in
            try AlexNetModel<Float>(chapterNetwork(data, dropout: dropout, seed: seed))
        }
        arms.append(try comparison.run(arm, on: data, probe: probe, log: { print($0) }) { seed, network in
            // 2 and 3. Each trained network on the test split: its probabilities for the ensembles,
            // and for dropout networks the sampled thinned networks against weight scaling.
            trained.add(arm: arm.name, seed: seed, network: network, test: data.test, normalization: normalization,
                        sampleCounts: dropout == nil || !sampled.contains(seed) ? nil : sampleCounts)
            print("    \(trained.lastLine)")
        })
    }

    // Report and plot.
    try reportArms(arms, strict: options.quick)
    try DropoutReport(data: data, comparison: comparison, arms: arms, trained: trained,
                      parameters: try AlexNetModel<Float>(chapterNetwork(data, dropout: 0.5, seed: 0)).parameterCount,
                      started: started).write(options)
}

/// The chapter's AlexNet: the paper's pattern on whole 28×28 (or 32×32) images, convolutions at
/// a sixth of the paper's widths and fc6, fc7 512 wide — the layers dropout acts on hold most of
/// the parameters, as in the paper (fc6–fc8: 58.6 of its 61 million). He's initialisation on
/// standardised pixels, as in chapter 4, and hidden biases of 0.1 (Caffe's later choice), with
/// which this narrow net learned faster in our trials than with the paper's 1 (chapter 9 measures
/// the bias of 1).
func chapterNetwork(_ data: Dataset, dropout: Double?, seed: UInt64) -> AlexNetConfiguration {
    var c = AlexNetConfiguration.small(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes,
                                       widthScale: 1.0 / 6, hiddenWidth: 512)
    (c.dropout, c.weightInitialization, c.hiddenBias, c.seed) = (dropout, .he, 0.1, seed)
    return c
}

/// 1, 2, 4, … up to `n` (and `n` itself when it is not a power of two).
func powersOfTwo(upTo n: Int) -> [Int] {
    var counts = [1]
    while counts.last! * 2 <= n { counts.append(counts.last! * 2) }
    if counts.last! != n && n > 1 { counts.append(n) }
    return counts
}
