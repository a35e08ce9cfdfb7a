/// Softmax regression on the pixels: one fully connected layer from the flattened image to the
/// class scores, no hidden layer. The experiments train it beside the convolutional nets so that
/// an error threshold is judged against what a linear model already reaches.
///
///     logits = W · vec(x) + b        x (N, C, H, W) → (N, C·H·W) → (N, classes)
///
/// Weights N(0, σ²) with σ from ``WeightInitialization`` (the paper's 0.01 by default), bias 0.
public final class LinearClassifier<Scalar: TensorScalar>: Network {
    public let inputShape: [Int]
    public let fc: FullyConnected<Scalar>
    public var phase: Phase = .training        // nothing depends on it; kept for the protocol

    public var stages: [(name: String, layer: any Layer<Scalar>)] { [("fc", fc)] }

    public init(inputShape: [Int], classes: Int, weightInitialization: WeightInitialization = .paper, seed: UInt64 = 0) {
        precondition(inputShape.count == 3 && inputShape.allSatisfy { $0 >= 1 } && classes >= 2,
                     "LinearClassifier: input \(inputShape), \(classes) classes")
        self.inputShape = inputShape
        var g = RandomGenerator(seed: seed)
        let inputs = inputShape.reduce(1, *)
        fc = FullyConnected(name: "fc", inputs: inputs, outputs: classes,
                            weightStandardDeviation: weightInitialization.standardDeviation(layer: 0, fanIn: inputs), generator: &g)
    }

    public func forward(_ images: Tensor<Scalar>) -> Tensor<Scalar> { fc.forward(images) }    // (N, classes)

    public func backward(_ dLogits: Tensor<Scalar>) { _ = fc.backward(dLogits) }
}
