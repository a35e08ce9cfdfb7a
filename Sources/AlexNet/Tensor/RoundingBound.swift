/// How far a computed matrix product or convolution is from its exact value, as a fraction of the
/// standard rounding bound of its sums: the measure by which every fast path is judged against its
/// naive twin (the tests, and ``BLASKernelCheck`` at every start of an executable). With
/// u = ε/2 of the scalar type, a sum of k products computed in any order is within
///
///     (k + 2)·u·(Σ |terms|)
///
/// of the exact sum; a correct kernel stays inside (a few tenths of it at most here), a wrong
/// index or a lost term misses by orders of magnitude. (For Double the reference is itself
/// rounded in Double, which can at most double the error seen.)
public enum RoundingBound {
    /// The arguments of a GEMM: transposeA, transposeB, m, n, k, α, A, lda, B, ldb, β, C, ldc.
    public typealias Multiply<S: TensorScalar> = (Bool, Bool, Int, Int, Int, S, UnsafePointer<S>, Int,
                                                  UnsafePointer<S>, Int, S, UnsafeMutablePointer<S>, Int) -> Void

    /// C ← α·op(A)·op(B) + β·C⁰ by `multiply`, for A, B and C⁰ drawn from N(0, 1) with `generator`:
    ///
    ///     max_ij |c_ij − exact_ij| / ((k + 2)·u·(|α|·Σ_l |a_il·b_lj| + |β|·|c⁰_ij|)),   exact in Double.
    public static func matrixProduct<S: TensorScalar>(
        _: S.Type, transposeA tA: Bool, transposeB tB: Bool, m: Int, n: Int, k: Int, alpha: Double, beta: Double,
        generator g: inout RandomGenerator, multiply: Multiply<S>
    ) -> Double {
        let a = Tensor<S>.normal(shape: [m * k], standardDeviation: 1, generator: &g).scalars
        let b = Tensor<S>.normal(shape: [k * n], standardDeviation: 1, generator: &g).scalars
        let c0 = Tensor<S>.normal(shape: [m * n], standardDeviation: 1, generator: &g).scalars
        var c = c0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    multiply(tA, tB, m, n, k, S(alpha), a.baseAddress!, tA ? m : k, b.baseAddress!, tB ? k : n, S(beta), c.baseAddress!, n)
                }
            }
        }
        let u = Double(S.ulpOfOne) / 2
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for l in 0..<k {
                    let term = Double(tA ? a[l * m + i] : a[i * k + l]) * Double(tB ? b[j * k + l] : b[l * n + j])
                    sum += term
                    magnitude += abs(term)
                }
                let start = Double(c0[i * n + j])
                let exact = alpha * sum + beta * start
                let bound = Double(k + 2) * u * (abs(alpha) * magnitude + abs(beta) * abs(start))
                let error = abs(Double(c[i * n + j]) - exact) / max(bound, .leastNormalMagnitude)
                worst = max(worst, error.isNaN ? .infinity : error)
            }
        }
        return worst
    }

    /// A convolution's Float output `y` against the direct sum in Double (``DirectConvolution``) of
    /// the same input, weight and bias: the largest error as a fraction of the rounding bound of
    /// each output, (C/G·K·K + 2)·u·(Σ|w|·|x| + |bias|), and as a fraction of the largest output.
    public static func convolution(_ y: Tensor<Float>, input x: Tensor<Float>, weight: Tensor<Float>, bias: Tensor<Float>,
                                   stride: Int, padding: Int, groups: Int) -> (ofBound: Double, ofLargest: Double) {
        let (xd, wd, bd) = (x.converted(to: Double.self), weight.converted(to: Double.self), bias.converted(to: Double.self))
        let exact = DirectConvolution.forward(xd, weight: wd, bias: bd, stride: stride, padding: padding, groups: groups)
        let magnitude = DirectConvolution.forward(Tensor(shape: xd.shape, scalars: xd.scalars.map(abs)),
                                                  weight: Tensor(shape: wd.shape, scalars: wd.scalars.map(abs)),
                                                  bias: Tensor(shape: bd.shape, scalars: bd.scalars.map(abs)),
                                                  stride: stride, padding: padding, groups: groups)
        precondition(y.shape == exact.shape, "RoundingBound.convolution: output \(y.shape), direct sum \(exact.shape)")
        let terms = Double(weight.count / max(1, weight.shape[0]) + 2), u = Double(Float.ulpOfOne) / 2
        var ofBound = 0.0, largestError = 0.0
        for i in 0..<y.count {
            let error = abs(Double(y.scalars[i]) - exact.scalars[i])
            let ratio = error / max(terms * u * magnitude.scalars[i], .leastNormalMagnitude)
            ofBound = max(ofBound, ratio.isNaN ? .infinity : ratio)
            largestError = max(largestError, error.isNaN ? .infinity : error)
        }
        let largest = exact.scalars.map(abs).max() ?? 0
        return (ofBound, largestError / max(largest, .leastNormalMagnitude))
    }
}
