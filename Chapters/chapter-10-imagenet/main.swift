// Chapter 10 — ImageNet: the recipe end to end (Section 6 of the paper, Tables 1 and 2).
//
// 1. Load: an ImageNet-layout tree prepared into shards by the one pass of `prepare-imagenet` —
//    ImageNet itself with --dataset imagenet --data-dir DIR, otherwise Fashion-MNIST written as
//    such a tree of JPEG files (and said so everywhere the numbers appear).
// 2. Train: Section 5's recipe on the shards, several nets from their own seeds; the rate by a
//    bracketed sweep on a split held out of the training images (the paper's 0.01 on ImageNet).
// 3. Evaluate: each net on the centre view and the ten views, and ensembles of 1 … all nets
//    (Table 1's ten-view gain, Table 2's five-net average).
// 4. Cost: preparation, loader and the paper's training step measured at ImageNet's sizes, and
//    the projected wall time of one 90-epoch run, the five- and the seven-net ensembles.
//
//     swift run -c release chapter-10-imagenet [--quick|--full]
//     swift run -c release chapter-10-imagenet --dataset imagenet --data-dir ILSVRC2012 --prepared DIR
import AlexNet
import AlexNetData
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-10-imagenet") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-10-imagenet",
                      summary: "Chapter 10: the paper's recipe end to end through ImageNet's tools, ten views and ensembles, and what the real run costs.")
    let options = ChapterOptions(a, imageNet: true)
    let prepared = a.optionalString("--prepared", help: "--dataset imagenet with a tree: where its shards go", placeholder: "DIR")
    let labels = a.optionalString("--validation-labels", help: "--dataset imagenet with a tree whose val/ is flat: its labels (as for alexnet prepare-imagenet)", placeholder: "FILE")
    let synsets = a.optionalString("--synsets", help: "with bare ILSVRC ids in --validation-labels: the WordNet ids in id order (a sorted list is refused; prefer --devkit)", placeholder: "FILE")
    let devkit = a.optionalString("--devkit", help: "--dataset imagenet: the devkit (ILSVRC2012_devkit_t12.tar.gz) that labels a flat validation set", placeholder: "FILE")
    let fallPrepared = a.optionalString("--fall2011-prepared", help: "--dataset imagenet: ImageNet Fall 2011 prepared by alexnet prepare-imagenet --train-archive fall11_whole.tar, for the starred nets", placeholder: "DIR")
    let fallImages = a.optionalInteger("--fall-images", help: "images of the Fall 2011 stand-in, after the tree's (default 10,000; --quick 1,000; --full: none left)", range: 0...59_000)
    let starredCount = a.optionalInteger("--starred", help: "Table 2's starred nets: six convolutions, pre-trained on Fall 2011 (or its stand-in), fine-tuned (default 2)", range: 0...16)
    let nets = a.optionalInteger("--nets", help: "networks trained, each from its own seed (default 5; --quick 2)", range: 1...64)
    let trainImages = a.optionalInteger("--train-images", help: "Fashion-MNIST training images written into the tree (default 15,000; --quick 1,000; --full 60,000)", range: 100...60_000)
    let photographs = a.optionalInteger("--photographs", help: "synthetic 500×375 photographs whose preparation is timed (default 200; --quick 8)", range: 1...100_000)
    let checkpoints = a.optionalString("--checkpoint-dir", help: "keep (and resume) each net's checkpoint here (default with ImageNet: chapter-10-checkpoints)", placeholder: "DIR")
    try a.finish()
    try options.prepare()
    let started = Date()

    // 1. Load.
    let treeImages = trainImages ?? options.budget(quick: 1_000, normal: 15_000, full: 60_000)
    let source = try ImageNetSource.obtain(options, prepared: prepared, validationLabels: labels, synsets: synsets, devkit: devkit,
                                           fall2011Prepared: fallPrepared, trainImages: treeImages,
                                           reportedImages: options.budget(quick: 500, normal: 10_000, full: 10_000),
                                           fallImages: fallImages ?? options.budget(quick: 1_000, normal: 10_000, full: 0))
    defer { if let scratch = source.scratch { try? FileManager.default.removeItem(atPath: scratch) } }
    print("Chapter 10 on \(source.description).")
    print(String(format: "Prepared in %.1f s (%d converted, %d skipped).", source.preparationSeconds, source.shards.index.converted, source.shards.index.skipped))

    // 2. Build and train.
    let recipe = chapterRecipe(source, options: options, checkpoints: checkpoints)
    let seeds = (0..<UInt64(nets ?? options.budget(quick: 2, normal: 5, full: 5))).map { options.seed + $0 }
    let outcome = try recipe.run(source.shards, seeds: seeds, sweepSeed: options.seed + 100) { print($0) }
    // Table 2's starred nets, on their own seeds: pre-trained on Fall 2011 (or its stand-in), fine-tuned.
    var starred: [Recipe.Net] = []
    if let fall = source.fall2011, let description = source.fall2011Description, starredCount ?? 2 > 0 {
        print("Table 2's starred nets: pre-trained on \(description).")
        let starredSeeds = (0..<UInt64(starredCount ?? 2)).map { options.seed + 50 + $0 }
        starred = try recipe.starred(pretrainingOn: fall, then: source.shards, seeds: starredSeeds, rate: outcome.rate,
                                     pretrainingEpochs: options.epochs ?? (source.isImageNet ? 90 : options.budget(quick: 1, normal: 4, full: 4)),
                                     log: { print($0) })
    } else {
        print("Table 2's starred nets: not trained (no Fall 2011 data\(source.isImageNet ? ": give --fall2011-prepared DIR" : " left: every image went into the tree")).")
    }
    // 3. Evaluate on the reported set.
    let tables = Tables(outcome.nets, starred: starred, on: source.shards.validation!, normalization: recipe.normalization, crop: recipe.crop)

    // 4. Cost.
    let costs = try Costs.measure(photographs: photographs ?? options.budget(quick: 8, normal: 200, full: 400),
                                  trainingBatch: options.budget(quick: 8, normal: 128, full: 128),
                                  trainingSteps: options.budget(quick: 1, normal: 2, full: 3),
                                  diskMegabytes: options.budget(quick: 32, normal: 512, full: 1024), threads: options.threads)

    try ImageNetReport(source: source, recipe: recipe, outcome: outcome, tables: tables, costs: costs,
                       seconds: Date().timeIntervalSince(started)).write(options)
}

