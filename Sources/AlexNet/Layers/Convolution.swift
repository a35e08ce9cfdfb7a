/// A 2-D convolution with stride, zero padding and groups (Sections 3.2 and 3.5 of the paper).
///
///     y[n, m, oy, ox] = bias[m] + Σ_{c ∈ group(m)} Σ_{i,j < K} w[m, c, i, j] · x[n, c, oy·S − P + i, ox·S − P + j]
///
/// Shapes: x (N, C, H, W) → y (N, M, Ho, Wo) with Ho = ⌊(H + 2P − K)/S⌋ + 1 (likewise Wo).
///
/// **Groups.** With G groups, output channel m sees only the C/G input channels of its group:
/// the paper's two GPUs, where conv2, conv4 and conv5 read only their own tower. With G = 1
/// every output sees every input (conv1, conv3).
///
/// **Towers.** The weights are kept as T separate parameter blocks along the output channels,
/// one per tower, each (M/T, C/G, K, K) with its own bias (M/T). Block t uses input group
/// t·G/T, so T must be a multiple of G. Concatenated, the blocks are exactly the usual
/// (M, C/G, K, K) weight of a grouped convolution (PyTorch's layout), which is how they are
/// multiplied: the towers that read one group as one stacked product. Kept apart, they are the
/// paper's per-GPU parameters, saved and reported tower by tower. By default T = G.
///
/// **Initialisation** (Section 5): w ~ N(0, 0.01²) unless set by the model; bias as given.
///
/// **Computation.** The batch is split into one contiguous run of images per worker
/// (``Threading/threadCount``); each worker takes its images a chunk at a time through im2col
/// and one single-threaded GEMM per group, in its own buffers, which are kept from step to step.
/// The weight gradient is summed per worker and the sums added in worker order, so a run is
/// reproducible at a given thread count. The naive seven loops of ``DirectConvolution`` are the
/// tested twin.
///
/// **Winograd.** At stride 1 with 3×3 or 5×5 kernels and at least 16 input channels per group,
/// the same function is computed by ``WinogradConvolution`` instead, with 2.25× (3×3) or 2.8×
/// (5×5) fewer multiplications (``algorithm``; set it to `.im2col` for the plain method).
public final class Convolution<Scalar: TensorScalar>: Layer {
    public let inputChannels: Int, outputChannels: Int
    public let kernelSize: Int, stride: Int, padding: Int
    public let groups: Int, towers: Int
    /// One (M/T, C/G, K, K) weight per tower.
    public let weights: [Parameter<Scalar>]
    /// One (M/T) bias per tower.
    public let biases: [Parameter<Scalar>]
    /// Upper bound on a worker's im2col buffer, in scalars; its images go through in chunks below it.
    /// 2¹⁹ (2 MiB of Float) keeps a chunk's column matrix near the worker's own caches; larger
    /// chunks fall out of them and smaller ones make narrower products (`alexnet-bench` times it).
    public var columnBufferLimit = 1 << 19

    /// How the layer computes: im2col + GEMM, or Winograd's F(2×2, K×K) where it applies.
    public enum Algorithm: Sendable { case im2col, winograd }

    /// `.winograd` by default where it applies (stride 1, K = 3 or 5, C/G ≥ 16), else `.im2col`.
    /// Both compute the same function; setting `.winograd` where it does not apply is a
    /// programming error.
    public var algorithm: Algorithm {
        didSet {
            precondition(algorithm == .im2col || Self.winogradApplies(kernelSize: kernelSize, stride: stride),
                         "convolution: Winograd needs stride 1 and a 3×3 or 5×5 kernel")
            winograd = algorithm == .winograd ? WinogradConvolution(kernelSize: kernelSize) : nil
        }
    }
    private var winograd: WinogradConvolution<Scalar>?

    /// The Winograd path's bound on a worker's tile buffers, in scalars (for tests of its chunking).
    var winogradTileBufferLimit: Int {
        get { winograd?.tileBufferLimit ?? 0 }
        set { winograd?.tileBufferLimit = newValue }
    }

    static func winogradApplies(kernelSize: Int, stride: Int) -> Bool {
        stride == 1 && (kernelSize == 3 || kernelSize == 5)
    }

