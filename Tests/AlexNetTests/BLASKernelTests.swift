import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

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


/// The check that judges a kernel (``BLASKernelCheck``) and the fallback it drives.
@Suite struct BLASKernelCheckTests {
    /// The kernel this process runs (the test's own, whatever OpenBLAS chose) passes, far inside the bound.
    @Test func theRunningKernelPasses() {
        let check = BLASKernelCheck.run()
        #expect(check.passed, "\(check)")
        #expect(check.worst < 0.5, "\(check)")
        #expect(check.description.hasPrefix("agrees with the naive product"))
    }

    @Test func aFailureSaysWhereAndByHowMuch() {
        let check = BLASKernelCheck(worst: 3e4, worstCase: "sgemm 129×97×300 Aᵀ")
        #expect(!check.passed)
        #expect(check.description == "FAILS against the naive product: sgemm 129×97×300 Aᵀ is off by 3e+04 times the rounding bound")
    }

    @Test func onlyAFailed512BitKernelIsReplacedAndTheUserStillWins() {
        let failed = BLASKernelCheck(worst: .infinity, worstCase: "x"), passed = BLASKernelCheck(worst: 0.1, worstCase: "x")
        let intel = BLASKernelTests.cpu(.avx512bf16), amd = BLASKernelTests.cpu(.avx512bf16, vendor: "AuthenticAMD")
        #expect(BLASKernel.fallback(cpu: intel, running: "Cooperlake", check: failed, userCoreType: nil) == .replace(with: "Haswell"))
        #expect(BLASKernel.fallback(cpu: amd, running: "SkylakeX", check: failed, userCoreType: nil) == .replace(with: "Zen"))
        #expect(BLASKernel.fallback(cpu: intel, running: "Cooperlake", check: passed, userCoreType: nil) == .keep)
        #expect(BLASKernel.fallback(cpu: intel, running: "Haswell", check: failed, userCoreType: nil) == .keep)   // nothing better below
        #expect(BLASKernel.fallback(cpu: intel, running: "Cooperlake", check: failed, userCoreType: "Cooperlake") == .userChoice("Cooperlake"))
    }
}
