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
/// **Speed.** The forward pass also computes r = 1/s and keeps it: the backward pass needs
/// s^(−β) and s^(−β−1) = s^(−β)·r, and takes both from r instead of summing the window again.
/// For the paper's β = 0.75 the powers are square roots, not `pow`: s^(−β) = 1/(√s·√√s) in the
/// forward pass and √r·√√r in the backward pass, as before r was kept (the same bits); other β
/// use `pow`. Each (image, group) is worked through in blocks of ``pixelBlock``
/// pixels across all its channels, small enough to stay in the first-level cache, so the window
/// sums re-read cached values and every tensor is read or written once. A channel whose window
/// holds five channels (the paper's n, away from a group's edges) takes its window sum, and its
/// dx, in one pass over the five rows, the terms in the same order as the general loops, which
/// serve the edges and other n.
///
/// Shapes: x (N, C, H, W) → y (N, C, H, W). No parameters. Keeps x and r = 1/s (N, C, H, W).
public final class LocalResponseNormalization<Scalar: TensorScalar>: Layer {
    public let size: Int, k: Double, alpha: Double, beta: Double
    public let convention: AlphaConvention
    public let groups: Int

    private var input = Tensor<Scalar>(shape: [0])    // a (N, C, H, W)
    private var reciprocals = Tensor<Scalar>(shape: [0])    // r = 1/s (N, C, H, W), from the forward pass

    /// No learned tensors.
    public var parameters: [Parameter<Scalar>] { [] }

    /// Element by element: the input's shape, no products of weights.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    public func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    /// Pixels per block: Cg channels × 64 pixels × 4 bytes is 12 KiB for the paper's 48
    /// channels per tower, 16 KiB for the CIFAR nets' 64, inside a 32–48 KiB L1 cache.
    static var pixelBlock: Int { 64 }

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

    /// s^(−β) from r = 1/s: √r·√√r when β = 0.75 (the choice made once, outside the callers'
    /// loops, so the square-root loops vectorise), else r^β.
    @inline(__always)
    static func inversePower(reciprocal r: Scalar, beta: Scalar, threeQuarters: Bool) -> Scalar {
        if threeQuarters {
            let root = r.squareRoot()
            return root * root.squareRoot()
        }
        return Scalar.pow(r, beta)
    }

    /// α′, the coefficient actually multiplying the sum of squares.
    public var effectiveAlpha: Double {
        convention == .paper ? alpha : alpha / Double(size)
    }

