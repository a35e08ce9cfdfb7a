import Foundation
import Testing
import AlexNetData
import AlexNetTraining
import TestSupport

/// `alexnet train` as a new user first runs it: the defaults must learn within one short epoch.
@Suite struct TrainToolTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
    func aShortDefaultRunEndsClearlyBelowChance() throws {
        let directory = try temporaryDirectory()
        let run = try runExecutable("alexnet", ["train", "--checkpoint-dir", directory, "--epochs", "1",
                                                "--limit-train", "5120", "--limit-test", "1000"])
        #expect(run.status == 0, "\(run.errors)")
        let log = try CSVTable.read(from: directory + "/log.csv")
        let test = try log.numbers("test_top1"), validation = try log.numbers("validation_top1")
        // Chance is 90% on ten classes, where the paper's recipe (--recipe paper) still is after 40
        // steps; the standard one is near 44%.
        #expect(test.count == 1 && test[0] < 0.6, "test error \(test)")
        #expect(validation.count == 1 && validation[0] < 0.6, "validation error \(validation)")
    }

    @Test func thePlateauScheduleRefusesToRunWithoutAValidationSplit() throws {
        let directory = try temporaryDirectory()
        let run = try runExecutable("alexnet", ["train", "--checkpoint-dir", directory, "--validation", "0",
                                                "--data-dir", directory])
        #expect(run.status != 0)
        #expect(run.errors.contains("--validation 0"), "\(run.errors)")
    }
}

/// A run checkpointed before each convolution held one weight (checkpoint format version 1, one
/// tensor per tower) resumes: the fixture was written by the code of that time after 3 steps of
/// a tiny two-tower net, and the same code's resumed run logged `version1-resumed-log.csv`.
@Suite struct CheckpointMigrationToolTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/AlexNetTrainingTests/Fixtures").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
    func aVersion1CheckpointResumesToTheSameLog() throws {
        let directory = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.fixtures + "/version1.alexnet", toPath: directory + "/checkpoint.alexnet")
        let ended = Process()                                  // a killed write of an ended process, left behind
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = directory + "/checkpoint.alexnet.partial-\(ended.processIdentifier)"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: stale))
        let run = try runExecutable("alexnet", ["train", "--width-scale", "0.05", "--hidden-width", "16", "--limit-train", "600",
                                                "--limit-test", "100", "--validation", "100", "--batch", "50", "--epochs", "2",
                                                "--checkpoint-dir", directory, "--seed", "3", "--resume"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: stale) && run.errors.contains("removed 1 temporary file"), "\(run.errors)")
        let log = try CSVTable.read(from: directory + "/log.csv"), before = try CSVTable.read(from: Self.fixtures + "/version1-resumed-log.csv")
        #expect(try log.numbers("epoch") == before.numbers("epoch"))
        for column in ["training_error", "validation_top1", "validation_top5", "test_top1", "test_top5"] {
            #expect(try log.numbers(column) == before.numbers(column), "\(column)")
        }
        for (now, then) in zip(try log.numbers("training_loss"), try before.numbers("training_loss")) {
            #expect(abs(now / then - 1) < 1e-6, "training loss \(now), before the change \(then)")
        }
        // The resumed run wrote its checkpoint in the current format.
        #expect(try Checkpoint.read(from: directory + "/checkpoint.alexnet").parameters.map(\.name).prefix(2) == ["conv1.weight", "conv1.bias"])
    }
}
