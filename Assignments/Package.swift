// swift-tools-version:6.0
//
// The classroom kit, a package of its own beside the book's (as Fuzz/ is): the grader and the
// tool that writes student copies. The code students write and the tests that judge it are the
// package in Course/, which depends on the library; the grader builds it in a scratch copy
// (.build/grading) with the coursework to judge. See README.md.
import PackageDescription
import Foundation

/// The grader's own tests (they need the mutants and the solutions) are not in a student copy.
let hasTests = FileManager.default.fileExists(atPath: Context.packageDirectory + "/Tests/GraderKitTests")

let package = Package(
    name: "AlexNetAssignments",
    products: [
        .executable(name: "grade", targets: ["grade"]),
        .executable(name: "make-student", targets: ["make-student"]),
    ],
    targets: [
        .target(name: "GraderKit"),
        .executableTarget(name: "grade", dependencies: ["GraderKit"]),
        .executableTarget(name: "make-student", dependencies: ["GraderKit"]),
    ] + (hasTests ? [.testTarget(name: "GraderKitTests", dependencies: ["GraderKit"])] : []),
    swiftLanguageModes: [.v6]
)
