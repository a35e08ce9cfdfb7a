/// Max-pooling over z × z windows placed every s pixels (Section 3.4 of the paper).
///
///     y[n, c, oy, ox] = max_{i, j < z} x[n, c, oy·s + i, ox·s + j],   Ho = ⌊(H − z)/s⌋ + 1
///
/// The paper's "overlapping" pooling is z = 3, s = 2 (55 → 27 → 13 → 6 in AlexNet); the
/// traditional z = s = 2 gives the same output size there. No padding.
///
/// **Ties.** The first maximum in row-major window order wins (as in PyTorch), and in the
/// backward pass it alone receives the gradient: dx[argmax] += dy. The index of the winner
/// is recorded in the forward pass, so the backward pass does no search.
///
/// Shapes: x (N, C, H, W) → y (N, C, Ho, Wo). No parameters. Keeps the argmax (N, C, Ho, Wo).
public final class MaxPooling<Scalar: TensorScalar>: Layer {
    public let windowSize: Int, stride: Int

    private var inputShape: [Int] = []
    private var argmax: [Int32] = []    // (N, C, Ho, Wo): offset of the winner within its H·W plane

    /// No learned tensors.
    public var parameters: [Parameter<Scalar>] { [] }

    public init(windowSize: Int, stride: Int) {
        precondition(windowSize >= 1 && stride >= 1, "MaxPooling: window and stride must be positive")
        self.windowSize = windowSize
        self.stride = stride
    }

    /// No products of weights.
    public func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    /// ⌊(size − z)/s⌋ + 1: the output height (or width) for an input height (or width).
    public static func outputSize(inputSize: Int, windowSize: Int, stride: Int) -> Int {
        precondition(inputSize >= windowSize, "MaxPooling: a \(windowSize)-wide window does not fit \(inputSize) pixels")
        return (inputSize - windowSize) / stride + 1
    }

    public func outputShape(for shape: [Int]) -> [Int] {
        precondition(shape.count == 4 && shape[2] >= windowSize && shape[3] >= windowSize,
                     "MaxPooling: a \(windowSize)×\(windowSize) window does not fit input \(shape)")
        return [shape[0], shape[1], Self.outputSize(inputSize: shape[2], windowSize: windowSize, stride: stride),
                Self.outputSize(inputSize: shape[3], windowSize: windowSize, stride: stride)]
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let out = outputShape(for: x.shape)
        inputShape = x.shape
        let (H, W, Ho, Wo, Z, S) = (x.shape[2], x.shape[3], out[2], out[3], windowSize, stride)
        let planes = out[0] * out[1]
        var y = Tensor<Scalar>(uninitializedShape: out)         // every element is written below
        if argmax.count != y.count { argmax = [Int32](repeating: 0, count: y.count) }
        x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in
        argmax.withUnsafeMutableBufferPointer { ab in
            let xp = SendablePointer(xb.baseAddress!), yp = SendablePointer(yb.baseAddress!)
            let ap = SendablePointer(ab.baseAddress!)
            parallelFor(planes) { plane in
                let input = xp.base + plane * H * W                 // x[n, c]
                let output = yp.base + plane * Ho * Wo, winner = ap.base + plane * Ho * Wo
                for oy in 0..<Ho {
                    for ox in 0..<Wo {
                        let corner = oy * S * W + ox * S
                        let (top, best) = Z == 3 ? Self.maximum3x3(input + corner, rowLength: W)
                                                 : Self.maximum(input + corner, window: Z, rowLength: W)
                        output[oy * Wo + ox] = top
                        winner[oy * Wo + ox] = Int32(truncatingIfNeeded: corner + best)
                    }
                }
            }
        }}}
        return y
    }

    /// The largest of the Z × Z window whose top-left entry is `corner` (rows `rowLength`
    /// apart) and its offset from the corner, i·rowLength + j: the first maximum in row-major
    /// order, taken by a strictly-greater comparison. The naive twin of ``maximum3x3(_:rowLength:)``.
    @inline(__always)
    static func maximum(_ corner: UnsafePointer<Scalar>, window Z: Int, rowLength W: Int) -> (Scalar, Int) {
        var top = corner[0], best = 0
        for i in 0..<Z {
            for j in 0..<Z where corner[i * W + j] > top {
                top = corner[i * W + j]
                best = i * W + j
            }
        }
        return (top, best)
    }

    /// ``maximum(_:window:rowLength:)`` for the paper's 3 × 3 window, the same comparisons in
    /// the same order written out: no loop counters or bounds to keep per entry, which is most
    /// of the work of a 3 × 3 window.
    @inline(__always)
    static func maximum3x3(_ corner: UnsafePointer<Scalar>, rowLength W: Int) -> (Scalar, Int) {
        var top = corner[0], best = 0
        @inline(__always) func consider(_ k: Int) {
            if corner[k] > top { top = corner[k]; best = k }
        }
        consider(1); consider(2)
        consider(W); consider(W + 1); consider(W + 2)
        consider(2 * W); consider(2 * W + 1); consider(2 * W + 2)
        return (top, best)
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(!inputShape.isEmpty && dy.count == argmax.count, "MaxPooling backward: needs a forward pass of the same shape first (dy \(dy.shape))")
        let HW = inputShape[2] * inputShape[3], HoWo = dy.shape[2] * dy.shape[3]
        var dx = Tensor<Scalar>(uninitializedShape: inputShape)     // each plane is zeroed below
        dy.withUnsafeBufferPointer { g in
        dx.withUnsafeMutableBufferPointer { d in
        argmax.withUnsafeBufferPointer { a in
            let gp = SendablePointer(g.baseAddress!), dp = SendablePointer(d.baseAddress!)
            let ap = SendablePointer(a.baseAddress!)
            parallelFor(dy.shape[0] * dy.shape[1]) { plane in
                // Zeroed here, just before the adds, while the plane is in cache.
                let dxPlane = dp.base + plane * HW
                dxPlane.update(repeating: 0, count: HW)
                for p in 0..<HoWo {          // dx[argmax] += dy: overlapping windows may share a winner
                    dxPlane[Int(ap.base[plane * HoWo + p])] += gp.base[plane * HoWo + p]
                }
            }
        }}}
        return dx
    }
}