    private var input = Tensor<Scalar>(shape: [0])   // x (N, C, H, W), kept for backward
    /// The workers' buffers, each `workers` equal slices: padded chunk (also the padded dx of
    /// col2im), column matrix, a group's product or dy block, the column gradient, and the
    /// partial parameter gradients (the stacked weight, then the stacked bias).
    private var padded: [Scalar] = [], columns: [Scalar] = [], block: [Scalar] = []
    private var columnGradients: [Scalar] = [], partialGradients: [Scalar] = []
    /// The towers' weights and biases stacked (see ``stackTowers()``), refreshed each pass.
    private var stackedWeights: [Scalar] = [], stackedBiases: [Scalar] = []

    public init(
        name: String = "conv",
        inputChannels: Int, outputChannels: Int, kernelSize: Int,
        stride: Int = 1, padding: Int = 0, groups: Int = 1, towers: Int? = nil,
        weightStandardDeviation: Double = 0.01, biasValue: Double = 0,
        generator: inout RandomGenerator
    ) {
        let towers = towers ?? groups
        precondition(inputChannels % groups == 0 && outputChannels % towers == 0,
                     "\(name): \(inputChannels) inputs / \(outputChannels) outputs do not split into \(groups) groups and \(towers) towers")
        precondition(towers % groups == 0, "\(name): towers (\(towers)) must be a multiple of groups (\(groups))")
        precondition(kernelSize >= 1 && stride >= 1 && padding >= 0, "\(name): bad kernel/stride/padding")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.towers = towers
        let shape = [outputChannels / towers, inputChannels / groups, kernelSize, kernelSize]
        var weights: [Parameter<Scalar>] = []
        var biases: [Parameter<Scalar>] = []
        for t in 0..<towers {
            let suffix = towers > 1 ? ".tower\(t + 1)" : ""
            weights.append(Parameter(name: "\(name)\(suffix).weight",
                kind: .weight, value: .normal(shape: shape, standardDeviation: weightStandardDeviation, generator: &generator)))
            biases.append(Parameter(name: "\(name)\(suffix).bias",
                kind: .bias, value: Tensor(shape: [outputChannels / towers], repeating: Scalar(biasValue))))
        }
        self.weights = weights
        self.biases = biases
        let winogradPays = Self.winogradApplies(kernelSize: kernelSize, stride: stride) && inputChannels / groups >= 16
        algorithm = winogradPays ? .winograd : .im2col
        winograd = winogradPays ? WinogradConvolution(kernelSize: kernelSize) : nil
    }

    public var parameters: [Parameter<Scalar>] { zip(weights, biases).flatMap { [$0, $1] } }

