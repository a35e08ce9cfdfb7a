/// A locally connected layer: a convolution whose kernels are not shared across positions.
///
///     y[n, m, oy, ox] = bias[m, oy, ox] + Σ_{c, i, j} w[oy, ox, m, c, i, j] · x[n, c, oy·S − P + i, ox·S − P + j]
///
/// The paper's CIFAR-10 side experiment on normalisation (Section 3.3) used cuda-convnet's
/// four-layer net whose top two hidden layers are locally connected 3×3 layers of 32
/// (see ``FourLayerNet``). cuda-convnet gives such layers unshared biases too, as we do.
///
/// Shapes: x (N, C, H, W) → y (N, M, Ho, Wo); weight (Ho, Wo, M, C, K, K); bias (M, Ho, Wo).
///
/// **Computation.** For each output position p the layer is a small fully connected layer on
/// the N patches under it: patches_p (N, C·K·K) · w_pᵀ (C·K·K, M) = y_p (N, M). Backward:
/// dw_p += dy_pᵀ · patches_p, dpatches_p = dy_p · w_p, scattered back onto dx.
/// Initialisation: w ~ N(0, σ²), bias constant.
public final class LocallyConnected<Scalar: TensorScalar>: Layer {
    public let inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int
    public let inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int
    public let weight: Parameter<Scalar>     // (Ho, Wo, M, C, K, K)
    public let bias: Parameter<Scalar>       // (M, Ho, Wo)
    private var input = Tensor<Scalar>(shape: [0])

