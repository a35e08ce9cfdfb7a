import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The summary beside the paper's numbers, every run's measurements, the thinned networks and
/// the ensembles as CSV, and the figures: error curves, the gap, scaling against sampling,
/// ensembles.
struct DropoutReport {
    var data: Dataset
    var comparison: HeldOutComparison
    var arms: [HeldOutComparison.ArmResult]
    var trained: TrainedNetworks
    var parameters: Int
    var started: Date

    func write(_ options: ChapterOptions) throws {
        let (dropout, none) = (arms[0], arms[1])
        var summary = CSVTable(header: ["quantity", "value"])
        let rates = Set(arms.flatMap { $0.sweep.trials.map(\.rate) }).sorted().map { String($0) }.joined(separator: " ")
        let epochs = Double(comparison.steps * comparison.batchSize) / Double(data.train.count)
        let rows: [[String]] = [
            ["dataset", data.name], ["training_images", String(data.train.count)], ["validation_images", String(data.validation!.count)],
            ["test_images", String(data.test.count)], ["steps", String(comparison.steps)], ["epochs", String(format: "%.1f", epochs)],
            ["selection_seeds", String(comparison.selectionSeeds.count)], ["reported_seeds", String(comparison.reportedSeeds.count)],
            ["rates_tried", rates], ["weight_decay", String(comparison.weightDecay)], ["parameters", String(parameters)],
            ["paper_iterations_ratio", PaperClaims.text(PaperClaims.dropoutIterationsRatio)], ["paper_one_cnn_top1", PaperClaims.text(PaperClaims.oneNetTop1)],
            ["paper_five_cnns_top1", PaperClaims.text(PaperClaims.fiveNetsTop1)], ["paper_seven_cnns_top1", PaperClaims.text(PaperClaims.sevenNetsTop1)],
        ]
        for row in rows { summary.append(row) }
        for row in dropout.summaryRows + none.summaryRows { summary.append(row) }
        let difference = differenceRows(dropout, none, key: "no_dropout_minus_dropout")
        print(difference.sentence + " — the paper: without dropout, substantial overfitting")
        for row in difference.rows { summary.append(row) }

        // "Roughly doubles the iterations."
        let convergence = Convergence(dropout: dropout, none: none)
        for row in convergence.rows {
            let key = "\(row.criterion)_\(row.value)"
            summary.append(["\(key)_dropout_steps_median", String(Spread(row.dropout).median)])
            summary.append(["\(key)_no_dropout_steps_median", String(Spread(row.none).median)])
            summary.append(["\(key)_ratio", String(row.ratio.ratio)])
            summary.append(["\(key)_ratio_low", String(row.ratio.low)])
            summary.append(["\(key)_ratio_high", String(row.ratio.high)])
            let reached = Spread(row.dropout).median.isFinite || Spread(row.none).median.isFinite
            print("steps until \(row.criterion == "training_reaches" ? "training error ≤ \(row.value * 100)%" : "\(row.criterion == "validation_within" ? "" : "smoothed ")validation error within \(row.value * 100) points of its best"): dropout \(Spread(row.dropout).formatted(0)), none \(Spread(row.none).formatted(0))"
                  + (reached ? ", ratio \(row.ratio.formatted)" : ", reached by neither"))
        }
        summary.append(["dropout_runs_best_at_last_measurement", String(convergence.stillImproving.dropout)])
        summary.append(["no_dropout_runs_best_at_last_measurement", String(convergence.stillImproving.none)])
        summary.append(["validation_smoothing_measurements", String(convergence.smoothing)])
        summary.append(["dropout_runs_smoothed_best_late", String(convergence.smoothedStillImproving.dropout)])
        summary.append(["no_dropout_runs_smoothed_best_late", String(convergence.smoothedStillImproving.none)])
        summary.append(["measure_every", String(comparison.measureEvery)])

        // Weight scaling against k sampled thinned networks.
        let thinned = trained.thinned
        var samplingTable = CSVTable(header: ["seed", "samples", "scaling_top1", "arithmetic_top1", "geometric_top1",
                                              "arithmetic_disagreement", "geometric_disagreement", "arithmetic_distance", "geometric_distance"])
        for (seed, t) in thinned {
            for p in t.points {
                samplingTable.append([String(seed), String(p.samples), String(t.scalingTop1), String(p.arithmeticTop1), String(p.geometricTop1),
                                      String(p.arithmeticDisagreement), String(p.geometricDisagreement),
                                      String(p.arithmeticDistance), String(p.geometricDistance)])
            }
        }
        let counts = thinned.first?.result.points.map(\.samples) ?? []
        let scaling = thinned.map(\.result.scalingTop1)
        summary.append(["scaling_top1_median", String(Spread(scaling).median)])
        for (i, k) in counts.enumerated() {
            let points = thinned.map { $0.result.points[i] }
            let columns: [(String, [Double])] = [
                ("arithmetic_top1", points.map(\.arithmeticTop1)), ("geometric_top1", points.map(\.geometricTop1)),
                ("arithmetic_minus_scaling", zip(points, scaling).map { $0.arithmeticTop1 - $1 }),
                ("geometric_minus_scaling", zip(points, scaling).map { $0.geometricTop1 - $1 }),
                ("arithmetic_disagreement", points.map(\.arithmeticDisagreement)),
                ("geometric_disagreement", points.map(\.geometricDisagreement)),
                ("arithmetic_distance", points.map(\.arithmeticDistance)), ("geometric_distance", points.map(\.geometricDistance)),
            ]
            for (name, values) in columns {
                let s = Spread(values)
                summary.append(["k\(k)_\(name)_median", String(s.median)])
                summary.append(["k\(k)_\(name)_min", String(s.minimum)])
                summary.append(["k\(k)_\(name)_max", String(s.maximum)])
            }
        }
        if let last = counts.indices.last {
            let points = thinned.map { $0.result.points[last] }
            print(String(format: "weight scaling %@ against %d thinned networks: arithmetic mean %@, geometric mean %@ (top-1 error, %d nets)",
                         Spread(scaling).percent, counts[last], Spread(points.map(\.arithmeticTop1)).percent,
                         Spread(points.map(\.geometricTop1)).percent, thinned.count))
        }

        // Real ensembles.
        var ensembleTable = CSVTable(header: ["arm", "size", "subsets", "top1_median", "top1_min", "top1_max"])
        for arm in [dropout, none] {
            for (size, errors) in trained.ensembles(of: arm.name) {
                let s = Spread(errors)
                ensembleTable.append([arm.name, String(size), String(errors.count), String(s.median), String(s.minimum), String(s.maximum)])
                summary.append(["\(arm.key)_ensemble_\(size)_top1_median", String(s.median)])
                summary.append(["\(arm.key)_ensemble_\(size)_top1_min", String(s.minimum)])
                summary.append(["\(arm.key)_ensemble_\(size)_top1_max", String(s.maximum)])
            }
            let all = trained.ensembles(of: arm.name)
            print("\(arm.name): one net \(Spread(all.first!.errors).percent), all \(all.last!.size) averaged \(Spread(all.last!.errors).percent)")
        }
        summary.append(["blas_kernel", BLASKernel.current])
        summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])

        try summary.write(to: options.path("chapter-08-dropout.csv"))
        try heldOutRunsTable(arms).write(to: options.path("chapter-08-dropout-runs.csv"))
        try samplingTable.write(to: options.path("chapter-08-dropout-sampling.csv"))
        try ensembleTable.write(to: options.path("chapter-08-dropout-ensembles.csv"))
        try heldOutChart(arms, title: "With and without dropout, \(data.name) (\(comparison.reportedSeeds.count) seeds each)")
            .write(to: options.path("chapter-08-dropout.png"))
        try gapChart(arms, dataset: data.name).write(to: options.path("chapter-08-dropout-gap.png"))
        try samplingChart(thinned, difference: true).write(to: options.path("chapter-08-dropout-sampling.png"))
        try samplingChart(thinned, difference: false).write(to: options.path("chapter-08-dropout-disagreement.png"))
        try ensembleChart(trained, arms: [dropout, none], thinned: thinned).write(to: options.path("chapter-08-dropout-ensembles.png"))
        print("wrote chapter-08-dropout.csv, -runs.csv, -sampling.csv, -ensembles.csv, .png, -gap.png, -sampling.png, -disagreement.png, -ensembles.png to \(options.outputDirectory) in \(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) minutes")
    }
}

