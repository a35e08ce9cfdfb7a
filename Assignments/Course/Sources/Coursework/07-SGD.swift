import AlexNet

/// Assignment 7 — the paper's update rule (Section 5), for a weight w with velocity v:
///
///     v ← μ·v − λ·ε·w − ε·⟨∂L/∂w⟩
///     w ← w + v
///
/// μ = 0.9 (momentum), λ = 0.0005 (weight decay), ε the learning rate, ⟨∂L/∂w⟩ the gradient of the
/// batch's mean loss. The weight decay is *inside* the velocity, and scaled by ε; the new velocity
/// moves the weight. Biases are not decayed (`decays: false` makes λ = 0).
///
/// Shapes: w, v and the gradient have one shape; w and v are updated in place.
public enum PaperSGD {
    /// One update of one parameter tensor.
    public static func step(weight w: inout Tensor<Double>, velocity v: inout Tensor<Double>, gradient g: Tensor<Double>,
                            learningRate ε: Double, momentum μ: Double, weightDecay λ: Double, decays: Bool) throws {
        // BEGIN SOLUTION sgd-step
        guard w.shape == v.shape, w.shape == g.shape else { throw ShapeError("sgd: w \(w.shape), v \(v.shape), g \(g.shape)") }
        let decay = decays ? λ : 0
        for i in 0..<w.count {
            v.scalars[i] = μ * v.scalars[i] - decay * ε * w.scalars[i] - ε * g.scalars[i]
            w.scalars[i] += v.scalars[i]
        }
        // END SOLUTION
    }
}
