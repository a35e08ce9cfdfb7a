// swift-tools-version:6.0
//
// The package a student works in: `Coursework` holds the code the eight assignments ask for
// (in the instructor's copy, the solutions between markers), `Grading` the tests that judge it,
// and `grade-runner` runs one assignment's tests and prints their results. The grader
// (`swift run grade` one folder up) builds this package in a scratch copy and runs each
// assignment in a child process; see ../README.md.
import PackageDescription

/// Where the AlexNet library lives, relative to this file. `make-student` and the grader rewrite
/// this line when they place a copy of this package somewhere else.
let libraryPath = "../.."

let package = Package(
    name: "AlexNetCourse",
    dependencies: [.package(name: "AlexNet", path: libraryPath)],
    targets: [
        .target(name: "Coursework", dependencies: [.product(name: "AlexNet", package: "AlexNet")]),
        .target(name: "Grading", dependencies: ["Coursework", .product(name: "AlexNet", package: "AlexNet")]),
        .executableTarget(name: "grade-runner", dependencies: ["Grading"]),
    ],
    swiftLanguageModes: [.v6]
)
