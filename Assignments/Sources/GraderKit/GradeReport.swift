import Foundation

/// The result of one grading: every selected assignment, its tests, the total. `printed` is the
/// table `grade` shows; the JSON (`--json FILE`) is what a course's system imports.
public struct GradeReport: Codable, Sendable {
    /// What was graded: "solution", "student copy <path>", "mutant round 2".
    public var source: String
    /// Whether the hidden tests ran (only the instructor's copy holds them).
    public var hiddenTests: Bool
    /// The compiler's errors when the coursework does not compile (then every assignment scores 0).
    public var compileErrors: String?
    public var assignments: [AssignmentResult]
    public var points: Int
    public var maxPoints: Int

    public init(source: String, hiddenTests: Bool, compileErrors: String? = nil, assignments: [AssignmentResult]) {
        self.source = source
        self.hiddenTests = hiddenTests
        self.compileErrors = compileErrors
        self.assignments = assignments
        self.points = assignments.reduce(0) { $0 + $1.points }
        self.maxPoints = assignments.reduce(0) { $0 + $1.maxPoints }
    }

    /// True when every selected assignment ran to its end and every one of its tests passed.
    public var everyTestPassed: Bool {
        compileErrors == nil && !assignments.isEmpty
            && assignments.allSatisfy { $0.status == .completed && $0.tests.allSatisfy(\.passed) }
    }

    public var printed: String {
        var lines = ["Grading the \(source)" + (hiddenTests ? ", visible and hidden tests" : ", visible tests (the hidden ones run when your instructor grades)")]
        if let compileErrors {
            lines += ["", "The coursework does not compile, so no test could run:", compileErrors]
        }
        for a in assignments {
            lines.append("")
            let score = a.maxPoints > 0 ? "\(a.points)/\(a.maxPoints)" : "0"
            lines.append("Assignment \(a.number) — \(a.title)".padding(toLength: 64, withPad: " ", startingAt: 0) + " \(score)   (\(String(format: "%.1f", a.seconds)) s)")
            if a.status != .completed {
                lines.append("  \(a.status.rawValue.uppercased()): \(a.detail) — the assignment scores 0")
            }
            for t in a.tests {
                var figures: [String] = []
                if let e = t.largestRelativeError { figures.append("rel. error " + Self.format(e)) }
                if let g = t.gradientCheck { figures.append("gradient check " + Self.format(g)) }
                let head = "  \(t.passed ? "pass" : "FAIL") \("\(t.points)/\(t.maxPoints)".padding(toLength: 5, withPad: " ", startingAt: 0)) "
                    + (t.visibility == "hidden" ? "[hidden] " : "") + t.test
                lines.append(head.padding(toLength: max(head.count, 72), withPad: " ", startingAt: 0) + " " + figures.joined(separator: ", "))
                if !t.passed { lines.append("         \(t.message)") }
            }
        }
        lines.append("")
        lines.append("Total: \(points)/\(maxPoints)" + (everyTestPassed ? " — every test passes" : ""))
        return lines.joined(separator: "\n")
    }

    static func format(_ x: Double) -> String { x == 0 ? "0" : x.isFinite ? String(format: "%.1e", x) : "\(x)" }

    /// NaN and infinite errors (a student's overflow) as the strings "nan", "inf", "-inf", in the
    /// runner's lines and in the report.
    static let nonConformingFloats = (
        encoding: JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"),
        decoding: JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"))

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = Self.nonConformingFloats.encoding
        return try encoder.encode(self)
    }
}
