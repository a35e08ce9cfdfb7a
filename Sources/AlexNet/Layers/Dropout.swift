/// Dropout (Section 4.2 of the paper): during training each neuron's output is set to zero
/// with probability p (the paper: p = 0.5, in fc6 and fc7).
///
///     training:            y = x ⊙ m,  m[i] ~ Bernoulli(1 − p), drawn anew each forward pass
///     inference, scaling:  y = (1 − p) · x            (the paper: "multiply their outputs by 0.5")
///     inference, sampling: y = x ⊙ m, a fresh mask    (one thinned network; chapter 8 averages many)
///     backward:            dx = dy ⊙ m  (or (1 − p) · dy when scaling)
///
/// **Deviation from PyTorch**: PyTorch's "inverted" dropout scales by 1/(1 − p) during training
/// instead of by (1 − p) at test time; the two nets differ only by that constant factor on the
/// weights after the layer. We implement the paper's convention.
///
/// Masks come from this layer's own ``RandomGenerator``, drawn in order on one thread, so a run
/// is reproducible from its seed. ``fixedMask`` pins the mask (for gradient checks).
/// Shapes: any; the output has the input's shape. No parameters.
public final class Dropout<Scalar: TensorScalar>: Layer {
    /// How the layer behaves when the network is evaluated.
    public enum InferenceMode: Sendable, Equatable {
        /// Scale every output by 1 − p: the paper's test-time rule.
        case scaling
        /// Draw a mask as in training: evaluates one random thinned network.
        case sampling
    }

    public let probability: Double
    public var phase: Phase = .training
    public var inferenceMode: InferenceMode = .scaling
    /// The generator masks are drawn from; public so a checkpoint can save and restore it.
    public var generator: RandomGenerator
    /// When set, used instead of a freshly drawn mask (its shape must match the input).
    public var fixedMask: Tensor<Scalar>?

    /// The mask of the last forward pass (1 = kept, 0 = dropped), or nil after scaling.
    public private(set) var mask: Tensor<Scalar>?

    public init(probability: Double = 0.5, seed: UInt64) {
        precondition(probability >= 0 && probability < 1, "Dropout: p must be in [0, 1), got \(probability)")
        self.probability = probability
        self.generator = RandomGenerator(seed: seed)
    }

    private var usesMask: Bool { phase == .training || inferenceMode == .sampling }
    /// The shape of the last forward pass's input, nil before the first.
    private var forwardShape: [Int]?

    /// No learned tensors.
    public var parameters: [Parameter<Scalar>] { [] }

    /// Element by element: the input's shape, no products of weights.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    public func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    /// Sets ``mask`` for a pass over an input of `shape` — the fixed mask, or one drawn from
    /// ``generator`` (advancing it) — or to nil when the layer scales instead. The forward pass
    /// calls it; a tower executor calls it once before the towers' views (``DropoutTower``) take
    /// their columns, so the split network draws exactly the masks of the whole one.
    @_specialize(where Scalar == Float)
    func drawMask(shape: [Int]) {
        forwardShape = shape
        guard usesMask else { mask = nil; return }
        if let fixed = fixedMask {
            precondition(fixed.shape == shape, "Dropout: fixed mask \(fixed.shape) vs input \(shape)")
            mask = fixed
            return
        }
        var drawn = Tensor<Scalar>(shape: shape)
        let keep = 1 - probability
        var g = generator
        drawn.withUnsafeMutableBufferPointer { m in for i in 0..<m.count { m[i] = g.bernoulli(keep) ? 1 : 0 } }
        generator = g
        mask = drawn
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        drawMask(shape: x.shape)
        var y = x
        if let m = mask {
            y.withUnsafeMutableBufferPointer { y in
                m.withUnsafeBufferPointer { m in for i in 0..<y.count { y[i] *= m[i] } }
            }
        } else {
            let keep = Scalar(1 - probability)
            y.withUnsafeMutableBufferPointer { y in for i in 0..<y.count { y[i] *= keep } }
        }
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(forwardShape == dy.shape, "Dropout backward: needs a forward pass of the same shape first (dy \(dy.shape))")
        var dx = dy
        if let m = mask {
            precondition(m.shape == dy.shape, "Dropout backward: dy \(dy.shape) vs mask \(m.shape)")
            dx.withUnsafeMutableBufferPointer { d in
                m.withUnsafeBufferPointer { m in for i in 0..<d.count { d[i] *= m[i] } }
            }
        } else {
            let keep = Scalar(1 - probability)
            dx.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] *= keep } }
        }
        return dx
    }
}
