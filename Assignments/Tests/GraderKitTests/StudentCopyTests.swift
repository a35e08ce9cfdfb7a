import XCTest
@testable import GraderKit

final class StudentCopyTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("student-copy-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func testTheCopyHoldsNoSolutionNoHiddenTestAndNoMutant() throws {
        let course = Course(root: TestPaths.assignments)
        let files = try StudentCopy.write(from: course, to: scratch, libraryPath: "../../book")
        XCTAssertTrue(files.contains(Course.studentCopyMarker))
        XCTAssertFalse(files.contains { $0.hasPrefix("Mutants/") || $0.hasPrefix("Tests/") || $0.contains("Hidden") }, "\(files)")
        XCTAssertTrue(Course(root: scratch).isStudentCopy)

        // The course's sources (the grader's own, which handle the markers, name them in its code).
        let copied = try files.filter { $0.hasPrefix("Course/") && $0.hasSuffix(".swift") }.map { try String(contentsOf: scratch.appendingPathComponent($0), encoding: .utf8) }.joined()
        // Every line of substance inside a solution region, and the hidden tests' seed, are gone.
        for (name, text) in try Course.sources(in: course.coursework) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for region in try SolutionMarkers.regions(in: text, file: name) where region.kind == .solution {
                for line in lines[(region.lines.lowerBound)..<(region.lines.upperBound - 1)] {
                    let code = line.trimmingCharacters(in: .whitespaces)
                    guard code.count > 24, !code.hasPrefix("//"), !code.hasPrefix("guard"), !code.hasPrefix("let ("), !code.hasPrefix("}") else { continue }
                    XCTAssertFalse(copied.contains(code), "\(name) leaks into the student copy: \(code)")
                }
            }
        }
        XCTAssertFalse(copied.contains("HiddenTests"))
        XCTAssertFalse(copied.contains("// BEGIN SOLUTION") || copied.contains("// END HIDDEN"))
        let manifest = try String(contentsOf: scratch.appendingPathComponent("Course/Package.swift"), encoding: .utf8)
        XCTAssertTrue(manifest.contains(#"let libraryPath = "../../book""#), manifest)
        XCTAssertTrue(files.contains("README.md") && files.contains { $0.hasPrefix("Handouts/01-") }, "\(files)")
    }

    func testNothingIsOverwrittenAndACopyIsNotCopiedAgain() throws {
        let course = Course(root: TestPaths.assignments)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: scratch.appendingPathComponent("notes.txt"))
        XCTAssertThrowsError(try StudentCopy.write(from: course, to: scratch, libraryPath: "x")) { XCTAssertTrue("\($0)".contains("not empty")) }
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("notes.txt"), encoding: .utf8), "mine")

        let copy = scratch.appendingPathComponent("copy")
        try StudentCopy.write(from: course, to: copy, libraryPath: "x")
        XCTAssertThrowsError(try StudentCopy.write(from: Course(root: copy), to: scratch.appendingPathComponent("again"), libraryPath: "x")) {
            XCTAssertTrue("\($0)".contains("already a student copy"))
        }
    }

    func testTheLibraryLineIsRewrittenAndAMissingLibraryNamed() throws {
        let manifest = "let a = 1\nlet libraryPath = \"../..\"\nlet b = 2"
        XCTAssertEqual(try Course.manifest(manifest, libraryPath: "/x/y"), "let a = 1\nlet libraryPath = \"/x/y\"\nlet b = 2")
        XCTAssertThrowsError(try Course.manifest("let a = 1", libraryPath: "/x"))

        let copy = scratch.appendingPathComponent("copy")
        try StudentCopy.write(from: Course(root: TestPaths.assignments), to: copy, libraryPath: "/nowhere/book")
        XCTAssertThrowsError(try Course(root: copy).library()) { XCTAssertTrue("\($0)".contains("/nowhere/book")) }
    }
}
