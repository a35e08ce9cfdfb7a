import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The comparison, LRN's effect on the activations, the two conventions and the cost, as CSV,
/// PNG and a summary beside the paper's numbers.
struct LRNReport {
    var setting: LRNSetting
    var comparison: HeldOutComparison
    var arms: [HeldOutComparison.ArmResult]
    var trained: [String: FourLayerNet<Float>]
    var started: Date

    func write(_ options: ChapterOptions) throws {
        let data = setting.data
        let (none, lrn) = (arms[0], arms[1])
        let difference = differenceRows(none, lrn, key: "lrn_minus_none")
        let (without, with) = (PaperClaims.cifar10ErrorWithoutLRN * 100, PaperClaims.cifar10ErrorWithLRN * 100)
        print(difference.sentence + String(format: " — the paper: %.0f%% → %.0f%% on CIFAR-10 (%+.0f points); %+.1f top-1, %+.1f top-5 on ImageNet",
                                           without, with, with - without, PaperClaims.lrnTop1Points, PaperClaims.lrnTop5Points))
        var summary = CSVTable(header: ["quantity", "value"])
        let rates = Set(arms.flatMap { $0.sweep.trials.map(\.rate) }).sorted().map { String($0) }.joined(separator: " ")
        for row in [
            ["dataset", data.name], ["training_images", String(data.train.count)], ["validation_images", String(data.validation!.count)],
            ["test_images", String(data.test.count)], ["crop", String(setting.crop)], ["kernels", String(setting.kernels)],
            ["steps", String(comparison.steps)], ["selection_seeds", String(comparison.selectionSeeds.count)],
            ["reported_seeds", String(comparison.reportedSeeds.count)], ["rates_tried", rates],
            ["weight_decay", String(comparison.weightDecay)],
            ["paper_cifar10_test_error_without", PaperClaims.text(PaperClaims.cifar10ErrorWithoutLRN)],
            ["paper_cifar10_test_error_with", PaperClaims.text(PaperClaims.cifar10ErrorWithLRN)],
            ["paper_imagenet_top1_difference_points", PaperClaims.text(PaperClaims.lrnTop1Points)],
            ["paper_imagenet_top5_difference_points", PaperClaims.text(PaperClaims.lrnTop5Points)],
        ] { summary.append(row) }
        for row in arms.flatMap(\.summaryRows) + difference.rows { summary.append(row) }
        if arms.count > 2 {
            for row in differenceRows(lrn, arms[2], key: "alpha_over_n_minus_paper_alpha").rows { summary.append(row) }
        }

        // LRN's effect on the activations, on 512 test images through each arm's first trained network.
        let images = setting.testBatch(512)
        var statistics: [ChannelStatistics] = []
        for arm in arms { statistics += channelStatistics(trained[arm.name]!, arm: arm.name, images: images, at: ["pool1", "norm1", "act2", "norm2"]) }
        var channels = CSVTable(header: ["arm", "place", "channel", "mean", "standard_deviation", "sparsity"])
        for s in statistics {
            for c in s.means.indices { channels.append([s.arm, s.place, String(c), String(s.means[c]), String(s.deviations[c]), String(s.sparsities[c])]) }
            let (mean, spread, sparsity) = s.summary
            let key = "\(s.arm.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: ",", with: ""))_\(s.place)"
            for row in [["\(key)_mean", String(mean)], ["\(key)_spread_of_channel_means", String(spread)], ["\(key)_sparsity", String(sparsity)]] {
                summary.append(row)
            }
        }

        // What it divides by, under each convention, on the trained LRN network's own inputs;
        // and the same trained weights evaluated with the other convention.
        let network = trained[lrn.name]!
        var divisors = CSVTable(header: ["place", "convention", "median_divisor", "percentile_99_divisor", "constant_k_to_beta", "active_share"])
        for (place, input) in normalizationInputs(network, images: images) {
            for convention in AlphaConvention.allCases {
                let d = Divisors(input: input, place: place, spec: network.configuration.normalization!, convention: convention)
                divisors.append([place, convention.rawValue, String(d.median), String(d.percentile99), String(Divisors.constant), String(d.activeShare)])
                summary.append(["\(place)_\(convention.rawValue)_active_share", String(d.activeShare)])
                summary.append(["\(place)_\(convention.rawValue)_median_divisor", String(d.median)])
            }
        }
        let view = Augmentation(cropSize: setting.crop)
        func testError(_ n: FourLayerNet<Float>) -> Double {
            Evaluation(network: n, split: data.test, normalization: setting.normalization, augmentation: view, batchSize: 256).top1
        }
        let swapped = try withConvention(network, .dividedBySize)
        summary.append(["same_network_test_error_paper_alpha", String(testError(network))])
        summary.append(["same_network_test_error_alpha_over_n", String(testError(swapped))])

        // The cost of a step with and without it.
        let batch = setting.testBatch(128)
        let costs = try [nil, AlphaConvention.paper].map { convention in
            secondsPerStep(try FourLayerNet<Float>(setting.configuration(convention, seed: 1)), images: batch, steps: options.quick ? 2 : 7)
        }
        summary.append(["seconds_per_step_without", String(costs[0])])
        summary.append(["seconds_per_step_with", String(costs[1])])
        summary.append(["step_cost_ratio", String(costs[1] / costs[0])])
        summary.append(["blas_kernel", BLASKernel.current])
        summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])
        print(String(format: "a step costs %.1f ms without LRN, %.1f ms with (%.2f×)", costs[0] * 1000, costs[1] * 1000, costs[1] / costs[0]))
        print(divisors.text)

        try summary.write(to: options.path("chapter-05-lrn.csv"))
        try heldOutRunsTable(arms).write(to: options.path("chapter-05-lrn-runs.csv"))
        try channels.write(to: options.path("chapter-05-lrn-channels.csv"))
        try divisors.write(to: options.path("chapter-05-lrn-divisors.csv"))
        try heldOutChart(arms, title: "The four-layer net with and without LRN, \(data.name) (\(comparison.reportedSeeds.count) seeds each)")
            .write(to: options.path("chapter-05-lrn.png"))
        try channelChart(statistics).write(to: options.path("chapter-05-lrn-channels.png"))
        print("wrote chapter-05-lrn.csv, -runs.csv, -channels.csv, -divisors.csv, .png, -channels.png to \(options.outputDirectory) in \(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) minutes")
    }

    /// Each conv2 input channel's mean activation, sorted, before and after LRN and without it:
    /// whether LRN evens out the channels or only scales them.
    func channelChart(_ statistics: [ChannelStatistics]) -> LineChart {
        var chart = LineChart(title: "Channel means of conv2's input (sorted), \(setting.data.name)",
                              xLabel: "channel, by its mean", yLabel: "mean activation")
        for (i, s) in statistics.filter({ $0.place == "pool1" || $0.place == "norm1" }).enumerated() {
            let label = s.place == "norm1" ? "\(s.arm): after LRN" : "\(s.arm): " + (s.arm == "no LRN" ? "pooled conv1" : "before LRN")
            let sorted = s.means.sorted()
            chart.series.append(.init(label, x: sorted.indices.map(Double.init), y: sorted, color: Color.palette[i], dashed: s.place == "pool1" && s.arm != "no LRN"))
        }
        chart.yRange = 0...(chart.series.flatMap(\.y).max() ?? 1) * 1.1
        return chart
    }
}
