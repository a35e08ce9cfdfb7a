import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The summary, the predictions and neighbours as CSV, and the figures: Figure 4's two halves
/// (with the pixel neighbours beside fc7's), the label agreement, Figure 3's kernels.
struct QualitativeReport {
    var data: Dataset
    var trained: TrainedNetwork
    var neighbours: NeighbourStudy
    /// Every network counted (the first is `trained`): its seed, test error and label agreement.
    var networks: [(seed: UInt64, test: Evaluation, agreement: [(k: Int, fc7: Double, pixels: Double)])]
    var started: Date

    func write(_ options: ChapterOptions) throws {
        let n = neighbours, names = data.classNames
        var summary = CSVTable(header: ["quantity", "value"])
        let shownCorrect = zip(n.shown, n.predictions).filter { data.test.labels[$0] == $1[0].index }.count
        var rows: [[String]] = [
            ["dataset", data.name], ["training_images", String(data.train.count)], ["validation_images", String(data.validation!.count)],
            ["test_images", String(data.test.count)], ["parameters", String(trained.network.parameterCount)],
            ["loaded_from_checkpoint", String(trained.loaded)], ["learning_rate", String(trained.rate)], ["steps", String(trained.steps)],
            ["epochs", String(format: "%.1f", Double(trained.steps * 128) / Double(data.train.count))],
            ["validation_top1", String(trained.validation.top1)], ["validation_top5", String(trained.validation.top5)],
            ["test_top1", String(trained.test.top1)], ["test_top5", String(trained.test.top5)],
            ["shown_images", String(n.shown.count)], ["shown_top1_correct", String(shownCorrect)],
            ["neighbour_queries", String(n.queries)], ["searched_queries", String(n.queries + n.shown.count)],
            ["fc7_width", String(trained.configuration.hiddenWidths[1])],
            ["fc7_search_seconds", String(format: "%.2f", n.searchSeconds.fc7)],
            ["pixel_search_seconds", String(format: "%.2f", n.searchSeconds.pixels)],
            ["pixel_distance_to_fc7_nearest_median", String(n.pixelDistance.fc7Nearest)],
            ["pixel_distance_to_pixel_nearest_median", String(n.pixelDistance.pixelNearest)],
            ["pixel_distance_ratio", String(n.pixelDistance.fc7Nearest / n.pixelDistance.pixelNearest)],
            ["paper_fc7_width", "4096"], ["paper_figure4_neighbours", "6"],
        ]
        if let sweep = trained.sweep {
            rows += [["rates_tried", sweep.results.map { String($0.rate) }.joined(separator: " ")], ["rate_bracketed", String(sweep.bracketed)]]
        }
        for a in n.agreement {
            rows += [["same_label_share_fc7_k\(a.k)", String(a.fc7)], ["same_label_share_pixels_k\(a.k)", String(a.pixels)]]
        }
        // Over the networks: the fc7 share's median and range at each k, how many networks beat
        // the pixels (the pixel share is the same for all), and the sign test's one-sided chance
        // of that many or more if each network were as likely to fall below the pixels as above.
        rows.append(["networks", String(networks.count)])
        rows.append(["networks_test_top1_median", String(Spread(networks.map(\.test.top1)).median)])
        rows.append(["networks_test_top1_min", String(Spread(networks.map(\.test.top1)).minimum)])
        rows.append(["networks_test_top1_max", String(Spread(networks.map(\.test.top1)).maximum)])
        for (i, k) in NeighbourStudy.ks.enumerated() {
            let shares = networks.map { $0.agreement[i].fc7 }, pixels = networks[0].agreement[i].pixels
            let above = shares.filter { $0 > pixels }.count
            let tail = (above...shares.count).map { binomial(shares.count, $0) }.reduce(0, +) / pow(2, Double(shares.count))
            rows += [["networks_fc7_share_k\(k)_median", String(Spread(shares).median)],
                     ["networks_fc7_share_k\(k)_min", String(Spread(shares).minimum)],
                     ["networks_fc7_share_k\(k)_max", String(Spread(shares).maximum)],
                     ["networks_fc7_minus_pixels_k\(k)_median", String(Spread(shares).median - pixels)],
                     ["networks_fc7_above_pixels_k\(k)", String(above)],
                     ["networks_fc7_above_pixels_k\(k)_sign_test", String(tail)]]
            print("k = \(k): fc7 share \(Spread(shares).percent) over \(shares.count) networks against \(String(format: "%.1f", pixels * 100))% by pixels; \(above) of \(shares.count) above (sign test, one-sided: \(String(format: "%.3f", tail)))")
        }
        for row in rows { summary.append(row) }

        var predictions = CSVTable(header: ["test_index", "truth", "rank", "class", "probability"])
        var nearest = CSVTable(header: ["test_index", "truth", "by", "rank", "training_index", "label", "distance"])
        for (i, q) in n.shown.enumerated() {
            for (r, p) in n.predictions[i].enumerated() {
                predictions.append([String(q), names[data.test.labels[q]], String(r + 1), names[p.index], String(p.score)])
            }
            for (by, found) in [("fc7", n.fc7Nearest[i]), ("pixels", n.pixelNearest[i])] {
                for (r, m) in found.enumerated() {
                    nearest.append([String(q), names[data.test.labels[q]], by, String(r + 1), String(m.index),
                                    names[data.train.labels[m.index]], String(m.distance)])
                }
            }
        }
        var agreement = CSVTable(header: ["k", "fc7_same_label_share", "pixels_same_label_share"])
        for a in n.agreement { agreement.append([String(a.k), String(a.fc7), String(a.pixels)]) }
        try predictions.write(to: options.path("chapter-11-qualitative-predictions.csv"))
        try nearest.write(to: options.path("chapter-11-qualitative-neighbours.csv"))
        try agreement.write(to: options.path("chapter-11-qualitative-agreement.csv"))

        // Figure 4, left: the shown test images and their top-5.
        let items = zip(n.shown, n.predictions).map { q, top in
            ImageGrid.Prediction(image: picture(data.test, q), truth: names[data.test.labels[q]],
                                 top: top.map { (names[$0.index], Double($0.score)) })
        }
        try ImageGrid.predictions(items, columns: 4, scale: 4,
                                  title: "Test images and the five most probable labels (test error \(percent(trained.test.top1)) top-1, \(percent(trained.test.top5)) top-5)")
            .writePNG(to: options.path("chapter-11-qualitative.png"))
        // Figure 4, right: each shown image, then its nearest training images.
        for (by, found, file) in [("fc7 vectors", n.fc7Nearest, "neighbours"), ("raw pixels", n.pixelNearest, "pixel-neighbours")] {
            let rows = zip(n.shown, found).map { q, ns in [picture(data.test, q)] + ns.map { picture(data.train, $0.index) } }
            try ImageGrid.rows(rows, scale: 3, captions: ["test"] + (1...NeighbourStudy.neighboursShown).map { "\($0)" },
                               title: "Nearest training images by Euclidean distance of \(by)")
                .writePNG(to: options.path("chapter-11-qualitative-\(file).png"))
        }
        var chart = LineChart(title: "How many of the k nearest training images share the test image's label (\(n.queries) test images)",
                              xLabel: "k nearest training images", yLabel: "share with the same label")
        let ks = n.agreement.map { Double($0.k) }
        chart.series = [.init("by fc7 vectors", x: ks, y: n.agreement.map(\.fc7), color: Color.palette[0], markers: true),
                        .init("by raw pixels", x: ks, y: n.agreement.map(\.pixels), color: Color.palette[1], markers: true)]
        chart.xScale = .logarithmic
        chart.xIntegers = true
        chart.yRange = 0...1
        try chart.write(to: options.path("chapter-11-qualitative-agreement.png"))
        // Figure 3: the first-layer kernels, each tower's block apart.
        let (conv1, towers) = (trained.network.conv1, trained.network.configuration.towers)
        let blocks = (0..<towers).map { t in
            (title: "tower \(t + 1)", kernels: conv1.weight.value.rows(conv1.tower(t, of: towers).outputRows))
        }
        try ImageGrid.kernels(blocks, columns: 8, scale: 10, title: "First-layer kernels of the trained network")
            .writePNG(to: options.path("chapter-11-qualitative-kernels.png"))

        summary.append(["blas_kernel", BLASKernel.current])
        summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])
        try summary.write(to: options.path("chapter-11-qualitative.csv"))
        print("test error \(percent(trained.test.top1)) top-1, \(percent(trained.test.top5)) top-5; \(shownCorrect) of \(n.shown.count) shown images right")
        print("wrote \(options.path("chapter-11-qualitative.csv")) and its figures (\(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) min)")
    }

    /// Image `i` of `split` as it is stored (0–255).
    func picture(_ split: DatasetSplit, _ i: Int) -> Image {
        ImageGrid.image(Tensor<Float>(shape: [split.channels, split.height, split.width], scalars: split.image(i).map(Float.init)), range: 0...255)
    }

    func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}

/// n choose k, as a Double.
func binomial(_ n: Int, _ k: Int) -> Double {
    (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
}
