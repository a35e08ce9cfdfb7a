import Foundation

/// `make-student`: writes the copy of the assignments a student gets. Every Swift file passes
/// through ``SolutionMarkers/studentVersion(of:file:handout:)`` (solutions become stubs that
/// throw, hidden tests disappear); the mutants and the grader's own tests stay behind; each
/// assignment's handout and the student's README come along.
public enum StudentCopy {
    /// What the copy holds, relative to the assignments folder: folders copied through the markers.
    static let sourceFolders = ["Sources", "Course"]
    static let textFiles = ["Package.swift"]

    /// Writes the student copy of `course` (the instructor's) into `destination`, which must not
    /// exist or be empty. `libraryPath` is written into `Course/Package.swift`: where the
    /// student's clone of the book will be, relative to `Course/` or absolute. Returns the files written.
    @discardableResult
    public static func write(from course: Course, to destination: URL, libraryPath: String) throws -> [String] {
        let manager = FileManager.default
        guard !course.isStudentCopy else { throw Course.Problem(description: "\(course.root.path) is already a student copy: it holds no solutions to strip") }
        if let existing = try? manager.contentsOfDirectory(atPath: destination.path), !existing.isEmpty {
            throw Course.Problem(description: "\(destination.path) is not empty: choose a new folder (nothing is overwritten)")
        }
        let handouts = (try? manager.contentsOfDirectory(atPath: course.handouts.path)) ?? []
        func handout(for file: String) -> String {
            let number = String(file.prefix(2))
            return handouts.first { $0.hasPrefix(number + "-") }.map { "Handouts/\($0)" } ?? "README.md"
        }

        var written: [String] = []
        func emit(_ relative: String, _ data: Data) throws {
            let url = destination.appendingPathComponent(relative)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            written.append(relative)
        }

        for folder in sourceFolders {
            let base = course.root.appendingPathComponent(folder)
            for (url, inside) in Course.files(under: base) {
                let relative = folder + "/" + inside
                var text = try String(contentsOf: url, encoding: .utf8)
                if relative == "Course/Package.swift" { text = try Course.manifest(text, libraryPath: libraryPath) }
                if url.pathExtension == "swift" {
                    guard let student = try SolutionMarkers.studentVersion(of: text, file: relative, handout: handout(for: url.lastPathComponent)) else { continue }
                    text = student
                }
                try emit(relative, Data(text.utf8))
            }
        }
        for file in textFiles {
            try emit(file, try Data(contentsOf: course.root.appendingPathComponent(file)))
        }
        for name in handouts where name.hasSuffix(".md") {
            let data = try Data(contentsOf: course.handouts.appendingPathComponent(name))
            try emit(name == "README.md" ? "README.md" : "Handouts/\(name)", data)
        }
        try emit(Course.studentCopyMarker, Data("A student copy written by make-student: no solutions, no hidden tests, no mutants.\n".utf8))
        return written.sorted()
    }
}
