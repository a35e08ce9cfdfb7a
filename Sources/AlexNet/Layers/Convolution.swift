/// A 2-D convolution with stride, zero padding and groups (Sections 3.2 and 3.5 of the paper).
///
///     y[n, m, oy, ox] = bias[m] + Σ_{c ∈ group(m)} Σ_{i,j < K} w[m, c, i, j] · x[n, c, oy·S − P + i, ox·S − P + j]
///
/// Shapes: x (N, C, H, W) → y (N, M, Ho, Wo) with Ho = ⌊(H + 2P − K)/S⌋ + 1 (likewise Wo);
/// weight (M, C/G, K, K) and bias (M), PyTorch's layout, which both kernels read as they lie.
///
/// **Groups.** With G groups, output channel m sees only the C/G input channels of its group:
/// the paper's two GPUs, where conv2, conv4 and conv5 read only their own tower. With G = 1
/// every output sees every input (conv1, conv3).
///
/// **Towers.** The paper keeps half of each layer's kernels on each GPU. Here a layer holds one
/// weight, and tower t of T is a range of its output rows, ⌊M·t/T⌋ ..< ⌊M·(t+1)/T⌋:
/// ``tower(_:of:)`` is a layer over the same ``weight`` and ``bias`` objects that computes only
/// those rows (``outputRows``), reading its tower's group (G = T) or every input (G = 1). The
/// rows are handed to the kernel as an offset into the weight, and the gradient is added into
/// the same rows of the weight's gradient: nothing is copied either way.
///
/// **Initialisation** (Section 5): w ~ N(0, 0.01²) unless set by the model; bias as given.
///
/// **Computation.** ``Im2colConvolution`` (im2col + one GEMM per group, the batch split over
/// the workers) or, for stride 1 with 3×3 or 5×5 kernels and at least 16 input channels per
/// group, ``WinogradConvolution``: F(2×2, K×K) (2.25× or 2.8× fewer multiplications), or
/// F(5×5, 3×3) (4.6×) or F(4×4, 3×3) (4×) for 3×3 kernels on maps of 12 pixels or more and
/// F(3×3, 5×5) (4.6×) for 5×5 kernels on maps of 24 or more. A strided convolution whose
/// kernel folds into 3×3 or 5×5 over its input's S² phases (``StrideFold``: conv1's 11×11 at
/// stride 4 becomes 3×3 over 48 phase channels) takes the same path when the phases number at
/// least 16 per group. All compute the same function, and the naive seven loops of
/// ``DirectConvolution`` are their tested twin (``algorithm`` chooses).
public final class Convolution<Scalar: TensorScalar>: Layer {
    /// C, the input channels this layer reads (a tower's view of a grouped layer: its group's).
    public let inputChannels: Int
    /// The output channels this layer computes: ``outputRows``.count.
    public let outputChannels: Int
    public let kernelSize: Int, stride: Int, padding: Int
    public let groups: Int
    /// (M, C/G, K, K) for the whole layer, shared by its tower views.
    public let weight: Parameter<Scalar>
    /// (M), shared by its tower views.
    public let bias: Parameter<Scalar>
    /// The rows of ``weight`` (output channels) this layer computes: all M, or one tower's.
    public let outputRows: Range<Int>
    /// The im2col path's bound on a worker's column buffer, in scalars (see ``Im2colConvolution``).
    public var columnBufferLimit: Int {
        get { im2col.columnBufferLimit }
        set { im2col.columnBufferLimit = newValue }
    }

    /// How the layer computes: im2col + GEMM, or Winograd's minimal filtering (at stride 1, or
    /// on the folded kernel K' = ⌈K/S⌉ of a strided layer) — `.winograd` with the tile that pays
    /// for the map (``largeTilesPay(kernelSize:outputHeight:outputWidth:)``,
    /// ``largeTile(kernelSize:outputHeight:outputWidth:)``), or a tile chosen outright:
    /// F(2×2, K'×K') for K' = 3 or 5, F(4×4, 3×3) and F(5×5, 3×3) for K' = 3, F(3×3, 5×5) for K' = 5.
    public enum Algorithm: Sendable { case im2col, winograd, winograd2x2, winograd4x4, winograd5x5, winograd3x3 }