    /// ⌊(size + 2P − K)/S⌋ + 1: the output height (or width) for an input height (or width).
    public static func outputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Int) -> Int {
        precondition(inputSize + 2 * padding >= kernelSize,
                     "convolution: a \(kernelSize)-wide kernel does not fit \(inputSize) + 2·\(padding) pixels")
        return (inputSize + 2 * padding - kernelSize) / stride + 1
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 4 && inputShape[1] == inputChannels,
                     "convolution: expected (N, \(inputChannels), H, W), got \(inputShape)")
        return [inputShape[0], outputChannels,
                Self.outputSize(inputSize: inputShape[2], kernelSize: kernelSize, stride: stride, padding: padding),
                Self.outputSize(inputSize: inputShape[3], kernelSize: kernelSize, stride: stride, padding: padding)]
    }

    /// N·M·Ho·Wo·(C/G)·K·K.
    public func multiplyAdds(for inputShape: [Int]) -> Int {
        outputShape(for: inputShape).reduce(1, *) * inputChannels / groups * kernelSize * kernelSize
    }

    func geometry(_ shape: [Int]) -> ConvolutionGeometry {
        let out = outputShape(for: shape)
        return ConvolutionGeometry(C: inputChannels, Cg: inputChannels / groups, H: shape[2], W: shape[3],
                                   K: kernelSize, S: stride, P: padding, Ho: out[2], Wo: out[3])
    }

    /// How many images go through im2col at once, for a worker given `images` of them.
    /// One image whenever its output plane has 256 positions or more: a product that wide runs
    /// as fast as a chunk's, and a chunk of one image needs no rearranging — its
    /// product is y's own (Mt, Ho·Wo) block and its dy block is dy's.
    func chunkSize(_ g: ConvolutionGeometry, batch images: Int) -> Int {
        if g.Ho * g.Wo >= 256 { return 1 }
        return max(1, min(images, columnBufferLimit / max(1, g.Cg * g.K * g.K * g.Ho * g.Wo)))
    }

    /// How the batch is shared: worker w takes images `runs[w]`, in chunks of `chunk`.
    private func plan(_ g: ConvolutionGeometry, batch N: Int) -> (runs: [Range<Int>], chunk: Int) {
        let workers = max(1, min(Threading.threadCount, N))
        let runs = (0..<workers).map { w in (N * w / workers)..<(N * (w + 1) / workers) }
        return (runs, chunkSize(g, batch: (N + workers - 1) / workers))
    }

    /// The im2col part of a chunk: pads images n0..<n0+B of one group and lays out their columns.
    private static func columns(of x: UnsafePointer<Scalar>, _ g: ConvolutionGeometry, images n0: Int, count B: Int,
                                group: Int, padded: UnsafeMutablePointer<Scalar>, into cols: UnsafeMutablePointer<Scalar>) {
        pad(x, geometry: g, images: n0, count: B, firstChannel: group * g.Cg, into: padded)
        im2col(padded: padded, geometry: g, count: B, into: cols)
    }

    /// All towers' weights as one (M, C/G·K·K) matrix and their biases as one (M) vector, in
    /// tower order, which is group order: the towers that read group g are the rows
    /// g·M/G ..< (g+1)·M/G, multiplied as one stacked product (one GEMM instead of one per
    /// tower, with the column matrix packed once; the paper's conv1 and conv3 have two towers
    /// that read the same group).
    private func stackTowers() {
        resize(&stackedWeights, to: weights.reduce(0) { $0 + $1.value.count })
        stackedWeights.withUnsafeMutableBufferPointer { target in
            var offset = 0
            for w in weights {
                w.value.withUnsafeBufferPointer { (target.baseAddress! + offset).update(from: $0.baseAddress!, count: $0.count) }
                offset += w.value.count
            }
        }
        stackedBiases = biases.flatMap(\.value.scalars)
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        input = x
        let g = geometry(x.shape)
        let N = x.shape[0], M = outputChannels, G = groups
        let Mg = M / G, CKK = g.Cg * g.K * g.K, HoWo = g.Ho * g.Wo       // Mg: outputs reading one group
        let (runs, chunk) = plan(g, batch: N)
        let (paddedSize, columnSize, blockSize) = (g.paddedCount(images: chunk), g.columnCount(images: chunk), Mg * chunk * HoWo)
        resize(&padded, to: runs.count * paddedSize)
        resize(&columns, to: runs.count * columnSize)
        resize(&block, to: runs.count * blockSize)
        stackTowers()
        var y = Tensor<Scalar>(uninitializedShape: [N, M, g.Ho, g.Wo])   // every element is written below
        if let winograd {
            x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
            stackedWeights.withUnsafeBufferPointer { w in
            stackedBiases.withUnsafeBufferPointer { bias in
                winograd.forward(x.baseAddress!, weights: w.baseAddress!, bias: bias.baseAddress!, geometry: g,
                                 outputs: M, groups: G, batch: N, into: y.baseAddress!)
            }}}}
            return y
        }
        x.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { y in
        padded.withUnsafeMutableBufferPointer { padded in
        columns.withUnsafeMutableBufferPointer { columns in
        block.withUnsafeMutableBufferPointer { block in
        stackedWeights.withUnsafeBufferPointer { w in
        stackedBiases.withUnsafeBufferPointer { bias in
            let (xp, yp) = (SendablePointer(x.baseAddress!), SendablePointer(y.baseAddress!))
            let (wp, bp) = (SendablePointer(w.baseAddress!), SendablePointer(bias.baseAddress!))
            let (padded, cols, product) = (SendablePointer(padded.baseAddress!), SendablePointer(columns.baseAddress!),
                                           SendablePointer(block.baseAddress!))
            parallelFor(runs.count) { worker in
                let padded = padded.base + worker * paddedSize, cols = cols.base + worker * columnSize
                let product = product.base + worker * blockSize
                for n0 in Swift.stride(from: runs[worker].lowerBound, to: runs[worker].upperBound, by: chunk) {
                    let B = min(chunk, runs[worker].upperBound - n0), columns = B * HoWo
                    for group in 0..<G {
                        Self.columns(of: xp.base, g, images: n0, count: B, group: group, padded: padded, into: cols)
                        // product (Mg, B·HoWo) = weight_group (Mg, CKK) · cols (CKK, B·HoWo), for one
                        // image straight into y[n0, group·Mg ..< (group+1)·Mg], then + bias
                        let yBlock = yp.base + (n0 * M + group * Mg) * HoWo, beta = bp.base + group * Mg
                        Scalar.gemm(transposeA: false, transposeB: false, m: Mg, n: columns, k: CKK,
                                    alpha: 1, a: wp.base + group * Mg * CKK, lda: CKK, b: cols, ldb: columns,
                                    beta: 0, c: B == 1 ? yBlock : product, ldc: columns)
                        if B == 1 {
                            for m in 0..<Mg {
                                let row = yBlock + m * HoWo
                                for p in 0..<HoWo { row[p] += beta[m] }
                            }
                            continue
                        }
                        // y[n0 + b, group·Mg + m, :] = product[m, b·HoWo ..< (b+1)·HoWo] + bias[group·Mg + m]
                        for b in 0..<B {
                            for m in 0..<Mg {
                                let source = product + (m * B + b) * HoWo
                                let target = yp.base + ((n0 + b) * M + group * Mg + m) * HoWo
                                for p in 0..<HoWo { target[p] = source[p] + beta[m] }
                            }
                        }
                    }
                }
            }
        }}}}}}}
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        var dx = Tensor<Scalar>(uninitializedShape: input.shape)     // col2im writes every element
        backward(dy, computeInputGradient: true, dx: &dx)
        return dx
    }

    /// Accumulates the parameter gradients only, skipping ∂L/∂x: for a first layer, whose
    /// input is the image (conv1 of the paper needs no input gradient).
    @_specialize(where Scalar == Float)
    public func backwardParametersOnly(_ dy: Tensor<Scalar>) {
        var unused = Tensor<Scalar>(shape: [0])
        backward(dy, computeInputGradient: false, dx: &unused)
    }

    @_specialize(where Scalar == Float)
    private func backward(_ dy: Tensor<Scalar>, computeInputGradient: Bool, dx: inout Tensor<Scalar>) {
        precondition(input.shape.count == 4, "convolution backward: needs a forward pass first")
        let g = geometry(input.shape)
        let N = input.shape[0], M = outputChannels, G = groups
        precondition(dy.shape == [N, M, g.Ho, g.Wo], "convolution backward: dy \(dy.shape) does not match the output")
        let Mg = M / G, CKK = g.Cg * g.K * g.K, HoWo = g.Ho * g.Wo
        if let winograd {
            // The stacked gradients, (M, CKK) then (M), added below into the towers' blocks.
            resize(&partialGradients, to: M * CKK + M)
            stackTowers()
            input.withUnsafeBufferPointer { x in
            dy.withUnsafeBufferPointer { dy in
            dx.withUnsafeMutableBufferPointer { dx in
            stackedWeights.withUnsafeBufferPointer { w in
            partialGradients.withUnsafeMutableBufferPointer { gradient in
                gradient.update(repeating: 0)
                winograd.backward(dy.baseAddress!, input: x.baseAddress!, weights: w.baseAddress!, geometry: g,
                                  outputs: M, groups: G, batch: N, dWeight: gradient.baseAddress!,
                                  dBias: gradient.baseAddress! + M * CKK, dx: computeInputGradient ? dx.baseAddress! : nil)
            }}}}}
            addToTowers(partialGradients, workers: 1, CKK: CKK)
            return
        }
        let (runs, chunk) = plan(g, batch: N)
        let (paddedSize, columnSize, blockSize) = (g.paddedCount(images: chunk), g.columnCount(images: chunk), Mg * chunk * HoWo)
        // Per worker: the stacked weight gradient (M, CKK), then the bias gradient (M).
        let gradientSize = M * CKK + M
        resize(&padded, to: runs.count * paddedSize)
        resize(&columns, to: runs.count * columnSize)
        resize(&block, to: runs.count * blockSize)
        resize(&columnGradients, to: computeInputGradient ? runs.count * columnSize : 0)
        resize(&partialGradients, to: runs.count * gradientSize)
        stackTowers()
        input.withUnsafeBufferPointer { x in
        dy.withUnsafeBufferPointer { dy in
        dx.withUnsafeMutableBufferPointer { dx in
        padded.withUnsafeMutableBufferPointer { padded in
        columns.withUnsafeMutableBufferPointer { columns in
        block.withUnsafeMutableBufferPointer { block in
        columnGradients.withUnsafeMutableBufferPointer { columnGradients in
        partialGradients.withUnsafeMutableBufferPointer { partialGradients in
        stackedWeights.withUnsafeBufferPointer { w in
            let (xp, dyp, wp) = (SendablePointer(x.baseAddress!), SendablePointer(dy.baseAddress!), SendablePointer(w.baseAddress!))
            // Both nil when the input gradient is skipped.
            let dxp = computeInputGradient ? SendablePointer(dx.baseAddress!) : nil
            let dColumns = computeInputGradient ? SendablePointer(columnGradients.baseAddress!) : nil
            let (padded, cols, dyBlocks) = (SendablePointer(padded.baseAddress!), SendablePointer(columns.baseAddress!),
                                            SendablePointer(block.baseAddress!))
            let partial = SendablePointer(partialGradients.baseAddress!)
            parallelFor(runs.count) { worker in
                let padded = padded.base + worker * paddedSize, cols = cols.base + worker * columnSize
                let dyBlocks = dyBlocks.base + worker * blockSize, dCols = dColumns.map { $0.base + worker * columnSize }
                let dWeight = partial.base + worker * gradientSize, dBias = dWeight + M * CKK
                dWeight.update(repeating: 0, count: gradientSize)
                for n0 in Swift.stride(from: runs[worker].lowerBound, to: runs[worker].upperBound, by: chunk) {
                    let B = min(chunk, runs[worker].upperBound - n0), columns = B * HoWo
                    for group in 0..<G {
                        Self.columns(of: xp.base, g, images: n0, count: B, group: group, padded: padded, into: cols)
                        // dyBlock[m, b·HoWo + p] = dy[n0 + b, group·Mg + m, p]   (inverse of the forward scatter);
                        // for one image, dy's own block
                        let dyBlock = B == 1 ? dyp.base + (n0 * M + group * Mg) * HoWo : dyBlocks
                        if B > 1 {
                            for b in 0..<B {
                                for m in 0..<Mg {
                                    (dyBlocks + (m * B + b) * HoWo).update(
                                        from: dyp.base + ((n0 + b) * M + group * Mg + m) * HoWo, count: HoWo)
                                }
                            }
                        }
                        // dBias[group·Mg + m] += Σ_columns dyBlock[m, ·]
                        for m in 0..<Mg {
                            dBias[group * Mg + m] += sum(dyBlock + m * columns, count: columns)
                        }
                        // dWeight_group (Mg, CKK) += dyBlock (Mg, B·HoWo) · colsᵀ (B·HoWo, CKK)
                        Scalar.gemm(transposeA: false, transposeB: true, m: Mg, n: CKK, k: columns,
                                    alpha: 1, a: dyBlock, lda: columns, b: cols, ldb: columns,
                                    beta: 1, c: dWeight + group * Mg * CKK, ldc: CKK)
                        guard let dCols, let dxp else { continue }
                        // dCols (CKK, B·HoWo) = weight_groupᵀ (CKK, Mg) · dyBlock (Mg, B·HoWo), added back
                        Scalar.gemm(transposeA: true, transposeB: false, m: CKK, n: columns, k: Mg,
                                    alpha: 1, a: wp.base + group * Mg * CKK, lda: CKK, b: dyBlock, ldb: columns,
                                    beta: 0, c: dCols, ldc: columns)
                        padded.update(repeating: 0, count: B * g.Cg * g.Hp * g.Wp)
                        col2im(dCols, geometry: g, images: n0, count: B, firstChannel: group * g.Cg,
                               padded: padded, into: dxp.base)
                    }
                }
            }
        }}}}}}}}}
        addToTowers(partialGradients, workers: runs.count, CKK: CKK)
    }

    /// The parameter gradients += the workers' stacked sums (each (M, CKK) then (M)), in worker
    /// order; tower t owns rows t·Mt ..< (t+1)·Mt of the stacked gradient.
    private func addToTowers(_ partial: [Scalar], workers: Int, CKK: Int) {
        let (M, Mt) = (outputChannels, outputChannels / towers), gradientSize = M * CKK + M
        partial.withUnsafeBufferPointer { partial in
            for t in 0..<towers {
                weights[t].gradient.withUnsafeMutableBufferPointer { dW in
                    for worker in 0..<workers {
                        let source = partial.baseAddress! + worker * gradientSize + t * Mt * CKK
                        for k in 0..<(Mt * CKK) { dW[k] += source[k] }
                    }
                }
                biases[t].gradient.withUnsafeMutableBufferPointer { dB in
                    for worker in 0..<workers {
                        let source = partial.baseAddress! + worker * gradientSize + M * CKK + t * Mt
                        for m in 0..<Mt { dB[m] += source[m] }
                    }
                }
            }
        }
    }
}