    public init(name: String = "local", inputChannels: Int, outputChannels: Int,
                inputHeight: Int, inputWidth: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                weightStandardDeviation: Double = 0.01, biasValue: Double = 0,
                generator: inout RandomGenerator) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        outputHeight = Convolution<Scalar>.outputSize(inputSize: inputHeight, kernelSize: kernelSize, stride: stride, padding: padding)
        outputWidth = Convolution<Scalar>.outputSize(inputSize: inputWidth, kernelSize: kernelSize, stride: stride, padding: padding)
        weight = Parameter(
            name: "\(name).weight",
            value: .normal(shape: [outputHeight, outputWidth, outputChannels, inputChannels, kernelSize, kernelSize],
                           standardDeviation: weightStandardDeviation, generator: &generator),
            decays: true)
        bias = Parameter(name: "\(name).bias",
                         value: Tensor(shape: [outputChannels, outputHeight, outputWidth], repeating: Scalar(biasValue)),
                         decays: false)
    }

    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// Visits the patch under output position (oy, ox) of every image: `body(p, q)` for each
    /// patch entry p = n·CKK + (c·K + i)·K + j lying inside the image at x offset
    /// q = ((n·C + c)·H + iy)·W + ix. Entries over the padding are skipped.
    private func forEachPatchEntry(N: Int, oy: Int, ox: Int, _ body: (Int, Int) -> Void) {
        let (C, H, W, K) = (inputChannels, inputHeight, inputWidth, kernelSize)
        let CKK = C * K * K
        for n in 0..<N {
            for c in 0..<C {
                for i in 0..<K {
                    let iy = oy * stride - padding + i
                    if iy < 0 || iy >= H { continue }
                    for j in 0..<K {
                        let ix = ox * stride - padding + j
                        if ix < 0 || ix >= W { continue }
                        body(n * CKK + (c * K + i) * K + j, ((n * C + c) * H + iy) * W + ix)
                    }
                }
            }
        }
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(x.shape.count == 4 && Array(x.shape[1...]) == [inputChannels, inputHeight, inputWidth],
                     "LocallyConnected: expected (N, \(inputChannels), \(inputHeight), \(inputWidth)), got \(x.shape)")
        input = x
        let N = x.shape[0], M = outputChannels, (Ho, Wo) = (outputHeight, outputWidth)
        let CKK = inputChannels * kernelSize * kernelSize
        var y = Tensor<Scalar>(shape: [N, M, Ho, Wo])
        var patch = [Scalar](repeating: 0, count: N * CKK)        // (N, CKK)
        var product = [Scalar](repeating: 0, count: N * M)        // (N, M)
        x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in
        patch.withUnsafeMutableBufferPointer { pb in
        product.withUnsafeMutableBufferPointer { out in
        weight.value.withUnsafeBufferPointer { w in
        bias.value.withUnsafeBufferPointer { b in
            for oy in 0..<Ho {
                for ox in 0..<Wo {
                    pb.update(repeating: 0)                                   // padding reads as 0
                    forEachPatchEntry(N: N, oy: oy, ox: ox) { p, q in pb[p] = xb[q] }
                    // product (N, M) = patches (N, CKK) · w_pᵀ (CKK, M)
                    matrixMultiply(transposeA: false, transposeB: true, m: N, n: M, k: CKK,
                                   alpha: 1, a: pb.baseAddress!, lda: CKK,
                                   b: w.baseAddress! + (oy * Wo + ox) * M * CKK, ldb: CKK,
                                   beta: 0, c: out.baseAddress!, ldc: M)
                    for n in 0..<N {
                        for m in 0..<M {
                            yb[((n * M + m) * Ho + oy) * Wo + ox] = out[n * M + m] + b[(m * Ho + oy) * Wo + ox]
                        }
                    }
                }
            }
        }}}}}}
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        let N = input.shape[0], M = outputChannels, (Ho, Wo) = (outputHeight, outputWidth)
        precondition(dy.shape == [N, M, Ho, Wo], "LocallyConnected backward: dy \(dy.shape)")
        let CKK = inputChannels * kernelSize * kernelSize
        var dx = Tensor<Scalar>(shape: input.shape)
        var patch = [Scalar](repeating: 0, count: N * CKK)        // (N, CKK)
        var dyAt = [Scalar](repeating: 0, count: N * M)           // dy_p (N, M)
        input.withUnsafeBufferPointer { xb in
        dx.withUnsafeMutableBufferPointer { dxb in
        dy.withUnsafeBufferPointer { g in
        patch.withUnsafeMutableBufferPointer { pb in
        dyAt.withUnsafeMutableBufferPointer { dp in
        weight.value.withUnsafeBufferPointer { w in
        weight.gradient.withUnsafeMutableBufferPointer { dw in
        bias.gradient.withUnsafeMutableBufferPointer { db in
            for oy in 0..<Ho {
                for ox in 0..<Wo {
                    for n in 0..<N {
                        for m in 0..<M {
                            let v = g[((n * M + m) * Ho + oy) * Wo + ox]
                            dp[n * M + m] = v
                            db[(m * Ho + oy) * Wo + ox] += v
                        }
                    }
                    pb.update(repeating: 0)
                    forEachPatchEntry(N: N, oy: oy, ox: ox) { p, q in pb[p] = xb[q] }
                    let wp = (oy * Wo + ox) * M * CKK
                    // dw_p (M, CKK) += dy_pᵀ (M, N) · patches (N, CKK)
                    matrixMultiply(transposeA: true, transposeB: false, m: M, n: CKK, k: N,
                                   alpha: 1, a: dp.baseAddress!, lda: M, b: pb.baseAddress!, ldb: CKK,
                                   beta: 1, c: dw.baseAddress! + wp, ldc: CKK)
                    // dpatches (N, CKK) = dy_p (N, M) · w_p (M, CKK), then added back onto dx
                    matrixMultiply(transposeA: false, transposeB: false, m: N, n: CKK, k: M,
                                   alpha: 1, a: dp.baseAddress!, lda: M, b: w.baseAddress! + wp, ldb: CKK,
                                   beta: 0, c: pb.baseAddress!, ldc: CKK)
                    forEachPatchEntry(N: N, oy: oy, ox: ox) { p, q in dxb[q] += pb[p] }
                }
            }
        }}}}}}}}
        return dx
    }
}