/// The network and recipe for the source: the paper's own on ImageNet; on the small tree, the
/// book's narrow AlexNet (an eighth of the paper's widths, fc6/fc7 of 256) with He's
/// initialisation on standardised pixels, since the paper's N(0, 0.01²) does not start at that
/// width (chapter 9).
func chapterRecipe(_ source: ImageNetSource, options: ChapterOptions, checkpoints: String?) -> Recipe {
    let shards = source.shards
    if source.isImageNet {
        return Recipe(specification: { seed in
                          var c = AlexNetConfiguration.paper
                          (c.classes, c.seed) = (shards.index.classes.count, seed)
                          return .alexNet(c)
                      },
                      normalization: shards.normalization, standardizes: false, lighting: shards.lighting, crop: 227,
                      epochs: options.epochs ?? 90, patience: 2, sweepRates: nil, sweepEpochs: 0,
                      heldOut: min(10_000, shards.train.count / 10), limitTrain: nil,
                      checkpointDirectory: checkpoints ?? "chapter-10-checkpoints")
    }
    return Recipe(specification: { seed in
                      var c = AlexNetConfiguration.small(inputChannels: 3, inputSize: 28, classes: shards.index.classes.count,
                                                         widthScale: 1.0 / 8, hiddenWidth: 256)
                      (c.weightInitialization, c.hiddenBias, c.seed) = (.he, 0.1, seed)
                      return .alexNet(c)
                  },
                  normalization: shards.standardizing, standardizes: true, lighting: shards.lighting, crop: 28,
                  epochs: options.epochs ?? options.budget(quick: 2, normal: 12, full: 30), patience: 2,
                  sweepRates: options.quick ? [0.01, 0.02, 0.04] : [0.005, 0.01, 0.02, 0.04, 0.08],
                  sweepEpochs: options.budget(quick: 1, normal: 3, full: 5),
                  heldOut: options.budget(quick: 200, normal: 2_000, full: 5_000), limitTrain: nil,
                  checkpointDirectory: checkpoints)
}
