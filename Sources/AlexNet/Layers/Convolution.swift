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
/// **Computation.** ``Im2colConvolution`` (im2col + one GEMM per group, the batch split over
/// the workers) or, for stride 1 with 3×3 or 5×5 kernels and at least 16 input channels per
/// group, ``WinogradConvolution`` (2.25× or 2.8× fewer multiplications); both compute the same
/// function, and the naive seven loops of ``DirectConvolution`` are their tested twin
/// (``algorithm`` chooses).
public final class Convolution<Scalar: TensorScalar>: Layer {
    public let inputChannels: Int, outputChannels: Int
    public let kernelSize: Int, stride: Int, padding: Int
    public let groups: Int, towers: Int
    /// One (M/T, C/G, K, K) weight per tower.
    public let weights: [Parameter<Scalar>]
    /// One (M/T) bias per tower.
    public let biases: [Parameter<Scalar>]
    /// The im2col path's bound on a worker's column buffer, in scalars (see ``Im2colConvolution``).
    public var columnBufferLimit: Int {
        get { im2col.columnBufferLimit }
        set { im2col.columnBufferLimit = newValue }
    }

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
    private let im2col = Im2colConvolution<Scalar>()
    /// The towers' weights stacked as one (M, C/G·K·K) matrix and their biases as one (M) vector
    /// (see ``stackTowers()``), and the stacked gradients, (M, C/G·K·K) then (M).
    private let stackedWeights = ScratchBuffer<Scalar>(), stackedBiases = ScratchBuffer<Scalar>()
    private let stackedGradients = ScratchBuffer<Scalar>()

    public convenience init(
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
        self.init(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize, stride: stride,
                  padding: padding, groups: groups, weights: weights, biases: biases)
    }

