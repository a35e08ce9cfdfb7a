import AlexNet
import Foundation

/// The options every chapter shares (BOOK-PLAN.md): `--dataset`, `--data-dir`, `--epochs`,
/// `--seed`, `--threads`, `--out`, `--quick` (the same code on a budget of seconds, for CI),
/// `--full` (the longer run the book quotes where it differs) and `--help`.
package struct ChapterOptions {
    package let data: DataArguments
    package let epochs: Int?
    package let seed: UInt64
    package let threads: Int
    package let outputDirectory: String
    package let quick: Bool, full: Bool

    /// `imageNet`: the chapter also takes `--dataset imagenet` (chapter 10).
    package init(_ a: Arguments, imageNet: Bool = false) {
        data = DataArguments(a, imageNet: imageNet)
        epochs = a.optionalInteger("--epochs", help: "epochs to train (default: the chapter's)")
        seed = UInt64(a.integer("--seed", default: 1, help: "first random seed", range: 0...Int.max))
        threads = a.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount, help: "threads for OpenBLAS and the library")
        outputDirectory = a.string("--out", default: "Figures", help: "where the PNG and CSV files go")
        quick = a.flag("--quick", help: "the same code path on a budget of seconds (for CI)")
        full = a.flag("--full", help: "the longer run the book quotes where it differs from the default")
    }

    /// Applies the thread count and makes the output directory; call after `finish()`.
    package func prepare() throws {
        guard !(quick && full) else { throw UsageError("--quick and --full exclude each other") }
        Threading.setThreadCount(threads)
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    }

    /// The path of an output file.
    package func path(_ name: String) -> String {
        (outputDirectory as NSString).appendingPathComponent(name)
    }

    /// A value for the three budgets: quick, default, full.
    package func budget<T>(quick q: T, normal: T, full f: T) -> T { quick ? q : full ? f : normal }
}

/// Seconds taken by `body`.
package func measureSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = Date()
    try body()
    return Date().timeIntervalSince(start)
}

/// Prints a table with aligned columns: the first left-aligned, the others right-aligned.
package func printTable(_ rows: [[String]]) {
    var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
        print(row.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - cell.count)
            return i == 0 ? cell + pad : pad + cell
        }.joined(separator: "  "))
    }
}

/// The middle value (the mean of the two middle values for an even count).
package func median(_ values: some Collection<Double>) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
