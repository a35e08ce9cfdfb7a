import CZlib
import Foundation

/// Reads a whole file through zlib: gzip-compressed files are inflated, plain files are read as
/// they are (zlib detects which). A corrupt or truncated gzip stream is an error naming the file.
enum GzipFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw DataError.malformed(path: path, problem: "cannot open the file")
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 17)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
                throw DataError.malformed(path: path, problem: "unreadable gzip stream (\(message))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<Int(n)])
        }
        // gzread stops quietly at a truncated gzip member; zlib reports it through gzerror.
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
        if code != Z_OK && code != Z_STREAM_END {
            throw DataError.malformed(path: path, problem: "unreadable gzip stream (\(message))")
        }
        return bytes
    }

    /// Writes `bytes` gzip-compressed (for tests and tools that make small data sets).
    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = gzopen(path, "wb") else { throw DataError.malformed(path: path, problem: "cannot create the file") }
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        guard gzclose(file) == Z_OK, Int(written) == bytes.count else { throw DataError.malformed(path: path, problem: "cannot write the file") }
    }
}