    /// `.winograd` by default where it applies (K' = 3 or 5, C/G·S² ≥ 16), else `.im2col`.
    /// All compute the same function; choosing a Winograd algorithm where it does not apply is a
    /// programming error.
    public var algorithm: Algorithm {
        didSet {
            precondition(algorithm == .im2col || Self.winogradApplies(kernelSize: kernelSize, stride: stride),
                         "convolution: Winograd needs a kernel of 3×3 or 5×5 at stride 1, or folding into one")
            precondition(algorithm != .winograd4x4 || winogradKernelSize == 3, "convolution: F(4×4, 3×3) needs a 3×3 kernel")
            precondition(algorithm != .winograd5x5 || winogradKernelSize == 3, "convolution: F(5×5, 3×3) needs a 3×3 kernel")
            precondition(algorithm != .winograd3x3 || winogradKernelSize == 5, "convolution: F(3×3, 5×5) needs a 5×5 kernel")
        }
    }

    /// The kernel side the Winograd path convolves: K at stride 1, K' = ⌈K/S⌉ over the phases of a strided input.
    var winogradKernelSize: Int { StrideFold.foldedKernelSize(kernelSize: kernelSize, stride: stride) }

    /// The Winograd paths made so far, by output tile (2 to 5), kept from pass to pass with their buffers.
    private var winograds: [Int: WinogradConvolution<Scalar>] = [:]
    /// The path the last forward pass took, for its backward pass.
    private var lastWinograd: WinogradConvolution<Scalar>?

    /// The larger tile where it pays: F(4×4, 3×3) or F(5×5, 3×3) (which of them:
    /// ``largeTile(kernelSize:outputHeight:outputWidth:)``) for a 3×3 kernel on an output
    /// map of at least 12 pixels each way, F(3×3, 5×5) for a 5×5 kernel on one of at least 24.
    /// The figures that follow compare F(4×4) with F(2×2), from before F(5×5) was added.
    /// `alexnet-bench --winograd-tiles` (256 → 256 channels, forward and backward, this book's
    /// 2-core machine) measured F(4×4, 3×3) 1.23–1.28× faster than F(2×2, 3×3) on 27×27 and
    /// 1.35–1.57× on 55×55. On 13×13 the last row and column of 4×4 tiles are three quarters
    /// outside the map (16² tile outputs for 13² real ones, against 14² with 2×2 tiles), yet
    /// the 36 products per 16 outputs still come to 0.73 of F(2×2)'s multiplications; it was
    /// 0.67–0.94× as fast while its chunks held one image (16 tiles), and is 1.07–1.26× as fast
    /// on the paper's conv3–conv5 with chunks of 128 tiles (``WinogradConvolution/minimumChunkTiles``).
    /// Maps of 12 to 15 pixels waste less of the tiles than 13 does. Below 12 the choice is left
    /// to F(2×2): the chapters' nets, whose 3×3 layers see 6×6 maps, were trained and
    /// their numbers measured with it.
    /// F(3×3, 5×5) takes 49 products per 9 outputs against F(2×2)'s 36 per 4, and tiles the
    /// paper's 27×27 conv2 exactly (81 tiles against 196 covering 28×28); on smaller maps it is
    /// left to F(2×2), which every chapter's trained nets keep. Both larger tiles' errors in
    /// Float stay inside the bounds the tests hold them to (``WinogradTransform``).
    public static func largeTilesPay(kernelSize: Int, outputHeight: Int, outputWidth: Int) -> Bool {
        switch kernelSize {
        case 3: outputHeight >= 12 && outputWidth >= 12
        case 5: outputHeight >= 24 && outputWidth >= 24
        default: false
        }
    }

    /// The output tile m of the larger tiles for a K'×K' kernel on an Ho × Wo output map: 3 for
    /// 5×5; for 3×3, at stride 1 or folded, 5 where F(5×5, 3×3) takes no more products for the map
    /// than F(4×4, 3×3), ⌈Ho/5⌉·⌈Wo/5⌉·49 ≤ ⌈Ho/4⌉·⌈Wo/4⌉·36 (13, 27 and 55 do; 12 and 16 do not), else 4.
    ///
    /// On the paper's 13×13 conv3–conv5 F(5×5) has 9 tiles of 7×7 an image and channel pair
    /// against F(4×4)'s 16 of 6×6, 441 products against 576. `alexnet-bench --winograd-tiles`
    /// (256 → 256, forward and backward, 2 threads, Zen 4, OpenBLAS's Cooperlake kernel; one run,
    /// medians of three passes) measured
    /// F(5×5) 1.44× F(4×4)'s rate on 13×13, 1.11× on 27×27 (1,764 products each: the tie goes to
    /// F(5×5)) and 1.13× on 55×55; inside the paper net (`--net paper`, three alternating rounds)
    /// conv3 1.19–1.35×, conv4 1.12–1.39×, conv5 1.14–1.41× faster. conv1, folded to 3×3 over 48
    /// phase channels on 55×55, has 121 tiles of 7×7 an image against 196 of 6×6 (5,929 products
    /// an image and channel pair against 7,056), one image a chunk
    /// (``WinogradConvolution/chunkSize(_:images:)``). conv1 alone at batch 128, forward and backward
    /// without dx, the two tiles taking turns in one process (2 threads, Zen 4, OpenBLAS's Cooperlake
    /// kernel; two runs of 15 rounds, medians of the rounds' ratios): forward 0.91–0.92×, backward
    /// 0.88–0.90× F(4×4)'s time.
    static func largeTile(kernelSize: Int, outputHeight Ho: Int, outputWidth Wo: Int) -> Int {
        guard kernelSize == 3 else { return 3 }
        func products(_ m: Int) -> Int { ((Ho + m - 1) / m) * ((Wo + m - 1) / m) * (m + 2) * (m + 2) }
        return products(5) <= products(4) ? 5 : 4
    }

