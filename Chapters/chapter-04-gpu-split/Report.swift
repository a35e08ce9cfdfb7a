import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// Everything the chapter measured, written as CSV and PNG and summarised beside the paper.
struct Report {
    var data: Dataset
    var comparison: HeldOutComparison
    var two: HeldOutComparison.ArmResult, one: HeldOutComparison.ArmResult
    var timings: [ExecutorTiming]
    var kernels: TowerKernels
    var parameters: (two: Int, one: Int)
    var started: Date

    func write(_ options: ChapterOptions) throws {
        let difference = differenceRows(two, one, key: "one_tower_minus_two")
        print(difference.sentence + " — the paper: one tower +\(PaperClaims.text(PaperClaims.oneTowerTop1Points)) points top-1, +\(PaperClaims.text(PaperClaims.oneTowerTop5Points)) top-5 (ImageNet)")
        var summary = CSVTable(header: ["quantity", "value"])
        let rates = Set([two, one].flatMap { $0.sweep.trials.map(\.rate) }).sorted().map { String($0) }.joined(separator: " ")
        for row in [
            ["dataset", data.name], ["training_images", String(data.train.count)], ["validation_images", String(data.validation!.count)],
            ["test_images", String(data.test.count)], ["steps", String(comparison.steps)],
            ["selection_seeds", String(comparison.selectionSeeds.count)], ["reported_seeds", String(comparison.reportedSeeds.count)],
            ["rates_tried", rates], ["weight_decay", String(comparison.weightDecay)],
            ["two_towers_parameters", String(parameters.two)], ["one_tower_parameters", String(parameters.one)],
            ["paper_one_tower_top1_difference_points", PaperClaims.text(PaperClaims.oneTowerTop1Points)],
            ["paper_one_tower_top5_difference_points", PaperClaims.text(PaperClaims.oneTowerTop5Points)],
        ] { summary.append(row) }
        for row in two.summaryRows + one.summaryRows + difference.rows + kernels.rows { summary.append(row) }
        for t in timings {
            let s = t.statistics, n = Double(t.steps)
            for row in [["\(t.net)_net_batch", String(t.batch)],
                        ["\(t.net)_net_grouped_seconds_per_step", String(t.groupedSeconds)],
                        ["\(t.net)_net_parallel_seconds_per_step", String(t.parallelSeconds)],
                        ["\(t.net)_net_grouped_seconds_per_step_min", String(Spread(t.groupedTimes).minimum)],
                        ["\(t.net)_net_grouped_seconds_per_step_max", String(Spread(t.groupedTimes).maximum)],
                        ["\(t.net)_net_parallel_seconds_per_step_min", String(Spread(t.parallelTimes).minimum)],
                        ["\(t.net)_net_parallel_seconds_per_step_max", String(Spread(t.parallelTimes).maximum)],
                        ["\(t.net)_net_timed_steps", String(t.steps)],
                        ["\(t.net)_net_parallel_over_grouped", String(t.ratio.ratio)],
                        ["\(t.net)_net_parallel_over_grouped_low", String(t.ratio.low)],
                        ["\(t.net)_net_parallel_over_grouped_high", String(t.ratio.high)],
                        ["\(t.net)_net_parallel_over_grouped_inside_the_noise", String(t.ratio.insideTheNoise)],
                        ["\(t.net)_net_parallel_over_grouped_verdict", t.ratio.verdict],
                        ["\(t.net)_net_exchanged_bytes_per_image", String(s.forwardBytesPerImage + s.backwardBytesPerImage)],
                        ["\(t.net)_net_waiting_share", String(s.waitingSeconds.reduce(0, +) / (2 * n * t.parallelSeconds))],
                        ["\(t.net)_net_exchange_share", String(s.exchangeSeconds.reduce(0, +) / (2 * n * t.parallelSeconds))]] {
                summary.append(row)
            }
        }
        summary.append(["blas_kernel", BLASKernel.current])
        summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])

        var executor = CSVTable(header: ExecutorTiming.header)
        for t in timings { for row in t.rows { executor.append(row) } }
        try summary.write(to: options.path("chapter-04-gpu-split.csv"))
        try executor.write(to: options.path("chapter-04-gpu-split-executor.csv"))
        try heldOutRunsTable([two, one]).write(to: options.path("chapter-04-gpu-split-runs.csv"))
        try heldOutChart([two, one], title: "Two towers against one of half the width, \(data.name) (\(comparison.reportedSeeds.count) seeds each)")
            .write(to: options.path("chapter-04-gpu-split.png"))
        try kernels.figure(dataset: data.name).writePNG(to: options.path("chapter-04-gpu-split-kernels.png"))
        try executorChart().write(to: options.path("chapter-04-gpu-split-executor.png"))
        print("wrote chapter-04-gpu-split.csv, -executor.csv, -runs.csv, .png, -kernels.png, -executor.png to \(options.outputDirectory) in \(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) minutes")
    }

    /// Seconds per step of each net on each executor, the tower-parallel bar split into the
    /// towers' mean time computing, copying and waiting.
    func executorChart() -> BarChart {
        var chart = BarChart(title: "One training step, grouped on \(Threading.threadCount) threads against two tower workers (medians; whiskers: half the range)",
                             yLabel: "seconds per step, relative to grouped", categories: timings.map { "\($0.net) net, batch \($0.batch)" })
        let n = timings.map { Double($0.steps) }
        func relative(_ f: (ExecutorTiming, Double) -> Double) -> [Double] { zip(timings, n).map { f($0, $1) / $0.groupedSeconds } }
        // Whiskers: half the range of the timed steps, relative to the grouped median.
        func halfRange(_ times: (ExecutorTiming) -> [Double]) -> [Double] {
            timings.map { t in (times(t).max()! - times(t).min()!) / 2 / t.groupedSeconds }
        }
        chart.groups = [
            .init("grouped", values: relative { t, _ in t.groupedSeconds }, errors: halfRange(\.groupedTimes)),
            .init("tower-parallel", values: relative { t, _ in t.parallelSeconds }, errors: halfRange(\.parallelTimes)),
            .init("of which waiting (mean of the towers)", values: relative { t, n in t.statistics.waitingSeconds.reduce(0, +) / 2 / n }),
            .init("of which copying (mean of the towers)", values: relative { t, n in t.statistics.exchangeSeconds.reduce(0, +) / 2 / n }),
        ]
        chart.referenceLines = [ReferenceLine(.horizontal, at: 1, label: "grouped")]
        chart.yRange = 0...1.5
        return chart
    }
}
