// Chapter 11 — what the network learned (Section 6.1 of the paper, Figures 3 and 4).
//
// 1. Train the chapter's AlexNet (rate chosen by a short sweep on a validation split), or load
//    the one a previous run saved with --checkpoint.
// 2. Figure 4, left: test images with their five most probable labels.
// 3. Figure 4, right: test images beside the training images whose fc7 vectors are nearest in
//    Euclidean distance, and beside those nearest in raw pixels; over many test images, how
//    often the neighbours share the query's label, and how far apart in pixels they are.
// 4. Figure 3: the trained network's first-layer kernels.
// 5. The same count over several networks (--networks, seeds after the first, at the rate the
//    first one's sweep chose): how much of the fc7–pixels difference is one network's luck.
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
    let networks = a.optionalInteger("--networks", help: "networks whose neighbours are counted, the first shown (default 5; --quick 2; 1 with a saved --checkpoint)", range: 1...100)
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

    // 5. More networks from other seeds at the same rate, counted on the same test images.
    var counts = [(seed: options.seed, test: trained.test, agreement: neighbours.agreement)]
    let more = (networks ?? options.budget(quick: 2, normal: 5, full: 5)) - 1
    if more > 0 && !trained.loaded {
        for seed in (1...UInt64(more)).map({ options.seed + $0 }) {
            let other = try TrainedNetwork.train(data, normalization: normalization, rate: trained.rate, seed: seed, steps: trained.steps)
            let study = NeighbourStudy(other.network, data: data, normalization: normalization, queries: neighbours.queries)
            print("seed \(seed): test error \(String(format: "%.1f", other.test.top1 * 100))%; " + study.sentence)
            counts.append((seed, other.test, study.agreement))
        }
    }

    // Report and plot.
    try QualitativeReport(data: data, trained: trained, neighbours: neighbours, networks: counts,
                          started: started).write(options)
}