    /// The Winograd path for geometry `g`, nil for im2col.
    private func winogradPath(for g: ConvolutionGeometry) -> WinogradConvolution<Scalar>? {
        let tile: Int
        switch algorithm {
        case .im2col: return nil
        case .winograd2x2: tile = 2
        case .winograd4x4: tile = 4
        case .winograd5x5: tile = 5
        case .winograd3x3: tile = 3
        case .winograd: tile = Self.largeTilesPay(kernelSize: winogradKernelSize, outputHeight: g.Ho, outputWidth: g.Wo)
                              ? Self.largeTile(kernelSize: winogradKernelSize, outputHeight: g.Ho, outputWidth: g.Wo) : 2
        }
        if let path = winograds[tile] { return path }
        let path = WinogradConvolution<Scalar>(kernelSize: winogradKernelSize, outputTile: tile)
        path.tileBufferLimit = winogradTileLimit
        winograds[tile] = path
        return path
    }

    private var winogradTileLimit = 1 << 18
    /// The Winograd path's bound on a worker's tile buffers, in scalars (for tests of its chunking).
    var winogradTileBufferLimit: Int {
        get { winogradTileLimit }
        set {
            winogradTileLimit = newValue
            for path in winograds.values { path.tileBufferLimit = newValue }
        }
    }

    /// Whether the Winograd path can compute the layer: its kernel, folded when strided, is 3×3 or 5×5.
    static func winogradApplies(kernelSize: Int, stride: Int) -> Bool {
        [3, 5].contains(StrideFold.foldedKernelSize(kernelSize: kernelSize, stride: stride))
    }

    private var input = Tensor<Scalar>(shape: [0])   // x (N, C, H, W), kept for backward
    private let im2col = Im2colConvolution<Scalar>()

