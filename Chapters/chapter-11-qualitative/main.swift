// Chapter 11 — what the network learned (Section 6.1 of the paper, Figures 3 and 4).
//
// 1. Train the chapter's AlexNet (rate chosen by a short sweep on a validation split), or load
//    the one a previous run saved with --checkpoint.
// 2. Figure 4, left: test images with their five most probable labels.
// 3. Figure 4, right: test images beside the training images whose fc7 vectors are nearest in
//    Euclidean distance, and beside those nearest in raw pixels; over many test images, how
//    often the neighbours share the query's label, and how far apart in pixels they are.
// 4. Figure 3: the trained network's first-layer kernels.
//
//     swift run -c release chapter-11-qualitative [--checkpoint FILE] [--quick|--full]
import AlexNet
import AlexNetData
import AlexNetTraining
import Foundation
import ToolSupport

runTool("chapter-11-qualitative") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-11-qualitative",
                      summary: "Chapter 11: predictions, nearest neighbours in fc7 and in pixels, first-layer kernels.")
    let options = ChapterOptions(a)
    let steps = a.optionalInteger("--steps", help: "training steps of batch 128 (default 4000; --quick 30; --full 12000)")
    let sweepSteps = a.optionalInteger("--sweep-steps", help: "steps of each rate-sweep trial (default 400; --quick 20)")
    let checkpoint = a.optionalString("--checkpoint", help: "load the network from FILE if it exists; otherwise train it and save it there")
    let queries = a.integer("--queries", default: 2_000, help: "test images whose neighbours are counted (--quick 200)", range: 1...100_000)
    try a.finish()
    try options.prepare()
    let started = Date()

    // Load: the training images less a validation split, the test split.
    let data = try options.heldOutData()
    let normalization = Normalization.standardizing(data.train)

    // 1. Build and train (or load).
    let trained = try TrainedNetwork.obtain(data, normalization: normalization, checkpoint: checkpoint, seed: options.seed,
                                            steps: steps ?? options.budget(quick: 30, normal: 4_000, full: 12_000),
                                            sweepSteps: sweepSteps ?? options.budget(quick: 20, normal: 400, full: 1_000)) { print($0) }

    // 2–3. Predictions and neighbours.
    let neighbours = NeighbourStudy(trained.network, data: data, normalization: trained.normalization,
                                    queries: options.quick ? min(queries, 200) : queries)
    print(neighbours.sentence)

    // Report and plot.
    try QualitativeReport(data: data, trained: trained, neighbours: neighbours,
                          started: started).write(options)
}
