// Runs one assignment's tests on the coursework compiled into it and prints JSON lines on
// standard output, for the grader one folder up (`swift run grade`), which starts this program
// once per assignment in a child process with a time limit:
//
//     grade-runner --list                      {"assignments":[{"number":1,"title":"…"},…]}
//     grade-runner --assignment N --golden DIR [--hidden-seed S] [--memory-limit-gib G]
//         {"plan":{"number":N,"title":"…","tests":[{"test":"…","maxPoints":2,"visibility":"visible"},…]}}
//         one TestOutcome per test, as it finishes
//         {"finished":true}
import Foundation
import Grading

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("grade-runner: \(message)\n".utf8))
    exit(2)
}

/// One line, written at once and unbuffered: what a later test's crash leaves behind is still read.
func emit<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // A NaN or infinite error (a student's overflow) is a result, not a reason to stop.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    FileHandle.standardOutput.write(try! encoder.encode(value) + Data("\n".utf8))
}

struct PlanEntry: Encodable { var test: String; var maxPoints: Int; var visibility: GradedTest.Visibility }
struct Plan: Encodable { var number: Int; var title: String; var tests: [PlanEntry] }
struct Listed: Encodable { var number: Int; var title: String }

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
if arguments == ["--list"] {
    emit(["assignments": Suites.assignments.map { Listed(number: $0.number, title: $0.title) }])
    exit(0)
}
while let name = arguments.popFirst() {
    guard name.hasPrefix("--"), let value = arguments.popFirst() else {
        fail("usage: grade-runner --list | --assignment N --golden DIR [--hidden-seed S] [--memory-limit-gib G]")
    }
    options[String(name.dropFirst(2))] = value
}
guard let number = options["assignment"].flatMap(Int.init), let assignment = Suites.assignments.first(where: { $0.number == number }) else {
    fail("--assignment must be one of \(Suites.assignments.map(\.number))")
}
guard let golden = options["golden"] else { fail("--golden DIR is required (the library's Tests/AlexNetTests/Fixtures)") }
guard let seed = options["hidden-seed"].map(UInt64.init) ?? Suites.defaultHiddenSeed else { fail("--hidden-seed must be a whole number") }

// A student's huge allocation fails here (and costs this assignment), not on the machine.
if let gib = options["memory-limit-gib"].flatMap(Double.init) {
    var limit = rlimit(rlim_cur: rlim_t(gib * 1_073_741_824), rlim_max: rlim_t(gib * 1_073_741_824))
    setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
}

let tests = Suites.tests(of: number)
emit(["plan": Plan(number: number, title: assignment.title,
                   tests: tests.map { PlanEntry(test: $0.name, maxPoints: $0.points, visibility: $0.visibility) })])
let context = GradingContext(goldenDirectory: golden, hiddenSeed: seed)
for test in tests { emit(test.run(context: context)) }
emit(["finished": true])
