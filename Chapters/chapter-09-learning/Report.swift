import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The summary beside the paper's claims, every measurement as CSV, and the figures: the
/// recipe's training curves, the first steps, the gradient norms and dead ReLUs by layer, the
/// start, the schedules.
struct LearningReport {
    var data: Dataset, scheduleData: Dataset
    var start: StartOfTraining
    var regime: HeldOutComparison, regimeArms: [HeldOutComparison.ArmResult]
    var recipe: HeldOutComparison, recipeArms: [HeldOutComparison.ArmResult], equalRates: [EqualRateDecay]
    var schedule: HeldOutComparison, scheduleArms: [HeldOutComparison.ArmResult], patience: Int
    var started: Date

    func write(_ options: ChapterOptions) throws {
        var summary = CSVTable(header: ["quantity", "value"])
        let parameters = try AlexNetModel<Float>(chapterNetwork(data, initialisation: .he, seed: 0)).parameterCount
        for row in [["dataset", data.name], ["training_images", String(data.train.count)],
                    ["validation_images", String(data.validation!.count)], ["test_images", String(data.test.count)],
                    ["parameters", String(parameters)], ["paper_momentum", PaperClaims.text(PaperClaims.momentum)],
                    ["paper_weight_decay", PaperClaims.text(PaperClaims.weightDecay)], ["paper_initial_rate", PaperClaims.text(PaperClaims.initialLearningRate)],
                    ["paper_rate_reductions", PaperClaims.text(PaperClaims.rateReductions)], ["paper_epochs", PaperClaims.text(PaperClaims.epochs)]] {
            summary.append(row)
        }
        if !start.firstSteps.isEmpty { try writeStart(options, &summary) }
        if !regimeArms.isEmpty { try writeRegime(options, &summary) }
        if !recipeArms.isEmpty { try writeRecipe(options, &summary) }
        if !scheduleArms.isEmpty { try writeSchedule(options, &summary) }
        let equalRateArms = equalRates.flatMap { [$0.decay, $0.none] }.filter { arm in !recipeArms.contains { $0.name == arm.name } }
        try heldOutRunsTable(regimeArms + recipeArms + equalRateArms + scheduleArms).write(to: options.path("chapter-09-learning-runs.csv"))
        summary.append(["blas_kernel", BLASKernel.current])
        summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])
        try summary.write(to: options.path("chapter-09-learning.csv"))
        print("wrote \(options.path("chapter-09-learning.csv")) and its figures (\(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) min)")
    }

    // MARK: The start

    func writeStart(_ options: ChapterOptions, _ summary: inout CSVTable) throws {
        let records = start.firstSteps
        let layers = records[0].record.gradientNorms.map(\.layer)
        let relus = records[0].record.activity[0].layers.map(\.layer)
        var steps = CSVTable(header: ["initialisation", "seed", "step", "loss"] + layers.map { "\($0)_gradient_norm" })
        var activity = CSVTable(header: ["initialisation", "seed", "step", "layer", "dead", "zeros"])
        for (initialisation, seed, record) in records {
            for (k, loss) in record.losses.enumerated() {
                steps.append([initialisation.name, String(seed), String(k + 1), String(loss)]
                             + record.gradientNorms.map { String($0.norms[k]) })
            }
            for (step, measured) in record.activity {
                for a in measured { activity.append([initialisation.name, String(seed), String(step), a.layer, String(a.dead), String(a.zeros)]) }
            }
        }
        try steps.write(to: options.path("chapter-09-learning-first-steps.csv"))
        try activity.write(to: options.path("chapter-09-learning-relus.csv"))
        summary.append(["first_steps", String(records[0].record.losses.count)])
        summary.append(["start_rate", String(start.rate)])
        for initialisation in Initialisation.allCases {
            let mine = records.filter { $0.initialisation == initialisation }.map(\.record)
            let key = initialisation.key
            summary.append(["\(key)_loss_first", String(Spread(mine.map { $0.losses.first! }).median)])
            summary.append(["\(key)_loss_last", String(Spread(mine.map { $0.losses.last! }).median)])
            for (l, layer) in layers.enumerated() {
                summary.append(["\(key)_\(layer)_gradient_norm_first", String(Spread(mine.map { $0.gradientNorms[l].norms[0] }).median)])
            }
            for (r, relu) in relus.enumerated() {
                summary.append(["\(key)_\(relu)_dead_start", String(Spread(mine.map { $0.activity.first!.layers[r].dead }).median)])
                summary.append(["\(key)_\(relu)_dead_end", String(Spread(mine.map { $0.activity.last!.layers[r].dead }).median)])
                summary.append(["\(key)_\(relu)_zeros_start", String(Spread(mine.map { $0.activity.first!.layers[r].zeros }).median)])
            }
        }
        try firstStepsChart().write(to: options.path("chapter-09-learning-first-steps.png"))
        try byLayerChart(gradients: true).write(to: options.path("chapter-09-learning-gradients.png"))
        try byLayerChart(gradients: false).write(to: options.path("chapter-09-learning-dead.png"))
        try overStepsChart(gradients: true).write(to: options.path("chapter-09-learning-gradient-steps.png"))
        try overStepsChart(gradients: false).write(to: options.path("chapter-09-learning-dead-steps.png"))

        guard !start.longRuns.isEmpty else { return }
        var curves = CSVTable(header: ["initialisation", "seed", "step", "train_error"])
        for (initialisation, seed, result) in start.longRuns {
            for p in result.curve.points { curves.append([initialisation.name, String(seed), String(Int(p.x)), String(p.y)]) }
        }
        try curves.write(to: options.path("chapter-09-learning-start.csv"))
        let horizon = start.longRuns.map { $0.result.curve.points.last!.x }.max()!
        summary.append(["start_horizon", String(Int(horizon))])
        summary.append(["start_threshold", String(StartOfTraining.startedBelow)])
        for initialisation in Initialisation.allCases {
            let s = Spread(start.startSteps(initialisation))
            summary.append(["\(initialisation.key)_start_step_median", String(s.median)])
            summary.append(["\(initialisation.key)_start_step_min", String(s.minimum)])
            summary.append(["\(initialisation.key)_start_step_max", String(s.maximum)])
            summary.append(["\(initialisation.key)_runs_started", String(start.startSteps(initialisation).filter(\.isFinite).count)])
            print("\(initialisation.name): training error ≤ 50% at step \(s.formatted(0))")
        }
        try startChart(horizon: horizon).write(to: options.path("chapter-09-learning-start.png"))
    }

    /// The first steps' batch loss, median over the seeds, one line per initialisation.
    func firstStepsChart() -> LineChart {
        var chart = LineChart(title: "The first steps at ε = \(start.rate): batch loss", xLabel: "step", yLabel: "loss")
        for (i, initialisation) in Initialisation.allCases.enumerated() {
            let losses = start.firstSteps.filter { $0.initialisation == initialisation }.map(\.record.losses)
            let n = losses.map(\.count).min()!
            let ys = (0..<n).map { k in losses.map { $0[k] } }
            chart.series.append(.init(initialisation.name, x: (1...max(1, n)).prefix(n).map(Double.init), y: ys.map { Spread($0).median },
                                      color: Color.palette[i], band: (ys.map { $0.min()! }, ys.map { $0.max()! })))
        }
        chart.referenceLines = [ReferenceLine(.horizontal, at: log(Double(data.classes)), label: "ln \(data.classes): chance")]
        return chart
    }

    /// By layer (x = 1, 2, …): the gradient norm at step 1 (logarithmic), or the share of dead
    /// ReLUs before the first step (solid) and after the last (dashed); medians over the seeds.
    func byLayerChart(gradients: Bool) -> LineChart {
        let first = start.firstSteps[0].record
        let names = gradients ? first.gradientNorms.map(\.layer) : first.activity[0].layers.map(\.layer)
        var chart = gradients
            ? LineChart(title: "Gradient norm by layer at step 1 (\(names.first!) ... \(names.last!))", xLabel: "weight layer", yLabel: "|dL/dW| (logarithmic)")
            : LineChart(title: "Dead ReLUs by layer: before step 1 (solid), after step \(first.activity.last!.step) (dashed)",
                        xLabel: "ReLU layer (relu1 ... relu7)", yLabel: "share of units dead")
        let x = (1...names.count).map(Double.init)
        for (i, initialisation) in Initialisation.allCases.enumerated() {
            let records = start.firstSteps.filter { $0.initialisation == initialisation }.map(\.record)
            if gradients {
                let ys = names.indices.map { l in records.map { $0.gradientNorms[l].norms[0] } }
                chart.series.append(.init(initialisation.name, x: x, y: ys.map { max(1e-12, Spread($0).median) }, color: Color.palette[i], markers: true))
            } else {
                for (when, dashed) in [(0, false), (-1, true)] {
                    let ys = names.indices.map { r in records.map { (when == 0 ? $0.activity.first! : $0.activity.last!).layers[r].dead } }
                    chart.series.append(.init(dashed ? "" : initialisation.name, x: x, y: ys.map { Spread($0).median },
                                              color: Color.palette[i], dashed: dashed, markers: true))
                }
            }
        }
        if gradients { chart.yScale = .logarithmic } else { chart.yRange = 0...1 }
        chart.xIntegers = true
        return chart
    }

    /// Over the first steps (median over the seeds): the gradient norm of the first and the last
    /// weight layer (conv1 solid, fc8 dashed; logarithmic), or the share of dead units in fc6
    /// (solid) and fc7 (dashed).
    func overStepsChart(gradients: Bool) -> LineChart {
        var chart = gradients
            ? LineChart(title: "Gradient norm over the first steps: conv1 (solid), fc8 (dashed)", xLabel: "step", yLabel: "|dL/dW| (logarithmic)")
            : LineChart(title: "Dead ReLUs over the first steps: fc6 (solid), fc7 (dashed)", xLabel: "step", yLabel: "share of units dead")
        for (i, initialisation) in Initialisation.allCases.enumerated() {
            let records = start.firstSteps.filter { $0.initialisation == initialisation }.map(\.record)
            guard let first = records.first else { continue }
            if gradients {
                for (l, dashed) in [(0, false), (first.gradientNorms.count - 1, true)] {
                    let n = records.map { $0.gradientNorms[l].norms.count }.min()!
                    let ys = (0..<n).map { k in Spread(records.map { $0.gradientNorms[l].norms[k] }).median }
                    chart.series.append(.init(dashed ? "" : initialisation.name, x: (0..<n).map { Double($0 + 1) }, y: ys.map { max(1e-12, $0) },
                                              color: Color.palette[i], dashed: dashed))
                }
            } else {
                let layers = first.activity[0].layers.count
                for (r, dashed) in [(layers - 2, false), (layers - 1, true)] {
                    let n = records.map(\.activity.count).min()!
                    let ys = (0..<n).map { k in Spread(records.map { $0.activity[k].layers[r].dead }).median }
                    chart.series.append(.init(dashed ? "" : initialisation.name, x: first.activity.prefix(n).map { Double($0.step) }, y: ys,
                                              color: Color.palette[i], dashed: dashed, markers: true))
                }
            }
        }
        if gradients {
            // Room below the smallest norm for the legend.
            let values = chart.series.flatMap(\.y)
            chart.yScale = .logarithmic
            chart.yRange = values.min()! / 1e6...values.max()! * 10
        } else {
            chart.yRange = 0...1
        }
        return chart
    }

    /// The training-probe error of the long runs against the step (median over seeds).
    func startChart(horizon: Double) -> LineChart {
        var chart = LineChart(title: "Leaving chance at ε = \(start.rate) (runs stop at training error \(Int(StartOfTraining.startedBelow * 100))%)",
                              xLabel: "step (batch 128)", yLabel: "training error")
        for (i, initialisation) in Initialisation.allCases.enumerated() {
            for (k, run) in start.longRuns.filter({ $0.initialisation == initialisation }).enumerated() {
                chart.series.append(.init(k == 0 ? initialisation.name : "", x: run.result.curve.x, y: run.result.curve.y,
                                          color: Color.palette[i], dashed: k > 0))
            }
        }
        chart.xRange = 0...horizon
        chart.yRange = 0...1
        chart.referenceLines = [ReferenceLine(.horizontal, at: StartOfTraining.startedBelow, label: "started")]
        return chart
    }

    // MARK: The paper's regime

    func writeRegime(_ options: ChapterOptions, _ summary: inout CSVTable) throws {
        summary.append(["regime_steps", String(regime.steps)])
        summary.append(["regime_epochs", String(format: "%.1f", Double(regime.steps * regime.batchSize) / Double(data.train.count))])
        summary.append(["regime_reported_seeds", String(regime.reportedSeeds.count)])
        summary.append(["regime_lowest_rate", String(regime.sweep.grid[0])])
        for (arm, initialisation) in zip(regimeArms, regimeInitialisations) {
            let key = "raw_\(initialisation.key)"
            for row in arm.summaryRows { summary.append([row[0].replacingOccurrences(of: arm.key, with: key), row[1]]) }
            let starts = arm.startSteps
            let tried = arm.sweep.results
            summary.append(["\(key)_sweep_rates", tried.map { String($0.rate) }.joined(separator: " ")])
            summary.append(["\(key)_sweep_best_train_error", String(tried.map(\.score.primary).min() ?? .nan)])
            summary.append(["\(key)_runs_started", String(starts.filter(\.isFinite).count)])
            summary.append(["\(key)_start_step_median", String(Spread(starts).median)])
            print("\(arm.name): ε = \(arm.rate), \(starts.filter(\.isFinite).count) of \(starts.count) runs below 50% training error, median step \(Spread(starts).formatted(0))")
        }
        // The bias of 1 against 0, literal and with the gains: training error at the end.
        for (one, zero, key) in [(0, 1, "raw_paper_literal_bias_1_minus_0"), (2, 3, "raw_paper_gains_bias_1_minus_0")]
        where regimeArms.count == regimeInitialisations.count {
            let d = DifferenceOfMedians(regimeArms[zero].final("train"), regimeArms[one].final("train"))
            summary.append(["\(key)_train_error_difference", String(d.difference)])
            summary.append(["\(key)_train_error_difference_low", String(d.low)])
            summary.append(["\(key)_train_error_difference_high", String(d.high)])
            summary.append(["\(key)_train_verdict", d.verdict])
            print("\(regimeArms[one].name) against \(regimeArms[zero].name): training error \(d.formattedPoints), \(d.verdict)")
        }
        try curveChart(regimeArms, title: "The paper's initialisations on raw pixels: training error (solid), validation (dashed)")
            .write(to: options.path("chapter-09-learning-regime.png"))
    }

    // MARK: Momentum and weight decay

    func writeRecipe(_ options: ChapterOptions, _ summary: inout CSVTable) throws {
        summary.append(["recipe_steps", String(recipe.steps)])
        summary.append(["recipe_epochs", String(format: "%.1f", Double(recipe.steps * recipe.batchSize) / Double(data.train.count))])
        summary.append(["recipe_reported_seeds", String(recipe.reportedSeeds.count)])
        for arm in recipeArms {
            for row in arm.summaryRows { summary.append(row) }
            summary.append(["\(arm.key)_validation_error_median", String(Spread(arm.final("validation")).median)])
        }
        let paper = recipeArms[0]
        for other in recipeArms.dropFirst() {
            let train = DifferenceOfMedians(paper.final("train"), other.final("train"))
            let test = DifferenceOfMedians(paper.final("test"), other.final("test"))
            let key = "\(other.key)_minus_paper"
            summary.append(["\(key)_train_error_difference", String(train.difference)])
            summary.append(["\(key)_train_error_difference_low", String(train.low)])
            summary.append(["\(key)_train_error_difference_high", String(train.high)])
            summary.append(["\(key)_train_inside_the_noise", String(train.insideTheNoise)])
            summary.append(["\(key)_test_error_difference", String(test.difference)])
            summary.append(["\(key)_test_inside_the_noise", String(test.insideTheNoise)])
            summary.append(["\(key)_train_verdict", train.verdict])
            summary.append(["\(key)_test_verdict", test.verdict])
            print("\(other.name) against the paper's recipe: training error \(train.formattedPoints), \(train.verdict)"
                  + "; test error \(test.formattedPoints), \(test.verdict)")
        }
        for equal in equalRates {
            let train = DifferenceOfMedians(equal.decay.final("train"), equal.none.final("train"))
            let test = DifferenceOfMedians(equal.decay.final("test"), equal.none.final("test"))
            let key = "no_weight_decay_minus_paper_at_\(String(equal.rate).replacingOccurrences(of: ".", with: "_"))"
            summary.append(["\(key)_train_error_difference", String(train.difference)])
            summary.append(["\(key)_train_error_difference_low", String(train.low)])
            summary.append(["\(key)_train_error_difference_high", String(train.high)])
            summary.append(["\(key)_train_verdict", train.verdict])
            summary.append(["\(key)_test_error_difference", String(test.difference)])
            summary.append(["\(key)_test_verdict", test.verdict])
            print("no weight decay against decay, both at ε = \(equal.rate): training error \(train.formattedPoints), \(train.verdict)"
                  + "; test error \(test.formattedPoints), \(test.verdict)")
        }
        try curveChart(recipeArms, title: "Momentum and weight decay: training error (solid), validation (dashed)")
            .write(to: options.path("chapter-09-learning.png"))
    }

    /// The training-probe error (solid) and validation error (dashed) against the step: the
    /// median over an arm's reported seeds, their range as a band on the training curve.
    func curveChart(_ arms: [HeldOutComparison.ArmResult], title: String) -> LineChart {
        var chart = LineChart(title: title, xLabel: "step (batch 128)", yLabel: "error (logarithmic)")
        for (i, arm) in arms.enumerated() {
            for split in ["train", "validation"] {
                let curves = arm.runs.filter { !$0.result.diverged }.map { split == "train" ? $0.result.curve : $0.result.heldOut[split]! }
                guard let first = curves.first else { continue }
                let n = curves.map(\.points.count).min()!
                let ys = (0..<n).map { k in curves.map { $0.points[k].y } }
                chart.series.append(.init(split == "train" ? arm.name : "", x: Array(first.x.prefix(n)), y: ys.map { Spread($0).median },
                                          color: Color.palette[i], dashed: split != "train",
                                          band: split == "train" ? (ys.map { $0.min()! }, ys.map { $0.max()! }) : nil))
            }
        }
        let values = chart.series.flatMap(\.y).filter { $0 > 0 }
        chart.yScale = .logarithmic
        chart.yRange = max(0.001, (values.min() ?? 0.01) * 0.8)...1
        return chart
    }

    // MARK: The schedule

    func writeSchedule(_ options: ChapterOptions, _ summary: inout CSVTable) throws {
        summary.append(["schedule_training_images", String(scheduleData.train.count)])
        summary.append(["schedule_steps", String(schedule.steps)])
        summary.append(["schedule_epochs", String(format: "%.1f", Double(schedule.steps * schedule.batchSize) / Double(scheduleData.train.count))])
        summary.append(["schedule_measure_every", String(schedule.measureEvery)])
        summary.append(["schedule_patience_measurements", String(patience)])
        if scheduleArms.contains(where: { $0.name == "divide at fixed steps" }),
           case .steps(let at) = schedules(measurements: schedule.steps / schedule.measureEvery, patience: patience)[2].schedule {
            summary.append(["fixed_division_steps", at.map { String($0 * schedule.measureEvery) }.joined(separator: " ")])
        }
        var rates = CSVTable(header: ["arm", "seed", "step", "learning_rate"])
        for arm in scheduleArms {
            for row in arm.summaryRows { summary.append(row) }
            summary.append(["\(arm.key)_validation_error_median", String(Spread(arm.final("validation")).median)])
            // Divisions that took effect: the rate after the last measurement trains nothing.
            let reductions = arm.runs.map { Double(Set($0.result.rates.y.dropLast()).count - 1) }
            summary.append(["\(arm.key)_reductions_median", String(Spread(reductions).median)])
            for (seed, result) in arm.runs {
                for p in result.rates.points { rates.append([arm.name, String(seed), String(Int(p.x)), String(p.y)]) }
            }
        }
        try rates.write(to: options.path("chapter-09-learning-rates.csv"))
        let plateau = scheduleArms[0]
        for other in scheduleArms.dropFirst() where plateau.name == "divide on plateau" {
            let rows = differenceRows(plateau, other, key: "\(other.key)_minus_plateau")
            for row in rows.rows { summary.append(row) }
            print(rows.sentence)
        }
        var chart = LineChart(title: "Learning-rate schedules: validation error (median of seeds)",
                              xLabel: "step (batch 128)", yLabel: "validation error")
        var rateChart = LineChart(title: "The learning rate each schedule used (every seed)", xLabel: "step (batch 128)",
                                  yLabel: "learning rate (logarithmic)")
        for (i, arm) in scheduleArms.enumerated() {
            let curves = arm.runs.filter { !$0.result.diverged }.map { $0.result.heldOut["validation"]! }
            guard let first = curves.first else { continue }
            let n = curves.map(\.points.count).min()!
            let ys = (0..<n).map { k in curves.map { $0.points[k].y } }
            chart.series.append(.init(arm.name, x: Array(first.x.prefix(n)).dropFirst().map { $0 }, y: ys.dropFirst().map { Spread($0).median },
                                      color: Color.palette[i], markers: true,
                                      band: (ys.dropFirst().map { $0.min()! }, ys.dropFirst().map { $0.max()! })))
            for (k, run) in arm.runs.enumerated() {
                // A step function: each rate holds until the next measurement.
                var x: [Double] = [], y: [Double] = []
                for (j, p) in run.result.rates.points.enumerated() {
                    x.append(p.x); y.append(p.y)
                    if j + 1 < run.result.rates.points.count { x.append(run.result.rates.points[j + 1].x); y.append(p.y) }
                }
                rateChart.series.append(.init(k == 0 ? arm.name : "", x: x, y: y, color: Color.palette[i], dashed: k > 0))
            }
        }
        rateChart.yScale = .logarithmic
        try chart.write(to: options.path("chapter-09-learning-schedule.png"))
        try rateChart.write(to: options.path("chapter-09-learning-rates.png"))
    }
}

extension Initialisation {
    /// The key of its rows in the summary CSV.
    var key: String {
        switch self {
        case .paperLiteral: "paper_literal"
        case .paperLiteralBiasZero: "paper_literal_bias_0"
        case .paperGainsBiasOne: "paper_gains_bias_1"
        case .paperGainsBiasZero: "paper_gains_bias_0"
        case .he: "he_bias_0"
        }
    }
}
