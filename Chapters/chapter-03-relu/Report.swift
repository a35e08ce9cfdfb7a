import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// Every measurement of every run, sweep and reported: the CSV the figures are drawn from.
func runsTable(_ arms: [ComparisonPlan.ArmResult]) -> CSVTable {
    CSVTable(header: ComparisonPlan.ArmResult.csvHeader, rows: arms.flatMap(\.csvRows))
}

/// Steps to each threshold per arm (median and range over seeds; ∞ for a run that never got
/// there within the horizon), and ReLU's speed-up over tanh with its 90% bootstrap interval.
func speedUpTable(relu: ComparisonPlan.ArmResult, tanh: ComparisonPlan.ArmResult, linear: ComparisonPlan.ArmResult?,
                  thresholds: [Double]) -> CSVTable {
    var table = CSVTable(header: ["threshold", "relu_steps_median", "relu_steps_min", "relu_steps_max",
                                  "tanh_steps_median", "tanh_steps_min", "tanh_steps_max", "linear_steps_median",
                                  "speedup", "speedup_low", "speedup_high", "inside_the_noise"])
    for t in thresholds {
        let (r, h) = (relu.steps(toReach: t), tanh.steps(toReach: t))
        let (rs, hs) = (Spread(r), Spread(h))
        let ratio = RatioOfMedians(r, h)
        table.append([t, rs.median, rs.minimum, rs.maximum, hs.median, hs.minimum, hs.maximum,
                      linear.map { Spread($0.steps(toReach: t)).median } ?? .nan,
                      ratio.ratio, ratio.low, ratio.high].map { String($0) } + [String(ratio.insideTheNoise)])
    }
    return table
}

/// The equal-rate sensitivity check, from the sweep's own trials: at each rate both arms tried,
/// the steps each needed to reach the selection threshold (upper median over selection seeds).
func equalRateTable(relu: ComparisonPlan.ArmResult, tanh: ComparisonPlan.ArmResult) -> CSVTable {
    var table = CSVTable(header: ["learning_rate", "relu_steps", "tanh_steps", "speedup"])
    let tanhResults = Dictionary(uniqueKeysWithValues: tanh.sweep.results.map { ($0.rate, $0.score.primary) })
    for (rate, score) in relu.sweep.results {
        guard let t = tanhResults[rate] else { continue }
        table.append([rate, score.primary, t, t / score.primary].map { String($0) })
    }
    return table
}

extension ComparisonPlan.ArmResult {
    /// The reported runs that died: still at chance (above 85% training error) at their last probe.
    var stayedAtChance: Int { runs.filter { $0.result.curve.last!.y > 0.85 }.count }
}

/// The settings and, per arm, its rate, whether the sweep bracketed it, and its end point: each
/// run's median probe error over its end window (the last 5% of its steps), median and range over
/// the runs.
func summaryTable(_ s: Setting, plan: ComparisonPlan, arms: [ComparisonPlan.ArmResult]) -> CSVTable {
    var summary = CSVTable(header: ["quantity", "value"])
    for (key, value) in [
        ("dataset", s.data.name), ("training_images", String(s.data.train.count)), ("probe_images", String(s.probe.count)),
        ("steps", String(plan.steps)), ("sweep_steps", String(plan.sweepSteps)), ("selection_threshold", String(plan.selectionThreshold)),
        ("selection_seeds", String(plan.selectionSeeds.count)), ("reported_seeds", String(plan.reportedSeeds.count)),
        ("rates_tried", Set(arms.flatMap { $0.sweep.trials.map(\.rate) }).sorted().map { String($0) }.joined(separator: " ")),
        ("paper_speedup", "6"), ("minutes", String(format: "%.1f", Date().timeIntervalSince(s.started) / 60)),
        ("end_window_from_step", String(arms.first.map(\.endWindowStart) ?? plan.steps)),
    ] { summary.append([key, value]) }
    for arm in arms {
        let key = arm.name.lowercased().replacingOccurrences(of: " ", with: "_")
        let last = Spread(arm.finalErrors)
        summary.append(["\(key)_learning_rate", String(arm.rate)])
        summary.append(["\(key)_rate_bracketed", String(arm.sweep.bracketed)])
        summary.append(["\(key)_runs_that_stayed_at_chance", String(arm.stayedAtChance)])
        for (statistic, value) in [("median", last.median), ("min", last.minimum), ("max", last.maximum)] {
            summary.append(["\(key)_final_error_\(statistic)", String(value)])
        }
    }
    return summary
}

