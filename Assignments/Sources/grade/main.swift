// grade: runs the assignments' tests on coursework and prints, per assignment and test, pass or
// fail, the points, the largest relative error against the reference and the gradient check's
// figure, then the total. Exits 0 only when every selected test passes.
//
//     swift run grade [N …] [--student DIR | --solution] [--json FILE]
//                     [--time-limit SECONDS] [--memory-limit-gib G] [--hidden-seed S]
//     swift run grade --mutants [N …]        (instructor: every mutant must fail)
//
// Each assignment runs in its own process, stopped after --time-limit seconds (default 60) and
// held to --memory-limit-gib of address space (default 4): a trap, an endless loop or a huge
// allocation costs that assignment's points and is reported as such.
import Foundation
import GraderKit

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("grade: \(message)\n".utf8))
    exit(status)
}

let usage = "usage: grade [N …] [--student DIR | --solution] [--json FILE] [--time-limit SECONDS] [--memory-limit-gib G] [--hidden-seed S] | grade --mutants [N …]"
// This file is <root>/Sources/grade/main.swift.
let home = Course(root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
var grader = Grader(home: home) { FileHandle.standardError.write(Data("grade: \($0)\n".utf8)) }
var selection: [Int] = [], student: URL?, solution = false, json: URL?, mutants = false

var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let value = arguments.popFirst() else { fail("\(argument) needs a value\n\(usage)") }
        return value
    }
    switch argument {
    case "--student": student = URL(fileURLWithPath: value())
    case "--solution": solution = true
    case "--json": json = URL(fileURLWithPath: value())
    case "--mutants": mutants = true
    case "--time-limit":
        guard let s = Double(value()), s > 0 else { fail("--time-limit needs a positive number of seconds") }
        grader.limits.seconds = s
    case "--memory-limit-gib":
        guard let g = Double(value()), g > 0 else { fail("--memory-limit-gib needs a positive number") }
        grader.limits.memoryGiB = g
    case "--hidden-seed":
        guard let s = UInt64(value()) else { fail("--hidden-seed needs a whole number") }
        grader.hiddenSeed = s
    case "--help", "-h": print(usage); exit(0)
    default:
        guard let n = Int(argument), n > 0 else { fail("unknown argument \(argument)\n\(usage)") }
        selection.append(n)
    }
}
if student != nil && solution { fail("--student and --solution exclude each other") }

do {
    if mutants {
        let (verdicts, problems) = try grader.checkMutants(selection: selection.isEmpty ? nil : selection)
        for v in verdicts {
            print("\(v.caught ? "caught" : "MISSED") assignment \(v.mutant.assignment) \(v.mutant.name): \(v.mutant.mistake)")
            print("       " + (v.caught ? "failed: " + v.caughtBy.joined(separator: "; ") : "every test passed"))
        }
        problems.forEach { print("PROBLEM \($0)") }
        let missed = verdicts.filter { !$0.caught }.count
        print("\(verdicts.count - missed) of \(verdicts.count) mutants caught" + (problems.isEmpty ? "" : "; \(problems.count) problems"))
        exit(missed == 0 && problems.isEmpty ? 0 : 1)
    }
    if solution && home.isStudentCopy { fail("this is a student copy: it holds no solution (grade your own code with no option)") }
    let folder = student.map { Course(root: $0) }
    let coursework = try Course.sources(in: folder?.coursework ?? home.coursework)
    let source = folder.map { "student copy \($0.root.path)" } ?? (home.isStudentCopy ? "coursework in \(home.root.path)" : "solution")
    let report = try grader.grade(coursework: coursework, source: source, studentFolder: folder?.coursework,
                                  selection: selection.isEmpty ? nil : selection)
    print(report.printed)
    if let json { try report.json().write(to: json) }
    exit(report.everyTestPassed ? 0 : 1)
} catch {
    fail("\(error)")
}
