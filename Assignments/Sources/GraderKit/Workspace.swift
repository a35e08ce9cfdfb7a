import Foundation

/// The scratch package every grading builds: the grading course's tests and runner with the
/// coursework to judge (a solution, a student's files, a mutant), at
/// `<root>/.build/grading/course`. One workspace serves every grading, so the library is compiled
/// once and each new coursework costs an incremental build of the coursework and the runner.
/// Files are rewritten only when their contents change, to keep the build incremental.
public final class Workspace {
    public let grading: Course
    public let directory: URL
    private let library: URL

    public struct BuildFailure: Error, CustomStringConvertible {
        /// The compiler's errors, with the workspace's paths turned back into the student's.
        public let errors: String
        public var description: String { "the coursework does not compile:\n\(errors)" }
    }

    public init(grading: Course) throws {
        self.grading = grading
        self.library = try grading.library()
        self.directory = grading.root.appendingPathComponent(".build/grading/course")
    }

    /// Runs `body` holding the workspace's lock: two graders at once would build over each other.
    public func locked<R>(progress: (String) -> Void, _ body: () throws -> R) throws -> R {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fd = open(directory.deletingLastPathComponent().appendingPathComponent("lock").path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw Course.Problem(description: "cannot open the grading lock in \(directory.path)") }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            progress("waiting for another grader to finish with \(directory.path)")
            flock(fd, LOCK_EX)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Lays out the package with `coursework` (file name → text) and builds its runner; returns
    /// the runner's path. `studentFolder`, when given, is where the coursework came from, named in
    /// compiler errors instead of the workspace.
    public func build(coursework: [String: String], studentFolder: URL?, progress: (String) -> Void) throws -> URL {
        var files: [String: String] = [:]
        let sources = grading.package.appendingPathComponent("Sources")
        for target in ["Grading", "grade-runner"] {
            for (url, relative) in Course.files(under: sources.appendingPathComponent(target)) where url.pathExtension == "swift" {
                files["Sources/\(target)/\(relative)"] = try String(contentsOf: url, encoding: .utf8)
            }
        }
        for (name, text) in coursework { files["Sources/Coursework/\(name)"] = text }
        let manifest = try String(contentsOf: grading.package.appendingPathComponent("Package.swift"), encoding: .utf8)
        files["Package.swift"] = try Course.manifest(manifest, libraryPath: library.path)
        try synchronise(files)

        let first = !FileManager.default.fileExists(atPath: directory.appendingPathComponent(".build").path)
        progress("building the coursework and its tests" + (first ? " (this first build compiles the library too: a minute or more)" : ""))
        let log = directory.deletingLastPathComponent().appendingPathComponent("build.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let swift = Process()
        swift.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        swift.arguments = ["swift", "build", "--package-path", directory.path, "--product", "grade-runner"]
        swift.standardOutput = output
        swift.standardError = output
        try swift.run()
        swift.waitUntilExit()
        try output.close()
        guard swift.terminationStatus == 0 else {
            var text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let studentFolder {
                text = text.replacingOccurrences(of: directory.appendingPathComponent("Sources/Coursework").path, with: studentFolder.path)
            }
            // The compiler's own lines ("path:line:column: error: …"), each once, not its drawings of them.
            var errors: [String] = []
            for line in text.split(separator: "\n").map(String.init)
                where line.contains(": error:") && !(line.first?.isWhitespace ?? true) && !errors.contains(line) {
                errors.append(line)
            }
            throw BuildFailure(errors: errors.isEmpty ? text : errors.joined(separator: "\n"))
        }
        return directory.appendingPathComponent(".build/debug/grade-runner")
    }

    /// Makes the workspace hold exactly `files` (path relative to it → text) besides `.build`.
    private func synchronise(_ files: [String: String]) throws {
        let manager = FileManager.default
        for (url, relative) in Course.files(under: directory) where url.pathExtension == "swift" && files[relative] == nil {
            try manager.removeItem(at: url)
        }
        for (relative, text) in files {
            let url = directory.appendingPathComponent(relative)
            if let old = try? String(contentsOf: url, encoding: .utf8), old == text { continue }
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }
}