/// How much higher tanh's end point lies than ReLU's: the difference of the median end points
/// (fractions) with its 90% exact interval and the book's verdict.
func appendFinalErrorDifference(to summary: inout CSVTable, prefix: String, relu: ComparisonPlan.ArmResult, tanh: ComparisonPlan.ArmResult) {
    let difference = DifferenceOfMedians(relu.finalErrors, tanh.finalErrors)
    summary.append(["\(prefix)tanh_minus_relu_final_error_difference", String(difference.difference)])
    summary.append(["\(prefix)tanh_minus_relu_final_error_difference_low", String(difference.low)])
    summary.append(["\(prefix)tanh_minus_relu_final_error_difference_high", String(difference.high)])
    summary.append(["\(prefix)tanh_minus_relu_final_error_inside_the_noise", String(difference.insideTheNoise)])
    summary.append(["\(prefix)tanh_minus_relu_final_error_verdict", difference.verdict])
}

/// ReLU's speed-up over tanh to `threshold`: the ratio of medians and its 90% interval.
func appendSpeedUp(to summary: inout CSVTable, prefix: String, relu: ComparisonPlan.ArmResult, tanh: ComparisonPlan.ArmResult, threshold: Double) {
    let ratio = RatioOfMedians(relu.steps(toReach: threshold), tanh.steps(toReach: threshold))
    summary.append(["\(prefix)speedup", String(format: "%.2f", ratio.ratio)])
    summary.append(["\(prefix)speedup_low", String(format: "%.2f", ratio.low)])
    summary.append(["\(prefix)speedup_high", String(format: "%.2f", ratio.high)])
    summary.append(["\(prefix)speedup_inside_the_noise", String(ratio.insideTheNoise)])
    summary.append(["\(prefix)speedup_verdict", ratio.verdict])
    summary.append(["\(prefix)speedup_interval_coverage", String(format: "%.3f", ratio.achievedConfidence)])
}

/// Figure 1 as measured: the median probe error against steps for each arm, with the range of
/// the seeds as a band, and the selection threshold.
func curvesChart(_ arms: [ComparisonPlan.ArmResult], title: String, thresholds: [Double]) -> LineChart {
    var chart = LineChart(title: title, xLabel: "step (batch 128)", yLabel: "training error (probe)")
    for (i, arm) in arms.enumerated() {
        let curves = arm.runs.map(\.result.curve)
        let length = curves.map(\.points.count).min()!
        let ys = (0..<length).map { k in curves.map { $0.points[k].y } }
        chart.series.append(.init("\(arm.name), ε = \(arm.rate)", x: Array(curves[0].x.prefix(length)), y: ys.map { Spread($0).median },
                                  color: Color.palette[i], dashed: arm.name.hasPrefix("tanh"),
                                  band: (ys.map { $0.min()! }, ys.map { $0.max()! })))
    }
    chart.referenceLines = thresholds.map { ReferenceLine(.horizontal, at: $0, label: "\(Int(($0 * 100).rounded()))%") }
    chart.yRange = 0...1
    return chart
}

