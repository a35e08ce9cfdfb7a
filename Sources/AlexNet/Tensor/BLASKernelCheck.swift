/// Whether the OpenBLAS kernel that runs computes correctly: the judge of a 512-bit kernel
/// before an executable trusts it (``BLASKernel/fallback(cpu:running:check:userCoreType:)``).
///
/// sgemm is compared with the naive product in Double for shapes that exercise what a kernel
/// can get wrong — every transpose, sizes that fill no register block (1, 7, 13, 33), β = 1
/// accumulation, and a product large enough (129 × 97 × 300, plain and with both transposes) for
/// OpenBLAS's blocked and threaded path — each entry within the standard rounding bound of its sum,
///
///     |c − exact| ≤ (k + 2)·u·(|α|·Σ_l |a_il|·|b_lj| + |β|·|c⁰_ij|),   u = 2⁻²⁴,
///
/// and a convolution by each of the layer's algorithms (im2col, F(2×2, 3×3), F(4×4, 3×3)) is
/// compared with ``DirectConvolution`` in Double within (C·K·K + 2)·u·Σ|w|·|x|. A correct kernel
/// stays inside (0.28–0.30 of the bound for Prescott, Zen, SkylakeX and Cooperlake on this
/// book's machine); a wrong index or a lost term misses
/// by orders of magnitude. Run at every start of an executable: `alexnet --version`, check
/// included, takes 0.05 s in a release build here.
public struct BLASKernelCheck: Sendable, CustomStringConvertible {
    /// The largest error found, as a fraction of its bound (< 1 passes).
    public let worst: Double
    /// What gave the worst error.
    public let worstCase: String
    public var passed: Bool { worst < 1 }

    package init(worst: Double, worstCase: String) {
        self.worst = worst
        self.worstCase = worstCase
    }

    public var description: String {
        let figure = worst.isFinite ? String(format: "%.2g", worst) : "\(worst)"
        return passed ? "agrees with the naive product (worst \(figure) of the rounding bound)"
                      : "FAILS against the naive product: \(worstCase) is off by \(figure) times the rounding bound"
    }

    /// Runs the check on the kernel OpenBLAS loaded.
    public static func run() -> BLASKernelCheck {
        var worst = 0.0, worstCase = ""
        func record(_ ratio: Double, _ what: String) {
            let r = ratio.isNaN ? Double.infinity : ratio
            if r > worst || worstCase.isEmpty { (worst, worstCase) = (r, what) }
        }
        var g = RandomGenerator(seed: 2012)
        var calls: [(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, beta: Float)] = []
        for (m, n, k) in [(1, 1, 1), (7, 13, 5), (33, 17, 65)] {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                for beta: Float in [0, 1] { calls.append((m, n, k, transposeA, transposeB, beta)) }
            }
        }
        // The threaded size twice, not eight times: its naive product is most of the check's time.
        calls += [(129, 97, 300, false, false, 0), (129, 97, 300, true, true, 1)]
        for c in calls {
            record(gemmError(m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB, beta: c.beta, &g),
                   "sgemm \(c.m)×\(c.n)×\(c.k)\(c.transposeA ? " Aᵀ" : "")\(c.transposeB ? " Bᵀ" : "")\(c.beta == 1 ? " β=1" : "")")
        }
        for (algorithm, size) in [(Convolution<Float>.Algorithm.im2col, 9), (.winograd2x2, 9), (.winograd4x4, 9)] {
            record(convolutionError(algorithm, size: size, &g), "convolution by \(algorithm)")
        }
        return BLASKernelCheck(worst: worst, worstCase: worstCase)
    }

    /// max over entries of |c − exact| / bound for one sgemm call.
    private static func gemmError(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, beta: Float,
                                  _ g: inout RandomGenerator) -> Double {
        let a = Tensor<Float>.normal(shape: [m * k], standardDeviation: 1, generator: &g).scalars
        let b = Tensor<Float>.normal(shape: [k * n], standardDeviation: 1, generator: &g).scalars
        let c0 = Tensor<Float>.normal(shape: [m * n], standardDeviation: 1, generator: &g).scalars
        let alpha: Float = 0.75
        var c = c0
        let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Float.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                               a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: beta, c: c.baseAddress!, ldc: n)
                }
            }
        }
        let u = Double(Float.ulpOfOne) / 2
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, magnitude = 0.0
                for l in 0..<k {
                    let x = Double(transposeA ? a[l * m + i] : a[i * k + l]), y = Double(transposeB ? b[j * k + l] : b[l * n + j])
                    exact += x * y
                    magnitude += abs(x * y)
                }
                exact = Double(alpha) * exact + Double(beta) * Double(c0[i * n + j])
                let bound = Double(k + 2) * u * (Double(alpha) * magnitude + Double(beta) * abs(Double(c0[i * n + j])))
                worst = max(worst, abs(Double(c[i * n + j]) - exact) / max(bound, .leastNormalMagnitude))
            }
        }
        return worst
    }

    /// max over outputs of |y − exact| / bound for one convolution (16 → 8 channels, 3×3, padding 1).
    private static func convolutionError(_ algorithm: Convolution<Float>.Algorithm, size: Int, _ g: inout RandomGenerator) -> Double {
        let conv = Convolution<Float>(inputChannels: 16, outputChannels: 8, kernelSize: 3, padding: 1,
                                      weightStandardDeviation: 0.2, biasValue: 0.5, generator: &g)
        conv.algorithm = algorithm
        let x = Tensor<Float>.normal(shape: [2, 16, size, size], standardDeviation: 1, generator: &g)
        let y = conv.forward(x)
        let (xd, wd, bd) = (x.converted(to: Double.self), conv.weight.value.converted(to: Double.self), conv.bias.value.converted(to: Double.self))
        let exact = DirectConvolution.forward(xd, weight: wd, bias: bd, stride: 1, padding: 1, groups: 1)
        let magnitude = DirectConvolution.forward(Tensor(shape: xd.shape, scalars: xd.scalars.map(abs)),
                                                  weight: Tensor(shape: wd.shape, scalars: wd.scalars.map(abs)),
                                                  bias: Tensor(shape: bd.shape, scalars: bd.scalars.map(abs)), stride: 1, padding: 1, groups: 1)
        let bound = Double(16 * 9 + 2) * Double(Float.ulpOfOne) / 2
        return (0..<y.count).map { abs(Double(y.scalars[$0]) - exact.scalars[$0]) / (bound * magnitude.scalars[$0]) }.max() ?? 0
    }
}

extension BLASKernel {
    /// After the check: a 512-bit kernel that failed it is replaced by the CPU's AVX2 kernel
    /// (``best(for:)`` of the same CPU without AVX-512), unless the user chose the kernel
    /// (`userCoreType`, which always wins). Any other kernel is kept, failed or not (there is
    /// nothing better to fall back to than what OpenBLAS itself chose below AVX-512).
    package static func fallback(cpu: CPUFeatures, running: String, check: BLASKernelCheck, userCoreType: String?) -> Decision {
        if let user = userCoreType, !user.isEmpty { return .userChoice(user) }
        guard !check.passed, let level = level(ofKernel: running), level >= .avx512 else { return .keep }
        return .replace(with: cpu.vendor == "AuthenticAMD" ? "Zen" : "Haswell")
    }
}
