import XCTest
@testable import GraderKit

/// The grader judged as the issue asks: full marks for the solution, zero for the untouched
/// student copy (without a crash), every mutant failed, and a student's trap, endless loop,
/// huge allocation or compile error costing that student's points and nothing else. These build
/// the coursework (the first build compiles the library: a minute or more).
final class GradingTests: XCTestCase {
    let course = Course(root: TestPaths.assignments)

    func grader(seconds: Double = 60) -> Grader {
        var grader = Grader(home: course) { print("grade: \($0)") }
        grader.limits.seconds = seconds
        return grader
    }

    func testTheSolutionGetsFullMarks() throws {
        let report = try grader().grade(coursework: try Course.sources(in: course.coursework), source: "solution")
        print(report.printed)
        XCTAssertTrue(report.everyTestPassed)
        XCTAssertEqual(report.assignments.map(\.number), Array(1...8))
        XCTAssertEqual(report.points, report.maxPoints)
        XCTAssertTrue(report.assignments.allSatisfy { $0.maxPoints == 10 && $0.tests.contains { $0.visibility == "hidden" } })
        // Grading one assignment stays well inside the time limit.
        XCTAssertTrue(report.assignments.allSatisfy { $0.seconds < 30 }, "\(report.assignments.map(\.seconds))")
    }

    func testTheUntouchedStudentCopyGetsZeroWithoutCrashing() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("student-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try StudentCopy.write(from: course, to: scratch, libraryPath: try course.library().path)
        let copy = Course(root: scratch)
        let report = try grader().grade(coursework: try Course.sources(in: copy.coursework), source: "student copy", studentFolder: copy.coursework)
        print(report.printed)
        XCTAssertEqual(report.points, 0)
        XCTAssertEqual(report.maxPoints, 80)
        XCTAssertTrue(report.assignments.allSatisfy { $0.status == .completed }, "a stub must throw, never trap")
        XCTAssertTrue(report.assignments.flatMap(\.tests).allSatisfy { !$0.passed && $0.message.hasPrefix("not implemented yet: ") })
    }

    func testEveryMutantFails() throws {
        let (verdicts, problems) = try grader().checkMutants()
        for v in verdicts { print("\(v.caught ? "caught" : "MISSED") \(v.mutant.name): \(v.caughtBy.joined(separator: "; "))") }
        XCTAssertGreaterThanOrEqual(verdicts.count, 24)
        XCTAssertEqual(verdicts.filter { !$0.caught }.map(\.mutant.name), [])
        XCTAssertEqual(problems, [])
    }

    func testATrapAnEndlessLoopAHugeAllocationAndAnExitCostOnlyTheirAssignment() throws {
        var files = try Course.sources(in: course.coursework)
        func edit(_ file: String, _ find: String, _ replace: String) throws {
            let mutant = try Mutant(name: "hostile", text: "assignment: 0\nfile: \(file)\nmistake: -\n--- find\n\(find)\n--- replace\n\(replace)\n--- end\n")
            files[file] = try mutant.apply(to: try XCTUnwrap(files[file]))
        }
        try edit("01-Activations.swift", "        Tensor(shape: x.shape, scalars: x.scalars.map { max(0, $0) })",
                 "        var spin = 0\n        while spin >= 0 { spin = (spin &+ 1) % 7 }\n        return x")
        try edit("03-Convolution.swift", "        let (H, W) = (image.shape[1], image.shape[2])\n        let (Ho, Wo)",
                 "        let (H, W) = (image.shape[1], image.shape[2])\n        _ = image.scalars[image.count]\n        let (Ho, Wo)")
        try edit("07-SGD.swift", "        let decay = decays ? λ : 0",
                 "        let huge = [Double](repeating: 1, count: 1 << 30)   // 8 GiB\n        let decay = decays ? λ * huge[0] : 0")
        try edit("05-LocalResponseNormalization.swift", "        var b = a\n",
                 "        if a.count >= 0 { exit(3) }      // a student's exit: the runner ends before its results\n        var b = a\n")
        let report = try grader(seconds: 5).grade(coursework: files, source: "hostile coursework")
        print(report.printed)
        let status = Dictionary(uniqueKeysWithValues: report.assignments.map { ($0.number, $0) })
        XCTAssertEqual(status[1]?.status, .timedOut)
        XCTAssertEqual(status[3]?.status, .crashed)
        XCTAssertTrue(status[3]?.detail.contains("Index out of range") == true, status[3]?.detail ?? "")
        XCTAssertEqual(status[7]?.status, .crashed)
        XCTAssertEqual(status[5]?.status, .noResults)
        XCTAssertTrue(status[5]?.detail.contains("exited with status 3") == true, status[5]?.detail ?? "")
        for n in [1, 3, 5, 7] { XCTAssertEqual(status[n]?.points, 0) }
        for n in [2, 4, 6, 8] { XCTAssertEqual(status[n]?.points, 10, "assignment \(n) must not suffer from the others") }
        XCTAssertFalse(report.everyTestPassed)
    }

