import XCTest
@testable import GraderKit

final class SolutionMarkersTests: XCTestCase {
    let source = """
    import AlexNet

    public enum A {
        public static func f(_ x: Int) throws -> Int {
            // BEGIN SOLUTION f-task
            let y = x * 2
            return y + 1
            // END SOLUTION
        }
    }
    // BEGIN HIDDEN
    let secret = 42
    // END HIDDEN
    """

    func testStubsReplaceSolutionsAndHiddenRegionsGo() throws {
        let student = try XCTUnwrap(SolutionMarkers.studentVersion(of: source, file: "A.swift", handout: "Handouts/01-a.md"))
        XCTAssertEqual(student, """
        import AlexNet

        public enum A {
            public static func f(_ x: Int) throws -> Int {
                // TODO: f-task — see Handouts/01-a.md
                throw NotImplemented("f-task")
            }
        }
        """)
        XCTAssertFalse(student.contains("x * 2") || student.contains("secret"))
    }

    func testAFileThatIsAllHiddenIsLeftOut() throws {
        XCTAssertNil(try SolutionMarkers.studentVersion(of: "// BEGIN HIDDEN\nlet a = 1\n// END HIDDEN\n", file: "H.swift", handout: "x"))
    }

    func testMalformedMarkersAreRefusedWithTheirLine() {
        let cases: [(String, String)] = [
            ("func f() {\n// BEGIN SOLUTION t\nlet a = 1\n}", "region never ends"),
            ("// BEGIN SOLUTION t\n// BEGIN HIDDEN\n// END HIDDEN\n// END SOLUTION\n}", "begins inside"),
            ("let a = 1\n// END SOLUTION\n}", "without its BEGIN"),
            ("func f() {\n// BEGIN SOLUTION t\nlet a = 1\n// END SOLUTION\nlet b = 2\n}", "must end its function's body"),
            ("func f() {\n// BEGIN SOLUTION\n// END SOLUTION\n}", "needs a task name"),
            ("func f() {\n// BEGIN SOLUTION t\n// END SOLUTION\n}\nfunc g() {\n// BEGIN SOLUTION t\n// END SOLUTION\n}", "marked twice"),
            ("// BEGIN ANSWER\n", "unknown marker"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try SolutionMarkers.regions(in: text, file: "F.swift"), reason) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error) should say \(reason)")
                XCTAssertTrue("\(error)".hasPrefix("F.swift:"), "\(error) should name the file and line")
            }
        }
    }

    func testEveryCourseworkFileIsWellMarked() throws {
        let course = Course(root: TestPaths.assignments)
        let files = try Course.sources(in: course.coursework)
        let tasks = try files.flatMap { try SolutionMarkers.regions(in: $0.value, file: $0.key).map(\.task) }
        XCTAssertGreaterThanOrEqual(tasks.count, 8 * 2, "each assignment has at least two functions to write")
    }
}

final class MutantTests: XCTestCase {
    func testAMutantIsReadAndApplied() throws {
        let mutant = try Mutant(name: "m", text: """
        assignment: 3
        file: F.swift
        mistake: plus instead of times
        --- find
            a * b
        --- replace
            a + b
        --- end
        """)
        XCTAssertEqual(mutant.assignment, 3)
        XCTAssertEqual(mutant.file, "F.swift")
        XCTAssertEqual(try mutant.apply(to: "x\n    a * b\ny"), "x\n    a + b\ny")
        XCTAssertThrowsError(try mutant.apply(to: "    a * b\n    a * b")) { XCTAssertTrue("\($0)".contains("2 times")) }
        XCTAssertThrowsError(try mutant.apply(to: "nothing")) { XCTAssertTrue("\($0)".contains("0 times")) }
    }

    func testMalformedMutantsAreRefused() {
        for text in ["assignment: 1\nfile: F\nmistake: m\n", "assignment: 1\nfile: F\nmistake: m\n--- find\na\n--- end\n",
                     "file: F\nmistake: m\n--- find\na\n--- replace\nb\n--- end\n", "assignment: 1\nfile: F\nmistake: m\n--- find\na\n"] {
            XCTAssertThrowsError(try Mutant(name: "bad", text: text), text)
        }
    }

    func testEveryAssignmentHasAtLeastThreeMutantsThatApply() throws {
        let course = Course(root: TestPaths.assignments)
        let mutants = try Mutant.all(in: course.mutants)
        let solution = try Course.sources(in: course.coursework)
        for assignment in 1...8 {
            XCTAssertGreaterThanOrEqual(mutants.filter { $0.assignment == assignment }.count, 3, "assignment \(assignment)")
        }
        for mutant in mutants {
            let text = try XCTUnwrap(solution[mutant.file], "\(mutant.name): no file \(mutant.file)")
            XCTAssertNotEqual(try mutant.apply(to: text), text, mutant.name)
            XCTAssertEqual(Int(mutant.file.prefix(2)), mutant.assignment, "\(mutant.name) edits another assignment's file")
        }
    }
}

enum TestPaths {
    /// The Assignments folder (this file is Assignments/Tests/GraderKitTests/…).
    static let assignments = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