    public convenience init(
        name: String = "conv",
        inputChannels: Int, outputChannels: Int, kernelSize: Int,
        stride: Int = 1, padding: Int = 0, groups: Int = 1,
        weightStandardDeviation: Double = 0.01, biasValue: Double = 0,
        generator: inout RandomGenerator
    ) {
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0,
                     "\(name): \(inputChannels) inputs / \(outputChannels) outputs do not split into \(groups) groups")
        precondition(kernelSize >= 1 && stride >= 1 && padding >= 0, "\(name): bad kernel/stride/padding")
        let shape = [outputChannels, inputChannels / groups, kernelSize, kernelSize]
        let weight = Parameter<Scalar>(name: "\(name).weight", kind: .weight,
                               value: .normal(shape: shape, standardDeviation: weightStandardDeviation, generator: &generator))
        let bias = Parameter<Scalar>(name: "\(name).bias", kind: .bias, value: Tensor(shape: [outputChannels], repeating: Scalar(biasValue)))
        self.init(inputChannels: inputChannels, kernelSize: kernelSize, stride: stride, padding: padding, groups: groups,
                  weight: weight, bias: bias, outputRows: 0..<outputChannels)
    }

    /// A layer computing rows `outputRows` of existing parameters: how ``tower(_:of:)`` shares them.
    private init(inputChannels: Int, kernelSize: Int, stride: Int, padding: Int, groups: Int,
                 weight: Parameter<Scalar>, bias: Parameter<Scalar>, outputRows: Range<Int>) {
        self.inputChannels = inputChannels
        self.outputChannels = outputRows.count
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.weight = weight
        self.bias = bias
        self.outputRows = outputRows
        let winogradPays = Self.winogradApplies(kernelSize: kernelSize, stride: stride)
            && inputChannels / groups * stride * stride >= 16
        algorithm = winogradPays ? .winograd : .im2col
    }

    /// The whole weight and bias, also for a tower's view (whose gradient lands in its rows).
    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// Tower `t` of `towers` as a layer of its own: rows ``towerShare(of:tower:towers:)`` of the
    /// same ``weight`` and ``bias`` objects, so what it learns the whole layer learns. It reads
    /// every input channel when the layer has one group (conv1 and conv3 of the paper) and its
    /// own group's when there is one group per tower (conv2, conv4, conv5), and keeps the
    /// layer's algorithm.
    public func tower(_ t: Int, of towers: Int) -> Convolution<Scalar> {
        precondition(t >= 0 && t < towers, "convolution: tower \(t) of \(towers)")
        precondition(groups == 1 || groups == towers, "convolution: a tower reads one group or all of them (groups \(groups), towers \(towers))")
        precondition(outputRows == 0..<weight.value.shape[0], "convolution: a tower of a tower")
        let view = Convolution(inputChannels: inputChannels / groups, kernelSize: kernelSize, stride: stride, padding: padding,
                               groups: 1, weight: weight, bias: bias,
                               outputRows: towerShare(of: outputChannels, tower: t, towers: towers))
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

    /// y (N, M, Ho, Wo) for x (N, C, H, W), by the layer's ``algorithm``.
    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        input = x
        let g = geometry(x.shape)
        let (N, M, G, CKK, first) = (x.shape[0], outputChannels, groups, g.columnRows, outputRows.lowerBound)
        var y = Tensor<Scalar>(uninitializedShape: [N, M, g.Ho, g.Wo])   // every element is written
        let winograd = winogradPath(for: g)
        lastWinograd = winograd
        x.withUnsafeBufferPointer { x in
            weight.value.withUnsafeBufferPointer { w in
                bias.value.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { y in
                        let (w, b) = (w.baseAddress! + first * CKK, b.baseAddress! + first)   // w[first...], b[first...]
                        if let winograd {
                            winograd.forward(x.baseAddress!, weights: w, bias: b, geometry: g, outputs: M, groups: G, batch: N,
                                             into: y.baseAddress!)
                        } else {
                            im2col.forward(x.baseAddress!, weights: w, bias: b, geometry: g, outputs: M, groups: G, batch: N,
                                           into: y.baseAddress!)
                        }
                    }
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

    /// The algorithm adds ∂L/∂w and ∂L/∂bias straight into rows ``outputRows`` of the
    /// parameters' gradients, and writes dx when asked.
    ///
    /// Two tower views of one layer, run at once on two threads, write disjoint rows of the same
    /// gradient: each borrows the whole buffer, which the parameter alone holds, so neither
    /// borrow copies it (a tower executor makes sure of that before it starts the towers).
    @_specialize(where Scalar == Float)
    private func backward(_ dy: Tensor<Scalar>, computeInputGradient: Bool, dx: inout Tensor<Scalar>) {
        precondition(input.shape.count == 4, "convolution backward: needs a forward pass first")
        let g = geometry(input.shape)
        let (N, M, G, CKK, first) = (input.shape[0], outputChannels, groups, g.columnRows, outputRows.lowerBound)
        precondition(dy.shape == [N, M, g.Ho, g.Wo], "convolution backward: dy \(dy.shape) does not match the output")
        input.withUnsafeBufferPointer { x in
            dy.withUnsafeBufferPointer { dy in
                weight.value.withUnsafeBufferPointer { w in
                    weight.gradient.withUnsafeMutableBufferPointer { dW in
                        bias.gradient.withUnsafeMutableBufferPointer { dB in
                            dx.withUnsafeMutableBufferPointer { dx in
                                let dxp = computeInputGradient ? dx.baseAddress! : nil
                                let w = w.baseAddress! + first * CKK                   // w[first...]
                                let (dW, dB) = (dW.baseAddress! + first * CKK, dB.baseAddress! + first)
                                if let winograd = lastWinograd {
                                    winograd.backward(dy.baseAddress!, input: x.baseAddress!, weights: w, geometry: g, outputs: M,
                                                      groups: G, batch: N, dWeight: dW, dBias: dB, dx: dxp)
                                } else {
                                    im2col.backward(dy.baseAddress!, input: x.baseAddress!, weights: w, geometry: g, outputs: M,
                                                    groups: G, batch: N, dWeight: dW, dBias: dB, dx: dxp)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Tower t's share of `count` units (kernels, neurons, channels): ⌊count·t/T⌋ ..< ⌊count·(t+1)/T⌋,
/// equal parts when T divides `count`, nearly equal otherwise (Section 3.2: half on each GPU).
public func towerShare(of count: Int, tower t: Int, towers T: Int) -> Range<Int> {
    (count * t / T)..<(count * (t + 1) / T)
}