    func testAnAssignmentThatDoesNotExistOrAFolderWithoutCourseworkIsNamed() throws {
        XCTAssertThrowsError(try grader().grade(coursework: try Course.sources(in: course.coursework), source: "solution", selection: [9])) {
            XCTAssertTrue("\($0)".contains("there is no assignment 9: the assignments are 1, 2, 3, 4, 5, 6, 7, 8"), "\($0)")
        }
        let nowhere = URL(fileURLWithPath: "/nonexistent/student/Course/Sources/Coursework")
        XCTAssertThrowsError(try Course.sources(in: nowhere)) {
            XCTAssertTrue("\($0)".contains("/nonexistent/student/Course/Sources/Coursework cannot be read"), "\($0)")
        }
    }

    /// The JSON a course imports carries every field, a student's NaN or infinite error included
    /// (as the strings "nan" and "inf", which plain JSON cannot hold as numbers).
    func testTheJSONReportRoundTripsWithNonFiniteErrors() throws {
        let outcome = TestOutcome(test: "t", visibility: "visible", points: 0, maxPoints: 2, passed: false,
                                  largestRelativeError: .infinity, gradientCheck: .nan, message: "m")
        let report = GradeReport(source: "s", hiddenTests: true, assignments: [
            AssignmentResult(number: 1, title: "a", status: .completed, detail: "", points: 0, maxPoints: 2, seconds: 0.5, tests: [outcome])])
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = GradeReport.nonConformingFloats.decoding
        let back = try decoder.decode(GradeReport.self, from: try report.json())
        XCTAssertEqual(back.points, 0)
        XCTAssertEqual(back.maxPoints, 2)
        XCTAssertEqual(back.assignments.first?.tests.first?.largestRelativeError, .infinity)
        XCTAssertTrue(back.assignments.first?.tests.first?.gradientCheck?.isNaN == true)
        XCTAssertTrue(String(decoding: try report.json(), as: UTF8.self).contains(#""largestRelativeError" : "inf""#))
    }

    func testCoursewareThatDoesNotCompileScoresZeroAndNamesTheStudentsFile() throws {
        var files = try Course.sources(in: course.coursework)
        files["06-Dropout.swift"] = try XCTUnwrap(files["06-Dropout.swift"]).replacingOccurrences(of: "(1 - p) * $0 }", with: "(1 - p) * $0 + undefinedName }")
        let folder = URL(fileURLWithPath: "/home/student/assignments/Course/Sources/Coursework")
        let report = try grader().grade(coursework: files, source: "broken", studentFolder: folder, selection: [6])
        print(report.printed)
        XCTAssertEqual(report.points, 0)
        let errors = try XCTUnwrap(report.compileErrors)
        XCTAssertTrue(errors.contains("undefinedName") && errors.contains(folder.path + "/06-Dropout.swift"), errors)
        XCTAssertEqual(report.assignments.map(\.status), [.doesNotCompile])
    }
}
