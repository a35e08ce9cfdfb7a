import AlexNet
/// Stochastic gradient descent with momentum and weight decay, exactly as Section 5 of the
/// paper writes it, for every parameter w with velocity v:
///
///     v ← μ·v − λ·ε·w − ε·⟨∂L/∂w⟩
///     w ← w + v
///
/// μ = 0.9 (momentum), λ = 0.0005 (weight decay), ε the learning rate, ⟨∂L/∂w⟩ the gradient of
/// the mean loss over the batch. Weight decay applies to weights (``Parameter/Kind/weight``); to
/// biases only with ``decaysBiases`` (the paper does not say; the book compares both). The
/// gradients are left as they are: ``trainStep(_:objective:optimizer:images:labels:learningRate:)``
/// zeroes them, visibly, for the next batch.
public final class SGD<Scalar: TensorScalar> {
    public var momentum: Double
    public var weightDecay: Double
    /// Whether biases decay too (default: only weights).
    public var decaysBiases: Bool
    /// One velocity per parameter, in the order of the parameter list; starts at zero.
    public var velocities: [Tensor<Scalar>]
    private let parameters: [Parameter<Scalar>]

    public init(parameters: [Parameter<Scalar>], momentum: Double = 0.9, weightDecay: Double = 0.0005,
                decaysBiases: Bool = false) {
        self.parameters = parameters
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.decaysBiases = decaysBiases
        self.velocities = parameters.map { Tensor(shape: $0.value.shape) }
    }

    /// One update with learning rate ε.
    @_specialize(where Scalar == Float)
    public func step(learningRate ε: Double) {
        let mu = Scalar(momentum), epsilon = Scalar(ε)
        for (k, p) in parameters.enumerated() {
            let decay = p.kind == .weight || decaysBiases ? Scalar(weightDecay) * epsilon : 0
            p.value.withUnsafeMutableBufferPointer { w in
                velocities[k].withUnsafeMutableBufferPointer { v in
                    p.gradient.withUnsafeBufferPointer { g in
                        // Element by element, so the workers' parts give the same result at any
                        // thread count (the paper's net has 61 million of each).
                        let (wp, vp, gp) = (SendablePointer(w.baseAddress!), SendablePointer(v.baseAddress!),
                                            SendablePointer(g.baseAddress!))
                        parallelForRanges(w.count) { range in
                            let (w, v, g) = (wp.base, vp.base, gp.base)
                            for i in range {
                                v[i] = mu * v[i] - decay * w[i] - epsilon * g[i]   // v ← μv − λεw − ε∂L/∂w
                                w[i] += v[i]                                        // w ← w + v
                            }
                        }
                    }
                }
            }
        }
    }
}
