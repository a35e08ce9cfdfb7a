import Testing
@testable import AlexNet
@testable import AlexNetTraining
@testable import ToolSupport
@testable import Plotting
import TestSupport

@Suite struct ArgumentsTests {
    @Test func valuesDefaultsAndFlags() throws {
        let a = Arguments(["--epochs", "3", "--rate=0.5", "--flips", "image.png"], command: "t", summary: "s")
        #expect(a.integer("--epochs", default: 1, help: "") == 3)
        #expect(a.double("--rate", default: 0.1, help: "") == 0.5)
        #expect(a.integer("--batch", default: 128, help: "") == 128)
        #expect(a.flag("--flips", help: ""))
        #expect(!a.flag("--ten-views", help: ""))
        #expect(a.positional("IMAGE", help: "") == "image.png")
        try a.finish()
        #expect(a.usage.contains("--epochs N") && a.usage.contains("(default: 128)"))
    }

    @Test func helpIsAnAnswerNotAnExit() {
        let a = Arguments(["--epochs", "3", "--help"], command: "t", summary: "Trains.")
        _ = a.integer("--epochs", default: 1, help: "epochs")
        let help = #expect(throws: HelpRequested.self) { try a.finish() }
        #expect(help?.usage.hasPrefix("Trains.\n\nusage: t [options]") == true)
        #expect(help?.usage.contains("--epochs N") == true)
    }

    @Test func usageErrorsSayWhatWasWrong() {
        let bad = Arguments(["--epochs", "zero"], command: "t", summary: "")
        _ = bad.integer("--epochs", default: 1, help: "")
        #expect(throws: UsageError.self) { try bad.finish() }
        let unknown = Arguments(["--frobnicate"], command: "t", summary: "")
        do { try unknown.finish(); Issue.record("no error") } catch let e as UsageError {
            #expect(e.message == "unknown option '--frobnicate'")
        } catch { Issue.record("\(error)") }
        let choice = Arguments(["--dataset", "mnist"], command: "t", summary: "")
        _ = choice.choice("--dataset", default: "fashion-mnist", choices: ["fashion-mnist", "cifar10"], help: "")
        #expect(throws: UsageError.self) { try choice.finish() }
        let missing = Arguments(["--data-dir"], command: "t", summary: "")
        _ = missing.optionalString("--data-dir", help: "")
        #expect(throws: UsageError.self) { try missing.finish() }
    }

    /// An optional choice is nil when absent (its default depends on other options), the value
    /// when valid, and a usage error otherwise.
    @Test func optionalChoices() throws {
        let absent = Arguments([], command: "t", summary: "")
        #expect(absent.optionalChoice("--init", choices: ["he", "paper"], help: "") == nil)
        try absent.finish()
        let given = Arguments(["--init", "paper"], command: "t", summary: "")
        #expect(given.optionalChoice("--init", choices: ["he", "paper"], help: "") == "paper")
        try given.finish()
        let wrong = Arguments(["--init", "xavier"], command: "t", summary: "")
        _ = wrong.optionalChoice("--init", choices: ["he", "paper"], help: "")
        let error = try #require(throws: UsageError.self) { try wrong.finish() }
        #expect(error.message.contains("--init must be one of he, paper, got 'xavier'"))
    }
}

@Suite struct RepeatedOptionTests {
    @Test func repeatableOptionsKeepTheirOrderAndSingleOnesRefuseRepeats() throws {
        let a = Arguments(["--checkpoint", "a", "--checkpoint=b", "--checkpoint", "c"], command: "t", summary: "")
        #expect(a.strings("--checkpoint", help: "") == ["a", "b", "c"])
        try a.finish()
        let twice = Arguments(["--epochs", "2", "--epochs", "3"], command: "t", summary: "")
        _ = twice.integer("--epochs", default: 1, help: "")
        #expect(throws: UsageError.self) { try twice.finish() }
    }
}