    /// s[c][p] = k + α′ · Σ_{j ∈ window(c)} a[j][p]² for the Cg channels of one group and L
    /// pixels: `a` points at channel 0 of the block, its channels `planeStride` apart; `s` is
    /// (Cg, L). The squares are added in increasing j, as the formula reads.
    @inline(__always)
    static func scales(_ a: UnsafePointer<Scalar>, planeStride: Int, channels Cg: Int, pixels L: Int,
                       below: Int, above: Int, k: Scalar, alpha: Scalar, into s: UnsafeMutablePointer<Scalar>) {
        for c in 0..<Cg {
            let sc = s + c * L, first = max(0, c - below), last = min(Cg - 1, c + above)
            if last - first == 4 {
                // A whole window of five (the paper's n, away from the edges): one pass, the same
                // sums in the same order as the passes below, so the same bits.
                let (a0, a1, a2) = (a + first * planeStride, a + (first + 1) * planeStride, a + (first + 2) * planeStride)
                let (a3, a4) = (a + (first + 3) * planeStride, a + (first + 4) * planeStride)
                for p in 0..<L {
                    let squares = a0[p] * a0[p] + a1[p] * a1[p] + a2[p] * a2[p] + a3[p] * a3[p] + a4[p] * a4[p]
                    sc[p] = k + alpha * squares
                }
                continue
            }
            for p in 0..<L { sc[p] = 0 }
            for j in first...last {
                let aj = a + j * planeStride
                for p in 0..<L { sc[p] += aj[p] * aj[p] }
            }
            for p in 0..<L { sc[p] = k + alpha * sc[p] }
        }
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] % groups == 0, "LRN: expected (N, C, H, W) with C divisible by \(groups), got \(x.shape)")
        input = x
        let (N, C, HW) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let groups = self.groups, Cg = C / groups, below = size / 2, above = (size - 1) / 2
        let k = Scalar(self.k), alpha = Scalar(effectiveAlpha), beta = Scalar(self.beta), threeQuarters = self.beta == 0.75
        let block = Self.pixelBlock
        var y = Tensor<Scalar>(uninitializedShape: x.shape)
        var kept = Tensor<Scalar>(uninitializedShape: x.shape)
        x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in
        kept.withUnsafeMutableBufferPointer { rb in
            let a = SendablePointer(xb.baseAddress!), b = SendablePointer(yb.baseAddress!), r = SendablePointer(rb.baseAddress!)
            parallelFor(N * groups) { ng in
                let first = ((ng / groups) * C + (ng % groups) * Cg) * HW     // offset of (n, c0, ·, ·)
                withUnsafeTemporaryAllocation(of: Scalar.self, capacity: Cg * block) { s in
                    let s = s.baseAddress!
                    for p0 in Swift.stride(from: 0, to: HW, by: block) {
                        let L = min(block, HW - p0)
                        Self.scales(a.base + first + p0, planeStride: HW, channels: Cg, pixels: L,
                                    below: below, above: above, k: k, alpha: alpha, into: s)
                        for c in 0..<Cg {
                            let offset = first + c * HW + p0
                            let ac = a.base + offset, bc = b.base + offset, rc = r.base + offset, sc = s + c * L
                            // s^(−β) as the layer has always computed it (the same bits as before r
                            // was kept), and r = 1/s for the backward pass.
                            if threeQuarters {
                                for p in 0..<L {
                                    let root = sc[p].squareRoot()
                                    bc[p] = ac[p] * (1 / (root * root.squareRoot()))
                                    rc[p] = 1 / sc[p]
                                }
                            } else {
                                for p in 0..<L {
                                    bc[p] = ac[p] * Scalar.pow(sc[p], -beta)
                                    rc[p] = 1 / sc[p]
                                }
                            }
                        }
                    }
                }
            }
        }}}
        reciprocals = kept
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(dy.shape == input.shape && reciprocals.shape == input.shape,
                     "LRN backward: needs a forward pass of the same shape first (dy \(dy.shape), last input \(input.shape))")
        let (N, C, HW) = (input.shape[0], input.shape[1], input.shape[2] * input.shape[3])
        let groups = self.groups, Cg = C / groups, below = size / 2, above = (size - 1) / 2
        let beta = Scalar(self.beta), threeQuarters = self.beta == 0.75
        let twoAlphaBeta = Scalar(2 * effectiveAlpha * self.beta)
        let block = Self.pixelBlock
        var dx = Tensor<Scalar>(uninitializedShape: input.shape)
        input.withUnsafeBufferPointer { ab in
        reciprocals.withUnsafeBufferPointer { rb in
        dy.withUnsafeBufferPointer { gb in
        dx.withUnsafeMutableBufferPointer { db in
            let a = SendablePointer(ab.baseAddress!), g = SendablePointer(gb.baseAddress!)
            let d = SendablePointer(db.baseAddress!), r = SendablePointer(rb.baseAddress!)
            parallelFor(N * groups) { ng in
                let first = ((ng / groups) * C + (ng % groups) * Cg) * HW     // offset of (n, c0, ·, ·)
                // Per block, from the kept r = 1/s: q = s^(−β) and t = dy · a · q · r.
                withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 2 * Cg * block) { buffer in
                    let s = buffer.baseAddress!, t = s + Cg * block
                    for p0 in Swift.stride(from: 0, to: HW, by: block) {
                        let L = min(block, HW - p0)
                        for c in 0..<Cg {
                            let offset = first + c * HW + p0
                            let ac = a.base + offset, gc = g.base + offset, rc = r.base + offset
                            let sc = s + c * L, tc = t + c * L
                            if threeQuarters {
                                for p in 0..<L {
                                    let q = Self.inversePower(reciprocal: rc[p], beta: beta, threeQuarters: true)
                                    tc[p] = gc[p] * ac[p] * q * rc[p]
                                    sc[p] = q
                                }
                            } else {
                                for p in 0..<L {
                                    let q = Self.inversePower(reciprocal: rc[p], beta: beta, threeQuarters: false)
                                    tc[p] = gc[p] * ac[p] * q * rc[p]
                                    sc[p] = q
                                }
                            }
                        }
                        // Channel j appears in the windows of channels i ∈ [j − above, j + below].
                        for j in 0..<Cg {
                            let aj = a.base + first + j * HW + p0, gj = g.base + first + j * HW + p0
                            let dj = d.base + first + j * HW + p0, sj = s + j * L
                            let (lowest, highest) = (max(0, j - above), min(Cg - 1, j + below))
                            if highest - lowest == 4 {
                                // Five windows (away from the edges): one pass, dj written once;
                                // the same terms subtracted in the same order, so the same bits.
                                let (t0, t1, t2, t3, t4) = (t + lowest * L, t + (lowest + 1) * L, t + (lowest + 2) * L,
                                                            t + (lowest + 3) * L, t + (lowest + 4) * L)
                                for p in 0..<L {
                                    let c = twoAlphaBeta * aj[p]
                                    var dx = gj[p] * sj[p]
                                    dx -= c * t0[p]
                                    dx -= c * t1[p]
                                    dx -= c * t2[p]
                                    dx -= c * t3[p]
                                    dx -= c * t4[p]
                                    dj[p] = dx
                                }
                                continue
                            }
                            for p in 0..<L { dj[p] = gj[p] * sj[p] }
                            for i in lowest...highest {
                                let ti = t + i * L
                                for p in 0..<L { dj[p] -= twoAlphaBeta * aj[p] * ti[p] }
                            }
                        }
                    }
                }
            }
        }}}}
        return dx
    }
}
