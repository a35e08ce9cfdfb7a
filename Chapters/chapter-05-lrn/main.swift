// Chapter 5 — local response normalisation (Section 3.3 of the paper).
//
// The four-layer net of the paper's CIFAR-10 experiment (cuda-convnet's layers-conv-local nets:
// 13% test error without LRN, 11% with) trained with and without LRN by the protocol of
// `AlexNetExperiments` — each arm's learning rate chosen on a validation split with seeds of its
// own, then several seeds, test error with its spread — in the paper's regime (mean-subtracted
// pixels, weights N(0, 0.01²)) on 24×24 random crops with flips, as the CIFAR nets were trained.
// Then what LRN does: the activations' statistics per channel before and after it, how much of
// its division is the constant k^β, the other α convention (α/n) on the same trained network,
// and its cost per step.
//
//     swift run -c release chapter-05-lrn [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-05-lrn") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-05-lrn",
                      summary: "Chapter 5: the four-layer net with and without local response normalisation.")
    let options = ChapterOptions(a)
    let heldOut = HeldOutArguments(a, steps: (normal: 800, full: 2_000), lowestRate: 0.0025)
    let kernels = a.integer("--kernels", default: 32, help: "kernels of each convolution (the paper's CIFAR nets: 64)", range: 2...512)
    try a.finish()
    try options.prepare()
    let started = Date()

    // Load: the training images less a validation split; a probe of training images; the test split.
    let data = try options.heldOutData()
    let probe = options.probe(of: data.train)
    let crop = min(24, data.train.height)
    let setting = LRNSetting(data: data, crop: crop, kernels: kernels, normalization: .meanImage(of: data.train))

    // Build and train: without LRN, with the paper's α, and (--full) with α/n.
    var comparison = try heldOut.comparison(options, trainingImages: data.train.count, quickLowest: 0.005, measurements: (normal: 4, full: 8))
    let steps = comparison.steps
    comparison.augmentation = Augmentation(cropSize: crop, flips: true)
    print("The four-layer net with and without LRN on \(data.name): \(data.train.count) training images (\(crop)×\(crop) crops, flips), \(steps) steps of 128, validation \(data.validation!.count), test \(data.test.count)")
    var trained: [String: FourLayerNet<Float>] = [:]
    let conventions: [AlphaConvention?] = options.full ? [nil, .paper, .dividedBySize] : [nil, .paper]
    let arms = try conventions.map { convention in
        try comparison.run(setting.arm(convention), on: data, probe: probe, log: { print($0) }) { seed, network in
            if seed == comparison.reportedSeeds[0] { trained[setting.arm(convention).name] = network as? FourLayerNet<Float> }
        }
    }

    // Report and plot: the comparison, the activations, the conventions, the cost.
    try reportArms(arms, strict: options.quick)
    let report = LRNReport(setting: setting, comparison: comparison, arms: arms, trained: trained, started: started)
    try report.write(options)
}
