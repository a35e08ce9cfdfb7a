import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct TensorTests {
    @Test func rowMajorOffsets() {
        var t = Tensor<Float>(shape: [2, 3, 4, 5])
        #expect(t.offset([1, 2, 3, 4]) == ((1 * 3 + 2) * 4 + 3) * 5 + 4)
        t[1, 0, 2, 1] = 7
        #expect(t.scalars[((1 * 3 + 0) * 4 + 2) * 5 + 1] == 7)
        #expect(t.reshaped(to: [6, 20]).shape == [6, 20])
    }

    @Test func generatorIsDeterministicAndSeeded() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let xa = (0..<10).map { _ in a.next() }, xb = (0..<10).map { _ in b.next() }
        let xc = (0..<10).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func normalDrawsHaveTheRequestedMoments() {
        var g = RandomGenerator(seed: 7)
        let t = Tensor<Double>.normal(shape: [100_000], standardDeviation: 0.01, generator: &g)
        let mean = t.scalars.reduce(0, +) / Double(t.count)
        let variance = t.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(t.count)
        // Standard error of the mean is 0.01/√1e5 ≈ 3e-5; of the standard deviation ≈ 2e-5.
        #expect(abs(mean) < 1.5e-4)
        #expect(abs(variance.squareRoot() - 0.01) < 1e-4)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesTheDefinition(transposeA: Bool, transposeB: Bool) {
        let ratio = productErrorRatio(Double.self, transposeA: transposeA, transposeB: transposeB, m: 5, n: 7, k: 3, seed: 1,
                                      multiply: Double.gemm)
        #expect(ratio < 1, "error \(ratio) of the bound")
    }

    /// Float, as training runs it (OpenBLAS's sgemm, whichever kernel the CPU got), within the
    /// rounding bound of its sizes, also for a long inner dimension.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [(5, 7, 3), (17, 9, 2048)])
    func floatGemmIsWithinItsRoundingBound(transposes: (Bool, Bool), size: (Int, Int, Int)) {
        let (m, n, k) = size
        let ratio = productErrorRatio(Float.self, transposeA: transposes.0, transposeB: transposes.1, m: m, n: n, k: k, seed: 5,
                                      multiply: Float.gemm)
        #expect(ratio < 1, "error \(ratio) of the bound")
    }

    /// The layers' uninitialised outputs: the right shape, and in debug builds (the tests) every
    /// element NaN, so that a layer that forgets an element fails its comparison.
    @Test func uninitializedTensorsHaveTheirShapeAndAreNaNInTests() {
        let t = Tensor<Float>(uninitializedShape: [2, 3, 5])
        #expect(t.shape == [2, 3, 5] && t.count == 30)
        #if DEBUG
        #expect(t.scalars.allSatisfy { $0.isNaN })
        #endif
    }

    /// The interleaved partial sums against a plain running sum, for every count around the
    /// 16-wide blocks (integer values, so both are exact).
    @Test func partialSumsMatchARunningSum() {
        let x = (0..<50).map { Double(($0 * 7) % 11) - 5 }
        x.withUnsafeBufferPointer { x in
            for count in 0...50 {
                let running = x.prefix(count).reduce(0) { $0 + $1 }
                #expect(sum(x.baseAddress!, count: count) == running)
            }
        }
    }

    /// Every index visited exactly once, whether there are fewer elements than threads or many.
    @Test(arguments: [0, 1, 2, 3, 7, 1000])
    func parallelRangesCoverEveryIndexOnce(count: Int) {
        var visits = [Int](repeating: 0, count: count)
        visits.withUnsafeMutableBufferPointer { v in
            let p = SendablePointer(v.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
            parallelForRanges(count) { range in for i in range { p.base[i] += 1 } }
        }
        #expect(visits.allSatisfy { $0 == 1 })
    }
}

/// ``RoundingBound/matrixProduct(_:transposeA:transposeB:m:n:k:alpha:beta:generator:multiply:)``
/// with the tests' α = 2 and β = 0.5, from `seed`.
func productErrorRatio<S: TensorScalar>(_ type: S.Type, transposeA tA: Bool, transposeB tB: Bool, m: Int, n: Int, k: Int, seed: UInt64,
                                        multiply: RoundingBound.Multiply<S>) -> Double {
    var g = RandomGenerator(seed: seed)
    return RoundingBound.matrixProduct(type, transposeA: tA, transposeB: tB, m: m, n: n, k: k, alpha: 2, beta: 0.5,
                                       generator: &g, multiply: multiply)
}

/// `matrixMultiply`, the fast path every layer uses (bands on several threads), against the
/// definition, with products large enough to be split, both ways, in every transpose.
@Suite struct ScratchTests {
    /// A kernel's buffer grows when asked for more, keeps its block when asked for less, and
    /// holds what was written until it grows.
    @Test func scratchBuffersGrowOnlyWhenNeeded() {
        let buffer = ScratchBuffer<Float>()
        let small = buffer.reserve(10).base
        for i in 0..<10 { small[i] = Float(i) }
        #expect(buffer.reserve(4).base == small && small[9] == 9)
        let large = buffer.reserve(1 << 16).base
        large[(1 << 16) - 1] = 7                       // the whole block is writable
        #expect(buffer.reserve(1 << 16).base == large)
    }

    /// The batch's runs cover every image once, in order, nearly equal, one per worker.
    @Test func runsCoverTheBatch() {
        for count in [1, 2, 3, 7, 128] {
            let runs = Threading.runs(count)
            #expect(runs.flatMap { Array($0) } == Array(0..<count))
            #expect(runs.count == min(Threading.threadCount, count))
            #expect((runs.map(\.count).max() ?? 0) - (runs.map(\.count).min() ?? 0) <= 1)
        }
    }
}

@Suite struct MatrixMultiplyTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [(40, 3000, 20), (3000, 40, 20)])
    func bandsMatchTheDefinition(transposes: (Bool, Bool), size: (Int, Int, Int)) {
        let (tA, tB) = transposes, (m, n, k) = size
        #expect(m * n * k >= 1 << 20)                  // large enough to be split into bands
        let ratio = productErrorRatio(Double.self, transposeA: tA, transposeB: tB, m: m, n: n, k: k, seed: 3) {
            matrixMultiply(transposeA: $0, transposeB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7,
                           b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
        }
        #expect(ratio < 1, "error \(ratio) of the bound")
    }

    /// The bands in Float, within the rounding bound of their sizes.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [(40, 3000, 20), (3000, 40, 20)])
    func floatBandsAreWithinTheirRoundingBound(transposes: (Bool, Bool), size: (Int, Int, Int)) {
        let (m, n, k) = size
        let ratio = productErrorRatio(Float.self, transposeA: transposes.0, transposeB: transposes.1, m: m, n: n, k: k, seed: 7) {
            matrixMultiply(transposeA: $0, transposeB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7,
                           b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
        }
        #expect(ratio < 1, "error \(ratio) of the bound")
    }
}

