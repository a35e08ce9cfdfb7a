import Testing
@testable import AlexNet

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
        let (m, n, k) = (5, 7, 3)
        let a: Tensor<Double> = randomTensor(transposeA ? [k, m] : [m, k], seed: 1)
        let b: Tensor<Double> = randomTensor(transposeB ? [n, k] : [k, n], seed: 2)
        var c = Tensor<Double>(shape: [m, n], repeating: 1)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Double.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                alpha: 2, a: a.baseAddress!, lda: transposeA ? m : k,
                                b: b.baseAddress!, ldb: transposeB ? k : n,
                                beta: 0.5, c: c.baseAddress!, ldc: n)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    sum += (transposeA ? a[p, i] : a[i, p]) * (transposeB ? b[j, p] : b[p, j])
                }
                #expect(abs(c[i, j] - (2 * sum + 0.5)) < 1e-12)
            }
        }
    }
}

/// `matrixMultiply`, the fast path every layer uses (bands on several threads), against the
/// definition, with products large enough to be split, both ways, in every transpose.
@Suite struct MatrixMultiplyTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [(40, 3000, 20), (3000, 40, 20)])
    func bandsMatchTheDefinition(transposes: (Bool, Bool), size: (Int, Int, Int)) {
        let (tA, tB) = transposes, (m, n, k) = size
        #expect(m * n * k >= 1 << 20)                  // large enough to be split into bands
        let a: Tensor<Double> = randomTensor(tA ? [k, m] : [m, k], seed: 3)
        let b: Tensor<Double> = randomTensor(tB ? [n, k] : [k, n], seed: 4)
        var c = Tensor<Double>(shape: [m, n], repeating: 1)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    matrixMultiply(transposeA: tA, transposeB: tB, m: m, n: n, k: k, alpha: 2, a: a.baseAddress!,
                                   lda: tA ? m : k, b: b.baseAddress!, ldb: tB ? k : n, beta: 0.5,
                                   c: c.baseAddress!, ldc: n)
                }
            }
        }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += a.scalars[tA ? p * m + i : i * k + p] * b.scalars[tB ? j * k + p : p * n + j] }
                worst = max(worst, abs(c.scalars[i * n + j] - (2 * sum + 0.5)))
            }
        }
        #expect(worst < 1e-11)
    }
}

@Suite struct ProgressDisplayTests {
    @Test func durations() {
        #expect(ProgressDisplay.duration(12.4) == "12s")
        #expect(ProgressDisplay.duration(247) == "4:07")
        #expect(ProgressDisplay.duration(3903) == "1:05:03")
        #expect(ProgressDisplay.duration(.infinity) == "?")
    }
}
