// alexnet-bench: times the training step (forward, backward) and the forward pass of the
// paper's network and of the chapter-size nets, from a release build.
//
//     swift run -c release alexnet-bench [--net paper|one-tower|fashion|four-layer] [--batch N]
//                                        [--steps N] [--threads N]
//     swift run -c release alexnet-bench --pipeline [--data-dir DIR]
//     swift run -c release alexnet-bench --neighbours
//     swift run -c release alexnet-bench --lrn [--batch N] [--steps N] [--threads N]
//     swift run -c release alexnet-bench --conv1 [--batch N] [--steps N] [--threads N]
//     swift run -c release alexnet-bench --winograd-tiles [--steps N] [--threads N]
//     swift run -c release alexnet-bench --fully-connected [--batch N] [--steps N] [--threads N]
//     swift run -c release alexnet-bench --imagenet-pipeline [--photos N] [--batch N] [--steps N]
//     mpirun -np 2 .build/release/alexnet-bench --data-parallel [--net paper] [--threads 1]
//     swift run -c release alexnet-bench --scaling [--net paper] [--threads MAX] [--steps N]
//
// --scaling trains the network at 1, 2, 4, … threads up to --threads (the cores present) and
// prints images/s, speed-up, parallel efficiency and the Karp–Flatt serial fraction per count,
// then each layer's speed-up between one thread and the most.
//
// --pipeline measures the data pipeline instead: Fashion-MNIST loading, then one epoch of
// augmented batches (24×24 crops, flips, PCA lighting) through the prefetching loader, against
// the rate at which the chapter-size AlexNet trains; and prints the PCA eigenvalues.
//
// --imagenet-pipeline measures ImageNet's costs: the preparation of N synthetic 500×375 JPEG
// photographs into 256×256 shards, the loader's delivery of the paper's 227×227 training views
// from those shards with 1 and 2 assembling threads, and the paper's network's training step, and
// prints how many times faster the loader is than training.
//
// --data-parallel times the data-parallel training step (run it under mpirun, or alone for one
// process): images/s of the global batch, the bytes summed per step and the seconds spent in the
// sums; with --net paper it also projects the paper's 90 epochs onto M two-core machines.
//
// It also proves that the library's generic code is specialised for Float in this module:
// an unspecialised generic loop runs tens of times slower than the same loop written here.
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

struct Options {
    var net: String, batch: Int, steps: Int, threads: Int
    var pipeline: Bool, dataDirectory: String
    var neighbours = false, scaling = false, normalisation = false, firstConvolution = false, fullyConnected = false
    var winogradTiles = false
    var activation: ActivationFunction

    init(_ arguments: Arguments) {
        net = arguments.choice("--net", default: "paper", choices: ["paper", "one-tower", "fashion", "four-layer", "four-layer-lrn"],
                               help: "the network to time (four-layer: the CIFAR-10 side experiments' net, 64 kernels, on 24×24×3; -lrn: with LRN)")
        activation = ActivationFunction(rawValue: arguments.choice("--activation", default: "relu", choices: ["relu", "tanh"],
                                                                   help: "the non-linearity of every hidden layer"))!
        batch = arguments.integer("--batch", default: 128, help: "images per batch")
        steps = arguments.integer("--steps", default: 3, help: "timed repetitions (the median is printed)")
        threads = arguments.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, help: "threads")
        pipeline = arguments.flag("--pipeline", help: "time the data pipeline on Fashion-MNIST instead")
        dataParallel = arguments.flag("--data-parallel", help: "time the data-parallel step (under mpirun: every rank's part of --batch)")
        imagenetPipeline = arguments.flag("--imagenet-pipeline", help: "time ImageNet's preparation, loader and the paper's training step instead")
        photos = arguments.integer("--photos", default: 200, help: "--imagenet-pipeline: synthetic photographs to prepare", range: 1...100_000)
        scaling = arguments.flag("--scaling", help: "train at 1, 2, 4, … threads up to --threads and print the speed-up and efficiency of each count")
        firstConvolution = arguments.flag("--conv1", help: "time the paper's conv1 alone, by im2col and by folded Winograd, beside conv3: forward and backward without dx")
        fullyConnected = arguments.flag("--fully-connected", help: "time fc6, fc7 and fc8 beside bare GEMMs of the same shapes")
        winogradTiles = arguments.flag("--winograd-tiles", help: "time a 3×3 convolution by im2col, F(2×2, 3×3) and F(4×4, 3×3) on maps of 13, 27 and 55 pixels, and 5×5 ones by im2col, F(2×2, 5×5) and F(3×3, 5×5)")
        normalisation = arguments.flag("--lrn", help: "time the paper's two LRN layers alone, forward and backward (norm1, norm2)")
        neighbours = arguments.flag("--neighbours", help: "time the nearest-neighbour search of Figure 4 instead (16 queries among 55,000 vectors)")
        dataDirectory = arguments.string("--data-dir", default: FashionMNIST.defaultDirectory, help: "Fashion-MNIST's directory (with --pipeline)")
        convolution = arguments.choice("--convolution", default: "auto", choices: ["auto", "im2col"],
                                       help: "auto: Winograd where it applies (3×3 or 5×5 at stride 1, or folding into one, as conv1 does); im2col: im2col + GEMM everywhere")
        widthScale = arguments.double("--width-scale", default: 1.0 / 3, help: "--net fashion: the conv widths as a share of the paper's", range: 0.01...1)
        hiddenWidth = arguments.integer("--hidden-width", default: 512, help: "--net fashion: the width of fc6 and fc7")
        csv = arguments.optionalString("--csv", help: "append one row per measurement (net, pass, batch, images/s, GFLOP/s, peak MiB)", placeholder: "FILE")
    }
    var csv: String?
    var imagenetPipeline: Bool, photos: Int, dataParallel: Bool
    var convolution: String
    var widthScale: Double, hiddenWidth: Int
}

func seconds(_ body: () -> Void) -> Double { measureSeconds(body) }

runTool("alexnet-bench") {
    let arguments = Arguments(CommandLine.arguments.dropFirst(), command: "alexnet-bench",
                              summary: "Time the training step and the forward pass of the book's networks, or the data pipeline.")
    let options = Options(arguments)
    try arguments.finish()
    if options.dataParallel {
        try dataParallelBenchmark(options)
    } else if options.imagenetPipeline {
        try imageNetPipelineBenchmark(options)
    } else if options.pipeline {
        try pipelineBenchmark(options)
    } else if options.scaling {
        try scalingBenchmark(options)
    } else if options.firstConvolution {
        firstConvolutionBenchmark(options)
    } else if options.fullyConnected {
        fullyConnectedBenchmark(options)
    } else if options.winogradTiles {
        winogradTilesBenchmark(options)
    } else if options.normalisation {
        normalisationBenchmark(options)
    } else if options.neighbours {
        neighbourBenchmark(options)
    } else {
        try benchmark(options)      // first, so that its peak memory is the network's alone
        specialisationCheck()
    }
}
