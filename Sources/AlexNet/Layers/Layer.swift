/// A learned tensor and the gradient of the loss with respect to it.
///
/// Gradients **accumulate** (`+=`) during ``Layer/backward(_:)`` and are zeroed explicitly by
/// ``zeroGradient()`` (the optimiser does so after each step), as in micrograd. `decays` says
/// whether weight decay (Section 5 of the paper) applies; by default it does for weights and
/// does not for biases, and the learning chapter compares both.
public final class Parameter<Scalar: TensorScalar> {
    /// A name that says where the tensor lives, e.g. `conv2.tower1.weight`.
    public let name: String
    public var value: Tensor<Scalar>
    public var gradient: Tensor<Scalar>
    public var decays: Bool

    public init(name: String, value: Tensor<Scalar>, decays: Bool) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: value.shape)
        self.decays = decays
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
