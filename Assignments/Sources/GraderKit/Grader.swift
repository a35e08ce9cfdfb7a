import Foundation

/// Grades coursework with the tests of `home` (the copy the `grade` command belongs to: the
/// instructor's, with hidden tests, or a student's, without): builds it in the workspace, then
/// runs each selected assignment in its own child process.
public struct Grader {
    public let home: Course
    public var limits = AssignmentRun.Limits()
    /// The hidden tests' seed; nil for the one in the hidden sources.
    public var hiddenSeed: UInt64?
    public var progress: (String) -> Void

    public init(home: Course, progress: @escaping (String) -> Void = { _ in }) {
        self.home = home
        self.progress = progress
    }

    /// Grades `coursework` (file name → text); `selection` nil means every assignment.
    public func grade(coursework: [String: String], source: String, studentFolder: URL? = nil, selection: [Int]? = nil) throws -> GradeReport {
        let workspace = try Workspace(grading: home)
        let golden = try home.library().appendingPathComponent("Tests/AlexNetTests/Fixtures")
        return try workspace.locked(progress: progress) {
            let runner: URL
            do {
                runner = try workspace.build(coursework: coursework, studentFolder: studentFolder, progress: progress)
            } catch let failure as Workspace.BuildFailure {
                let numbers = selection ?? coursework.keys.compactMap { Int($0.prefix(2)) }.sorted()
                return GradeReport(source: source, hiddenTests: !home.isStudentCopy, compileErrors: failure.errors,
                                   assignments: numbers.map {
                                       AssignmentResult(number: $0, title: "", status: .doesNotCompile, detail: "see the compiler's errors above",
                                                        points: 0, maxPoints: 0, seconds: 0, tests: [])
                                   })
            }
            let known = try AssignmentRun.list(runner: runner)
            if let unknown = selection?.first(where: { n in !known.contains { $0.number == n } }) {
                throw Course.Problem(description: "there is no assignment \(unknown): the assignments are \(known.map { String($0.number) }.joined(separator: ", "))")
            }
            let chosen = known.filter { selection?.contains($0.number) ?? true }
            var results: [AssignmentResult] = []
            for (number, title) in chosen {
                progress("assignment \(number) — \(title)")
                results.append(try AssignmentRun.run(runner: runner, assignment: number, title: title, golden: golden,
                                                     hiddenSeed: hiddenSeed, limits: limits))
            }
            return GradeReport(source: source, hiddenTests: !home.isStudentCopy, assignments: results)
        }
    }

    /// One mutant's verdict: the tests that failed it (or how its assignment stopped).
    public struct MutantVerdict: Sendable {
        public var mutant: Mutant
        public var caughtBy: [String]
        public var caught: Bool { !caughtBy.isEmpty }
    }

    /// Grades every mutant of the selected assignments and returns, per mutant, what caught it,
    /// and the problems with the assignments left as solved in each round (they must score full marks).
    ///
    /// Assignments are independent (each tests only its own file), so round r applies the r-th
    /// mutant of every assignment at once: as many builds as the largest number of mutants of one
    /// assignment, not one per mutant.
    public func checkMutants(selection: [Int]? = nil) throws -> (verdicts: [MutantVerdict], problems: [String]) {
        guard !home.isStudentCopy else { throw Course.Problem(description: "a student copy holds no mutants") }
        let mutants = try Mutant.all(in: home.mutants).filter { selection?.contains($0.assignment) ?? true }
        guard !mutants.isEmpty else { throw Course.Problem(description: "no mutants under \(home.mutants.path)") }
        let solution = try Course.sources(in: home.coursework)
        let byAssignment = Dictionary(grouping: mutants, by: \.assignment)
        let rounds = byAssignment.values.map(\.count).max() ?? 0
        var verdicts: [MutantVerdict] = [], problems: [String] = []
        for round in 0..<rounds {
            var files = solution
            var mutated: [Int: Mutant] = [:]
            for (assignment, list) in byAssignment where round < list.count {
                let mutant = list[round]
                guard let text = files[mutant.file] else { throw Course.Problem(description: "mutant \(mutant.name): no coursework file \(mutant.file)") }
                files[mutant.file] = try mutant.apply(to: text)
                mutated[assignment] = mutant
            }
            progress("mutant round \(round + 1) of \(rounds): " + mutated.values.sorted { $0.assignment < $1.assignment }.map(\.name).joined(separator: ", "))
            let report = try grade(coursework: files, source: "mutant round \(round + 1)", selection: selection)
            if let errors = report.compileErrors { throw Course.Problem(description: "mutant round \(round + 1) does not compile:\n\(errors)") }
            for result in report.assignments {
                if let mutant = mutated[result.number] {
                    let failed = result.status == .completed ? result.tests.filter { !$0.passed }.map(\.test) : ["(\(result.status.rawValue))"]
                    verdicts.append(MutantVerdict(mutant: mutant, caughtBy: failed))
                } else if result.points != result.maxPoints || result.status != .completed {
                    problems.append("round \(round + 1): assignment \(result.number), left solved, scored \(result.points)/\(result.maxPoints)")
                }
            }
        }
        return (verdicts.sorted { ($0.mutant.assignment, $0.mutant.name) < ($1.mutant.assignment, $1.mutant.name) }, problems)
    }
}
