import Foundation
import AlexNet

/// A command line that was not understood: the message says what was wrong.
package struct UsageError: Error, CustomStringConvertible {
    package var message: String
    /// The (sub)command whose usage was wrong, for the "Try … --help" hint.
    package var command: String?
    package var description: String { message }
    package init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }
}

/// A small, explicit command-line parser shared by the chapters and tools.
///
/// Declare each option with its default and help; each call returns the value found (or the
/// default) and records the option for the usage text. Then ``finish()`` throws
/// ``HelpRequested`` with the usage text if `--help` was given, and the first ``UsageError``
/// otherwise: a bad value, an unknown option, or a stray argument (``runTool(_:_:)`` prints and
/// exits; the parser never does). Options are `--name value` or `--name=value`.
package final class Arguments {
    package let command: String, summary: String
    private var remaining: [String]
    private var helpLines: [(String, String)] = []
    private var positionalHelp: [(String, String)] = []
    private var firstError: UsageError?
    package let helpRequested: Bool

    package init(_ arguments: some Sequence<String>, command: String, summary: String) {
        self.command = command
        self.summary = summary
        let list = Array(arguments)
        helpRequested = list.contains("--help") || list.contains("-h")
        remaining = list.filter { $0 != "--help" && $0 != "-h" }
    }

    private func fail(_ message: String) {
        if firstError == nil { firstError = UsageError(message, command: command) }
    }

    /// Removes the first `--name value` or `--name=value` and returns its value.
    private func take(_ name: String) -> String? {
        for i in remaining.indices {
            if remaining[i] == name {
                guard i + 1 < remaining.count, !remaining[i + 1].hasPrefix("--") else {
                    fail("\(name) needs a value")
                    remaining.remove(at: i)
                    return nil
                }
                let value = remaining[i + 1]
                remaining.removeSubrange(i...(i + 1))
                return value
            }
            if remaining[i].hasPrefix(name + "=") {
                return String(remaining.remove(at: i).dropFirst(name.count + 1))
            }
        }
        return nil
    }

    /// The value of a single-valued option; giving it twice is a usage error.
    private func takeOnce(_ name: String) -> String? {
        let value = take(name)
        if value != nil, take(name) != nil { fail("\(name) is given more than once") }
        return value
    }

    package func string(_ name: String, default value: String, help: String) -> String {
        helpLines.append(("\(name) TEXT", "\(help) (default: \(value))"))
        return takeOnce(name) ?? value
    }

    package func optionalString(_ name: String, help: String, placeholder: String = "TEXT") -> String? {
        helpLines.append(("\(name) \(placeholder)", help))
        return takeOnce(name)
    }

    /// Every value of an option that may be repeated (`--checkpoint a --checkpoint b`).
    package func strings(_ name: String, help: String, placeholder: String = "TEXT") -> [String] {
        helpLines.append(("\(name) \(placeholder)", help + " (repeatable)"))
        var values: [String] = []
        while let v = take(name) { values.append(v) }
        return values
    }

    package func integer(_ name: String, default value: Int, help: String, range: ClosedRange<Int> = 1...Int.max) -> Int {
        helpLines.append(("\(name) N", "\(help) (default: \(value))"))
        guard let text = takeOnce(name) else { return value }
        guard let n = Int(text), range.contains(n) else {
            fail("\(name) needs a whole number in \(range.lowerBound)…\(range.upperBound == Int.max ? "" : String(range.upperBound)), got '\(text)'")
            return value
        }
        return n
    }

    package func optionalInteger(_ name: String, help: String, range: ClosedRange<Int> = 1...Int.max) -> Int? {
        helpLines.append(("\(name) N", help))
        guard let text = takeOnce(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            fail("\(name) needs a whole number of at least \(range.lowerBound), got '\(text)'")
            return nil
        }
        return n
    }

    package func double(_ name: String, default value: Double, help: String, range: ClosedRange<Double> = 0...Double.infinity) -> Double {
        helpLines.append(("\(name) X", "\(help) (default: \(String(format: "%g", value)))"))
        guard let text = takeOnce(name) else { return value }
        guard let x = Double(text), x.isFinite, range.contains(x) else {
            fail("\(name) needs a number in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
            return value
        }
        return x
    }

    package func choice(_ name: String, default value: String, choices: [String], help: String) -> String {
        helpLines.append(("\(name) \(choices.joined(separator: "|"))", "\(help) (default: \(value))"))
        guard let text = takeOnce(name) else { return value }
        guard choices.contains(text) else {
            fail("\(name) must be one of \(choices.joined(separator: ", ")), got '\(text)'")
            return value
        }
        return text
    }

    /// One of `choices`, or nil when the option is not given (its default depends on others).
    package func optionalChoice(_ name: String, choices: [String], help: String) -> String? {
        helpLines.append(("\(name) \(choices.joined(separator: "|"))", help))
        guard let text = takeOnce(name) else { return nil }
        guard choices.contains(text) else {
            fail("\(name) must be one of \(choices.joined(separator: ", ")), got '\(text)'")
            return nil
        }
        return text
    }

    package func flag(_ name: String, help: String) -> Bool {
        helpLines.append((name, help))
        var found = false
        while let i = remaining.firstIndex(of: name) { remaining.remove(at: i); found = true }
        if let bad = remaining.first(where: { $0.hasPrefix(name + "=") }) { fail("\(name) takes no value, got '\(bad)'") }
        return found
    }

    /// The next argument that is not an option, e.g. an image path.
    package func positional(_ name: String, help: String) -> String? {
        positionalHelp.append((name, help))
        guard let i = remaining.firstIndex(where: { !$0.hasPrefix("--") }) else { return nil }
        return remaining.remove(at: i)
    }

    package var usage: String {
        var text = "\(summary)\n\nusage: \(command)\(helpLines.isEmpty ? "" : " [options]")"
        text += positionalHelp.map { " \($0.0)" }.joined() + "\n"
        let width = (helpLines + positionalHelp).map(\.0.count).max() ?? 0
        if !positionalHelp.isEmpty {
            text += "\narguments:\n" + positionalHelp.map { "  \($0.0.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.1)\n" }.joined()
        }
        text += "\noptions:\n"
        for (name, help) in helpLines + [("--help", "show this help")] {
            text += "  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(help)\n"
        }
        return text
    }

    /// Throws ``HelpRequested`` (with the usage text) on `--help`, the first usage error, or one
    /// for any argument that no declaration took; ``runTool(_:_:)`` prints and exits for each.
    package func finish() throws {
        if helpRequested { throw HelpRequested(usage: usage) }
        if let firstError { throw firstError }
        if let stray = remaining.first {
            throw UsageError(stray.hasPrefix("--") ? "unknown option '\(stray)'" : "unexpected argument '\(stray)'",
                             command: command)
        }
    }
}

/// `--help` was given: not a failure, the usage text is the answer.
package struct HelpRequested: Error {
    package let usage: String
}

/// Runs an executable's body: ``HelpRequested`` prints the usage and exits with status 0; a
/// ``UsageError`` prints its message and a hint and exits with status 2; any other error prints
/// "command: message" and exits with status 1. Nothing traps. The one place that exits.
/// First it makes sure that the matrix products run the best BLAS kernel for the CPU
/// (``BLASKernelSelection/ensureBestKernel(command:)``), which may restart the program once, and
/// makes the library's process-wide settings (`Threading.configureProcess()`); standard output
/// goes out a line at a time.
package func runTool(_ command: String, _ body: () throws -> Void) -> Never {
    lineBufferStandardOutput()
    BLASKernelSelection.ensureBestKernel(command: command)
    Threading.configureProcess()
    do {
        try body()
        exit(0)
    } catch let help as HelpRequested {
        print(help.usage, terminator: "")
        exit(0)
    } catch let error as UsageError {
        FileHandle.standardError.write(Data("\(command): \(error.message)\nTry '\(error.command ?? command) --help'.\n".utf8))
        exit(2)
    } catch {
        FileHandle.standardError.write(Data("\(command): \(error)\n".utf8))
        exit(1)
    }
}
