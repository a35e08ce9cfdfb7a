import Foundation
import AlexNet

/// A table of text cells with a header row, written and read as CSV with RFC 4180 quoting: a
/// field holding a comma, a double quote or a line break is enclosed in double quotes, and a
/// double quote inside it is doubled. Lines end with "\n" (the reader also accepts "\r\n").
/// Every figure's numbers are written this way, so a reader can replot them in any tool.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// Appends a row; it must have one cell per column.
    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "CSVTable: a row of \(row.count) cells for \(header.count) columns")
        rows.append(row)
    }

    /// Appends a row of numbers, each written in Swift's shortest round-tripping form.
    public mutating func append(numbers: [Double]) {
        append(numbers.map { CSVTable.format($0) })
    }

    /// "0.25", "3", "nan": integers without a decimal point, others as Swift prints them.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// The cells of the column named `name`.
    public func column(_ name: String) throws -> [String] {
        guard let index = header.firstIndex(of: name) else {
            throw CSVError(path: nil, line: 1, reason: "no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return rows.map { $0[index] }
    }

    /// The column named `name` parsed as numbers.
    public func numbers(_ name: String) throws -> [Double] {
        try column(name).enumerated().map { i, cell in
            guard let v = Double(cell) else {
                throw CSVError(path: nil, line: i + 2, reason: "'\(cell)' in column '\(name)' is not a number")
            }
            return v
        }
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The table as CSV text.
    public var text: String {
        ([header] + rows).map { $0.map(Self.quoted).joined(separator: ",") + "\n" }.joined()
    }

    public func write(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Parses CSV text; the first record is the header. Throws on an unterminated quote, a stray
    /// quote inside an unquoted field, or a record whose cell count differs from the header's.
    public init(parsing text: String, path: String? = nil) throws {
        var records: [[String]] = []
        var record: [String] = [], field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false
        var characters = Array(text)[...]
        func endField() { record.append(field); field = ""; wasQuoted = false }
        while let ch = characters.popFirst() {
            if inQuotes {
                if ch == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { inQuotes = false }
                } else {
                    if ch == "\n" || ch == "\r\n" { line += 1 }
                    field.append(ch)
                }
                continue
            }
            switch ch {
            case "\"":
                guard field.isEmpty && !wasQuoted else {
                    throw CSVError(path: path, line: line, reason: "a double quote inside an unquoted field")
                }
                inQuotes = true
                wasQuoted = true
            case ",":
                endField()
            case "\n", "\r\n", "\r":
                endField()
                records.append(record)
                record = []
                line += 1
                recordLine = line
            default:
                if wasQuoted { throw CSVError(path: path, line: line, reason: "text after a closing double quote") }
                field.append(ch)
            }
        }
        if inQuotes { throw CSVError(path: path, line: recordLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty || wasQuoted { endField(); records.append(record) }
        guard let header = records.first else { throw CSVError(path: path, line: 1, reason: "empty file, no header") }
        for (i, r) in records.enumerated().dropFirst() where r.count != header.count {
            throw CSVError(path: path, line: i + 1, reason: "\(r.count) cells where the header has \(header.count)")
        }
        self.header = header
        self.rows = Array(records.dropFirst())
    }

    public static func read(from path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError(path: path, line: 0, reason: "cannot read the file")
        }
        return try CSVTable(parsing: String(decoding: data, as: UTF8.self), path: path)
    }
}

/// A CSV file or text that could not be parsed, with where and why.
public struct CSVError: Error, CustomStringConvertible, Equatable {
    public var path: String?
    /// 1-based record number (lines inside quoted fields counted), 0 if the file is unreadable.
    public var line: Int
    public var reason: String
    public var description: String { "\(path ?? "CSV"):\(line): \(reason)" }
}
