import Foundation
import Testing
import AlexNetData
import AlexNetTraining
import TestSupport

/// `mpirun -np 2 alexnet train`: two processes train one network exactly as one process does
/// (up to the order of Float sums), resume only with the same number of processes, and a process
/// that cannot read its data ends the whole job with its reason.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun")
                             && FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
struct DataParallelToolTests {
    static let mpirun = "/usr/bin/mpirun"
    /// Root is allowed (CI runs as root); two processes may share fewer cores; shared memory only.
    static func launcher(_ ranks: Int) -> [String] {
        [mpirun, "--allow-run-as-root", "--oversubscribe", "--mca", "btl", "self,vader", "--mca", "btl_vader_single_copy_mechanism", "none",
         "-np", String(ranks), "@TOOL"]
    }
    static let common = ["train", "--limit-train", "1024", "--limit-test", "500", "--batch", "64", "--no-dropout", "--hidden-bias", "0.1",
                         "--threads", "1", "--learning-rate", "0.005", "--crop", "24", "--flips"]

    static func weights(_ directory: String) throws -> [Float] {
        try Checkpoint.read(from: directory + "/checkpoint.alexnet").parameters.flatMap(\.value.scalars)
    }

    /// The largest difference between two checkpoints' weights, and the largest weight.
    static func difference(_ a: String, _ b: String) throws -> (worst: Float, scale: Float) {
        let (w1, w2) = (try weights(a), try weights(b))
        precondition(w1.count == w2.count)
        return (zip(w1, w2).map { abs($0 - $1) }.max()!, w1.map { abs($0) }.max()!)
    }

    @Test func twoProcessesTrainAsOne() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // One step: the same update, to the rounding of the gradient's sums (taken over two halves
        // of the batch, then across the processes, instead of over the whole batch at once).
        for (name, launcher) in [("one-step-1", [String]()), ("one-step-2", Self.launcher(2))] {
            let run = try runExecutable("alexnet", Self.common + ["--epochs", "2", "--stop-after-steps", "1", "--checkpoint-dir", "\(directory)/\(name)"],
                                        launcher: launcher)
            #expect(run.status == 0, "\(run.errors)")
        }
        let step = try Self.difference("\(directory)/one-step-1", "\(directory)/one-step-2")
        #expect(step.worst <= 1e-6 * step.scale, "one step: largest weight difference \(step.worst) (largest weight \(step.scale))")

        // Two epochs (32 steps): rounding differences grow as the trajectories separate, slowly.
        let one = try runExecutable("alexnet", Self.common + ["--epochs", "2", "--checkpoint-dir", directory + "/one"])
        #expect(one.status == 0, "\(one.errors)")
        let two = try runExecutable("alexnet", Self.common + ["--epochs", "2", "--checkpoint-dir", directory + "/two"], launcher: Self.launcher(2))
        #expect(two.status == 0, "\(two.errors)")
        #expect(two.errors.contains("2 processes train together (mpirun): 32–32 images of each batch of 64 each"), "\(two.errors)")
        #expect(two.output.contains("rank 0 of 2: summed 2.8 MB per step"), "\(two.output)")
        let (a, b) = (try CSVTable.read(from: directory + "/one/log.csv"), try CSVTable.read(from: directory + "/two/log.csv"))
        for (x, y) in zip(try a.numbers("training_loss"), try b.numbers("training_loss")) { #expect(abs(x - y) <= 1e-3 * abs(x), "loss \(x) vs \(y)") }
        // Each process evaluates half of the validation and test images and the counts are summed:
        // after the first epoch (weights a few ulps apart) the errors agree to the few images that
        // lie on a decision boundary (measured: 0 to 2 of 500 as the layers' rounding changed
        // from version to version; 3 allowed), and the last epoch's test errors are exactly what
        // one process finds for the same weights.
        for column in ["validation_top1", "test_top1", "test_top5"] {
            #expect(abs(try a.numbers(column)[0] - b.numbers(column)[0]) <= 3.0 / 500 + 1e-12, "\(column) after epoch 1")
        }
        let check = try runExecutable("alexnet", ["evaluate", "--checkpoint", directory + "/two/checkpoint.alexnet", "--limit-test", "500"])
        let logged = try b.numbers("test_top1").last!, loggedTop5 = try b.numbers("test_top5").last!
        #expect(check.output.contains(String(format: "top-1 error %.2f%%, top-5 error %.2f%%", 100 * logged, 100 * loggedTop5)), "\(check.output) vs \(logged)")
        let epochs = try Self.difference(directory + "/one", directory + "/two")
        #expect(epochs.worst <= 1e-2 * epochs.scale, "two epochs: largest weight difference \(epochs.worst) (largest weight \(epochs.scale))")

        // Resuming needs the same number of processes; with it, training goes on.
        let alone = try runExecutable("alexnet", Self.common + ["--checkpoint-dir", directory + "/two", "--resume", "--epochs", "3"])
        // (every weight of the refused run's checkpoint is untouched: it never started)
        #expect(alone.status != 0 && alone.errors.contains("was trained by 2 processes and this run has 1"), "\(alone.errors)")
        let again = try runExecutable("alexnet", Self.common + ["--checkpoint-dir", directory + "/two", "--resume", "--epochs", "3"],
                                      launcher: Self.launcher(2))
        #expect(again.status == 0 && again.output.contains("epoch 3: test top-1 error"), "\(again.errors)")

        // A process that cannot read its data ends the job, saying which and why; the checkpoint stays good.
        let before = FileManager.default.contents(atPath: directory + "/two/checkpoint.alexnet")
        let resumeArguments = Self.common + ["--checkpoint-dir", directory + "/two", "--resume", "--epochs", "4"]
        let broken = try runExecutable("alexnet", resumeArguments + ["--data-dir", directory + "/nothing-here"],
                                       launcher: Self.launcher(1) + resumeArguments + [":", "-np", "1", "@TOOL"])
        #expect(broken.status != 0, "\(broken.output)")
        #expect(broken.errors.contains("rank 1 of 2: alexnet train:"), "\(broken.errors)")
        #expect(FileManager.default.contents(atPath: directory + "/two/checkpoint.alexnet") == before)
        _ = try Checkpoint.read(from: directory + "/two/checkpoint.alexnet")
    }
}
