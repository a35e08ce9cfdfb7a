// swift-tools-version:6.0
//
// AlexNet in Swift: a runnable book that reproduces Krizhevsky, Sutskever and Hinton (2012).
// No Swift package dependencies; system C libraries only, each through a system-library target.
import PackageDescription

/// Release builds let client modules (chapters, benchmarks) specialise the library's generic
/// code for `Float`: without it a generic loop used across modules ran about 80× slower here.
let crossModuleOptimization: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

/// The library's numeric loops are compiled with optimisation in debug builds too: unoptimised
/// they run tens of times slower, which would make `swift test` (a debug build) train its small
/// networks for many minutes. Debug builds keep assertions and testability.
let library: [SwiftSetting] = crossModuleOptimization + [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    // Square roots without errno: `squareRoot()` compiles to an instruction the loops can
    // vectorise, not a call to the C library's `sqrtf` (with the β test out of the loop, LRN ran 2× faster).
    .unsafeFlags(["-Xcc", "-fno-math-errno"]),
]

let package = Package(
    name: "AlexNet",
    products: [
        .library(name: "AlexNet", targets: ["AlexNet"]),
        .executable(name: "alexnet-bench", targets: ["alexnet-bench"]),
        .executable(name: "figure-gallery", targets: ["figure-gallery"]),
        .executable(name: "alexnet", targets: ["alexnet"]),
        .executable(name: "chapter-01-architecture", targets: ["chapter-01-architecture"]),
        .executable(name: "chapter-02-gradients", targets: ["chapter-02-gradients"]),
        .executable(name: "chapter-03-relu", targets: ["chapter-03-relu"]),
    ],
    targets: [
        // System libraries: OpenBLAS for GEMM, libpng and zlib for figures and gzip'd data.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // The CPUID and XGETBV instructions, to see which BLAS kernel the processor can run.
        .systemLibrary(name: "CCPUID", path: "Sources/CCPUID"),
        // glibc's mallopt, to keep freed tensors in the heap (see Threading.swift).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        .target(
            name: "AlexNet",
            dependencies: ["COpenBLAS", "CCPUID", "CPNG", "CZlib", "CMalloc"],
            swiftSettings: library),

        .executableTarget(
            name: "alexnet-bench",
            dependencies: ["AlexNet", "ToolSupport"],
            path: "Benchmarks/alexnet-bench",
            swiftSettings: crossModuleOptimization),

        // What the executables share: argument parsing, data-set options, image resizing.
        .target(
            name: "ToolSupport",
            dependencies: ["AlexNet"],
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "alexnet",
            dependencies: ["AlexNet", "ToolSupport"],
            path: "Tools/alexnet",
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "figure-gallery",
            dependencies: ["AlexNet", "ToolSupport"],
            path: "Tools/figure-gallery",
            swiftSettings: crossModuleOptimization),

        // The book's chapters, one executable each.
        .executableTarget(
            name: "chapter-01-architecture",
            dependencies: ["AlexNet", "ToolSupport"],
            path: "Chapters/chapter-01-architecture",
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "chapter-02-gradients",
            dependencies: ["AlexNet", "ToolSupport"],
            path: "Chapters/chapter-02-gradients",
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "chapter-03-relu",
            dependencies: ["AlexNet", "ToolSupport"],
            path: "Chapters/chapter-03-relu",
            swiftSettings: crossModuleOptimization),

        .testTarget(
            name: "AlexNetTests",
            dependencies: ["AlexNet", "ToolSupport"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
