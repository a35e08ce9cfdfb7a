import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import Plotting
import TestSupport

/// ImageNet end to end through the `alexnet` tool, on a generated ImageNet-layout tree of real
/// JPEG files with the real data's odd files: prepare → a few steps of the paper's network → a
/// full short run of a scaled net → ten-view and ensemble evaluation.
@Suite(.serialized) struct ImageNetToolTests {
    /// 3 classes × 80 training and 20 validation pictures, each class its own hue and stripes,
    /// of 44×36 pixels; plus a grey JPEG, a PNG named .JPEG, a JPEG cut before its image data,
    /// a text file, and a PNG named .JPEG whose header claims 10¹² pixels.
    static func makeTree(_ root: String) throws {
        func split(_ count: Int, seed: UInt64) -> DatasetSplit {
            var g = RandomGenerator(seed: seed)
            var pixels: [UInt8] = [], labels: [Int] = []
            for i in 0..<count {
                let label = i % 3, phase = Int(g.next() % 8)
                for c in 0..<3 {
                    for y in 0..<36 {
                        for x in 0..<44 {
                            let stripe = ((label == 0 ? x : label == 1 ? y : x + y) + phase) / 4 % 2
                            let base = c == label ? 190 : 60
                            pixels.append(UInt8(max(0, min(255, base + 50 * stripe + Int(g.next() % 30)))))
                        }
                    }
                }
                labels.append(label)
            }
            return DatasetSplit(channels: 3, height: 36, width: 44, pixels: pixels, labels: labels)
        }
        try ImageNetTree.write(train: split(240, seed: 1), validation: split(60, seed: 2), to: root)
        let odd = "\(root)/train/\(ImageNetTree.wnid(2))"
        let grey = try JPEG.encode((0..<(50 * 40)).map { UInt8($0 % 200) }, width: 50, height: 40, colourSpace: .grey)
        try Data(grey).write(to: URL(fileURLWithPath: "\(odd)/grey.JPEG"))
        try Image(width: 40, height: 30, channels: 3, fill: 120).writePNG(to: "\(odd)/actually_png.JPEG")
        let long = try JPEG.encode([UInt8](repeating: 90, count: 120 * 80 * 3), width: 120, height: 80)
        try Data(long.prefix(long.count / 2)).write(to: URL(fileURLWithPath: "\(odd)/truncated.JPEG"))
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: "\(odd)/readme.JPEG"))
        try Data(hostilePNG(width: 1_000_000, height: 1_000_000)).write(to: URL(fileURLWithPath: "\(odd)/huge.JPEG"))
    }

    /// Table 2's recipe from the distribution's files: the archives as downloaded → a few steps of
    /// the paper's net → a six-convolution net pre-trained on a "Fall 2011" of another width →
    /// fine-tuned → averaged with a five-convolution net.
    @Test func theDistributionsArchivesToAMixedEnsemble() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.makeTree("\(directory)/tree")
        // The tree's images as ILSVRC-2012's three downloads, and relabelled into 6 classes as Fall 2011's.
        let tree = try ImageNetLayout.scan(root: "\(directory)/tree", validationLabels: "\(directory)/tree/LOC_val_solution.csv")
        func split(_ files: [ImageNetLayout.File], relabel: (Int, Int) -> Int = { label, _ in label }) throws -> DatasetSplit {
            let images = try files.prefix(240).map { try JPEG.decode($0.read(), path: $0.path) }
            return DatasetSplit(channels: 3, height: 36, width: 44, pixels: images.flatMap { d in (0..<3).flatMap { c in stride(from: c, to: d.rgb.count, by: 3).map { d.rgb[$0] } } },
                                labels: files.prefix(240).enumerated().map { relabel($1.label, $0) })
        }
        let clean = tree.train.filter { ($0.path as NSString).lastPathComponent.hasPrefix("n0000000") }      // not the odd files
        try ImageNetTree.writeArchives(train: try split(clean), validation: try split(tree.validation), to: "\(directory)/downloads")
        try ImageNetTree.writeArchives(train: try split(clean) { label, i in label + 3 * (i % 2) }, validation: nil,
                                       to: "\(directory)/fall", trainName: "fall11_whole.tar")
        for (data, size, out) in [(["--imagenet-dir", "\(directory)/downloads"], 256, "p256"), (["--imagenet-dir", "\(directory)/downloads"], 36, "p36"),
                                  (["--train-archive", "\(directory)/fall/fall11_whole.tar"], 36, "f36")] {
            let run = try runExecutable("alexnet", ["prepare-imagenet"] + data + ["--out", "\(directory)/\(out)", "--size", String(size), "--threads", "2"])
            #expect(run.status == 0, "\(run.errors)")
            #expect(run.output.contains("prepared 240 training and \(out == "f36" ? 0 : 60) validation images of \(size)×\(size)"), "\(run.output)")
            #expect(run.output.contains("skipped 0"), "\(run.output)")
        }
        // The paper's net, and the paper's net with a sixth convolution, take two steps on the archives' shards.
        for six in [false, true] {
            let run = try runExecutable("alexnet", ["train", "--dataset", "imagenet", "--data-dir", "\(directory)/p256", "--model", "paper",
                                                    "--batch", "4", "--validation", "8", "--stop-after-steps", "2",
                                                    "--checkpoint-dir", "\(directory)/paper-\(six)"] + (six ? ["--sixth-convolution"] : []))
            #expect(run.status == 0 && run.output.contains("stopped after 2 steps at step 2"), "\(run.errors)")
            let checkpoint = try Checkpoint.read(from: "\(directory)/paper-\(six)/checkpoint.alexnet")
            #expect(checkpoint.parameters.reduce(0) { $0 + $1.value.count } == (six ? 61_260_392 : 60_965_224) - 997 * 4097)
        }
        // Pre-training on the 6-class "Fall 2011", which has no validation set, then fine-tuning on the 3 classes.
        func train(_ data: String, _ out: String, _ extra: [String]) throws -> ExecutableRun {
            try runExecutable("alexnet", ["train", "--dataset", "imagenet", "--data-dir", "\(directory)/\(data)", "--crop", "32", "--epochs", "4",
                                          "--batch", "16", "--validation", "24", "--learning-rate", "0.003", "--schedule", "constant",
                                          "--checkpoint-dir", "\(directory)/\(out)"] + extra)
        }
        let pre = try train("f36", "pre", ["--sixth-convolution"])
        #expect(pre.status == 0, "\(pre.errors)")
        #expect(pre.errors.contains("errors on 24 held-out training images, as it has no validation set"), "\(pre.errors)")
        let fine = try train("p36", "fine", ["--sixth-convolution", "--init-from", "\(directory)/pre/checkpoint.alexnet"])
        #expect(fine.status == 0, "\(fine.errors)")
        #expect(fine.errors.contains("initialised every layer but fc8 from \(directory)/pre/checkpoint.alexnet; fc8 starts fresh with 3 outputs"), "\(fine.errors)")
        let five = try train("p36", "five", ["--seed", "3"])
        #expect(five.status == 0, "\(five.errors)")
        // A five-convolution checkpoint cannot start a six-convolution net.
        let mismatch = try train("p36", "mismatch", ["--sixth-convolution", "--init-from", "\(directory)/five/checkpoint.alexnet"])
        #expect(mismatch.status == 1 && mismatch.errors.contains("cannot initialise this network (every layer but fc8 is taken from it): it has no conv6.weight, conv6.bias"), "\(mismatch.errors)")
        // The mixed ensemble: the fine-tuned six-convolution net and the five-convolution one.
        let evaluation = try runExecutable("alexnet", ["evaluate", "--dataset", "imagenet", "--data-dir", "\(directory)/p36", "--views", "ten",
                                                       "--checkpoint", "\(directory)/fine/checkpoint.alexnet", "--checkpoint", "\(directory)/five/checkpoint.alexnet"])
        #expect(evaluation.status == 0, "\(evaluation.errors)")
        let lines = evaluation.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[2].hasPrefix("ensemble of 2: top-1 error"), "\(evaluation.output)")
        for line in lines {
            let error = try #require(Double(line.components(separatedBy: "top-1 error ")[1].prefix { $0 != "%" }))
            #expect(error < 34, "\(line)")
        }
    }

    @Test func prepareTrainEvaluate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tree = "\(directory)/tree"
        try Self.makeTree(tree)
        let labels = "\(tree)/LOC_val_solution.csv"

        // Prepared at the paper's 256 for its network, and at 36 for the scaled one.
        for (size, out) in [(256, "\(directory)/p256"), (36, "\(directory)/p36")] {
            let run = try runExecutable("alexnet", ["prepare-imagenet", "--imagenet-dir", tree, "--out", out, "--size", String(size),
                                                    "--validation-labels", labels, "--shard-images", "40", "--threads", "2"])
            #expect(run.status == 0, "\(run.errors)")
            #expect(run.output.contains("prepared 242 training and 60 validation images of \(size)×\(size) in 9 shards"), "\(run.output)")
            #expect(run.output.contains("converted 2 files, skipped 3"), "\(run.output)")
        }
        let report = try String(contentsOfFile: "\(directory)/p36/report.txt", encoding: .utf8)
        #expect(report.contains("actually_png.JPEG\tnot a JPEG (PNG); read as such"), "\(report)")
        #expect(report.contains("skipped\t\(tree)/train/n00000002/truncated.JPEG\t"), "\(report)")    // cut before its image data
        #expect(report.contains("skipped\t\(tree)/train/n00000002/readme.JPEG\tnot a JPEG, and not readable otherwise ("), "\(report)")
        // A PNG whose header claims 10¹² pixels is skipped by its size, not allocated (the preparation would abort).
        #expect(report.contains("skipped\t\(tree)/train/n00000002/huge.JPEG\tnot a JPEG, and not readable otherwise (") &&
                report.contains("1000000×1000000 pixels"), "\(report)")

        // The paper's network with the paper's recipe by default (two towers, 227 crops of 256, reflections,
        // PCA lighting, N(0, 0.01²) weights on raw pixels) takes three steps.
        let paper = "\(directory)/paper"
        let steps = try runExecutable("alexnet", ["train", "--dataset", "imagenet", "--data-dir", "\(directory)/p256", "--model", "paper",
                                                  "--batch", "4", "--validation", "8",
                                                  "--stop-after-steps", "3", "--checkpoint-dir", paper])
        #expect(steps.status == 0, "\(steps.errors)")
        #expect(steps.output.contains("stopped after 3 steps at step 3"), "\(steps.output)")
        #expect(steps.errors.contains("the paper's recipe: N(0, 0.01²) weights, raw pixels minus the mean image, 227×227 crops, reflections, PCA lighting, batch 4, momentum 0.9, weight decay 0.0005, ε = 0.01 ÷ 10 on a plateau of 2 epochs (3 times at most), 90 epochs"), "\(steps.errors)")
        let checkpoint = try Checkpoint.read(from: "\(paper)/checkpoint.alexnet")
        #expect(checkpoint.specification.inputShape == [3, 227, 227] && checkpoint.state.step == 3)
        #expect(checkpoint.parameters.reduce(0) { $0 + $1.value.count } == 60_965_224 - 997 * 4097)   // 3 outputs, not 1000

        // A scaled net, trained through its plateau schedule, two seeds; then ten views and the ensemble.
        var paths: [String] = []
        for seed in ["1", "2"] {
            let out = "\(directory)/small-\(seed)"
            let run = try runExecutable("alexnet", ["train", "--dataset", "imagenet", "--data-dir", "\(directory)/p36", "--crop", "32",
                                                    "--flips", "--pca-lighting", "--epochs", "6", "--batch", "16", "--validation", "12",
                                                    "--learning-rate", "0.003", "--seed", seed, "--loader-threads", "2", "--checkpoint-dir", out])
            #expect(run.status == 0, "\(run.errors)")
            paths.append("\(out)/checkpoint.alexnet")
        }
        let evaluation = try runExecutable("alexnet", ["evaluate", "--dataset", "imagenet", "--data-dir", "\(directory)/p36",
                                                       "--views", "ten", "--checkpoint", paths[0], "--checkpoint", paths[1]])
        #expect(evaluation.status == 0, "\(evaluation.errors)")
        let lines = evaluation.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0].contains("(ten views, 60 images)") && lines[2].hasPrefix("ensemble of 2: top-1 error"), "\(evaluation.output)")
        // Three classes of plain colours and stripes: both nets and the ensemble are far from chance (66.7%).
        for line in lines {
            let error = try #require(Double(line.components(separatedBy: "top-1 error ")[1].prefix { $0 != "%" }))
            #expect(error < 34, "\(line)")
        }

        // Chapter 10 on "ImageNet": the tree is prepared by the chapter itself, the paper's network
        // trains one epoch twice (two seeds), and the tables, the ensemble and the costs are written.
        let figures = "\(directory)/figures"
        let chapter = try runExecutable("chapter-10-imagenet", ["--dataset", "imagenet", "--data-dir", tree, "--prepared", "\(directory)/chapter-shards",
                                                               "--validation-labels", labels,
                                                               "--quick", "--nets", "2", "--epochs", "1", "--photographs", "2",
                                                               "--checkpoint-dir", "\(directory)/chapter-runs", "--out", figures])
        #expect(chapter.status == 0, "\(chapter.errors)")
        #expect(chapter.output.contains("Chapter 10 on ImageNet, 242 training and 60 validation images of 256×256"), "\(chapter.output)")
        #expect(chapter.output.contains("On ImageNet's validation set:") && chapter.output.contains("2 nets averaged, ten views"), "\(chapter.output)")
        let summary = try CSVTable.read(from: "\(figures)/chapter-10-imagenet.csv")
        #expect(summary.rows.first { $0.first == "crop" }?.last == "227" && summary.rows.first { $0.first == "nets" }?.last == "2")
        for seed in ["1", "2"] { #expect(FileManager.default.fileExists(atPath: "\(directory)/chapter-runs/seed-\(seed)/checkpoint.alexnet")) }

        // The wrong data for a checkpoint is refused.
        let mismatch = try runExecutable("alexnet", ["evaluate", "--dataset", "imagenet", "--data-dir", "\(directory)/p256", "--checkpoint", paths[0]])
        #expect(mismatch.status != 0 && mismatch.errors.contains("was trained on images of [3, 36, 36]"), "\(mismatch.errors)")
    }
}
