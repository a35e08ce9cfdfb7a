import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetTraining
@testable import ToolSupport
import TestSupport

/// Book.md must never disagree with the code or the figures' data:
/// - every code excerpt marked `<!-- excerpt PATH -->` appears, line for line, in PATH;
/// - every number marked `<!-- csv FILE KEY [COLUMN] [percent] -->` equals, to the digits
///   printed, the value in FILE: the row whose first cell is KEY, in COLUMN (default "value"),
///   times 100 if `percent`.
@Suite struct BookTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func excerptsAreTheCodeInTheRepository() throws {
        let book = try Self.read("Book.md")
        let lines = book.components(separatedBy: "\n")
        var excerpts = 0
        for (i, line) in lines.enumerated() where line.hasPrefix("<!-- excerpt ") {
            let path = line.dropFirst("<!-- excerpt ".count).replacingOccurrences(of: " -->", with: "")
            #expect(lines[i + 1].hasPrefix("```"), "excerpt of \(path) is not followed by a code block")
            let block = lines[(i + 2)...].prefix { !$0.hasPrefix("```") }.map { $0.trimmingCharacters(in: .whitespaces) }
            let source = try Self.read(String(path)).components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let found = source.indices.contains { start in
                start + block.count <= source.count && Array(source[start..<(start + block.count)]) == block
            }
            #expect(found, "Book.md line \(i + 1): the excerpt of \(path) no longer matches the file")
            excerpts += 1
        }
        #expect(excerpts >= 3)
    }

    @Test func numbersComeFromTheFiguresCSVs() throws {
        let book = try Self.read("Book.md")
        let pattern = try NSRegularExpression(pattern: #"(-?[0-9][0-9,]*(?:\.[0-9]+)?(?:e-?[0-9]+)?)[%×]?<!-- csv (\S+) (\S+)((?: (?!-->)\S+)*) -->"#)
        let matches = pattern.matches(in: book, range: NSRange(book.startIndex..., in: book))
        #expect(matches.count >= 5)
        for m in matches {
            func group(_ k: Int) -> String { String(book[Range(m.range(at: k), in: book)!]) }
            let printed = group(1), file = group(2), key = group(3)
            let extras = group(4).split(separator: " ").map(String.init)
            let percent = extras.contains("percent")
            let column = extras.first { $0 != "percent" } ?? "value"
            let csv = try CSVTable(parsing: try Self.read(file), path: file)
            let c = try #require(csv.header.firstIndex(of: column), "\(file) has no column \(column)")
            let row = try #require(csv.rows.first { $0.first == key }, "\(file) has no row \(key)")
            let value = try #require(Double(row[c]), "\(file) \(key)/\(column) is not a number") * (percent ? 100 : 1)
            let shown = try #require(Double(printed.replacingOccurrences(of: ",", with: "")))
            // Equal to the last digit printed: half a unit of the last place.
            let decimals = printed.contains("e") ? 0 : printed.split(separator: ".").dropFirst().first?.count ?? 0
            let tolerance = printed.contains("e") ? abs(shown) * 0.051 : 0.5 * pow(10, -Double(decimals)) + 1e-12
            #expect(abs(value - shown) <= tolerance, "Book.md says \(printed) for \(file) \(key)/\(column); the CSV has \(value)")
        }
    }

    /// A difference printed near its two operands agrees with them as printed: "13.4% … 13.0% … 0.5
    /// points" (a difference of unrounded medians, 0.46, beside operands rounded apart) reads as
    /// an error to anyone who subtracts. For every marked number whose key names a difference, the
    /// marked numbers within 800 characters from the same file whose values differ by exactly it
    /// are its operands; the printed difference must equal the printed operands' difference to
    /// half a unit of its last digit (print more digits where it does not).
    @Test func printedDifferencesAgreeWithTheirPrintedOperands() throws {
        let book = try Self.read("Book.md")
        let pattern = try NSRegularExpression(pattern: #"(-?[0-9][0-9,]*(?:\.[0-9]+)?)[%×]?<!-- csv (\S+) (\S+)((?: (?!-->)\S+)*) -->"#)
        struct Marked { var position: Int, printed: Double, decimals: Int, file: String, key: String, value: Double, percent: Bool }
        var marked: [Marked] = []
        var tables: [String: CSVTable] = [:]
        for m in pattern.matches(in: book, range: NSRange(book.startIndex..., in: book)) {
            func group(_ k: Int) -> String { String(book[Range(m.range(at: k), in: book)!]) }
            let extras = group(4).split(separator: " ").map(String.init)
            guard extras.allSatisfy({ $0 == "percent" || $0 == "value" }) else { continue }
            let file = group(2), key = group(3), printed = group(1)
            if tables[file] == nil { tables[file] = try CSVTable(parsing: try Self.read(file), path: file) }
            guard let row = tables[file]!.rows.first(where: { $0.first == key }), row.count > 1, let value = Double(row[1]),
                  let shown = Double(printed.replacingOccurrences(of: ",", with: "")) else { continue }
            marked.append(Marked(position: m.range.location, printed: shown, decimals: printed.split(separator: ".").dropFirst().first?.count ?? 0,
                                 file: file, key: key, value: value, percent: extras.contains("percent")))
        }
        var checked = 0
        for d in marked where d.key.hasSuffix("_difference") {
            let near = marked.filter { $0.file == d.file && abs($0.position - d.position) <= 800 && $0.key != d.key && $0.percent == d.percent }
            for b in near {
                for a in near where a.key != b.key && abs((b.value - a.value) - d.value) < 1e-9 {
                    checked += 1
                    let tolerance = 0.5 * pow(10, -Double(d.decimals)) + 1e-9
                    #expect(abs((b.printed - a.printed) - d.printed) <= tolerance,
                            "Book.md prints \(d.printed) for \(d.key) beside \(b.printed) (\(b.key)) and \(a.printed) (\(a.key)), whose difference is \(b.printed - a.printed): print the operands with more digits")
                }
            }
        }
        #expect(checked >= 3)
    }
}
