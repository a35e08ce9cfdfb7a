import CCPUID
import COpenBLAS

/// The instruction sets a matrix-multiply kernel can use, from the oldest to the newest.
///
/// OpenBLAS ships one set of GEMM kernels per processor family and picks one when it is loaded
/// (its "core"). A kernel written for an older family runs on a newer CPU, several times slower:
/// `alexnet-bench` prints the sgemm rate of the kernel that runs.
package enum InstructionLevel: Int, Comparable, Sendable, CustomStringConvertible {
    /// SSE2/SSE3 only: OpenBLAS's generic fallback (Prescott) and the pre-AVX families.
    case sse
    /// 256-bit AVX without FMA (Sandy Bridge; AMD's Bulldozer family).
    case avx
    /// AVX2 with fused multiply-add (Haswell and later, AMD Zen).
    case avx2
    /// AVX-512 F, CD, BW, DQ and VL (Skylake-X).
    case avx512
    /// AVX-512 with BF16 (Cooper Lake, Sapphire Rapids, AMD Zen 4).
    case avx512bf16

    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    package var description: String {
        switch self {
        case .sse: "SSE3"
        case .avx: "AVX"
        case .avx2: "AVX2+FMA"
        case .avx512: "AVX-512"
        case .avx512bf16: "AVX-512 with BF16"
        }
    }
}

/// What the processor says it can run (the CPUID instruction), with the operating system's
/// consent: AVX and AVX-512 count only when the OS saves their registers (XGETBV).
package struct CPUFeatures: Equatable, Sendable {
    /// "GenuineIntel", "AuthenticAMD", … (empty off x86-64).
    package var vendor = ""
    package var family = 0, model = 0
    package var avx = false, fma = false, avx2 = false
    package var avx512f = false, avx512cd = false, avx512bw = false, avx512dq = false, avx512vl = false
    package var avx512bf16 = false

    package init() {}

    /// The running processor's features.
    package static let current: CPUFeatures = read()

    /// The highest level whose every instruction set is present.
    package var level: InstructionLevel {
        let avx512 = avx512f && avx512cd && avx512bw && avx512dq && avx512vl
        if avx512 && avx512bf16 { return .avx512bf16 }
        if avx512 { return .avx512 }
        if avx2 && fma { return .avx2 }
        if avx { return .avx }
        return .sse
    }

    /// The features as a short list: "AVX2 FMA AVX-512(F CD BW DQ VL) BF16".
    package var summary: String {
        var parts: [String] = []
        if avx { parts.append("AVX") }
        if avx2 { parts.append("AVX2") }
        if fma { parts.append("FMA") }
        let wide = [("F", avx512f), ("CD", avx512cd), ("BW", avx512bw), ("DQ", avx512dq), ("VL", avx512vl)]
            .filter(\.1).map(\.0)
        if !wide.isEmpty { parts.append("AVX-512(\(wide.joined(separator: " ")))") }
        if avx512bf16 { parts.append("BF16") }
        return parts.isEmpty ? "no AVX" : parts.joined(separator: " ")
    }

    /// "AuthenticAMD family 25 model 17".
    package var processor: String {
        vendor.isEmpty ? "a processor without CPUID" : "\(vendor) family \(family) model \(model)"
    }

    private static func read() -> CPUFeatures {
        var f = CPUFeatures()
        var r: [UInt32] = [0, 0, 0, 0]
        func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> (eax: UInt32, ebx: UInt32, ecx: UInt32, edx: UInt32) {
            r.withUnsafeMutableBufferPointer { alexnet_cpuid(leaf, subleaf, $0.baseAddress!) }
            return (r[0], r[1], r[2], r[3])
        }
        func bit(_ register: UInt32, _ n: UInt32) -> Bool { register >> n & 1 == 1 }

        let leaf0 = cpuid(0)
        guard leaf0.eax >= 1 else { return f }
        // The vendor string is EBX, EDX, ECX, four ASCII bytes each, little-endian.
        let bytes = [leaf0.ebx, leaf0.edx, leaf0.ecx].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        f.vendor = String(decoding: bytes, as: UTF8.self)

        let leaf1 = cpuid(1)
        let baseFamily = Int(leaf1.eax >> 8 & 0xF), baseModel = Int(leaf1.eax >> 4 & 0xF)
        f.family = baseFamily == 0xF ? baseFamily + Int(leaf1.eax >> 20 & 0xFF) : baseFamily
        f.model = baseFamily == 0x6 || baseFamily == 0xF ? Int(leaf1.eax >> 16 & 0xF) << 4 | baseModel : baseModel

        // XCR0 bits 1–2: the OS saves XMM and YMM registers; bits 5–7: AVX-512's opmask and ZMM.
        let osxsave = bit(leaf1.ecx, 27)
        let xcr0 = osxsave ? alexnet_xgetbv0() : 0
        let osSavesYMM = xcr0 & 0x6 == 0x6, osSavesZMM = xcr0 & 0xE6 == 0xE6
        f.avx = bit(leaf1.ecx, 28) && osSavesYMM
        f.fma = bit(leaf1.ecx, 12) && osSavesYMM
        guard leaf0.eax >= 7 else { return f }
        let leaf7 = cpuid(7)
        f.avx2 = bit(leaf7.ebx, 5) && osSavesYMM
        f.avx512f = bit(leaf7.ebx, 16) && osSavesZMM
        f.avx512dq = bit(leaf7.ebx, 17) && osSavesZMM
        f.avx512cd = bit(leaf7.ebx, 28) && osSavesZMM
        f.avx512bw = bit(leaf7.ebx, 30) && osSavesZMM
        f.avx512vl = bit(leaf7.ebx, 31) && osSavesZMM
        if leaf7.eax >= 1 { f.avx512bf16 = bit(cpuid(7, 1).eax, 5) && osSavesZMM }
        return f
    }
}

