// Chapter 2 — backpropagation, and how we know it is right.
//
// Runs the numerical gradient check of every layer in Double and in Float and prints the worst
// relative error of each; then sweeps the finite-difference step h and plots the error against
// h for both precisions: the V of truncation error (∝ h²) against rounding error (∝ ε/h).
//
//     swift run -c release chapter-02-gradients [--quick] [--out DIR]
import AlexNet
import Foundation
import ToolSupport
import AlexNetChecks
import AlexNetTraining
import Plotting

runTool("chapter-02-gradients") {
    let a = Arguments(CommandLine.arguments.dropFirst(), command: "chapter-02-gradients",
                      summary: "Chapter 2: the gradient check of every layer, and the error against the step h in Float and Double.")
    let options = ChapterOptions(a)
    try a.finish()
    try options.prepare()

    // 1. Every layer at the default step ε^(1/3).
    let doubles = GradientCheck.layerCases(Double.self), floats = GradientCheck.layerCases(Float.self)
    var rows = [["layer", "worst relative error, Double", "worst relative error, Float"]]
    var table = CSVTable(header: ["layer", "double_worst_relative_error", "float_worst_relative_error"])
    var worst = (double: 0.0, float: 0.0)
    for (d, f) in zip(doubles, floats) {
        let (ed, ef) = (d.worstRelativeError(), f.worstRelativeError())
        worst = (max(worst.double, ed), max(worst.float, ef))
        rows.append([d.name, String(format: "%.1e", ed), String(format: "%.1e", ef)])
        table.append([d.name, String(ed), String(ef)])
    }
    print("Gradient check of every layer, centred differences, h = ε^(1/3) (Double \(String(format: "%.1e", GradientCheck.defaultStep(for: Double.self))), Float \(String(format: "%.1e", GradientCheck.defaultStep(for: Float.self)))):\n")
    printTable(rows)
    try table.write(to: options.path("chapter-02-gradients-layers.csv"))

    // 2. Error against h: the median over layers of each layer's worst error, per precision.
    let exponents = options.budget(quick: [2, 4, 6, 8], normal: Array(1...12), full: Array(1...12))
    let steps = exponents.map { pow(10, -Double($0)) }
    var sweep = CSVTable(header: ["step", "double_median", "double_max", "float_median", "float_max"])
    var series: [(label: String, median: [Double], max: [Double])] = [("Double", [], []), ("Float", [], [])]
    for h in steps {
        let d = doubles.map { $0.worstRelativeError(step: h) }, f = floats.map { $0.worstRelativeError(step: h) }
        series[0].median.append(median(d)); series[0].max.append(d.max()!)
        series[1].median.append(median(f)); series[1].max.append(f.max()!)
        sweep.append(numbers: [h, median(d), d.max()!, median(f), f.max()!])
    }
    try sweep.write(to: options.path("chapter-02-gradients.csv"))
    var chart = LineChart(title: "Gradient check of \(doubles.count) layers: relative error against the step h",
                          xLabel: "finite-difference step h", yLabel: "relative error")
    for (i, s) in series.enumerated() {
        let color = Color.palette[i]
        // A relative error of 0 (exact agreement) cannot be drawn on a log axis: floor it at 1e-16.
        let floor = { (v: [Double]) in v.map { max($0, 1e-16) } }
        chart.series.append(.init("\(s.label), median over layers", x: steps, y: floor(s.median), color: color, markers: true))
        chart.series.append(.init("\(s.label), worst layer", x: steps, y: floor(s.max), color: color, dashed: true))
    }
    chart.xScale = .logarithmic
    chart.yScale = .logarithmic
    chart.yRange = 1e-12...10
    chart.referenceLines = [ReferenceLine(.horizontal, at: 1e-6, label: "the tests' tolerance, 1e-6")]
    try chart.write(to: options.path("chapter-02-gradients.png"))

    let bestDouble = zip(steps, series[0].max).min { $0.1 < $1.1 }!, bestFloat = zip(steps, series[1].max).min { $0.1 < $1.1 }!
    var summary = CSVTable(header: ["quantity", "value"])
    summary.append(["layers", String(doubles.count)])
    summary.append(["double_default_step", String(GradientCheck.defaultStep(for: Double.self))])
    summary.append(["float_default_step", String(GradientCheck.defaultStep(for: Float.self))])
    summary.append(["double_worst_relative_error", String(worst.double)])
    summary.append(["float_worst_relative_error", String(worst.float)])
    summary.append(["double_best_step", String(bestDouble.0)])
    summary.append(["double_best_step_worst_error", String(bestDouble.1)])
    summary.append(["float_best_step", String(bestFloat.0)])
    summary.append(["float_best_step_worst_error", String(bestFloat.1)])
    try summary.write(to: options.path("chapter-02-gradients-summary.csv"))
    print(String(format: "\nbest step: Double h = %.0e (worst layer %.1e), Float h = %.0e (worst layer %.1e)",
                 bestDouble.0, bestDouble.1, bestFloat.0, bestFloat.1))
    print("wrote \(options.path("chapter-02-gradients.png")), \(options.path("chapter-02-gradients.csv")), \(options.path("chapter-02-gradients-layers.csv"))")
}