    /// A layer over existing parameter blocks (one weight and bias per tower, shapes checked by
    /// the caller): how ``tower(_:)`` shares a layer's parameters.
    private init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int, groups: Int,
                 weights: [Parameter<Scalar>], biases: [Parameter<Scalar>]) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.towers = weights.count
        self.weights = weights
        self.biases = biases
        let winogradPays = Self.winogradApplies(kernelSize: kernelSize, stride: stride) && inputChannels / groups >= 16
        algorithm = winogradPays ? .winograd : .im2col
        winograd = winogradPays ? WinogradConvolution(kernelSize: kernelSize) : nil
    }

    public var parameters: [Parameter<Scalar>] { zip(weights, biases).flatMap { [$0, $1] } }

    /// Tower `t` as a layer of its own: the same parameter objects (``weights``[t] and
    /// ``biases``[t]), so what it learns the whole layer learns; it reads the input channels that
    /// tower reads — all of them for conv1 and conv3 (G = 1), its own group's for conv2, conv4 and
    /// conv5 (G = T) — and writes the tower's M/T output channels. A tower-parallel executor
    /// runs the views on separate workers; it keeps the layer's algorithm.
    public func tower(_ t: Int) -> Convolution<Scalar> {
        precondition(t >= 0 && t < towers, "convolution: tower \(t) of \(towers)")
        precondition(groups == 1 || groups == towers, "convolution: a tower reads one group or all of them (groups \(groups), towers \(towers))")
        let view = Convolution(inputChannels: inputChannels / groups, outputChannels: outputChannels / towers,
                               kernelSize: kernelSize, stride: stride, padding: padding, groups: 1,
                               weights: [weights[t]], biases: [biases[t]])
        view.algorithm = algorithm
        view.columnBufferLimit = columnBufferLimit
        return view
    }

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

    /// All towers' weights as one (M, C/G·K·K) matrix and their biases as one (M) vector, in
    /// tower order, which is group order: the towers that read group g are the rows
    /// g·M/G ..< (g+1)·M/G, multiplied as one stacked product (one GEMM for the paper's conv1 and
    /// conv3, whose two towers read the same group). The copy is one pass over the weights
    /// (3.5 MB for the paper's conv3) against a layer that multiplies them by a whole batch.
    private func stackTowers() -> (weights: UnsafePointer<Scalar>, biases: UnsafePointer<Scalar>) {
        let w = stackedWeights.reserve(weights.reduce(0) { $0 + $1.value.count }).base
        let b = stackedBiases.reserve(outputChannels).base
        var (offset, biasOffset) = (0, 0)
        for (weight, bias) in zip(weights, biases) {
            weight.value.withUnsafeBufferPointer { (w + offset).update(from: $0.baseAddress!, count: $0.count) }
            bias.value.withUnsafeBufferPointer { (b + biasOffset).update(from: $0.baseAddress!, count: $0.count) }
            offset += weight.value.count
            biasOffset += bias.value.count
        }
        return (UnsafePointer(w), UnsafePointer(b))
    }

    /// y (N, M, Ho, Wo) for x (N, C, H, W), by the layer's ``algorithm``.
    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        input = x
        let g = geometry(x.shape)
        let (N, M, G) = (x.shape[0], outputChannels, groups)
        let (w, bias) = stackTowers()
        var y = Tensor<Scalar>(uninitializedShape: [N, M, g.Ho, g.Wo])   // every element is written
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                if let winograd {
                    winograd.forward(x.baseAddress!, weights: w, bias: bias, geometry: g, outputs: M, groups: G, batch: N,
                                     into: y.baseAddress!)
                } else {
                    im2col.forward(x.baseAddress!, weights: w, bias: bias, geometry: g, outputs: M, groups: G, batch: N,
                                   into: y.baseAddress!)
                }
            }
        }
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        var dx = Tensor<Scalar>(uninitializedShape: input.shape)     // every element is written
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

    /// The stacked gradients from the algorithm, then added into the towers' blocks.
    @_specialize(where Scalar == Float)
    private func backward(_ dy: Tensor<Scalar>, computeInputGradient: Bool, dx: inout Tensor<Scalar>) {
        precondition(input.shape.count == 4, "convolution backward: needs a forward pass first")
        let g = geometry(input.shape)
        let (N, M, G, CKK) = (input.shape[0], outputChannels, groups, g.columnRows)
        precondition(dy.shape == [N, M, g.Ho, g.Wo], "convolution backward: dy \(dy.shape) does not match the output")
        let (w, _) = stackTowers()
        let gradient = stackedGradients.reserve(M * CKK + M).base        // dW (M, CKK), then dBias (M)
        gradient.update(repeating: 0, count: M * CKK + M)
        input.withUnsafeBufferPointer { x in
            dy.withUnsafeBufferPointer { dy in
                dx.withUnsafeMutableBufferPointer { dx in
                    let dxp = computeInputGradient ? dx.baseAddress! : nil
                    if let winograd {
                        winograd.backward(dy.baseAddress!, input: x.baseAddress!, weights: w, geometry: g, outputs: M,
                                          groups: G, batch: N, dWeight: gradient, dBias: gradient + M * CKK, dx: dxp)
                    } else {
                        im2col.backward(dy.baseAddress!, input: x.baseAddress!, weights: w, geometry: g, outputs: M,
                                        groups: G, batch: N, dWeight: gradient, dBias: gradient + M * CKK, dx: dxp)
                    }
                }
            }
        }
        addToTowers(gradient, CKK: CKK)
    }

    /// The parameter gradients += the stacked gradient (M, CKK) then (M); tower t owns rows
    /// t·Mt ..< (t+1)·Mt of it.
    private func addToTowers(_ stacked: UnsafePointer<Scalar>, CKK: Int) {
        let (M, Mt) = (outputChannels, outputChannels / towers)
        for t in 0..<towers {
            weights[t].gradient.withUnsafeMutableBufferPointer { dW in
                let source = stacked + t * Mt * CKK
                for k in 0..<(Mt * CKK) { dW[k] += source[k] }
            }
            biases[t].gradient.withUnsafeMutableBufferPointer { dB in
                let source = stacked + M * CKK + t * Mt
                for m in 0..<Mt { dB[m] += source[m] }
            }
        }
    }
}
