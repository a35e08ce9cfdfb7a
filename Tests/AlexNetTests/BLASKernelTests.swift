import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetChecks
@testable import AlexNetData
@testable import AlexNetTraining
@testable import Plotting
import ToolSupport

/// The decision between the kernel OpenBLAS chose and the one the CPU can run, over a table of
/// processors; the CPUID reading against the kernel's own account (/proc/cpuinfo); and the
/// restart of a real executable that starts on the generic kernel.
@Suite struct BLASKernelTests {
    /// A CPU with the instruction sets of `level` and nothing more.
    static func cpu(_ level: InstructionLevel, vendor: String = "GenuineIntel") -> CPUFeatures {
        var f = CPUFeatures()
        f.vendor = vendor
        f.avx = level >= .avx
        (f.avx2, f.fma) = (level >= .avx2, level >= .avx2)
        (f.avx512f, f.avx512cd, f.avx512bw, f.avx512dq, f.avx512vl) = (level >= .avx512, level >= .avx512, level >= .avx512, level >= .avx512, level >= .avx512)
        f.avx512bf16 = level >= .avx512bf16
        return f
    }

    struct Case: CustomTestStringConvertible {
        var cpu: CPUFeatures, chosen: String, user: String?, expected: BLASKernel.Decision, what: String
        var testDescription: String { what }
    }

    static let cases: [Case] = [
        Case(cpu: cpu(.avx512bf16), chosen: "Prescott", user: nil, expected: .replace(with: "Cooperlake"),
             what: "a Xeon newer than the OpenBLAS build (family 6 model 207): generic fallback replaced"),
        Case(cpu: cpu(.avx512bf16), chosen: "prescott", user: nil, expected: .replace(with: "Cooperlake"),
             what: "kernel names compare without case"),
        Case(cpu: cpu(.avx512bf16), chosen: "Prescott", user: "Prescott", expected: .userChoice("Prescott"),
             what: "the user's OPENBLAS_CORETYPE always wins"),
        Case(cpu: cpu(.avx512bf16), chosen: "Prescott", user: "", expected: .replace(with: "Cooperlake"),
             what: "an empty OPENBLAS_CORETYPE counts as unset"),
        Case(cpu: cpu(.avx512bf16), chosen: "Cooperlake", user: nil, expected: .keep,
             what: "OpenBLAS already runs the best kernel"),
        Case(cpu: cpu(.avx512bf16), chosen: "SapphireRapids", user: nil, expected: .keep,
             what: "a newer OpenBLAS's better kernel is kept"),
        Case(cpu: cpu(.avx512), chosen: "Haswell", user: nil, expected: .replace(with: "SkylakeX"),
             what: "AVX-512 without BF16 running AVX2 kernels"),
        Case(cpu: cpu(.avx2), chosen: "Haswell", user: nil, expected: .keep,
             what: "an AVX2 CPU on AVX2 kernels"),
        Case(cpu: cpu(.avx2, vendor: "AuthenticAMD"), chosen: "Prescott", user: nil, expected: .replace(with: "Zen"),
             what: "an AMD CPU with AVX2 gets the Zen kernels"),
        Case(cpu: cpu(.avx2, vendor: "AuthenticAMD"), chosen: "Haswell", user: nil, expected: .keep,
             what: "Haswell and Zen kernels are the same level"),
        Case(cpu: cpu(.avx), chosen: "Nehalem", user: nil, expected: .replace(with: "Sandybridge"),
             what: "AVX without AVX2"),
        Case(cpu: cpu(.sse), chosen: "Prescott", user: nil, expected: .keep,
             what: "a CPU without AVX has nothing better"),
        Case(cpu: cpu(.avx2), chosen: "SkylakeX", user: nil, expected: .keep,
             what: "never a downgrade"),
        Case(cpu: cpu(.avx512bf16), chosen: "NEOVERSEN1", user: nil, expected: .keep,
             what: "a kernel the table does not know is left alone"),
        Case(cpu: CPUFeatures(), chosen: "Prescott", user: nil, expected: .keep,
             what: "no CPUID at all"),
    ]

    @Test(arguments: cases) func decision(_ c: Case) {
        #expect(BLASKernel.decide(cpu: c.cpu, chosen: c.chosen, userCoreType: c.user) == c.expected)
    }

    @Test func levelsNeedEveryPart() {
        // Knights Landing: AVX-512 F and CD, but no BW, DQ, VL: OpenBLAS's SkylakeX kernels need those.
        var knightsLanding = Self.cpu(.avx2)
        (knightsLanding.avx512f, knightsLanding.avx512cd) = (true, true)
        #expect(knightsLanding.level == .avx2)
        var fmaOnly = Self.cpu(.avx)
        fmaOnly.fma = true
        #expect(fmaOnly.level == .avx)
        #expect(Self.cpu(.avx512bf16).summary == "AVX AVX2 FMA AVX-512(F CD BW DQ VL) BF16")
    }

    /// CPUID read by the library against the flags the Linux kernel reports, which it derives
    /// from the same instruction, clearing those the OS does not support.
    @Test func cpuidAgreesWithProcCpuinfo() throws {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(line.split(separator: ":")[1].split(separator: " ").map(String.init))
        let f = CPUFeatures.current
        #expect(f.avx == flags.contains("avx"))
        #expect(f.avx2 == flags.contains("avx2"))
        #expect(f.fma == flags.contains("fma"))
        #expect(f.avx512f == flags.contains("avx512f"))
        #expect(f.avx512bw == flags.contains("avx512bw"))
        #expect(f.avx512dq == flags.contains("avx512dq"))
        #expect(f.avx512vl == flags.contains("avx512vl"))
        #expect(f.avx512cd == flags.contains("avx512cd"))
        #expect(f.avx512bf16 == flags.contains("avx512_bf16"))
        let vendor = text.split(separator: "\n").first { $0.hasPrefix("vendor_id") }.map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) }
        #expect(f.vendor == vendor)
    }

    @Test func theRunningKernelIsInTheTable() {
        #if arch(x86_64)
        #expect(BLASKernel.level(ofKernel: BLASKernel.current) != nil, "\(BLASKernel.current)")
        #endif
    }
}

/// The restart, end to end: the `alexnet` executable, built beside this test bundle, started on
/// the generic kernel as if OpenBLAS had chosen it.
@Suite struct BLASKernelRestartTests {
    struct Run { var status: Int32, output: String, errors: String }

    /// Runs `alexnet --version` with `environment` changed (nil removes a variable).
    func alexnetVersion(_ changes: [String: String?]) throws -> Run {
        let directory = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let tool = directory.appendingPathComponent("alexnet")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool.path])
        }
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        let process = Process()
        process.executableURL = tool
        process.arguments = ["--version"]
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: output, errors: errors)
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
