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
/// dw_p += dy_pᵀ · patches_p, dpatches_p = dy_p · w_p, added back onto dx. The positions are
/// independent, so they run in parallel, each product a single-threaded GEMM; only the adding
/// back onto dx, where patches overlap, runs per image instead. The patches of the forward pass
/// are kept for the backward pass, in buffers reused from step to step.
/// Initialisation: w ~ N(0, σ²), bias constant.
public final class LocallyConnected<Scalar: TensorScalar>: Layer {
    public let inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int
    public let inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int
    public let weight: Parameter<Scalar>     // (Ho, Wo, M, C, K, K)
    public let bias: Parameter<Scalar>       // (M, Ho, Wo)
    private var inputShape: [Int] = []
    /// patches (Ho·Wo, N, C·K·K) of the last forward pass; reused as dpatches in the backward pass.
    private let patches = ScratchBuffer<Scalar>()
    /// Whether `patches` holds the last forward pass's patches (a backward pass consumes them).
    private var patchesAreCurrent = false
    /// (Ho·Wo, N, M): y_p in the forward pass, dy_p in the backward pass.
    private let perPosition = ScratchBuffer<Scalar>()
    /// (N, C, H + 2P, W + 2P): the zero-bordered input, or its gradient, for the patches.
    private let padded = ScratchBuffer<Scalar>()
    private var paddedCount: Int { inputShape[0] * inputChannels * (inputHeight + 2 * padding) * (inputWidth + 2 * padding) }

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
        weight = Parameter(name: "\(name).weight",
            kind: .weight, value: .normal(shape: [outputHeight, outputWidth, outputChannels, inputChannels, kernelSize, kernelSize],
                           standardDeviation: weightStandardDeviation, generator: &generator))
        bias = Parameter(name: "\(name).bias",
                         kind: .bias, value: Tensor(shape: [outputChannels, outputHeight, outputWidth], repeating: Scalar(biasValue)))
    }

    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// (N, C, H, W) → (N, M, Ho, Wo).
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 4 && Array(inputShape[1...]) == [inputChannels, inputHeight, inputWidth],
                     "LocallyConnected: expected (N, \(inputChannels), \(inputHeight), \(inputWidth)), got \(inputShape)")
        return [inputShape[0], outputChannels, outputHeight, outputWidth]
    }

    /// N·M·Ho·Wo·C·K·K: each position its own weights, the same count as a convolution.
    public func multiplyAdds(for inputShape: [Int]) -> Int {
        outputShape(for: inputShape).reduce(1, *) * inputChannels * kernelSize * kernelSize
    }

    /// patches[p][n][(c·K + i)·K + j] = x[n, c, oy·S − P + i, ox·S − P + j] for p = oy·Wo + ox
    /// (0 over the padding), read from `padded`, a zero-bordered copy (N, C, H + 2P, W + 2P), so
    /// that the inner loop has no bounds to test: one parallel task per position.
    @_specialize(where Scalar == Float)
    private func gatherPatches(_ x: UnsafePointer<Scalar>, N: Int, padded: SendablePointer<Scalar>,
                               into patches: UnsafeMutablePointer<Scalar>) {
        let (C, H, W, K, S, P, Wo) = (inputChannels, inputHeight, inputWidth, kernelSize, stride, padding, outputWidth)
        let (CKK, Hp, Wp) = (C * K * K, H + 2 * P, W + 2 * P)
        let source = SendablePointer(x), target = SendablePointer(patches)
        // padded[n, c, P + y, P + x] = x[n, c, y, x], zero on the border
        parallelFor(N) { n in
            let image = padded.base + n * C * Hp * Wp
            image.update(repeating: 0, count: C * Hp * Wp)
            for c in 0..<C {
                for y in 0..<H {
                    (image + (c * Hp + P + y) * Wp + P).update(from: source.base + ((n * C + c) * H + y) * W, count: W)
                }
            }
        }
        parallelFor(outputHeight * Wo) { p in
            let (oy, ox) = (p / Wo, p % Wo)
            for n in 0..<N {
                for c in 0..<C {
                    let window = padded.base + ((n * C + c) * Hp + oy * S) * Wp + ox * S
                    let patch = target.base + (p * N + n) * CKK + c * K * K
                    for i in 0..<K { for j in 0..<K { patch[i * K + j] = window[i * Wp + j] } }
                }
            }
        }
    }

    /// dx[n, c, oy·S − P + i, ox·S − P + j] = Σ dpatches[p][n][(c·K + i)·K + j]: the adjoint of
    /// ``gatherPatches(_:N:padded:into:)``, summed in the zero-bordered `padded` and its interior
    /// copied out; one parallel task per image (patches of an image overlap).
    @_specialize(where Scalar == Float)
    private func scatterPatches(_ dpatches: UnsafePointer<Scalar>, N: Int, padded: SendablePointer<Scalar>,
                                onto dx: UnsafeMutablePointer<Scalar>) {
        let (C, H, W, K, S, P, Wo) = (inputChannels, inputHeight, inputWidth, kernelSize, stride, padding, outputWidth)
        let (CKK, Hp, Wp, positions) = (C * K * K, H + 2 * P, W + 2 * P, outputHeight * Wo)
        let source = SendablePointer(dpatches), target = SendablePointer(dx)
        parallelFor(N) { n in
            let image = padded.base + n * C * Hp * Wp
            image.update(repeating: 0, count: C * Hp * Wp)
            for p in 0..<positions {
                let (oy, ox) = (p / Wo, p % Wo)
                for c in 0..<C {
                    let window = image + (c * Hp + oy * S) * Wp + ox * S
                    let patch = source.base + (p * N + n) * CKK + c * K * K
                    for i in 0..<K { for j in 0..<K { window[i * Wp + j] += patch[i * K + j] } }
                }
            }
            for c in 0..<C {
                for y in 0..<H {
                    (target.base + ((n * C + c) * H + y) * W).update(from: image + (c * Hp + P + y) * Wp + P, count: W)
                }
            }
        }
    }

    /// y (N, M, Ho, Wo): gather the patches, multiply each position's, add the biases.
    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let shape = outputShape(for: x.shape)
        inputShape = x.shape
        let (N, M, positions, CKK) = (x.shape[0], outputChannels, outputHeight * outputWidth, inputChannels * kernelSize * kernelSize)
        let patches = patches.reserve(positions * N * CKK), products = perPosition.reserve(positions * N * M)
        x.withUnsafeBufferPointer { gatherPatches($0.baseAddress!, N: N, padded: padded.reserve(paddedCount), into: patches.base) }
        patchesAreCurrent = true
        weight.value.withUnsafeBufferPointer { multiplyPositions(patches, $0.baseAddress!, N: N, into: products) }
        var y = Tensor<Scalar>(uninitializedShape: shape)     // every element is written
        y.withUnsafeMutableBufferPointer { y in
            bias.value.withUnsafeBufferPointer { addBias($0.baseAddress!, to: products, N: N, into: y.baseAddress!) }
        }
        return y
    }

    /// ∂L/∂x, with ∂L/∂w and ∂L/∂bias added: dy by position, the bias and weight gradients,
    /// the patches' gradient, scattered back onto dx.
    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(patchesAreCurrent, "LocallyConnected backward: needs a forward pass first (one backward per forward)")
        let (N, M, positions, CKK) = (inputShape[0], outputChannels, outputHeight * outputWidth, inputChannels * kernelSize * kernelSize)
        precondition(dy.shape == [N, M, outputHeight, outputWidth], "LocallyConnected backward: dy \(dy.shape)")
        patchesAreCurrent = false
        let patches = patches.reserve(positions * N * CKK), dyAt = perPosition.reserve(positions * N * M)
        dy.withUnsafeBufferPointer { dy in
            bias.gradient.withUnsafeMutableBufferPointer {
                gatherOutputGradient(dy.baseAddress!, N: N, into: dyAt, addingBiasGradientTo: $0.baseAddress!)
            }
        }
        weight.gradient.withUnsafeMutableBufferPointer { addWeightGradient(dyAt, patches, N: N, into: $0.baseAddress!) }
        weight.value.withUnsafeBufferPointer { patchGradients(dyAt, $0.baseAddress!, N: N, over: patches) }
        var dx = Tensor<Scalar>(uninitializedShape: inputShape)     // scatterPatches zeroes each image first
        dx.withUnsafeMutableBufferPointer {
            scatterPatches(patches.base, N: N, padded: padded.reserve(paddedCount), onto: $0.baseAddress!)
        }
        return dx
    }

    // MARK: The steps, each over all positions (in parallel) or all images.

    /// y_p (N, M) = patches_p (N, CKK) · w_pᵀ (CKK, M), for every position p.
    private func multiplyPositions(_ patches: SendablePointer<Scalar>, _ w: UnsafePointer<Scalar>, N: Int,
                                   into products: SendablePointer<Scalar>) {
        let (M, CKK, wp) = (outputChannels, inputChannels * kernelSize * kernelSize, SendablePointer(w))
        parallelFor(outputHeight * outputWidth) { p in
            Scalar.gemm(transposeA: false, transposeB: true, m: N, n: M, k: CKK, alpha: 1, a: patches.base + p * N * CKK, lda: CKK,
                        b: wp.base + p * M * CKK, ldb: CKK, beta: 0, c: products.base + p * N * M, ldc: M)
        }
    }

    /// y[n, m, p] = y_p[n, m] + bias[m, p], one task per image.
    private func addBias(_ bias: UnsafePointer<Scalar>, to products: SendablePointer<Scalar>, N: Int,
                         into y: UnsafeMutablePointer<Scalar>) {
        let (M, positions, out, b) = (outputChannels, outputHeight * outputWidth, SendablePointer(y), SendablePointer(bias))
        parallelFor(N) { n in
            for m in 0..<M {
                let row = out.base + (n * M + m) * positions
                for p in 0..<positions { row[p] = products.base[(p * N + n) * M + m] + b.base[m * positions + p] }
            }
        }
    }

    /// dy_p[n, m] = dy[n, m, p], and dbias[m, p] += Σ_n dy_p[n, m], for every position p (one
    /// pass: the sum reads what was just written).
    private func gatherOutputGradient(_ dy: UnsafePointer<Scalar>, N: Int, into dyAt: SendablePointer<Scalar>,
                                      addingBiasGradientTo dBias: UnsafeMutablePointer<Scalar>) {
        let (M, positions, g, dB) = (outputChannels, outputHeight * outputWidth, SendablePointer(dy), SendablePointer(dBias))
        parallelFor(positions) { p in
            let dyP = dyAt.base + p * N * M
            for n in 0..<N { for m in 0..<M { dyP[n * M + m] = g.base[(n * M + m) * positions + p] } }
            for m in 0..<M {
                var total: Scalar = 0
                for n in 0..<N { total += dyP[n * M + m] }
                dB.base[m * positions + p] += total
            }
        }
    }

    /// dw_p (M, CKK) += dy_pᵀ (M, N) · patches_p (N, CKK), for every position p.
    private func addWeightGradient(_ dyAt: SendablePointer<Scalar>, _ patches: SendablePointer<Scalar>, N: Int,
                                   into dWeight: UnsafeMutablePointer<Scalar>) {
        let (M, CKK, dW) = (outputChannels, inputChannels * kernelSize * kernelSize, SendablePointer(dWeight))
        parallelFor(outputHeight * outputWidth) { p in
            Scalar.gemm(transposeA: true, transposeB: false, m: M, n: CKK, k: N, alpha: 1, a: dyAt.base + p * N * M, lda: M,
                        b: patches.base + p * N * CKK, ldb: CKK, beta: 1, c: dW.base + p * M * CKK, ldc: CKK)
        }
    }

    /// dpatches_p (N, CKK) = dy_p (N, M) · w_p (M, CKK), over the patches (no longer needed).
    private func patchGradients(_ dyAt: SendablePointer<Scalar>, _ w: UnsafePointer<Scalar>, N: Int,
                                over patches: SendablePointer<Scalar>) {
        let (M, CKK, wp) = (outputChannels, inputChannels * kernelSize * kernelSize, SendablePointer(w))
        parallelFor(outputHeight * outputWidth) { p in
            Scalar.gemm(transposeA: false, transposeB: false, m: N, n: CKK, k: M, alpha: 1, a: dyAt.base + p * N * M, lda: M,
                        b: wp.base + p * M * CKK, ldb: CKK, beta: 0, c: patches.base + p * N * CKK, ldc: CKK)
        }
    }
}
