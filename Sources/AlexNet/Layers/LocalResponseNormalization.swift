/// Whether LRN's α is used as written in the paper or divided by the window size n.
public enum AlphaConvention: String, Sendable, CaseIterable, Codable {
    /// α′ = α: the paper's formula.
    case paper
    /// α′ = α / n: cuda-convnet, Caffe, PyTorch.
    case dividedBySize
}

/// Local response normalisation across adjacent channels (Section 3.3 of the paper).
///
///     b[c] = a[c] / s[c]^β,   s[c] = k + α′ · Σ_{j = max(0, c − n/2)}^{min(Cg − 1, c + (n−1)/2)} a[j]²
///
/// at every (n, y, x), with the sum over the channels of c's own group (``groups``; the paper's
/// two-GPU net normalises within each tower). The paper's constants are k = 2, n = 5,
/// α = 1e-4, β = 0.75, applied after the ReLU of conv1 and conv2.
///
/// **Convention.** The paper writes α′ = α. cuda-convnet, Caffe and PyTorch use α′ = α/n, a
/// factor of 5 smaller with n = 5; ``AlphaConvention`` selects either. (For odd n the window
/// is symmetric; for even n it follows PyTorch, one channel more below than above.)
///
/// **Backward.** With t[i] = dy[i] · b[i] / s[i],
///
///     dx[j] = dy[j] · s[j]^(−β) − 2α′β · a[j] · Σ_{i : j ∈ window(i)} t[i]
///
/// **Speed.** For the paper's β = 0.75, s^(−β) is computed as 1/(√s·√√s), two square roots
/// instead of a `pow`; other β use `pow`. The tests check both against the formula.
///
/// Shapes: x (N, C, H, W) → y (N, C, H, W). No parameters. Keeps x and s (both N, C, H, W).
public final class LocalResponseNormalization<Scalar: TensorScalar>: Layer {
    public let size: Int, k: Double, alpha: Double, beta: Double
    public let convention: AlphaConvention
    public let groups: Int

    private var input = Tensor<Scalar>(shape: [0])    // a (N, C, H, W)
    private var scale = Tensor<Scalar>(shape: [0])    // s (N, C, H, W)

    /// The paper's defaults: n = 5, k = 2, α = 1e-4, β = 0.75, α as written.
    public init(size: Int = 5, k: Double = 2, alpha: Double = 1e-4, beta: Double = 0.75,
                convention: AlphaConvention = .paper, groups: Int = 1) {
        precondition(size >= 1 && groups >= 1, "LRN: size and groups must be positive")
        self.size = size
        self.k = k
        self.alpha = alpha
        self.beta = beta
        self.convention = convention
        self.groups = groups
    }

    /// s^(−β): by square roots when β = 0.75, else by `pow`.
    @inline(__always)
    static func inversePower(_ s: Scalar, beta: Scalar, threeQuarters: Bool) -> Scalar {
        if threeQuarters {
            let root = s.squareRoot()
            return 1 / (root * root.squareRoot())
        }
        return Scalar.pow(s, -beta)
    }

    /// α′, the coefficient actually multiplying the sum of squares.
    public var effectiveAlpha: Double {
        convention == .paper ? alpha : alpha / Double(size)
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] % groups == 0, "LRN: expected (N, C, H, W) with C divisible by \(groups), got \(x.shape)")
        input = x
        let (N, C, HW) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let groups = self.groups, Cg = C / groups, below = size / 2, above = (size - 1) / 2
        let k = Scalar(self.k), alpha = Scalar(effectiveAlpha), beta = Scalar(self.beta), threeQuarters = self.beta == 0.75
        var y = Tensor<Scalar>(shape: x.shape)
        scale = Tensor<Scalar>(shape: x.shape)
        x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in
        scale.withUnsafeMutableBufferPointer { sb in
            let a = SendablePointer(xb.baseAddress!), b = SendablePointer(yb.baseAddress!)
            let s = SendablePointer(sb.baseAddress!)
            parallelFor(N * groups) { ng in
                let n = ng / groups, c0 = (ng % groups) * Cg
                for c in 0..<Cg {
                    let plane = (n * C + c0 + c) * HW                  // offset of (n, c0 + c, ·, ·)
                    let sPlane = s.base + plane
                    for p in 0..<HW { sPlane[p] = 0 }
                    for j in max(0, c - below)...min(Cg - 1, c + above) {
                        let aj = a.base + (n * C + c0 + j) * HW
                        for p in 0..<HW { sPlane[p] += aj[p] * aj[p] }
                    }
                    let aPlane = a.base + plane, bPlane = b.base + plane
                    for p in 0..<HW {
                        sPlane[p] = k + alpha * sPlane[p]
                        bPlane[p] = aPlane[p] * Self.inversePower(sPlane[p], beta: beta, threeQuarters: threeQuarters)
                    }
                }
            }
        }}}
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(dy.shape == input.shape, "LRN backward: dy \(dy.shape) vs input \(input.shape)")
        let (N, C, HW) = (input.shape[0], input.shape[1], input.shape[2] * input.shape[3])
        let groups = self.groups, Cg = C / groups, below = size / 2, above = (size - 1) / 2
        let beta = Scalar(self.beta), twoAlphaBeta = Scalar(2 * effectiveAlpha * self.beta), threeQuarters = self.beta == 0.75
        var dx = Tensor<Scalar>(shape: input.shape)
        var t = Tensor<Scalar>(shape: input.shape)      // t = dy · a · s^(−β−1)
        input.withUnsafeBufferPointer { ab in
        scale.withUnsafeBufferPointer { sb in
        dy.withUnsafeBufferPointer { gb in
        t.withUnsafeMutableBufferPointer { tb in
        dx.withUnsafeMutableBufferPointer { db in
            let a = SendablePointer(ab.baseAddress!), s = SendablePointer(sb.baseAddress!)
            let g = SendablePointer(gb.baseAddress!), tp = SendablePointer(tb.baseAddress!)
            let d = SendablePointer(db.baseAddress!)
            parallelFor(N * groups) { ng in
                let n = ng / groups, c0 = (ng % groups) * Cg
                for c in 0..<Cg {
                    let plane = (n * C + c0 + c) * HW
                    for p in 0..<HW {
                        let sInvBeta = Self.inversePower(s.base[plane + p], beta: beta, threeQuarters: threeQuarters)
                        tp.base[plane + p] = g.base[plane + p] * a.base[plane + p] * sInvBeta / s.base[plane + p]
                        d.base[plane + p] = g.base[plane + p] * sInvBeta
                    }
                }
                // Channel j appears in the windows of channels i ∈ [j − above, j + below].
                for j in 0..<Cg {
                    let plane = (n * C + c0 + j) * HW
                    for i in max(0, j - above)...min(Cg - 1, j + below) {
                        let ti = tp.base + (n * C + c0 + i) * HW
                        for p in 0..<HW {
                            d.base[plane + p] -= twoAlphaBeta * a.base[plane + p] * ti[p]
                        }
                    }
                }
            }
        }}}}}
        return dx
    }
}
