/// A fully connected layer (fc6, fc7, fc8 of the paper, Section 3.5).
///
///     y[n, o] = bias[o] + Σ_i weight[o, i] · x[n, i]        (y = x · weightᵀ + bias)
///
/// Shapes: x (N, I) or any (N, …) with I trailing elements, which are read in row-major order
/// (so an (N, 256, 6, 6) pooled map is flattened to (N, 9216) as it lies in memory; this is
/// the "flatten" of Figure 2). y (N, O). weight (O, I), bias (O). dx has x's original shape.
///
/// Backward: dWeight += dyᵀ · x, dBias += Σ_n dy[n, ·], dx = dy · weight.
///
/// Initialisation (Section 5): weight ~ N(0, σ²) (the paper: σ = 0.01), bias constant
/// (the paper: 1 in fc6 and fc7, 0 in fc8).
public final class FullyConnected<Scalar: TensorScalar>: Layer {
    public let inputs: Int, outputs: Int
    public let weight: Parameter<Scalar>     // (O, I)
    public let bias: Parameter<Scalar>       // (O)
    private var input = Tensor<Scalar>(shape: [0])

    public init(name: String = "fc", inputs: Int, outputs: Int,
                weightStandardDeviation: Double = 0.01, biasValue: Double = 0,
                generator: inout RandomGenerator) {
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name: "\(name).weight",
                           kind: .weight, value: .normal(shape: [outputs, inputs], standardDeviation: weightStandardDeviation,
                                          generator: &generator))
        bias = Parameter(name: "\(name).bias", kind: .bias, value: Tensor(shape: [outputs], repeating: Scalar(biasValue)))
    }

    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// (N, …) with I values per image → (N, O).
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.dropFirst().reduce(1, *) == inputs, "FullyConnected: expected \(inputs) inputs per image, got \(inputShape)")
        return [inputShape[0], outputs]
    }

    /// N·I·O.
    public func multiplyAdds(for inputShape: [Int]) -> Int { inputShape[0] * inputs * outputs }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let N = x.shape[0]
        precondition(x.count == N * inputs, "FullyConnected: expected (N, \(inputs)), got \(x.shape)")
        input = x
        var y = Tensor<Scalar>(shape: [N, outputs])
        y.withUnsafeMutableBufferPointer { y in
            bias.value.withUnsafeBufferPointer { b in
                for n in 0..<N { (y.baseAddress! + n * outputs).update(from: b.baseAddress!, count: outputs) }
            }
            x.withUnsafeBufferPointer { x in
                weight.value.withUnsafeBufferPointer { w in
                    // y (N, O) += x (N, I) · weightᵀ (I, O)
                    matrixMultiply(transposeA: false, transposeB: true, m: N, n: outputs, k: inputs,
                                   alpha: 1, a: x.baseAddress!, lda: inputs, b: w.baseAddress!, ldb: inputs,
                                   beta: 1, c: y.baseAddress!, ldc: outputs)
                }
            }
        }
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(input.count > 0 && dy.shape == [input.shape[0], outputs],
                     "FullyConnected backward: needs a forward pass of the same batch first (dy \(dy.shape), last input \(input.shape))")
        let N = input.shape[0]
        var dx = Tensor<Scalar>(shape: input.shape)
        dy.withUnsafeBufferPointer { g in
            // dBias[o] += Σ_n dy[n, o]
            bias.gradient.withUnsafeMutableBufferPointer { db in
                for n in 0..<N { for o in 0..<outputs { db[o] += g[n * outputs + o] } }
            }
            input.withUnsafeBufferPointer { x in
                // dWeight (O, I) += dyᵀ (O, N) · x (N, I)
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    matrixMultiply(transposeA: true, transposeB: false, m: outputs, n: inputs, k: N,
                                   alpha: 1, a: g.baseAddress!, lda: outputs, b: x.baseAddress!, ldb: inputs,
                                   beta: 1, c: dw.baseAddress!, ldc: inputs)
                }
            }
            // dx (N, I) = dy (N, O) · weight (O, I)
            weight.value.withUnsafeBufferPointer { w in
                dx.withUnsafeMutableBufferPointer { dx in
                    matrixMultiply(transposeA: false, transposeB: false, m: N, n: inputs, k: outputs,
                                   alpha: 1, a: g.baseAddress!, lda: outputs, b: w.baseAddress!, ldb: inputs,
                                   beta: 0, c: dx.baseAddress!, ldc: inputs)
                }
            }
        }
        return dx
    }
}
