import Foundation

/// One test's result as the runner prints it (the same fields as `Course/Sources/Grading/
/// GradedTest.swift`'s `TestOutcome`).
public struct TestOutcome: Codable, Sendable, Equatable {
    public var test: String
    public var visibility: String
    public var points: Int
    public var maxPoints: Int
    public var passed: Bool
    public var largestRelativeError: Double?
    public var gradientCheck: Double?
    public var message: String
}

/// An assignment's tests as the runner announces them before running any.
struct Plan: Codable {
    struct Entry: Codable { var test: String; var maxPoints: Int; var visibility: String }
    var number: Int
    var title: String
    var tests: [Entry]
}

/// What grading one assignment in its own process gave.
public struct AssignmentResult: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        case completed
        /// Stopped by a signal: a trap (index out of range, a failed precondition, a nil
        /// unwrapped), or an allocation beyond the memory limit.
        case crashed
        case timedOut = "timed out"
        /// Exited without its results (it exited early, or printed something else).
        case noResults = "no results"
        case doesNotCompile = "does not compile"
    }

    public var number: Int
    public var title: String
    public var status: Status
    /// What went wrong, for a status other than `completed`.
    public var detail: String
    /// The sum of the tests' points when completed; 0 otherwise.
    public var points: Int
    public var maxPoints: Int
    public var seconds: Double
    /// Every test that reported, in order (those after a crash are missing).
    public var tests: [TestOutcome]
}

/// Runs `grade-runner --assignment N` in a child process with a time and a memory limit, so that
/// a student's trap, endless loop or huge allocation costs that assignment and nothing else.
public enum AssignmentRun {
    public struct Limits: Sendable {
        public var seconds: Double
        public var memoryGiB: Double
        public init(seconds: Double = 60, memoryGiB: Double = 4) {
            self.seconds = seconds
            self.memoryGiB = memoryGiB
        }
    }

    /// The assignments the runner knows: (number, title).
    public static func list(runner: URL) throws -> [(number: Int, title: String)] {
        struct Listing: Decodable { struct Item: Decodable { var number: Int; var title: String }; var assignments: [Item] }
        let process = Process()
        process.executableURL = runner
        process.arguments = ["--list"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let listing = try? JSONDecoder().decode(Listing.self, from: data) else {
            throw Course.Problem(description: "\(runner.path) --list did not list the assignments")
        }
        return listing.assignments.map { ($0.number, $0.title) }
    }

    public static func run(runner: URL, assignment number: Int, title: String, golden: URL, hiddenSeed: UInt64?,
                           limits: Limits) throws -> AssignmentResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("grade-\(getpid())-\(number)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (outURL, errURL) = (scratch.appendingPathComponent("out"), scratch.appendingPathComponent("err"))
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let (out, err) = (try FileHandle(forWritingTo: outURL), try FileHandle(forWritingTo: errURL))

        let process = Process()
        process.executableURL = runner
        process.arguments = ["--assignment", "\(number)", "--golden", golden.path, "--memory-limit-gib", "\(limits.memoryGiB)"]
            + (hiddenSeed.map { ["--hidden-seed", "\($0)"] } ?? [])
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = environment["OPENBLAS_NUM_THREADS"] ?? "1"
        environment["SWIFT_BACKTRACE"] = "enable=no"    // the runtime's error line is what the report needs
        process.environment = environment
        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > limits.seconds {
                kill(process.processIdentifier, SIGKILL)
                timedOut = true
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        try out.close(); try err.close()

        var plan: Plan?
        var outcomes: [TestOutcome] = []
        var finished = false
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = GradeReport.nonConformingFloats.decoding
        for line in ((try? String(contentsOf: outURL, encoding: .utf8)) ?? "").split(separator: "\n") {
            let data = Data(line.utf8)
            if let outcome = try? decoder.decode(TestOutcome.self, from: data) { outcomes.append(outcome) }
            else if let p = try? decoder.decode([String: Plan].self, from: data)["plan"] { plan = p }
            else if line == #"{"finished":true}"# { finished = true }
        }
        let maxPoints = plan?.tests.reduce(0) { $0 + $1.maxPoints } ?? outcomes.reduce(0) { $0 + $1.maxPoints }
        let errorLines = ((try? String(contentsOf: errURL, encoding: .utf8)) ?? "").split(separator: "\n")
        let errors = (errorLines.filter { $0.contains("Fatal error") }.first.map { [$0] } ?? errorLines.suffix(3)).joined(separator: " | ")
        var result = AssignmentResult(number: number, title: plan?.title ?? title, status: .completed, detail: "", points: 0,
                                      maxPoints: maxPoints, seconds: seconds, tests: outcomes)
        if timedOut {
            result.status = .timedOut
            result.detail = "stopped after \(Int(limits.seconds)) s (an endless loop, or far too slow)"
        } else if process.terminationReason == .uncaughtSignal {
            result.status = .crashed
            result.detail = "killed by \(signalName(process.terminationStatus))" + (errors.isEmpty ? "" : ": \(errors)")
        } else if !finished || plan == nil || process.terminationStatus != 0 {
            result.status = .noResults
            result.detail = "exited with status \(process.terminationStatus) before reporting every test" + (errors.isEmpty ? "" : ": \(errors)")
        } else {
            result.points = outcomes.reduce(0) { $0 + $1.points }
        }
        return result
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGILL, SIGTRAP: return "signal \(signal) (a trap: index out of range, a failed precondition, nil unwrapped, an overflow)"
        case SIGSEGV, SIGBUS: return "signal \(signal) (a bad memory access)"
        case SIGABRT: return "signal \(signal) (aborted: often an allocation beyond the memory limit)"
        case SIGKILL: return "signal \(signal) (killed)"
        default: return "signal \(signal)"
        }
    }
}
