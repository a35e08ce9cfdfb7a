/// The element-wise non-linearities compared in Section 3.1 of the paper (Figure 1).
///
/// - ReLU, the paper's choice: f(x) = max(0, x), f′(x) = 1 if x > 0 else 0 (at exactly 0 we
///   take 0, as PyTorch does).
/// - tanh, the saturating baseline: f(x) = tanh(x), f′(x) = 1 − f(x)².
///
/// Shapes: any; the output has the input's shape. No parameters.
public enum ActivationFunction: String, Sendable, CaseIterable, Codable {
    case relu
    case tanh
}

/// An element-wise activation layer (``ActivationFunction``). It keeps its output y, from
/// which both derivatives are computed: ReLU's from the sign of y, tanh's as 1 − y².
public final class Activation<Scalar: TensorScalar>: Layer {
    public let function: ActivationFunction
    private var output = Tensor<Scalar>(shape: [0])     // y, same shape as x

    public init(_ function: ActivationFunction) {
        self.function = function
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        var y = x
        y.withUnsafeMutableBufferPointer { y in
            switch function {
            case .relu: for i in 0..<y.count { y[i] = max(0, y[i]) }
            case .tanh: for i in 0..<y.count { y[i] = Scalar.tanh(y[i]) }
            }
        }
        output = y
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(dy.shape == output.shape, "activation backward: dy \(dy.shape) vs output \(output.shape)")
        var dx = dy
        dx.withUnsafeMutableBufferPointer { dx in
            output.withUnsafeBufferPointer { y in
                switch function {
                case .relu: for i in 0..<dx.count where y[i] <= 0 { dx[i] = 0 }   // dx = dy · [y > 0]
                case .tanh: for i in 0..<dx.count { dx[i] *= 1 - y[i] * y[i] }     // dx = dy · (1 − y²)
                }
            }
        }
        return dx
    }
}
