// swift-tools-version:6.0
//
// AlexNet in Swift: a runnable book that reproduces Krizhevsky, Sutskever and Hinton (2012).
// No Swift package dependencies; system C libraries only, each through a system-library target.
import PackageDescription

/// Every module is compiled for the processor that builds it (`-target-cpu native`): the
/// library's own loops (the Winograd transforms, LRN, pooling, activations, the update) run on
/// its widest vectors, 512 or 256 bits, instead of x86-64's baseline 128. The book is built
/// where it runs (README's one command), so nothing is lost; a binary copied to an older
/// processor would stop at its first unknown instruction. Results are the same bits: the
/// compiler does not fuse or reorder floating-point operations, only widens them
/// (`alexnet-bench`, OpenBLAS's Cooperlake kernel on a 2-core Zen 4: the four-layer net's step
/// 11% faster, the paper net's 3%, inside the noise).
let nativeCode: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "native"]),
]

/// Release builds let client modules (chapters, benchmarks) specialise the library's generic
/// code for `Float`: without it a generic loop used across modules ran about 80× slower here.
let crossModuleOptimization: [SwiftSetting] = nativeCode + [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

/// The core's numeric loops are compiled with optimisation in debug builds too: unoptimised
/// they run tens of times slower, which would make `swift test` (a debug build) train its small
/// networks for many minutes. Debug builds keep assertions and testability. The modules above
/// the core do little arithmetic of their own and need only cross-module optimisation.
let core: [SwiftSetting] = crossModuleOptimization + [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    // Square roots without errno: `squareRoot()` compiles to an instruction the loops can
    // vectorise, not a call to the C library's `sqrtf` (LRN's normaliser).
    .unsafeFlags(["-Xcc", "-fno-math-errno"]),
]

/// The book's chapters, one executable each, with the modules each imports.
let chapters: [(name: String, dependencies: [Target.Dependency])] = {
    let comparison: [Target.Dependency] = ["AlexNet", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "Plotting", "ToolSupport"]
    return [
        ("chapter-01-architecture", ["AlexNet", "AlexNetTraining", "Plotting", "ToolSupport"]),
        ("chapter-02-gradients", ["AlexNet", "AlexNetChecks", "AlexNetTraining", "Plotting", "ToolSupport"]),
        ("chapter-03-relu", comparison),
        ("chapter-04-gpu-split", comparison),
        ("chapter-05-lrn", comparison),
        ("chapter-06-pooling", comparison),
        ("chapter-07-augmentation", comparison),
        ("chapter-08-dropout", comparison),
        ("chapter-09-learning", comparison),
        ("chapter-10-imagenet", comparison),
        ("chapter-11-qualitative", comparison),
    ]
}()

let package = Package(
    name: "AlexNet",
    products: [
        .library(name: "AlexNet", targets: ["AlexNet", "AlexNetChecks", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "Plotting"]),
        .executable(name: "alexnet-bench", targets: ["alexnet-bench"]),
        .executable(name: "figure-gallery", targets: ["figure-gallery"]),
        .executable(name: "alexnet", targets: ["alexnet"]),
    ] + chapters.map { .executable(name: $0.name, targets: [$0.name]) },
    targets: [
        // System libraries: OpenBLAS for GEMM, libpng and zlib for figures and gzip'd data,
        // libjpeg-turbo for photographs.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // libjpeg-turbo's TurboJPEG API, for ImageNet's photographs and `alexnet predict`.
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        // libarchive, for ImageNet's archives as they are distributed (tars of tars, the devkit's .tar.gz).
        .systemLibrary(name: "CArchive", path: "Sources/CArchive",
                       providers: [.apt(["libarchive-dev"])]),
        // Open MPI, for data-parallel training over several processes and machines.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // The CPUID and XGETBV instructions, to see which BLAS kernel the processor can run.
        .systemLibrary(name: "CCPUID", path: "Sources/CCPUID"),
        // glibc's mallopt, to keep freed tensors in the heap (see Threading.swift).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // The core: tensors, layers, models. Imports nothing of ours.
        .target(
            name: "AlexNet",
            dependencies: ["COpenBLAS", "CCPUID", "CMalloc"],
            exclude: ["README.md"],
            swiftSettings: core),

        // Numerical gradient checking, for the tests, chapter 2 and students' own layers.
        .target(
            name: "AlexNetChecks",
            dependencies: ["AlexNet"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        // Data sets, normalisation, the paper's augmentation, the batch loader.
        .target(
            name: "AlexNetData",
            dependencies: ["AlexNet", "CZlib", "CTurboJPEG", "CArchive"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        // The paper's SGD, schedules, the trainer, evaluation, checkpoints, the CSV log.
        .target(
            name: "AlexNetTraining",
            dependencies: ["AlexNet", "AlexNetData", "CZlib"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        // The experiment protocol: rate sweeps that bracket, measured runs, seeds and spreads.
        .target(
            name: "AlexNetExperiments",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        // Data-parallel training over MPI: the group of processes, the gradients' all-reduce.
        .target(
            name: "AlexNetDistributed",
            dependencies: ["AlexNet", "AlexNetTraining", "CMPI"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        // Images, PNG, canvas, font, charts, grids, the layer diagram.
        .target(
            name: "Plotting",
            dependencies: ["AlexNet", "AlexNetData", "CPNG"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "alexnet-bench",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "AlexNetDistributed", "ToolSupport"],
            path: "Benchmarks/alexnet-bench",
            swiftSettings: crossModuleOptimization),

        // What the executables share: argument parsing, chapter and data-set options, the BLAS
        // kernel check.
        .target(
            name: "ToolSupport",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "Plotting"],
            exclude: ["README.md"],
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "alexnet",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining", "AlexNetDistributed", "Plotting", "ToolSupport"],
            path: "Tools/alexnet",
            swiftSettings: crossModuleOptimization),

        .executableTarget(
            name: "figure-gallery",
            dependencies: ["AlexNet", "Plotting", "ToolSupport"],
            path: "Tools/figure-gallery",
            swiftSettings: crossModuleOptimization),

        // The tests: one target per module, and the helpers they share.
        .target(
            name: "TestSupport",
            dependencies: ["AlexNet", "AlexNetChecks", "AlexNetData", "AlexNetTraining"],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "AlexNetTests",
            dependencies: ["AlexNet", "AlexNetChecks", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "AlexNetChecksTests",
            dependencies: ["AlexNet", "AlexNetChecks", "TestSupport"]),
        .testTarget(
            name: "AlexNetDataTests",
            dependencies: ["AlexNet", "AlexNetData", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "AlexNetTrainingTests",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "AlexNetExperimentsTests",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "TestSupport"]),
        .testTarget(
            name: "PlottingTests",
            dependencies: ["AlexNet", "AlexNetData", "Plotting", "figure-gallery", "TestSupport"]),
        .testTarget(
            name: "ToolSupportTests",
            dependencies: ["AlexNet", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "Plotting", "ToolSupport", "alexnet", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

package.targets += chapters.map { chapter in
    .executableTarget(name: chapter.name, dependencies: chapter.dependencies, path: "Chapters/\(chapter.name)",
                      swiftSettings: crossModuleOptimization)
}
