import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetTraining
@testable import ToolSupport
import TestSupport

/// The modules' arrows point one way: each imports only the modules below it (README.md's
/// layout). The compiler enforces what Package.swift declares; this test holds Package.swift and
/// the sources to the intended layering, so that a new dependency upward fails here.
@Suite struct LayeringTests {
    /// Which of our modules each module may import.
    static let allowed: [String: Set<String>] = [
        "AlexNet": [],
        "AlexNetChecks": ["AlexNet"],
        "AlexNetData": ["AlexNet"],
        "AlexNetTraining": ["AlexNet", "AlexNetData"],
        "AlexNetExperiments": ["AlexNet", "AlexNetData", "AlexNetTraining"],
        "AlexNetDistributed": ["AlexNet", "AlexNetTraining"],
        "Plotting": ["AlexNet", "AlexNetData"],
        "ToolSupport": ["AlexNet", "AlexNetChecks", "AlexNetData", "AlexNetTraining", "AlexNetExperiments", "Plotting"],
    ]
    static let ours: Set<String> = Set(allowed.keys).union(["CPNG", "CZlib", "CTurboJPEG", "CArchive", "CMPI"])

    @Test func eachModuleImportsOnlyWhatIsBelowIt() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        var checked = 0
        for (module, permitted) in Self.allowed {
            let directory = sources.appendingPathComponent(module)
            let files = try #require(FileManager.default.enumerator(atPath: directory.path)).compactMap { $0 as? String }
                .filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty, "no sources in \(module)")
            for file in files {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                    let name = String(line.split(separator: " ").last!)
                    // The C libraries: only the core reaches OpenBLAS; zlib is data's (gzip, meta.mat) and
                    // training's (checkpoints' CRC-32), libjpeg-turbo and libarchive data's, libpng plotting's,
                    // Open MPI the distributed module's.
                    let cPermitted: Set<String> = ["AlexNetData": ["CZlib", "CTurboJPEG", "CArchive"], "AlexNetTraining": ["CZlib"], "Plotting": ["CPNG"],
                                                    "AlexNetDistributed": ["CMPI"]][module] ?? []
                    guard Self.ours.contains(name) || name == "COpenBLAS" else { continue }
                    let fine = permitted.contains(name) || cPermitted.contains(name) || (module == "AlexNet" && name == "COpenBLAS")
                    #expect(fine, "\(module)/\(file) imports \(name)")
                    checked += 1
                }
            }
        }
        #expect(checked > 10)
    }
}
