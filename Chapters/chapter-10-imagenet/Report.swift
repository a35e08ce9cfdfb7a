import AlexNet
import AlexNetData
import AlexNetExperiments
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// The summary and tables as CSV, the printed comparison with Tables 1 and 2, the projection,
/// and the figures: each net's curves through the schedule, the table as bars, the projected time.
struct ImageNetReport {
    var source: ImageNetSource
    var recipe: Recipe
    var outcome: Recipe.Outcome
    var tables: Tables
    var costs: Costs
    var seconds: Double

    static let day = 86_400.0

    func write(_ options: ChapterOptions) throws {
        let single = tables.single, n = outcome.nets.count
        let centre1 = Spread(single.map { $0.centre.top1 }), centre5 = Spread(single.map { $0.centre.top5 })
        let ten1 = Spread(single.map { $0.ten.top1 }), ten5 = Spread(single.map { $0.ten.top5 })
        let gain1 = Spread(single.map { $0.ten.top1 - $0.centre.top1 }), gain5 = Spread(single.map { $0.ten.top5 - $0.centre.top5 })
        let all = (tables.ensemble(n, .centre), tables.ensemble(n, .ten))
        let p = costs.projection
        let data = try recipe.data(source.shards)

        var summary = CSVTable(header: ["quantity", "value"])
        var rows: [[String]] = [
            ["data", source.description], ["is_imagenet", String(source.isImageNet)],
            ["training_images", String(data.train.count)], ["validation_images", String(data.validation?.count ?? 0)],
            ["reported_images", String(source.shards.validation!.count)], ["classes", String(source.shards.index.classes.count)],
            ["stored_size", String(source.shards.index.size)], ["crop", String(recipe.crop)],
            ["converted_files", String(source.shards.index.converted)], ["skipped_files", String(source.shards.index.skipped)],
            ["preparation_seconds", String(format: "%.2f", source.preparationSeconds)],
            ["parameters", String(outcome.nets[0].network.parameterCount)], ["nets", String(n)],
            ["epochs", String(recipe.epochs)], ["patience", String(recipe.patience)], ["learning_rate", String(outcome.rate)],
            ["rate_divisions_median", String(Spread(outcome.nets.map { Double(Set($0.records.map(\.learningRate)).count - 1) }).median)],
            ["training_seconds_median", String(format: "%.1f", Spread(outcome.nets.map(\.seconds)).median)],
        ]
        if let sweep = outcome.sweep {
            rows += [["rates_tried", sweep.results.map { String($0.rate) }.joined(separator: " ")], ["rate_bracketed", String(sweep.bracketed)],
                     ["sweep_epochs", String(recipe.sweepEpochs)]]
        }
        for (name, s) in [("single_centre_top1", centre1), ("single_centre_top5", centre5), ("single_ten_top1", ten1), ("single_ten_top5", ten5),
                          ("ten_minus_centre_top1", gain1), ("ten_minus_centre_top5", gain5)] {
            rows += [["\(name)_median", String(s.median)], ["\(name)_min", String(s.minimum)], ["\(name)_max", String(s.maximum)]]
        }
        rows += [
            ["ten_views_better_nets_top1", String(single.filter { $0.ten.top1 < $0.centre.top1 }.count)],
            ["ensemble_centre_top1", String(all.0.top1)], ["ensemble_centre_top5", String(all.0.top5)],
            ["ensemble_ten_top1", String(all.1.top1)], ["ensemble_ten_top5", String(all.1.top5)],
            ["ensemble_ten_minus_best_single_ten_top1", String(all.1.top1 - ten1.minimum)],
            ["starred_nets", String(tables.starred.count)],
            ["pretraining_data", source.fall2011Description ?? "none"],
            ["pretraining_images", String(source.fall2011?.train.count ?? 0)], ["pretraining_classes", String(source.fall2011?.index.classes.count ?? 0)],
            ["paper_single_top1", PaperClaims.text(PaperClaims.oneNetTop1)], ["paper_single_top5", PaperClaims.text(PaperClaims.oneNetTop5)],
            ["paper_five_top1", PaperClaims.text(PaperClaims.fiveNetsTop1)], ["paper_five_top5", PaperClaims.text(PaperClaims.fiveNetsTop5)],
            ["paper_seven_top5_test", PaperClaims.text(PaperClaims.sevenNetsTestTop5)],
            ["paper_ten_minus_centre_top1_2010", PaperClaims.text(PaperClaims.tenMinusCentreTop1)],
            ["paper_ten_minus_centre_top5_2010", PaperClaims.text(PaperClaims.tenMinusCentreTop5)],
            ["photographs", String(costs.photographs)], ["odd_files_converted", String(costs.converted)], ["odd_files_skipped", String(costs.skipped)], ["photograph_kilobytes", String(format: "%.0f", costs.photographBytes / 1024)],
            ["preparation_images_per_second", String(format: "%.1f", costs.preparationRate)],
            ["archive_preparation_images_per_second", String(format: "%.1f", costs.archivePreparationRate)],
            ["six_conv_training_images_per_second", String(format: "%.1f", p.sixConvolutionRate)],
            ["fall2011_training_images_per_second", String(format: "%.1f", p.fall2011Rate)],
            ["paper_net_inference_images_per_second", String(format: "%.1f", p.inferenceRate)],
            ["disk_megabytes_per_second", String(format: "%.0f", p.diskRate / 1e6)], ["disk_test_megabytes", String(costs.diskMegabytes)],
            ["shards_fit_in_memory", String(p.shardsFitInMemory)],
            ["loader_images_per_second_1_thread", String(format: "%.0f", costs.loaderRates[1]!)],
            ["loader_images_per_second_2_threads", String(format: "%.0f", costs.loaderRates[2]!)],
            ["paper_net_training_images_per_second", String(format: "%.1f", costs.trainingRate)], ["paper_net_training_batch", String(costs.trainingBatch)],
            ["loader_headroom", String(format: "%.0f", p.loaderHeadroom)],
            ["preparation_days", String(format: "%.2f", p.preparationSeconds / Self.day)],
            ["one_run_days", String(format: "%.1f", p.runSeconds / Self.day)],
            ["one_run_core_days", String(format: "%.0f", p.runSeconds / Self.day * Double(options.threads))],
            ["five_nets_days", String(format: "%.0f", p.fiveNetSeconds / Self.day)],
            ["fall2011_preparation_days", String(format: "%.1f", p.fall2011PreparationSeconds / Self.day)],
            ["pretraining_days", String(format: "%.0f", p.pretrainingSeconds / Self.day)],
            ["fine_tuning_days", String(format: "%.0f", p.fineTuningSeconds / Self.day)],
            ["seven_nets_days", String(format: "%.0f", p.sevenNetSeconds / Self.day)],
            ["seven_nets_years", String(format: "%.1f", p.sevenNetSeconds / Self.day / 365.25)],
            ["threads", String(options.threads)], ["blas_kernel", BLASKernel.current],
            ["wall_seconds", String(format: "%.0f", seconds)],
        ]
        if !tables.starred.isEmpty {
            let starred1 = Spread(tables.starred.map { $0.centre.top1 }), starredTen1 = Spread(tables.starred.map { $0.ten.top1 })
            let mixed = (tables.mixed.first { $0.views == .centre }!, tables.mixed.first { $0.views == .ten }!)
            rows += [["starred_centre_top1_median", String(starred1.median)], ["starred_centre_top1_min", String(starred1.minimum)],
                     ["starred_centre_top1_max", String(starred1.maximum)], ["starred_ten_top1_median", String(starredTen1.median)],
                     ["mixed_nets", String(mixed.0.nets)],
                     ["mixed_centre_top1", String(mixed.0.top1)], ["mixed_centre_top5", String(mixed.0.top5)],
                     ["mixed_ten_top1", String(mixed.1.top1)], ["mixed_ten_top5", String(mixed.1.top5)],
                     ["mixed_minus_ensemble_ten_top1", String(mixed.1.top1 - all.1.top1)],
                     ["paper_starred_top1", "0.390"], ["paper_starred_top5", "0.166"], ["paper_seven_top1", "0.367"], ["paper_seven_top5", "0.154"]]
        }
        for row in rows { summary.append(row) }
        try summary.write(to: options.path("chapter-10-imagenet.csv"))

        var runs = CSVTable(header: ["seed", "epoch", "learning_rate", "training_loss", "training_error", "validation_top1", "reported_top1", "reported_top5"])
        for net in outcome.nets {
            for r in net.records {
                runs.append(numbers: [Double(net.seed), Double(r.epoch), r.learningRate, r.trainingLoss, r.trainingError, r.validationTop1, r.testTop1, r.testTop5])
            }
        }
        try runs.write(to: options.path("chapter-10-imagenet-runs.csv"))
        var table = CSVTable(header: ["nets", "views", "top1", "top5"])
        for s in single {
            table.append(["seed \(s.seed)", "centre", String(s.centre.top1), String(s.centre.top5)])
            table.append(["seed \(s.seed)", "ten", String(s.ten.top1), String(s.ten.top5)])
        }
        for r in tables.ensembles { table.append(["ensemble of \(r.nets)", r.views.rawValue, String(r.top1), String(r.top5)]) }
        for s in tables.starred {
            table.append(["starred seed \(s.seed)", "centre", String(s.centre.top1), String(s.centre.top5)])
            table.append(["starred seed \(s.seed)", "ten", String(s.ten.top1), String(s.ten.top5)])
        }
        for r in tables.mixed { table.append(["mixed ensemble of \(r.nets)", r.views.rawValue, String(r.top1), String(r.top5)]) }
        try table.write(to: options.path("chapter-10-imagenet-tables.csv"))
        var projection = CSVTable(header: ["run", "seconds_here", "days_here", "core_days", "days_16_cores_ideal", "days_64_cores_ideal"])
        for (name, s) in costs.rows {
            projection.append([name, String(format: "%.0f", s), String(format: "%.2f", s / Self.day), String(format: "%.1f", s / Self.day * Double(options.threads)),
                               String(format: "%.2f", s / Self.day * Double(options.threads) / 16), String(format: "%.2f", s / Self.day * Double(options.threads) / 64)])
        }
        try projection.write(to: options.path("chapter-10-imagenet-projection.csv"))
        if let sweep = outcome.sweep {
            var sweepTable = CSVTable(header: ["rate", "seed", "validation_top1"])
            for t in sweep.trials { sweepTable.append(numbers: [t.rate, Double(t.seed), t.score.primary]) }
            try sweepTable.write(to: options.path("chapter-10-imagenet-sweep.csv"))
        }

        // Printed: Tables 1 and 2 beside ours.
        func pc(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        func spread(_ s: Spread) -> String { "\(pc(s.median)) (\(pc(s.minimum))–\(pc(s.maximum)))" }
        print("")
        print(source.isImageNet ? "On ImageNet's validation set:" : "On the reported split of the converted tree (NOT ImageNet; the paper's numbers are for 1000 classes):")
        printTable([
            ["", "top-1", "top-5", "paper top-1", "paper top-5"],
            ["1 net, centre view (median of \(n))", spread(centre1), spread(centre5), "40.7%", "18.2%"],
            ["1 net, ten views", spread(ten1), spread(ten5), "", ""],
            ["ten views − centre", String(format: "%+.2f pts (%+.2f to %+.2f)", 100 * gain1.median, 100 * gain1.minimum, 100 * gain1.maximum),
             String(format: "%+.2f pts", 100 * gain5.median), "−1.5 pts", "−1.3 pts (2010)"],
            ["\(n) nets averaged, centre", pc(all.0.top1), pc(all.0.top5), n == 5 ? "38.1%" : "", n == 5 ? "16.4%" : ""],
            ["\(n) nets averaged, ten views", pc(all.1.top1), pc(all.1.top5), "", ""],
        ] + (tables.starred.isEmpty ? [] : [
            ["1 starred net (6 convs, pre-trained), centre (median of \(tables.starred.count))", spread(Spread(tables.starred.map { $0.centre.top1 })),
             spread(Spread(tables.starred.map { $0.centre.top5 })), "39.0%", "16.6%"],
            ["\(tables.mixed[0].nets) nets averaged (\(n) + \(tables.starred.count) starred), ten views", pc(tables.mixed.first { $0.views == .ten }!.top1),
             pc(tables.mixed.first { $0.views == .ten }!.top5), tables.mixed[0].nets == 7 ? "36.7%" : "", tables.mixed[0].nets == 7 ? "15.4%" : ""],
        ]))
        print("")
        print(String(format: "Measured here (%d threads, %@ kernel): preparation %.0f images/s from files and %.0f from a tar of class tars (synthetic 500×375 JPEGs of %.0f KB), loader %.0f images/s (1 thread) / %.0f (2), the paper's network trains at %.1f images/s (batch %d; %.1f with a sixth convolution, %.1f with it and 21,841 outputs) and evaluates at %.0f: the loader is %.0f× faster than training. The disk reads %.0f MB/s.",
                     options.threads, BLASKernel.current, costs.preparationRate, costs.archivePreparationRate, costs.photographBytes / 1024, costs.loaderRates[1]!, costs.loaderRates[2]!,
                     costs.trainingRate, costs.trainingBatch, p.sixConvolutionRate, p.fall2011Rate, p.inferenceRate, p.loaderHeadroom, p.diskRate / 1e6))
        printTable([["projected", "here", "core-days", "16 cores, ideal", "64 cores, ideal"]] + costs.rows.map { row in
            [row.name, duration(row.seconds), String(format: "%.0f", row.seconds * Double(options.threads) / Self.day),
             duration(row.seconds * Double(options.threads) / 16), duration(row.seconds * Double(options.threads) / 64)]
        } + [["(the paper: one net in five to six days on two GTX 580s)", "", "", "", ""]])
        print(String(format: "Chapter 10 ran in %.0f s.", seconds))

        // Figures.
        var chart = LineChart(title: "The recipe on \(source.isImageNet ? "ImageNet" : "the converted tree (not ImageNet)"): \(n) nets, epoch by epoch",
                              xLabel: "epoch", yLabel: "top-1 error")
        chart.xIntegers = true
        for (i, net) in outcome.nets.enumerated() {
            let x = net.records.map { Double($0.epoch) }
            chart.series.append(.init(i == 0 ? "reported split" : "", x: x, y: net.records.map(\.testTop1), color: Color.palette[0], markers: true))
            chart.series.append(.init(i == 0 ? "held-out validation" : "", x: x, y: net.records.map(\.validationTop1), color: Color.palette[1], dashed: true))
            chart.series.append(.init(i == 0 ? "training (running, augmented)" : "", x: x, y: net.records.map(\.trainingError), color: Color.palette[2]))
        }
        try chart.write(to: options.path("chapter-10-imagenet.png"))
        var bars = BarChart(title: "Tables 1-2 on \(source.isImageNet ? "ImageNet" : "the converted tree, not ImageNet"): 1 net against \(n) averaged",
                            yLabel: "error", categories: ["top-1", "top-5"])
        bars.groups = [
            .init("1 net, centre", values: [centre1.median, centre5.median], errors: [(centre1.maximum - centre1.minimum) / 2, (centre5.maximum - centre5.minimum) / 2]),
            .init("1 net, ten views", values: [ten1.median, ten5.median], errors: [(ten1.maximum - ten1.minimum) / 2, (ten5.maximum - ten5.minimum) / 2]),
            .init("\(n) nets, centre", values: [all.0.top1, all.0.top5]),
            .init("\(n) nets, ten views", values: [all.1.top1, all.1.top5]),
        ]
        try bars.write(to: options.path("chapter-10-imagenet-tables.png"))
        var time = BarChart(title: "The paper's runs, projected from the rates measured here",
                            yLabel: "days", categories: ["one net, 90 epochs", "five nets", "seven nets"])
        time.legend = .topLeft
        time.groups = [.init("this machine (\(options.threads) cores)", values: [p.runSeconds, p.fiveNetSeconds, p.sevenNetSeconds].map { $0 / Self.day }),
                       .init("64 cores if it scaled linearly", values: [p.runSeconds, p.fiveNetSeconds, p.sevenNetSeconds].map { $0 / Self.day * Double(options.threads) / 64 })]
        try time.write(to: options.path("chapter-10-imagenet-projection.png"))
    }

    func duration(_ s: Double) -> String {
        s >= Self.day ? String(format: "%.1f days", s / Self.day) : ProgressDisplay.duration(s)
    }
}
