import Foundation

/// A folder laid out as `Assignments/` is (the instructor's) or as `make-student` writes it (a
/// student's): `Course/Package.swift`, `Course/Sources/{Coursework,Grading,grade-runner}`.
public struct Course: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var package: URL { root.appendingPathComponent("Course") }
    public var coursework: URL { package.appendingPathComponent("Sources/Coursework") }
    public var mutants: URL { root.appendingPathComponent("Mutants") }
    public var handouts: URL { root.appendingPathComponent("Handouts") }

    /// The file `make-student` leaves in every student copy.
    public static let studentCopyMarker = ".student-copy"

    public var isStudentCopy: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(Self.studentCopyMarker).path)
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The line of `Course/Package.swift` that says where the library is.
    static let libraryLinePrefix = "let libraryPath = "

    /// The AlexNet library's folder, from `Course/Package.swift`'s `libraryPath` (relative to `Course/`).
    public func library() throws -> URL {
        let manifest = package.appendingPathComponent("Package.swift")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else {
            throw Problem(description: "\(manifest.path) cannot be read: is \(root.path) an assignments folder?")
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(Self.libraryLinePrefix) }),
              let path = try? JSONDecoder().decode(String.self, from: Data(line.dropFirst(Self.libraryLinePrefix.count).utf8)) else {
            throw Problem(description: "\(manifest.path) has no line `\(Self.libraryLinePrefix)\"…\"`")
        }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("Sources/AlexNet").path) else {
            throw Problem(description: "the AlexNet library is not at \(url.standardizedFileURL.path) (the `libraryPath` line of \(manifest.path)): set it to your clone of the book's repository")
        }
        return url.standardizedFileURL
    }

    /// `manifest` with its `libraryPath` line set to `path`.
    static func manifest(_ text: String, libraryPath path: String) throws -> String {
        var found = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix(libraryLinePrefix) else { return String(line) }
            found = true
            return libraryLinePrefix + String(decoding: try! JSONEncoder().encode(path), as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        }
        guard found else { throw Problem(description: "Course/Package.swift has no `\(libraryLinePrefix)` line") }
        return lines.joined(separator: "\n")
    }

    /// The Swift files of a coursework folder, by name.
    public static func sources(in directory: URL) throws -> [String: String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw Problem(description: "\(directory.path) cannot be read: it should hold the coursework's .swift files")
        }
        var files: [String: String] = [:]
        for name in names where name.hasSuffix(".swift") {
            files[name] = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        guard !files.isEmpty else { throw Problem(description: "\(directory.path) holds no .swift files") }
        return files
    }
}

extension Course {
    /// The regular files under `directory` (hidden ones and hidden folders such as `.build` left
    /// out), each with its path relative to `directory`, sorted by that path.
    static func files(under directory: URL) -> [(url: URL, relative: String)] {
        let base = directory.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { return [] }
        var files: [(URL, String)] = []
        while let url = enumerator.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            files.append((url, String(url.standardizedFileURL.path.dropFirst(base.count + 1))))
        }
        return files.sorted { $0.1 < $1.1 }
    }
}
