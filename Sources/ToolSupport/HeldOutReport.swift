import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting

/// What the chapters that compare arms by held-out error (4–8) print, write and draw.
extension HeldOutComparison.ArmResult {
    /// The key an arm's rows in a summary CSV start with: "two towers" → "two_towers",
    /// "crops, flips, lighting" → "crops_flips_lighting".
    package var key: String {
        name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce(into: "") { key, c in
            if !(c == "_" && key.last == "_") { key.append(c) }
        }
    }

    /// Summary rows: the chosen rate and whether the sweep bracketed it; test error, training
    /// error and their gap (median, min, max over the reported seeds); seconds per run.
    package var summaryRows: [[String]] {
        var rows = [["\(key)_learning_rate", String(rate)], ["\(key)_rate_bracketed", String(sweep.bracketed)],
                    ["\(key)_runs_diverged", String(runs.filter(\.result.diverged).count)]]
        for (quantity, values) in [("test_error", final("test")), ("train_error", final("train")), ("gap", gaps)] {
            let s = Spread(values)
            rows += [["\(key)_\(quantity)_median", String(s.median)], ["\(key)_\(quantity)_min", String(s.minimum)],
                     ["\(key)_\(quantity)_max", String(s.maximum)]]
        }
        rows.append(["\(key)_seconds_per_run", String(format: "%.1f", medianSeconds)])
        rows.append(["\(key)_end_window_from_step", String(endWindowStart)])
        return rows
    }
}

/// How `b`'s test error (and gap) differs from `a`'s: rows for the summary and a sentence.
package func differenceRows(_ a: HeldOutComparison.ArmResult, _ b: HeldOutComparison.ArmResult,
                            key: String, method: IntervalMethod = .exactShift) -> (rows: [[String]], sentence: String) {
    let test = DifferenceOfMedians(a.final("test"), b.final("test"), method: method)
    let gap = DifferenceOfMedians(a.gaps, b.gaps, method: method)
    let rows = [
        ["\(key)_test_error_difference", String(test.difference)], ["\(key)_test_error_difference_low", String(test.low)],
        ["\(key)_test_error_difference_high", String(test.high)], ["\(key)_inside_the_noise", String(test.insideTheNoise)],
        ["\(key)_gap_difference", String(gap.difference)], ["\(key)_gap_difference_low", String(gap.low)],
        ["\(key)_gap_difference_high", String(gap.high)], ["\(key)_gap_inside_the_noise", String(gap.insideTheNoise)],
        ["\(key)_verdict", test.verdict], ["\(key)_gap_verdict", gap.verdict],
    ]
    let sentence = "\(b.name) against \(a.name): test error \(test.formattedPoints), \(test.verdict)"
        + "; train–test gap \(gap.formattedPoints), \(gap.verdict)"
    return (rows, sentence)
}

/// Test error (solid) and training-probe error (dashed) against the step, the median over an
/// arm's reported seeds with their range as a band.
package func heldOutChart(_ arms: [HeldOutComparison.ArmResult], title: String) -> LineChart {
    var chart = LineChart(title: title, xLabel: "step (batch 128)", yLabel: "error")
    for (i, arm) in arms.enumerated() {
        for (split, label) in [("test", "test"), ("train", "training probe")] {
            let curves = arm.runs.filter { !$0.result.diverged }.map { split == "train" ? $0.result.curve : $0.result.heldOut[split]! }
            guard let first = curves.first else { continue }
            let length = curves.map(\.points.count).min()!
            let ys = (0..<length).map { k in curves.map { $0.points[k].y } }
            chart.series.append(.init("\(arm.name), \(label)", x: Array(first.x.prefix(length)), y: ys.map { Spread($0).median },
                                      color: Color.palette[i], dashed: split == "train",
                                      band: (ys.map { $0.min()! }, ys.map { $0.max()! })))
        }
    }
    // A logarithmic axis: the untrained network's error near chance and the last few points of
    // difference between the arms both stay readable.
    let values = chart.series.flatMap { $0.y + ($0.band?.lower ?? []) }.filter { $0 > 0 }
    chart.yScale = .logarithmic
    chart.yRange = max(0.001, (values.min() ?? 0.01) * 0.8)...1
    chart.yLabel = "error (logarithmic)"
    return chart
}

/// Test error minus training-probe error against the step: how far each arm has overfitted
/// (median over its reported seeds, their range as a band).
package func gapChart(_ arms: [HeldOutComparison.ArmResult], dataset: String) -> LineChart {
    var chart = LineChart(title: "The train-test gap, \(dataset)", xLabel: "step (batch 128)", yLabel: "test error - training error")
    for (i, arm) in arms.enumerated() {
        let runs = arm.runs.filter { !$0.result.diverged }
        guard let first = runs.first else { continue }
        let length = runs.map { min($0.result.curve.points.count, $0.result.heldOut["test"]!.points.count) }.min()!
        let gaps = (0..<length).map { k in runs.map { $0.result.heldOut["test"]!.points[k].y - $0.result.curve.points[k].y } }
        chart.series.append(.init(arm.name, x: Array(first.result.curve.x.prefix(length)), y: gaps.map { Spread($0).median },
                                  color: Color.palette[i], band: (gaps.map { $0.min()! }, gaps.map { $0.max()! })))
    }
    chart.referenceLines = [ReferenceLine(.horizontal, at: 0, label: "no gap")]
    return chart
}

/// Every measurement of the arms' runs and sweeps, one CSV.
package func heldOutRunsTable(_ arms: [HeldOutComparison.ArmResult]) -> CSVTable {
    CSVTable(header: HeldOutComparison.ArmResult.csvHeader, rows: arms.flatMap(\.csvRows))
}

/// Prints each arm's rate and results and warns of an unbracketed sweep; with `strict` (the
/// `--quick` runs of CI) an unbracketed sweep is an error.
package func reportArms(_ arms: [HeldOutComparison.ArmResult], strict: Bool) throws {
    var rows = [["arm", "ε", "bracketed", "test error", "training error", "gap", "s per run"]]
    for arm in arms {
        rows.append([arm.name, String(arm.rate), arm.sweep.bracketed ? "yes" : "NO",
                     Spread(arm.final("test")).percent, Spread(arm.final("train")).percent, Spread(arm.gaps).percent,
                     String(format: "%.0f", arm.medianSeconds)])
    }
    printTable(rows)
    let unbracketed = arms.filter { !$0.sweep.bracketed }.map(\.name)
    if !unbracketed.isEmpty {
        let message = "the rate sweep did not bracket the optimum for \(unbracketed.joined(separator: ", ")): widen --lowest-rate/--rate-count"
        if strict { throw UsageError(message) }
        print("warning: \(message)")
    }
}

extension Spread {
    /// "11.2% (10.8–11.9)" for error fractions.
    package var percent: String {
        func f(_ x: Double) -> String { x.isInfinite ? "∞" : String(format: "%.1f", x * 100) }
        return count == 1 ? f(median) + "%" : "\(f(median))% (\(f(minimum))–\(f(maximum)))"
    }
}