/// OpenBLAS's GEMM kernels: which one runs, which one a CPU should run, and the decision
/// between the two. The decision is a pure function, so that it can be tested on any machine;
/// acting on it (restarting the program with `OPENBLAS_CORETYPE` set) is the executables' job.
package enum BLASKernel {
    /// The kernel OpenBLAS loaded with, by its own name ("Cooperlake", "Haswell", "Prescott").
    package static var current: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake …").
    package static var configuration: String { String(cString: openblas_get_config()) }

    /// The instruction level of an OpenBLAS x86-64 kernel (core) name, compared without case;
    /// nil for a name this table does not know (another architecture, a newer OpenBLAS).
    package static func level(ofKernel name: String) -> InstructionLevel? {
        switch name.lowercased() {
        case "sapphirerapids", "cooperlake": .avx512bf16
        case "skylakex": .avx512
        case "haswell", "zen": .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": .avx
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "barcelona", "opteron",
             "opteron_sse3", "athlon", "bobcat", "nano", "katmai", "coppermine", "northwood", "banias": .sse
        default: nil
        }
    }

    /// The kernel of OpenBLAS 0.3.21 (Debian 12) written for a CPU with these features: the
    /// newest family whose instructions it has. Nil when the CPU has nothing beyond SSE3.
    package static func best(for cpu: CPUFeatures) -> String? {
        switch cpu.level {
        case .avx512bf16: "Cooperlake"
        case .avx512: "SkylakeX"
        case .avx2: cpu.vendor == "AuthenticAMD" ? "Zen" : "Haswell"
        case .avx: "Sandybridge"
        case .sse: nil
        }
    }

    /// What to do about the kernel OpenBLAS chose.
    package enum Decision: Equatable, Sendable {
        /// OpenBLAS's choice is as good as the CPU allows, or a kernel this table does not know.
        case keep
        /// The user set `OPENBLAS_CORETYPE` to this name: always theirs to decide.
        case userChoice(String)
        /// OpenBLAS chose a kernel below the CPU's level: load it again with this one.
        case replace(with: String)
    }

    /// The decision for a CPU, the kernel OpenBLAS chose, and the user's `OPENBLAS_CORETYPE`
    /// (nil or empty when unset).
    package static func decide(cpu: CPUFeatures, chosen: String, userCoreType: String?) -> Decision {
        if let user = userCoreType, !user.isEmpty { return .userChoice(user) }
        guard let chosenLevel = level(ofKernel: chosen), let best = best(for: cpu),
              let bestLevel = level(ofKernel: best), chosenLevel < bestLevel else { return .keep }
        return .replace(with: best)
    }
}