/// The result against its free choice: ReLU's speed-up over tanh at each threshold both reached,
/// with its exact interval, 1 (no difference) and the paper's 6. An interval whose lower end is
/// 0 (a run that never reached the threshold makes every smaller ratio possible) says so in the
/// legend rather than looking like a measured band down to 0, and says why: a ReLU run that died
/// (stayed at chance, ``ComparisonPlan/ArmResult/stayedAtChance``), or one that was still above
/// the threshold when the horizon ended.
func speedUpChart(_ tables: [(label: String, table: CSVTable, reluDied: Bool)], dataset: String) throws -> LineChart {
    var chart = LineChart(title: "ReLU's speed-up over tanh (median, 90% exact interval), \(dataset)",
                          xLabel: "training-error threshold", yLabel: "steps(tanh) / steps(ReLU)")
    let top = 8.0        // room for the legend above the paper's 6; open-ended intervals stop at the edge
    for (i, (label, table, reluDied)) in tables.enumerated() {
        let t = try table.numbers("threshold"), s = try table.numbers("speedup")
        let low = try table.numbers("speedup_low"), high = try table.numbers("speedup_high")
        let kept = t.indices.filter { s[$0].isFinite && s[$0] > 0 }
        let openBelow = kept.contains { low[$0] == 0 }
        let why = reluDied ? "a ReLU run died" : "a ReLU run did not get there in time"
        chart.series.append(.init(label + (openBelow ? " (to 0: \(why))" : ""),
                                  x: kept.map { t[$0] }, y: kept.map { s[$0] },
                                  color: Color.palette[i], markers: true, band: (kept.map { low[$0] }, kept.map { min(high[$0], top) })))
    }
    chart.referenceLines = [ReferenceLine(.horizontal, at: 1, label: "no difference"),
                            ReferenceLine(.horizontal, at: 6, label: "the paper: 6× (CIFAR-10, 25%)")]
    chart.yRange = 0...top
    return chart
}

/// Prints, for each comparison, the steps to every threshold and ReLU's speed-up to the selection
/// threshold beside the paper's, then the files written. An unbracketed rate is a warning, and an
/// error on the --quick budget (where CI would otherwise pass a broken sweep).
func finish(_ s: Setting, plan: ComparisonPlan, arms: [ComparisonPlan.ArmResult],
            comparisons: [(label: String, relu: ComparisonPlan.ArmResult, tanh: ComparisonPlan.ArmResult, table: CSVTable)],
            files: [String]) throws {
    let threshold = plan.selectionThreshold
    for (label, relu, tanh, table) in comparisons {
        print("\n\(label): steps to each threshold (median, range over seeds), ReLU's speed-up and its 90% interval")
        printTable([table.header] + table.rows.map { $0.map { Double($0).map { String(format: "%.3g", $0) } ?? $0 } })
        let (r, t) = (relu.steps(toReach: threshold), tanh.steps(toReach: threshold))
        let ratio = RatioOfMedians(r, t)
        print("to \(Int((threshold * 100).rounded()))%: ReLU \(Spread(r).formatted(0)) steps, tanh \(Spread(t).formatted(0));"
              + " speed-up \(ratio.formatted), \(ratio.verdict). The paper: 6× on CIFAR-10 to 25%.")
        let difference = DifferenceOfMedians(relu.finalErrors, tanh.finalErrors)
        print("at the end (each run's median from step \(relu.endWindowStart)): ReLU \(Spread(relu.finalErrors).formatted(3)),"
              + " tanh \(Spread(tanh.finalErrors).formatted(3)); tanh minus ReLU \(difference.formattedPoints), \(difference.verdict)")
    }
    for arm in arms where !arm.sweep.bracketed {
        let message = "the sweep did not bracket \(arm.name)'s best rate (\(arm.rate) is at the edge of \(arm.sweep.results.map(\.rate)))"
        guard !s.options.quick else { throw UsageError(message) }
        print("WARNING: \(message); the comparison at this rate is not the tuned one")
    }
    print("wrote " + files.map { s.options.path($0) }.joined(separator: ", ") + " and their CSVs")
}
