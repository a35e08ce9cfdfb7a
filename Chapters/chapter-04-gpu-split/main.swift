// Chapter 4 — the two-GPU split (Section 3.2, Figure 3 of the paper).
//
// 1. The executor: the paper's network and the chapter's, each step timed grouped on all threads
//    and tower-parallel (each tower on its own worker, exchanging where the paper's GPUs did),
//    with the bytes exchanged per image and the time each tower waits.
// 2. Two towers against one tower of half the width (the paper's one-GPU net), by the protocol of
//    `AlexNetExperiments`: learning rates chosen on a validation split with seeds of their own,
//    then several seeds each, test error and its spread, parameters and time.
// 3. Figure 3: the trained first-layer kernels by tower, and their colour specificity when the
//    images have colour (CIFAR-10); Fashion-MNIST is grey.
//
//     swift run -c release chapter-04-gpu-split [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

runTool("chapter-04-gpu-split") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-04-gpu-split",
                      summary: "Chapter 4: the two towers on two workers, two towers against one, and Figure 3.")
    let options = ChapterOptions(a)
    let heldOut = HeldOutArguments(a, steps: (normal: 300, full: 1_000), lowestRate: 0.005)
    try a.finish()
    try options.prepare()
    let started = Date()

    // Load: the training images less a validation split; a probe of training images; the test split.
    let data = try options.heldOutData()
    let probe = options.probe(of: data.train)
    let normalization = Normalization.standardizing(data.train)

    // 1. The executor, on the paper's network and on the chapter's.
    let chapterNet = chapterNetwork(data, towers: 2, seed: options.seed)
    let timings = try [("paper", AlexNetConfiguration.paper, options.budget(quick: 4, normal: 32, full: 128)),
                       ("chapter", chapterNet, 128)].map { net, configuration, batch in
        let timing = try timeExecutors(net, configuration, batch: batch, steps: options.budget(quick: 3, normal: net == "paper" ? 9 : 25, full: 15))
        print(timing.line)
        return timing
    }

    // 2. Two towers against one, each from its own sweep.
    let comparison = try heldOut.comparison(options, trainingImages: data.train.count, quickLowest: 0.01, measurements: (normal: 3, full: 6))
    let steps = comparison.steps
    print("Two towers against one on \(data.name): \(data.train.count) training images, \(steps) steps of 128, validation \(data.validation!.count), test \(data.test.count)")
    let arms = towerArms(data, normalization: normalization)
    var kernels: TowerKernels?
    let two = try comparison.run(arms.two, on: data, probe: probe, log: { print($0) }) { seed, network in
        guard seed == comparison.reportedSeeds[0], let trained = (network as? TowerExecutor)?.network as? AlexNetModel<Float> else { return }
        kernels = TowerKernels(trained: trained, untrained: try! AlexNetModel<Float>(chapterNetwork(data, towers: 2, seed: seed)))
    }
    let one = try comparison.run(arms.one, on: data, probe: probe, log: { print($0) })

    // Report and plot.
    try reportArms([two, one], strict: options.quick)
    if kernels!.chromatic == nil {
        print("Figure 3's colour measure needs colour images: \(data.name) is grey (run with --dataset cifar10 --data-dir DIR)")
    }
    let report = Report(data: data, comparison: comparison, two: two, one: one, timings: timings, kernels: kernels!,
                        parameters: (try AlexNetModel<Float>(chapterNet).parameterCount,
                                     try AlexNetModel<Float>(chapterNetwork(data, towers: 1, seed: 0)).parameterCount),
                        started: started)
    try report.write(options)
}
