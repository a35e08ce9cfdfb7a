// make-student: writes the student copy of the assignments: each solution replaced by a stub
// that throws "not implemented", the hidden tests and the mutants left out, a handout per
// assignment. The copy builds alone against the book's library (see --library).
//
//     swift run make-student --out DIR [--library PATH]
//
// --library: the library's folder as the copy's Course/Package.swift should name it, absolute
// or relative to DIR/Course (default: this checkout's absolute path). A course that hands the
// copy out sets where students clone the book, e.g. --library ../../alexnet-in-swift.
import Foundation
import GraderKit

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("make-student: \(message)\n".utf8))
    exit(2)
}

let home = Course(root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
var out: URL?, library: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--out": out = arguments.popFirst().map { URL(fileURLWithPath: $0) }
    case "--library": library = arguments.popFirst()
    default: fail("unknown argument \(argument)\nusage: make-student --out DIR [--library PATH]")
    }
}
guard let out else { fail("--out DIR is required (a new or empty folder)\nusage: make-student --out DIR [--library PATH]") }
do {
    let files = try StudentCopy.write(from: home, to: out, libraryPath: library ?? home.library().path)
    print("wrote the student copy to \(out.path) (\(files.count) files)")
    print("a student grades their work there with: swift run --package-path \(out.path) grade")
} catch {
    fail("\(error)")
}
