import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetTraining
@testable import ToolSupport
import TestSupport

/// The restart, end to end: the `alexnet` executable, built beside this test bundle, started on
/// the generic kernel as if OpenBLAS had chosen it.
@Suite struct BLASKernelRestartTests {
    /// Runs `alexnet --version` with `environment` changed (nil removes a variable).
    func alexnetVersion(_ changes: [String: String?]) throws -> ExecutableRun {
        try runExecutable("alexnet", ["--version"], environment: changes)
    }

    @Test func genericKernelIsReplaced() throws {
        let run = try alexnetVersion(["OPENBLAS_CORETYPE": "Prescott", BLASKernelSelection.handOffVariable: "openblas"])
        #expect(run.status == 0)
        guard let best = BLASKernel.best(for: .current) else {
            #expect(run.output.contains("kernel: Prescott (OpenBLAS's own choice)"), "\(run.output)")
            #expect(run.errors.isEmpty, "\(run.errors)")
            return
        }
        #expect(run.output.contains("kernel: \(best) (OpenBLAS chose Prescott; restarted with OPENBLAS_CORETYPE=\(best))"), "\(run.output)")
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 1, "\(run.errors)")
        #expect(lines.first?.hasPrefix("alexnet: OpenBLAS chose its Prescott kernels (SSE3) for this CPU") == true, "\(run.errors)")
        #expect(lines.first?.contains("restarted with OPENBLAS_CORETYPE=\(best) (set it yourself to choose).") == true, "\(run.errors)")
    }

    @Test func usersChoiceWins() throws {
        let run = try alexnetVersion(["OPENBLAS_CORETYPE": "Prescott", BLASKernelSelection.handOffVariable: nil])
        #expect(run.status == 0)
        #expect(run.output.contains("kernel: Prescott (set by OPENBLAS_CORETYPE)"), "\(run.output)")
        #expect(run.errors.isEmpty, "\(run.errors)")
    }

    /// The judge of every kernel this CPU can run, the 512-bit ones included: sgemm and the
    /// convolutions against their naive twins, run under that kernel in a process of its own.
    @Test func everyKernelTheCPUCanRunPassesTheCheck() throws {
        let cpu = CPUFeatures.current
        let kernels = ["Prescott", cpu.vendor == "AuthenticAMD" ? "Zen" : "Haswell", "SkylakeX", "Cooperlake"]
            .filter { (BLASKernel.level(ofKernel: $0) ?? .sse) <= cpu.level }
        for kernel in kernels {
            let run = try alexnetVersion(["OPENBLAS_CORETYPE": kernel, BLASKernelSelection.handOffVariable: nil])
            #expect(run.status == 0)
            #expect(run.output.contains("kernel: \(kernel) (set by OPENBLAS_CORETYPE)"), "\(run.output)")
            #expect(run.output.contains("check:  sgemm and the convolutions agrees with the naive product"), "\(kernel): \(run.output)")
            #expect(run.errors.isEmpty, "\(run.errors)")
        }
    }

    /// A 512-bit kernel that failed the check (simulated) is left for the CPU's AVX2 kernel, and the
    /// program says why; a user's OPENBLAS_CORETYPE is only warned about.
    @Test func aFailed512BitKernelFallsBackToAVX2() throws {
        let cpu = CPUFeatures.current
        guard cpu.level >= .avx512, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        let avx2 = cpu.vendor == "AuthenticAMD" ? "Zen" : "Haswell", best = BLASKernel.best(for: cpu) ?? ""
        let run = try alexnetVersion([BLASKernelSelection.handOffVariable: nil, BLASKernelSelection.checkVariable: "fail-512",
                                      "OPENBLAS_CORETYPE": nil])
        #expect(run.status == 0)
        #expect(run.output.contains("kernel: \(avx2) ("), "\(run.output)")
        #expect(run.output.contains("failed the check; restarted with OPENBLAS_CORETYPE=\(avx2)"), "\(run.output)")
        #expect(run.errors.contains("failed the check against the naive product; restarted with OPENBLAS_CORETYPE=\(avx2)"), "\(run.errors)")
        let user = try alexnetVersion([BLASKernelSelection.handOffVariable: nil, BLASKernelSelection.checkVariable: "fail-512",
                                       "OPENBLAS_CORETYPE": best])
        #expect(user.output.contains("kernel: \(best) (set by OPENBLAS_CORETYPE)"), "\(user.output)")
        #expect(user.errors.contains("OPENBLAS_CORETYPE=\(best), your choice: its FAILS against the naive product"), "\(user.errors)")
    }

    /// As a user starts it: whatever OpenBLAS chose by itself, the kernel that runs is at the
    /// CPU's level (or the user's, when the environment sets one).
    @Test func asStartedByAUser() throws {
        let run = try alexnetVersion([BLASKernelSelection.handOffVariable: nil])
        #expect(run.status == 0)
        let line = run.output.split(separator: "\n").first { $0.hasPrefix("kernel: ") } ?? ""
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil {
            #expect(line.hasSuffix("(set by OPENBLAS_CORETYPE)"), "\(line)")
        } else if let best = BLASKernel.best(for: .current), let running = line.split(separator: " ").dropFirst().first {
            #expect(BLASKernel.level(ofKernel: String(running)) == BLASKernel.level(ofKernel: best), "\(line)")
        }
    }
}
