import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The summary beside the paper's numbers, every run's measurements, every network's centre and
/// ten-view errors, and the figures: error curves, the train–test gap, the views.
struct AugmentationReport {
    var data: Dataset
    var crop: Int
    var comparison: HeldOutComparison
    var arms: [HeldOutComparison.ArmResult]
    var views: [TenViewResult]
    var shown: ShownAugmentations
    var started: Date

    func write(_ options: ChapterOptions) throws {
        var summary = CSVTable(header: ["quantity", "value"])
        let rates = Set(arms.flatMap { $0.sweep.trials.map(\.rate) }).sorted().map { String($0) }.joined(separator: " ")
        let lighting = shown.lighting
        let eigenvectors = lighting.eigenvectors.map { $0.map { String(format: "%.4f", $0) }.joined(separator: " ") }
        let epochs = Double(comparison.steps * comparison.batchSize) / Double(data.train.count)
        let rows: [[String]] = [
            ["dataset", data.name], ["training_images", String(data.train.count)], ["validation_images", String(data.validation!.count)],
            ["test_images", String(data.test.count)], ["image_side", String(data.train.height)], ["crop", String(crop)],
            ["distinct_training_views", String(shown.distinctViews)], ["views_counted_as_the_paper_does", String(shown.paperCount)],
            ["paper_views_factor", PaperClaims.text(PaperClaims.trainingViewsFactor)], ["steps", String(comparison.steps)], ["epochs", String(format: "%.1f", epochs)],
            ["selection_seeds", String(comparison.selectionSeeds.count)], ["reported_seeds", String(comparison.reportedSeeds.count)],
            ["rates_tried", rates], ["weight_decay", String(comparison.weightDecay)],
            ["lighting_sigma", String(lighting.standardDeviation)],
            ["lighting_eigenvalues", lighting.eigenvalues.map { String(format: "%.5f", $0) }.joined(separator: " ")],
            ["lighting_eigenvectors", eigenvectors.joined(separator: " | ")],
            ["lighting_shift_sd_grey_levels", shown.shiftDeviation.map { String(format: "%.2f", $0) }.joined(separator: " ")],
            ["paper_ten_view_top1_centre", PaperClaims.text(PaperClaims.centreViewTop1)], ["paper_ten_view_top1_ten", PaperClaims.text(PaperClaims.tenViewsTop1)],
            ["paper_ten_view_top5_centre", PaperClaims.text(PaperClaims.centreViewTop5)], ["paper_ten_view_top5_ten", PaperClaims.text(PaperClaims.tenViewsTop5)],
            ["paper_lighting_top1_gain_points", PaperClaims.text(PaperClaims.lightingTop1GainPoints)],
        ]
        for row in rows { summary.append(row) }
        for arm in arms { for row in arm.summaryRows { summary.append(row) } }
        for arm in arms.dropFirst() {
            let difference = differenceRows(arm, arms[0], key: "\(arms[0].key)_minus_\(arm.key)")
            print(difference.sentence)
            for row in difference.rows { summary.append(row) }
        }
        if arms.count == 3 {
            let difference = differenceRows(arms[2], arms[1], key: "\(arms[1].key)_minus_\(arms[2].key)")
            print(difference.sentence + " — the paper: lighting lowers top-1 error by over \(PaperClaims.text(PaperClaims.lightingTop1GainPoints)) point (ImageNet)")
            for row in difference.rows { summary.append(row) }
        }
        for arm in arms {
            let mine = views.filter { $0.arm == arm.name }
            let changes = mine.map { $0.ten.top1 - $0.centre.top1 }
            let key = arm.key
            for (quantity, values) in [("centre_view_top1", mine.map(\.centre.top1)), ("ten_view_top1", mine.map(\.ten.top1)),
                                       ("ten_minus_centre", changes)] {
                let s = Spread(values)
                summary.append(["\(key)_\(quantity)_median", String(s.median)])
                summary.append(["\(key)_\(quantity)_min", String(s.minimum)])
                summary.append(["\(key)_\(quantity)_max", String(s.maximum)])
            }
            let inside = (changes.min() ?? 0) <= 0 && 0 <= (changes.max() ?? 0)
            summary.append(["\(key)_ten_minus_centre_inside_the_noise", String(inside)])
            print(String(format: "%@: ten views against the centre view %+.2f points top-1 (seeds %+.2f to %+.2f)%@ — the paper: %+.1f",
                         arm.name, Spread(changes).median * 100, (changes.min() ?? 0) * 100, (changes.max() ?? 0) * 100,
                         inside ? ", inside the noise" : "", PaperClaims.tenMinusCentreTop1 * 100))
        }
        summary.append(["blas_kernel", BLASKernel.current])
        summary.append(["minutes", String(format: "%.1f", Date().timeIntervalSince(started) / 60)])

        var viewTable = CSVTable(header: ["arm", "seed", "centre_top1", "ten_top1", "centre_top5", "ten_top5"])
        for v in views {
            viewTable.append([v.arm, String(v.seed), String(v.centre.top1), String(v.ten.top1), String(v.centre.top5), String(v.ten.top5)])
        }
        try summary.write(to: options.path("chapter-07-augmentation.csv"))
        try heldOutRunsTable(arms).write(to: options.path("chapter-07-augmentation-runs.csv"))
        try viewTable.write(to: options.path("chapter-07-augmentation-ten-views.csv"))
        try heldOutChart(arms, title: "Without and with augmentation, \(data.name) (\(comparison.reportedSeeds.count) seeds each)")
            .write(to: options.path("chapter-07-augmentation.png"))
        try gapChart(arms, dataset: data.name).write(to: options.path("chapter-07-augmentation-gap.png"))
        print("wrote chapter-07-augmentation.csv, -runs.csv, -ten-views.csv, .png, -gap.png, -views.png, -lighting.png to \(options.outputDirectory) in \(String(format: "%.1f", Date().timeIntervalSince(started) / 60)) minutes")
    }
}
