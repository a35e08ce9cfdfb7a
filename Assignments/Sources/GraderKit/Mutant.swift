import Foundation

/// A plausible wrong implementation of one assignment: the mistake a student makes, written as
/// edits of the solution (each `find` must occur exactly once in the file). The grader must fail
/// every mutant; `grade --mutants` checks that it does.
///
/// One file per mutant under `Mutants/NN-assignment/NAME.txt` (never in the student copy):
///
///     assignment: 5
///     file: 05-LocalResponseNormalization.swift
///     mistake: α divided by n, as in cuda-convnet and PyTorch
///     --- find
///     <lines of the solution>
///     --- replace
///     <the same lines, wrong>
///     --- end
///
/// (any number of find/replace pairs).
public struct Mutant: Sendable, Equatable {
    public var name: String
    public var assignment: Int
    /// The coursework file the edits apply to (a name in `Course/Sources/Coursework`).
    public var file: String
    public var mistake: String
    public var edits: [(find: String, replace: String)]

    public static func == (a: Mutant, b: Mutant) -> Bool {
        a.name == b.name && a.assignment == b.assignment && a.file == b.file && a.mistake == b.mistake
            && a.edits.elementsEqual(b.edits) { $0.find == $1.find && $0.replace == $1.replace }
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses one mutant file's text.
    public init(name: String, text: String) throws {
        self.name = name
        var fields: [String: String] = [:]
        var edits: [(String, String)] = []
        var section: String?, find: [String] = [], replace: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            switch line {
            case "--- find":
                guard section == nil else { throw Problem(description: "\(name): `--- find` inside a pair") }
                section = "find"; find = []; replace = []
            case "--- replace":
                guard section == "find" else { throw Problem(description: "\(name): `--- replace` without `--- find`") }
                section = "replace"
            case "--- end":
                guard section == "replace" else { throw Problem(description: "\(name): `--- end` without `--- replace`") }
                guard !find.isEmpty else { throw Problem(description: "\(name): an empty find") }
                edits.append((find.joined(separator: "\n"), replace.joined(separator: "\n")))
                section = nil
            default:
                if section == "find" { find.append(line) }
                else if section == "replace" { replace.append(line) }
                else if let colon = line.firstIndex(of: ":"), !line.hasPrefix(" ") {
                    fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    throw Problem(description: "\(name): cannot read the line \"\(line)\"")
                }
            }
        }
        guard section == nil else { throw Problem(description: "\(name): a find/replace pair never ends") }
        guard let assignment = fields["assignment"].flatMap(Int.init), let file = fields["file"], let mistake = fields["mistake"], !edits.isEmpty else {
            throw Problem(description: "\(name): needs assignment, file, mistake and at least one find/replace pair")
        }
        self.assignment = assignment
        self.file = file
        self.mistake = mistake
        self.edits = edits
    }

    /// The solution `text` with the edits made; each find must occur exactly once.
    public func apply(to text: String) throws -> String {
        var text = text
        for edit in edits {
            let count = text.components(separatedBy: edit.find).count - 1
            guard count == 1 else {
                throw Problem(description: "mutant \(name): its find occurs \(count) times in \(file), not once:\n\(edit.find)")
            }
            text = text.replacingOccurrences(of: edit.find, with: edit.replace)
        }
        return text
    }

    /// Every mutant under `directory` (one sub-folder per assignment), sorted by assignment and name.
    public static func all(in directory: URL) throws -> [Mutant] {
        let files = Course.files(under: directory).map(\.url).filter { $0.pathExtension == "txt" }
        return try files.map { try Mutant(name: $0.deletingPathExtension().lastPathComponent, text: String(contentsOf: $0, encoding: .utf8)) }
            .sorted { ($0.assignment, $0.name) < ($1.assignment, $1.name) }
    }
}
