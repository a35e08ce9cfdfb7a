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

    /// No learned tensors.
    public var parameters: [Parameter<Scalar>] { [] }

    /// Element by element: the input's shape, no products of weights.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    public func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    public init(_ function: ActivationFunction) {
        self.function = function
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        var y = Tensor<Scalar>(uninitializedShape: x.shape)
        let function = self.function
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                let (xp, yp) = (SendablePointer(x.baseAddress!), SendablePointer(y.baseAddress!))
                parallelForRanges(y.count) { r in
                    Self.forward(function, xp.base + r.lowerBound, yp.base + r.lowerBound, count: r.count)
                }
            }
        }
        output = y
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(dy.shape == output.shape, "activation backward: needs a forward pass of the same shape first (dy \(dy.shape), last output \(output.shape))")
        var dx = Tensor<Scalar>(uninitializedShape: dy.shape)
        let function = self.function
        dx.withUnsafeMutableBufferPointer { dx in
            dy.withUnsafeBufferPointer { dy in
                output.withUnsafeBufferPointer { y in
                    let (dyp, yp, dxp) = (SendablePointer(dy.baseAddress!), SendablePointer(y.baseAddress!),
                                          SendablePointer(dx.baseAddress!))
                    parallelForRanges(dx.count) { r in
                        Self.backward(function, dyp.base + r.lowerBound, yp.base + r.lowerBound,
                                      dxp.base + r.lowerBound, count: r.count)
                    }
                }
            }
        }
        return dx
    }

    // The loops are functions of their own, specialised for Float: a loop inside nested
    // closures of a generic method is not always specialised with it, and then runs through
    // generic witnesses element by element, several times slower.

    @_specialize(where Scalar == Float)
    static func forward(_ f: ActivationFunction, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, count: Int) {
        switch f {
        case .relu: for i in 0..<count { y[i] = max(0, x[i]) }               // y = max(0, x)
        case .tanh: for i in 0..<count { y[i] = Scalar.tanh(x[i]) }          // y = tanh x
        }
    }

    @_specialize(where Scalar == Float)
    static func backward(_ f: ActivationFunction, _ dy: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>,
                         _ dx: UnsafeMutablePointer<Scalar>, count: Int) {
        switch f {
        case .relu:
            // dx = dy · [y > 0]. The indicator is min(1, y·M), M the largest finite number: exactly
            // 1 for every normal y > 0 (y ≥ 0 here) and 0 for y = 0, computed without a branch;
            // `y > 0 ? dy : 0` branches, and mispredicts on half the elements of a ReLU's output.
            // Subnormal y would get a factor below 1.
            let huge = Scalar.greatestFiniteMagnitude
            for i in 0..<count { dx[i] = dy[i] * min(1, y[i] * huge) }
        case .tanh: for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }  // dx = dy · (1 − y²)
        }
    }
}
