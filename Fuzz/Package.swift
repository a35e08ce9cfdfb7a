// swift-tools-version:6.0
//
// libFuzzer targets for every reader of untrusted bytes, kept out of the main package because
// they are built with `-sanitize=fuzzer` (which supplies their `main`). Scripts/fuzz.sh builds
// and runs them; see its header.
import PackageDescription

let readers = ["safetensors", "checkpoint", "jpeg", "png", "idx", "cifar", "shards", "prepare-state", "mat-file", "tar-archive"]

let package = Package(
    name: "AlexNetFuzz",
    dependencies: [.package(name: "AlexNet", path: "..")],
    targets: [.target(name: "FuzzDriver", swiftSettings: [.unsafeFlags(["-sanitize=fuzzer"])])] + readers.map { reader in
        .executableTarget(name: "fuzz-\(reader)", dependencies: ["FuzzDriver", .product(name: "AlexNet", package: "AlexNet")],
                          path: "Sources/\(reader)",
                          swiftSettings: [.unsafeFlags(["-sanitize=fuzzer"])],
                          linkerSettings: [.unsafeFlags(["-sanitize=fuzzer", "-use-ld=lld"])])
    },
    swiftLanguageModes: [.v6]
)
