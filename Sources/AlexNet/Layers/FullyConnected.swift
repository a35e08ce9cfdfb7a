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
/// **Towers.** The paper splits each fully connected layer's neurons over its two GPUs, every
/// neuron reading both towers. ``tower(_:of:)`` is tower t's neurons: the rows
/// ⌊O·t/T⌋ ..< ⌊O·(t+1)/T⌋ (``outputRows``) of the same parameters, read and written in place;
/// its dx is that tower's part of the input gradient, which summed over the towers is the
/// layer's.
///
/// Initialisation (Section 5): weight ~ N(0, σ²) (the paper: σ = 0.01), bias constant
/// (the paper: 1 in fc6 and fc7, 0 in fc8).
public final class FullyConnected<Scalar: TensorScalar>: Layer {
    /// I, and O: the outputs this layer computes (a tower's view: its rows').
    public let inputs: Int, outputs: Int
    public let weight: Parameter<Scalar>     // (O, I) of the whole layer
    public let bias: Parameter<Scalar>       // (O)
    /// The rows of ``weight`` (neurons) this layer computes: all of them, or one tower's.
    public let outputRows: Range<Int>
    private var input = Tensor<Scalar>(shape: [0])

    public convenience init(name: String = "fc", inputs: Int, outputs: Int,
                            weightStandardDeviation: Double = 0.01, biasValue: Double = 0,
                            generator: inout RandomGenerator) {
        let weight = Parameter<Scalar>(name: "\(name).weight", kind: .weight,
                               value: .normal(shape: [outputs, inputs], standardDeviation: weightStandardDeviation, generator: &generator))
        let bias = Parameter<Scalar>(name: "\(name).bias", kind: .bias, value: Tensor(shape: [outputs], repeating: Scalar(biasValue)))
        self.init(weight: weight, bias: bias, outputRows: 0..<outputs)
    }

    private init(weight: Parameter<Scalar>, bias: Parameter<Scalar>, outputRows: Range<Int>) {
        self.inputs = weight.value.shape[1]
        self.outputs = outputRows.count
        self.weight = weight
        self.bias = bias
        self.outputRows = outputRows
    }

    /// The whole weight and bias, also for a tower's view (whose gradient lands in its rows).
    public var parameters: [Parameter<Scalar>] { [weight, bias] }

    /// Tower `t` of `towers`: rows ``towerShare(of:tower:towers:)`` of the same parameters,
    /// reading the whole input.
    public func tower(_ t: Int, of towers: Int) -> FullyConnected<Scalar> {
        precondition(t >= 0 && t < towers, "fully connected: tower \(t) of \(towers)")
        precondition(outputRows == 0..<weight.value.shape[0], "fully connected: a tower of a tower")
        return FullyConnected(weight: weight, bias: bias, outputRows: towerShare(of: outputs, tower: t, towers: towers))
    }

    /// (N, …) with I values per image → (N, O).
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.dropFirst().reduce(1, *) == inputs, "FullyConnected: expected \(inputs) inputs per image, got \(inputShape)")
        return [inputShape[0], outputs]
    }

    /// N·I·O.
    public func multiplyAdds(for inputShape: [Int]) -> Int { inputShape[0] * inputs * outputs }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let (N, I, O, first) = (x.shape[0], inputs, outputs, outputRows.lowerBound)
        precondition(x.count == N * I, "FullyConnected: expected (N, \(I)), got \(x.shape)")
        input = x
        var y = Tensor<Scalar>(uninitializedShape: [N, O])               // every row is set to the bias first
        y.withUnsafeMutableBufferPointer { y in
            bias.value.withUnsafeBufferPointer { b in
                for n in 0..<N { (y.baseAddress! + n * O).update(from: b.baseAddress! + first, count: O) }
            }
            x.withUnsafeBufferPointer { x in
                weight.value.withUnsafeBufferPointer { w in
                    // y (N, O) += x (N, I) · weight[rows]ᵀ (I, O)
                    matrixMultiply(transposeA: false, transposeB: true, m: N, n: O, k: I,
                                   alpha: 1, a: x.baseAddress!, lda: I, b: w.baseAddress! + first * I, ldb: I,
                                   beta: 1, c: y.baseAddress!, ldc: O)
                }
            }
        }
        return y
    }

    /// Two tower views run at once write disjoint rows of the same gradients, as
    /// ``Convolution``'s do (see there).
    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(input.count > 0 && dy.shape == [input.shape[0], outputs],
                     "FullyConnected backward: needs a forward pass of the same batch first (dy \(dy.shape), last input \(input.shape))")
        let (N, I, O, first) = (input.shape[0], inputs, outputs, outputRows.lowerBound)
        var dx = Tensor<Scalar>(uninitializedShape: input.shape)        // every element is written
        dy.withUnsafeBufferPointer { g in
            // dBias[rows][o] += Σ_n dy[n, o]
            bias.gradient.withUnsafeMutableBufferPointer { db in
                let db = db.baseAddress! + first
                for n in 0..<N { for o in 0..<O { db[o] += g[n * O + o] } }
            }
            input.withUnsafeBufferPointer { x in
                // dWeight[rows] (O, I) += dyᵀ (O, N) · x (N, I)
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    matrixMultiply(transposeA: true, transposeB: false, m: O, n: I, k: N,
                                   alpha: 1, a: g.baseAddress!, lda: O, b: x.baseAddress!, ldb: I,
                                   beta: 1, c: dw.baseAddress! + first * I, ldc: I)
                }
            }
            // dx (N, I) = dy (N, O) · weight[rows] (O, I)
            weight.value.withUnsafeBufferPointer { w in
                dx.withUnsafeMutableBufferPointer { dx in
                    matrixMultiply(transposeA: false, transposeB: false, m: N, n: I, k: O,
                                   alpha: 1, a: g.baseAddress!, lda: O, b: w.baseAddress! + first * I, ldb: I,
                                   beta: 0, c: dx.baseAddress!, ldc: I)
                }
            }
        }
        return dx
    }
}
