import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The summary beside the paper's numbers, every run's measurements, and two figures: the error
/// curves, and the train–test gap against the step.
func writePoolingReport(data: Dataset, crop: Int, comparison: HeldOutComparison, overlapping: HeldOutComparison.ArmResult,
                        plain: HeldOutComparison.ArmResult, parameters: [Int], started: Date, options: ChapterOptions) throws {
    let difference = differenceRows(overlapping, plain, key: "plain_minus_overlapping")
    print(difference.sentence + " — the paper: plain pooling +\(PaperClaims.text(PaperClaims.plainPoolingTop1Points)) points top-1, +\(PaperClaims.text(PaperClaims.plainPoolingTop5Points)) top-5, and easier to overfit")
    var summary = CSVTable(header: ["quantity", "value"])
    let rates = Set([overlapping, plain].flatMap { $0.sweep.trials.map(\.rate) }).sorted().map { String($0) }.joined(separator: " ")
    for row in [
        ["dataset", data.name], ["training_images", String(data.train.count)], ["validation_images", String(data.validation!.count)],
        ["test_images", String(data.test.count)], ["crop", String(crop)], ["steps", String(comparison.steps)],
        ["epochs", String(format: "%.1f", Double(comparison.steps * comparison.batchSize) / Double(data.train.count))],
        ["selection_seeds", String(comparison.selectionSeeds.count)], ["reported_seeds", String(comparison.reportedSeeds.count)],
        ["rates_tried", rates], ["weight_decay", String(comparison.weightDecay)],
        ["overlapping_parameters", String(parameters[0])], ["plain_parameters", String(parameters[1])],
        ["paper_top1_difference_points", PaperClaims.text(PaperClaims.plainPoolingTop1Points)],
        ["paper_top5_difference_points", PaperClaims.text(PaperClaims.plainPoolingTop5Points)],
    ] { summary.append(row) }
    for row in overlapping.summaryRows + plain.summaryRows + difference.rows { summary.append(row) }
    summary.append(["blas_kernel", BLASKernel.current])
    summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])

    try summary.write(to: options.path("chapter-06-pooling.csv"))
    try heldOutRunsTable([overlapping, plain]).write(to: options.path("chapter-06-pooling-runs.csv"))
    try heldOutChart([overlapping, plain], title: "Overlapping 3/2 against plain 2/2 pooling, \(data.name) (\(comparison.reportedSeeds.count) seeds each)")
        .write(to: options.path("chapter-06-pooling.png"))
    try gapChart([overlapping, plain], dataset: data.name).write(to: options.path("chapter-06-pooling-gap.png"))
    print("wrote chapter-06-pooling.csv, -runs.csv, .png, -gap.png to \(options.outputDirectory) in \(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) minutes")
}
