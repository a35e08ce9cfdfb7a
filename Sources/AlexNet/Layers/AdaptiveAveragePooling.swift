/// Average pooling to a fixed output size, whatever the input's: what torchvision's AlexNet puts
/// between its last pooling layer and fc6 (`AdaptiveAvgPool2d((6, 6))`), so that an image of any
/// size from 63×63 up gives fc6 its 256·6·6 inputs. It is not in the paper, whose 224 (227) input
/// makes pool5 6×6 already; there, the layer changes nothing.
///
/// Output cell (i, j) of an S × S output averages the input rows ⌊i·H/S⌋ ..< ⌈(i+1)·H/S⌉ and the
/// columns likewise (PyTorch's bins): when H = S each cell is one pixel, when H < S pixels are
/// repeated, when H > S neighbouring bins may overlap by a pixel.
///
///     y[n, c, i, j] = mean over the bin (i, j) of x[n, c, ·, ·]
///     ∂L/∂x[n, c, h, w] = Σ over the bins containing (h, w) of ∂L/∂y[n, c, i, j] / (bin area)
///
/// Shapes: x (N, C, H, W) → y (N, C, S, S). No parameters.
public final class AdaptiveAveragePooling<Scalar: TensorScalar>: Layer {
    public let outputSize: Int
    private var inputShape: [Int] = []

    /// No learned tensors.
    public var parameters: [Parameter<Scalar>] { [] }

    public init(outputSize: Int) {
        precondition(outputSize >= 1, "AdaptiveAveragePooling: output size \(outputSize)")
        self.outputSize = outputSize
    }

    /// No products of weights.
    public func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    public func outputShape(for shape: [Int]) -> [Int] {
        precondition(shape.count == 4 && shape[2] >= 1 && shape[3] >= 1, "AdaptiveAveragePooling: input \(shape)")
        return [shape[0], shape[1], outputSize, outputSize]
    }

    /// The input rows (or columns) of output index `i` of `S` over an input of `n`.
    static func bin(_ i: Int, _ S: Int, _ n: Int) -> Range<Int> {
        (i * n / S)..<(((i + 1) * n + S - 1) / S)
    }

    @_specialize(where Scalar == Float)
    public func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let out = outputShape(for: x.shape)
        inputShape = x.shape
        let (H, W, S) = (x.shape[2], x.shape[3], outputSize)
        var y = Tensor<Scalar>(shape: out)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                for plane in 0..<(out[0] * out[1]) {
                    let input = xb.baseAddress! + plane * H * W, output = yb.baseAddress! + plane * S * S
                    for i in 0..<S {
                        let rows = Self.bin(i, S, H)
                        for j in 0..<S {
                            let columns = Self.bin(j, S, W)
                            var sum = Scalar.zero
                            for h in rows { for w in columns { sum += input[h * W + w] } }
                            output[i * S + j] = sum / Scalar(rows.count * columns.count)
                        }
                    }
                }
            }
        }
        return y
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(inputShape.count == 4 && dy.shape == outputShape(for: inputShape),
                     "AdaptiveAveragePooling backward: needs a forward pass of the same shape first (dy \(dy.shape))")
        let (H, W, S) = (inputShape[2], inputShape[3], outputSize)
        var dx = Tensor<Scalar>(shape: inputShape)
        dy.withUnsafeBufferPointer { gb in
            dx.withUnsafeMutableBufferPointer { xb in
                for plane in 0..<(inputShape[0] * inputShape[1]) {
                    let g = gb.baseAddress! + plane * S * S, d = xb.baseAddress! + plane * H * W
                    for i in 0..<S {
                        let rows = Self.bin(i, S, H)
                        for j in 0..<S {
                            let columns = Self.bin(j, S, W)
                            let share = g[i * S + j] / Scalar(rows.count * columns.count)
                            for h in rows { for w in columns { d[h * W + w] += share } }
                        }
                    }
                }
            }
        }
        return dx
    }
}
