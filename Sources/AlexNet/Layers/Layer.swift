/// A learned tensor and the gradient of the loss with respect to it.
///
/// Gradients **accumulate** (`+=`) during ``Layer/backward(_:)`` and are zeroed explicitly by
/// ``zeroGradient()`` (the training step does so after each update), as in micrograd. The
/// ``Kind`` says what the tensor is; the optimiser decides from it whether weight decay
/// (Section 5 of the paper) applies.
public final class Parameter<Scalar: TensorScalar> {
    /// What a learned tensor is: a layer's weights (kernels, connections) or its biases.
    public enum Kind: Sendable, Equatable { case weight, bias }

    /// A name that says where the tensor lives, e.g. `conv2.tower1.weight`.
    public let name: String
    public let kind: Kind
    public var value: Tensor<Scalar>
    public var gradient: Tensor<Scalar>

    public init(name: String, kind: Kind, value: Tensor<Scalar>) {
        self.name = name
        self.kind = kind
        self.value = value
        self.gradient = Tensor(shape: value.shape)
    }

    public func zeroGradient() { gradient.zero() }
}

/// One stage of a network with a hand-written forward and backward pass.
///
/// `forward` keeps whatever the backward pass needs (its input, a mask, an argmax); `backward`
/// takes ∂L/∂output of the last forward call, **adds** ∂L/∂parameter into each parameter's
/// gradient and returns ∂L/∂input. A backward pass without a forward pass of the same shape
/// before it stops with a message saying so. Parameters are listed by hand, never found by reflection.
public protocol Layer<Scalar>: AnyObject {
    associatedtype Scalar: TensorScalar
    /// The learned tensors, in a fixed order (the order checkpoints and optimisers use); `[]`
    /// said explicitly by a layer without any, so that none is forgotten.
    var parameters: [Parameter<Scalar>] { get }
    /// The shape of `forward`'s output for an input of `inputShape` (batch first).
    func outputShape(for inputShape: [Int]) -> [Int]
    /// The multiply-adds of learned weights in one forward pass over an input of `inputShape`
    /// (batch first): what "the network's compute" counts; element-wise layers count 0.
    func multiplyAdds(for inputShape: [Int]) -> Int
    /// y = f(x). Keeps what `backward` needs.
    func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar>
    /// dx = ∂L/∂x given dy = ∂L/∂y; accumulates parameter gradients.
    func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar>
}

/// Whether a network is learning or being evaluated; only dropout behaves differently.
public enum Phase: Sendable, Equatable {
    case training
    case inference
}