/// The k-sample means against weight scaling on the same network and images, against the number
/// k of thinned networks averaged (logarithmic): `difference` plots each mean's top-1 error minus
/// weight scaling's, in points; otherwise the share of test images whose top class differs from
/// weight scaling's. Median over the sampled dropout networks, their range as a band.
func samplingChart(_ thinned: [(seed: UInt64, result: ThinnedNetworkAverage)], difference: Bool) -> LineChart {
    var chart = difference
        ? LineChart(title: "k thinned networks averaged, against weight scaling (\(thinned.count) dropout nets)",
                    xLabel: "thinned networks averaged, k (logarithmic)", yLabel: "top-1 error minus weight scaling's (points)")
        : LineChart(title: "Test images whose top class differs from weight scaling's (\(thinned.count) dropout nets)",
                    xLabel: "thinned networks averaged, k (logarithmic)", yLabel: "share of test images")
    guard let first = thinned.first else { return chart }
    let k = first.result.points.map { Double($0.samples) }
    let means: [(String, (ThinnedNetworkAverage.Point) -> Double, (ThinnedNetworkAverage.Point) -> Double)] = [
        ("arithmetic mean", \.arithmeticTop1, \.arithmeticDisagreement),
        ("normalised geometric mean", \.geometricTop1, \.geometricDisagreement),
    ]
    for (i, (label, top1, disagreement)) in means.enumerated() {
        let ys = k.indices.map { j in
            thinned.map { difference ? (top1($0.result.points[j]) - $0.result.scalingTop1) * 100 : disagreement($0.result.points[j]) }
        }
        chart.series.append(.init(label, x: k, y: ys.map { Spread($0).median }, color: Color.palette[i], markers: true,
                                  band: (ys.map { $0.min()! }, ys.map { $0.max()! })))
    }
    chart.xScale = .logarithmic
    chart.xRange = 1...max(2, k.last!)
    if difference { chart.referenceLines = [ReferenceLine(.horizontal, at: 0, label: "weight scaling")] }
    return chart
}

/// Top-1 error against the number of independently trained networks averaged, with and without
/// dropout (median over every subset of that size, range as a band).
func ensembleChart(_ trained: TrainedNetworks, arms: [HeldOutComparison.ArmResult],
                   thinned: [(seed: UInt64, result: ThinnedNetworkAverage)]) -> LineChart {
    var chart = LineChart(title: "Ensembles of independently trained networks", xLabel: "networks averaged",
                          yLabel: "test error (top-1)")
    chart.xIntegers = true
    for (i, arm) in arms.enumerated() {
        let sizes = trained.ensembles(of: arm.name)
        chart.series.append(.init(arm.name, x: sizes.map { Double($0.size) }, y: sizes.map { Spread($0.errors).median },
                                  color: Color.palette[i], markers: true,
                                  band: (sizes.map { $0.errors.min()! }, sizes.map { $0.errors.max()! })))
    }
    if let last = thinned.first?.result.points.last {
        let errors = thinned.map { $0.result.points.last!.arithmeticTop1 }
        chart.referenceLines = [ReferenceLine(.horizontal, at: Spread(errors).median,
                                              label: "one dropout net, \(last.samples) thinned nets averaged")]
    }
    return chart
}
