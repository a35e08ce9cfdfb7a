import Foundation

/// The markers that keep the solutions and the hidden tests in the instructor's sources only.
///
///     // BEGIN SOLUTION task-name          the body of a function the student writes; in the
///     …                                    student copy replaced by a stub that throws
///     // END SOLUTION                      `NotImplemented("task-name")` (never a trap)
///
///     // BEGIN HIDDEN                      left out of the student copy altogether
///     …
///     // END HIDDEN
///
/// A solution region must be the rest of a function's body: the line after `END SOLUTION` is
/// the function's closing brace, so that the stub's `throw` ends the body and nothing after it
/// needs what the region defined. Regions do not nest.
public enum SolutionMarkers {
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let file: String, line: Int, reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    /// One marked region: its kind, the task's name (solutions only), its lines (1-based, markers included).
    public struct Region: Equatable, Sendable {
        public enum Kind: Equatable, Sendable { case solution, hidden }
        public var kind: Kind
        public var task: String
        public var lines: ClosedRange<Int>
    }

    /// The regions of `text`, checked: closed, not nested, named, ending a function body.
    public static func regions(in text: String, file: String) throws -> [Region] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var regions: [Region] = []
        var open: (kind: Region.Kind, task: String, line: Int)?
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces), number = index + 1
            if line.hasPrefix("// BEGIN SOLUTION") || line.hasPrefix("// BEGIN HIDDEN") {
                if let open { throw Problem(file: file, line: number, reason: "a region begins inside the region opened on line \(open.line)") }
                if line.hasPrefix("// BEGIN SOLUTION") {
                    let task = line.dropFirst("// BEGIN SOLUTION".count).trimmingCharacters(in: .whitespaces)
                    guard !task.isEmpty, task.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                        throw Problem(file: file, line: number, reason: "BEGIN SOLUTION needs a task name of letters, digits and dashes")
                    }
                    open = (.solution, task, number)
                } else {
                    open = (.hidden, "", number)
                }
            } else if line == "// END SOLUTION" || line == "// END HIDDEN" {
                let kind: Region.Kind = line == "// END SOLUTION" ? .solution : .hidden
                guard let begun = open, begun.kind == kind else {
                    throw Problem(file: file, line: number, reason: "\(line) without its BEGIN")
                }
                if kind == .solution {
                    let next = index + 1 < lines.count ? lines[index + 1].trimmingCharacters(in: .whitespaces) : ""
                    guard next == "}" else {
                        throw Problem(file: file, line: number, reason: "a solution region must end its function's body (the next line must be `}`)")
                    }
                }
                regions.append(Region(kind: kind, task: begun.task, lines: begun.line...number))
                open = nil
            } else if line.hasPrefix("// BEGIN ") || line.hasPrefix("// END ") {
                throw Problem(file: file, line: number, reason: "unknown marker \(line)")
            }
        }
        if let open { throw Problem(file: file, line: open.line, reason: "region never ends") }
        let tasks = regions.filter { $0.kind == .solution }.map(\.task)
        if let twice = tasks.first(where: { t in tasks.filter { $0 == t }.count > 1 }) {
            throw Problem(file: file, line: 1, reason: "task \(twice) is marked twice")
        }
        return regions
    }

    /// The student's version of `text`: solution regions replaced by a stub that throws, hidden
    /// regions removed. Nil when nothing but blank lines would be left (a file that was all hidden).
    public static func studentVersion(of text: String, file: String, handout: String) throws -> String? {
        let regions = try regions(in: text, file: file)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for region in regions.reversed() {
            let range = (region.lines.lowerBound - 1)...(region.lines.upperBound - 1)
            switch region.kind {
            case .hidden:
                lines.removeSubrange(range)
            case .solution:
                let indent = String(lines[range.lowerBound].prefix { $0 == " " })
                lines.replaceSubrange(range, with: [
                    "\(indent)// TODO: \(region.task) — see \(handout)",
                    "\(indent)throw NotImplemented(\"\(region.task)\")",
                ])
            }
        }
        let result = lines.joined(separator: "\n")
        return result.allSatisfy(\.isWhitespace) ? nil : result
    }
}
