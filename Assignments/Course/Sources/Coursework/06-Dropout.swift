import AlexNet

/// Assignment 6 — dropout as the paper defines it (Section 4.2): in training each neuron's
/// output is set to zero with probability p (the paper: 0.5); at test time every neuron is
/// kept and its output multiplied by 1 − p (the paper: "multiply their outputs by 0.5").
///
///     training:    m[i] ~ Bernoulli(1 − p) (1 = kept),  y = x ⊙ m,   dx = dy ⊙ m
///     test time:   y = (1 − p) · x
///
/// Draw m[i] with `generator.bernoulli(1 - p)`, i in order, a new mask at every call. This is
/// not PyTorch's "inverted" dropout, which divides by 1 − p in training and does nothing at test
/// time.
///
/// **Weight scaling.** The test-time rule can live in the next layer instead: a layer that reads
/// the dropped-out outputs through weights W gives the same result with (1 − p)·W on the
/// unscaled outputs (its bias is unchanged).
///
/// Shapes: any; outputs have the input's shape.
public enum DropoutLayer {
    /// y = x ⊙ m and the mask m drawn for this call.
    public static func trainingForward(_ x: Tensor<Double>, probability p: Double,
                                       generator: inout RandomGenerator) throws -> (output: Tensor<Double>, mask: Tensor<Double>) {
        // BEGIN SOLUTION dropout-training
        var mask = Tensor<Double>(shape: x.shape)
        for i in 0..<mask.count { mask.scalars[i] = generator.bernoulli(1 - p) ? 1 : 0 }
        return (Tensor(shape: x.shape, scalars: zip(x.scalars, mask.scalars).map(*)), mask)
        // END SOLUTION
    }

    /// y = (1 − p)·x.
    public static func inferenceForward(_ x: Tensor<Double>, probability p: Double) throws -> Tensor<Double> {
        // BEGIN SOLUTION dropout-inference
        Tensor(shape: x.shape, scalars: x.scalars.map { (1 - p) * $0 })
        // END SOLUTION
    }

    /// dx = dy ⊙ m, with the mask of the training forward pass.
    public static func backward(_ dy: Tensor<Double>, mask: Tensor<Double>) throws -> Tensor<Double> {
        // BEGIN SOLUTION dropout-backward
        guard dy.shape == mask.shape else { throw ShapeError("dropout backward: dy \(dy.shape), mask \(mask.shape)") }
        return Tensor(shape: dy.shape, scalars: zip(dy.scalars, mask.scalars).map(*))
        // END SOLUTION
    }

    /// (1 − p)·W: the weights of the layer after dropout that make scaling at test time unnecessary.
    public static func scaledWeights(_ weight: Tensor<Double>, probability p: Double) throws -> Tensor<Double> {
        // BEGIN SOLUTION dropout-weight-scaling
        Tensor(shape: weight.shape, scalars: weight.scalars.map { (1 - p) * $0 })
        // END SOLUTION
    }
}
