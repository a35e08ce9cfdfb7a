/// Whether the OpenBLAS kernel that runs computes correctly: the judge of a 512-bit kernel
/// before an executable trusts it (``BLASKernel/fallback(cpu:running:check:userCoreType:)``).
///
/// sgemm is compared with the naive product in Double for shapes that exercise what a kernel
/// can get wrong — every transpose, sizes that fill no register block (1, 7, 13, 33), β = 1
/// accumulation, and a product large enough (129 × 97 × 300, plain and with both transposes) for
/// OpenBLAS's blocked and threaded path — and a convolution by each of the layer's algorithms
/// (im2col, F(2×2, 3×3), F(4×4, 3×3), F(5×5, 3×3), F(3×3, 5×5) on a 5×5 kernel, and the three
/// 3×3 tiles on a stride-2 6×6 kernel folded over its input's phases by ``StrideFold``, as conv1 is) with
/// ``DirectConvolution`` in Double, each within the
/// rounding bound of its sums (``RoundingBound``, the same measure the tests apply). A correct kernel
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
        for algorithm in [Convolution<Float>.Algorithm.im2col, .winograd2x2, .winograd4x4, .winograd5x5] {
            record(convolutionError(algorithm, ConvolutionCase(), &g), "convolution by \(algorithm)")
        }
        record(convolutionError(.winograd3x3, ConvolutionCase(kernel: 5, padding: 2), &g), "5×5 convolution by winograd3x3")
        for algorithm in [Convolution<Float>.Algorithm.winograd2x2, .winograd4x4, .winograd5x5] {
            record(convolutionError(algorithm, ConvolutionCase(inputChannels: 4, kernel: 6, stride: 2, padding: 1, size: 14), &g),
                   "6×6 stride-2 convolution folded into \(algorithm)")
        }
        return BLASKernelCheck(worst: worst, worstCase: worstCase)
    }

    /// max over entries of |c − exact| / bound for one sgemm call (α = 0.75).
    private static func gemmError(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, beta: Float,
                                  _ g: inout RandomGenerator) -> Double {
        RoundingBound.matrixProduct(Float.self, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                    alpha: 0.75, beta: Double(beta), generator: &g, multiply: Float.gemm)
    }

    /// A layer the check convolves: by default 16 → 8 channels, 3×3, padding 1, on two 9×9 images.
    private struct ConvolutionCase {
        var inputChannels = 16, kernel = 3, stride = 1, padding = 1, size = 9
    }

    /// max over outputs of |y − exact| / bound for one convolution.
    private static func convolutionError(_ algorithm: Convolution<Float>.Algorithm, _ c: ConvolutionCase,
                                         _ g: inout RandomGenerator) -> Double {
        let conv = Convolution<Float>(inputChannels: c.inputChannels, outputChannels: 8, kernelSize: c.kernel, stride: c.stride,
                                      padding: c.padding, weightStandardDeviation: 0.2, biasValue: 0.5, generator: &g)
        conv.algorithm = algorithm
        let x = Tensor<Float>.normal(shape: [2, c.inputChannels, c.size, c.size], standardDeviation: 1, generator: &g)
        return RoundingBound.convolution(conv.forward(x), input: x, weight: conv.weight.value, bias: conv.bias.value,
                                         stride: c.stride, padding: c.padding, groups: 1).ofBound
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
