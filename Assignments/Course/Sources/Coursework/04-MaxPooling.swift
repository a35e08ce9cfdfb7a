import AlexNet

/// Assignment 4 — overlapping max-pooling (Section 3.4): windows of z × z pixels placed every
/// s pixels, z > s (the paper: z = 3, s = 2), no padding.
///
///     y[n, c, oy, ox] = max_{i, j < z} x[n, c, oy·s + i, ox·s + j]      Ho = ⌊(H − z)/s⌋ + 1
///
/// **Ties.** Of equal maxima, the first in row-major window order (smallest i, then smallest j)
/// is the window's winner, as in PyTorch and the library; it alone receives the gradient.
///
/// **Backward.** dx[winner of window w] += dy[w]. Because windows overlap, one pixel can win
/// several windows and then receives the sum of their gradients.
///
/// Shapes: x (N, C, H, W) → y (N, C, Ho, Wo).
public enum OverlappingMaxPooling {
    /// y from x.
    public static func forward(_ x: Tensor<Double>, windowSize z: Int, stride s: Int) throws -> Tensor<Double> {
        // BEGIN SOLUTION pool-forward
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        guard H >= z, W >= z else { throw ShapeError("pooling: a \(z)×\(z) window does not fit \(x.shape)") }
        let (Ho, Wo) = ((H - z) / s + 1, (W - z) / s + 1)
        var y = Tensor<Double>(shape: [N, C, Ho, Wo])
        for plane in 0..<(N * C) {
            for oy in 0..<Ho {
                for ox in 0..<Wo {
                    var best = x.scalars[plane * H * W + (oy * s) * W + ox * s]
                    for i in 0..<z {
                        for j in 0..<z { best = max(best, x.scalars[plane * H * W + (oy * s + i) * W + ox * s + j]) }
                    }
                    y.scalars[(plane * Ho + oy) * Wo + ox] = best
                }
            }
        }
        return y
        // END SOLUTION
    }

    /// dx = ∂L/∂x given dy = ∂L/∂y and the forward pass's input x.
    public static func backward(_ dy: Tensor<Double>, input x: Tensor<Double>, windowSize z: Int, stride s: Int) throws -> Tensor<Double> {
        // BEGIN SOLUTION pool-backward
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (Ho, Wo) = ((H - z) / s + 1, (W - z) / s + 1)
        guard dy.shape == [N, C, Ho, Wo] else { throw ShapeError("pooling backward: dy \(dy.shape) for x \(x.shape)") }
        var dx = Tensor<Double>(shape: x.shape)
        for plane in 0..<(N * C) {
            for oy in 0..<Ho {
                for ox in 0..<Wo {
                    var winner = plane * H * W + (oy * s) * W + ox * s
                    for i in 0..<z {
                        for j in 0..<z {
                            let index = plane * H * W + (oy * s + i) * W + ox * s + j
                            if x.scalars[index] > x.scalars[winner] { winner = index }
                        }
                    }
                    dx.scalars[winner] += dy.scalars[(plane * Ho + oy) * Wo + ox]
                }
            }
        }
        return dx
        // END SOLUTION
    }
}
