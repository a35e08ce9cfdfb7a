// Chapter 7 — data augmentation (Section 4.1 of the paper).
//
// 1. The augmentations on real images: random crops and their mirror images (and what the
//    paper's "factor of 2048" counts), and the PCA lighting — the eigenvalues and eigenvectors of
//    the training pixels' covariance, one image under several draws.
// 2. Training with and without crops and flips, by the protocol of `AlexNetExperiments`: each
//    arm's learning rate chosen on a validation split with seeds of its own, then several seeds,
//    test error and the train–test gap over the steps. With `--lighting` (the default on colour
//    data) a third arm adds the PCA lighting.
// 3. The ten-view test (four corners, centre, and their mirrors) against the centre view, on
//    every reported network (the paper: 39.0 → 37.5% top-1 on ILSVRC-2010).
//
//     swift run -c release chapter-07-augmentation [--dataset fashion-mnist|cifar10] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-07-augmentation") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-07-augmentation",
                      summary: "Chapter 7: random crops, reflections and PCA lighting; the ten-view test.")
    let options = ChapterOptions(a)
    let heldOut = HeldOutArguments(a, steps: (normal: 800, full: 3_000), lowestRate: 0.0025,
                                   trainImages: (quick: 2_000, normal: 10_000, full: nil))
    let lightingFlag = a.flag("--lighting", help: "also train with the PCA lighting (the default when the images have colour)")
    try a.finish()
    try options.prepare()
    let started = Date()

    // Load: a subset of the training images less a validation split; a probe of them; the test split.
    let data = try heldOut.data(options)
    let probe = options.probe(of: data.train)
    let crop = paperCrop(of: data.train.height)             // 224 of 256 in the paper: 24 of 28, 28 of 32
    let normalization = Normalization.meanImage(of: data.train)
    let lighting = PCALighting.fit(data.train)

    // 1. The augmentations, shown.
    let shown = try drawAugmentations(data.train, crop: crop, lighting: lighting, options: options)

    // 2. Build and train: the four-layer net on crops, without and with augmentation.
    var comparison = try heldOut.comparison(options, trainingImages: data.train.count, quickLowest: 0.005, measurements: (normal: 8, full: 12))
    print("Augmentation on \(data.name): \(data.train.count) training images (\(crop)×\(crop) views), \(comparison.steps) steps of 128 (\(String(format: "%.1f", Double(comparison.steps * 128) / Double(data.train.count))) epochs), validation \(data.validation!.count), test \(data.test.count)")
    var settings = [("no augmentation", Augmentation(cropSize: crop, randomCrops: false)),
                    ("crops and flips", Augmentation(cropSize: crop, flips: true))]
    if lightingFlag || data.train.channels == 3 {
        settings.append(("crops, flips, lighting", Augmentation(cropSize: crop, flips: true, lighting: lighting)))
    }
    var arms: [HeldOutComparison.ArmResult] = [], views: [TenViewResult] = []
    for (name, augmentation) in settings {
        comparison.augmentation = augmentation
        let arm = Arm(name, normalization: normalization) { seed in
            var c = FourLayerNetConfiguration(inputChannels: data.train.channels, inputSize: crop, classes: data.classes)
            (c.convolutionKernels, c.localKernels, c.seed) = (32, 32, seed)
            return try FourLayerNet<Float>(c)
        }
        arms.append(try comparison.run(arm, on: data, probe: probe, log: { print($0) }) { seed, network in
            // 3. Each trained network on the test split: its centre view, and the ten views averaged.
            views.append(TenViewResult(arm: name, seed: seed, network: network, test: data.test, normalization: normalization,
                                       augmentation: augmentation))
            print("    \(views.last!.line)")
        })
    }

    // Report and plot.
    try reportArms(arms, strict: options.quick)
    try AugmentationReport(data: data, crop: crop, comparison: comparison, arms: arms, views: views, shown: shown,
                           started: started).write(options)
}

/// The paper's crop as a share of the image: 224/256 of the side, rounded down.
func paperCrop(of side: Int) -> Int { side * 224 / 256 }
