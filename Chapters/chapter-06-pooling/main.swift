// Chapter 6 — overlapping pooling (Section 3.4 of the paper).
//
// Max-pooling with a 3×3 window every 2 pixels (the windows overlap) against 2×2 every 2 (they
// tile), in the four-layer net, by the protocol of `AlexNetExperiments`: each arm's learning
// rate chosen on a validation split with seeds of its own, then several seeds, test error and the
// train–test gap with their spread. The paper: −0.4 points top-1, −0.3 top-5, and "slightly more
// difficult to overfit". The network trains on a subset of the training images for several
// epochs, so that it can overfit; 27×27 crops make both poolings give the same map sizes
// (27 → 13 → 6), as 55 → 27 did in the paper.
//
//     swift run -c release chapter-06-pooling [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-06-pooling") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-06-pooling",
                      summary: "Chapter 6: overlapping (3/2) against non-overlapping (2/2) max-pooling.")
    let options = ChapterOptions(a)
    let heldOut = HeldOutArguments(a, steps: (normal: 800, full: 3_000), lowestRate: 0.0025,
                                   trainImages: (quick: 2_000, normal: 10_000, full: nil))
    try a.finish()
    try options.prepare()
    let started = Date()

    // Load: a subset of the training images less a validation split; a probe of them; the test split.
    let data = try heldOut.data(options)
    let probe = options.probe(of: data.train)
    let crop = min(27, data.train.height - (data.train.height % 2 == 0 ? 1 : 0))
    let normalization = Normalization.meanImage(of: data.train)

    // Build and train: the four-layer net in the paper's regime with each pooling.
    var comparison = try heldOut.comparison(options, trainingImages: data.train.count, quickLowest: 0.005, measurements: (normal: 6, full: 10))
    let steps = comparison.steps
    comparison.augmentation = Augmentation(cropSize: crop)
    print("Overlapping against plain pooling on \(data.name): \(data.train.count) training images (\(crop)×\(crop) crops), \(steps) steps of 128 (\(String(format: "%.1f", Double(steps * 128) / Double(data.train.count))) epochs), validation \(data.validation!.count), test \(data.test.count)")
    func arm(window: Int) -> Arm {
        Arm(window == 3 ? "overlapping 3-2" : "plain 2-2", normalization: normalization) { seed in
            var c = FourLayerNetConfiguration(inputChannels: data.train.channels, inputSize: crop, classes: data.classes)
            (c.convolutionKernels, c.localKernels, c.poolingWindow, c.poolingStride, c.seed) = (32, 32, window, 2, seed)
            return try FourLayerNet<Float>(c)
        }
    }
    let overlapping = try comparison.run(arm(window: 3), on: data, probe: probe, log: { print($0) })
    let plain = try comparison.run(arm(window: 2), on: data, probe: probe, log: { print($0) })

    // Report and plot.
    try reportArms([overlapping, plain], strict: options.quick)
    try writePoolingReport(data: data, crop: crop, comparison: comparison, overlapping: overlapping, plain: plain,
                           parameters: try [3, 2].map { try arm(window: $0).build(0).parameterCount }, started: started, options: options)
}
