/// The naive twin of ``Convolution``: the definition of a grouped convolution written as
/// seven plain loops, with no im2col and no GEMM. Slow and obviously right; the fast layer is
/// tested against it (forward and backward) on random shapes.
///
/// `weight` is the whole (M, C/G, K, K) weight (the towers' blocks concatenated) and `bias` is
/// (M); output channel m belongs to group m / (M/G).
public enum DirectConvolution {
    public static func forward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
        stride S: Int, padding P: Int, groups G: Int
    ) -> Tensor<Scalar> {
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (M, Cg, K) = (weight.shape[0], weight.shape[1], weight.shape[2])
        precondition(Cg * G == C, "DirectConvolution: weight \(weight.shape) and input \(x.shape) disagree")
        let Ho = (H + 2 * P - K) / S + 1, Wo = (W + 2 * P - K) / S + 1
        var y = Tensor<Scalar>(shape: [N, M, Ho, Wo])
        for n in 0..<N {
            for m in 0..<M {
                let group = m / (M / G)
                for oy in 0..<Ho {
                    for ox in 0..<Wo {
                        var sum = bias[m]
                        for c in 0..<Cg {
                            for i in 0..<K {
                                for j in 0..<K {
                                    let iy = oy * S - P + i, ix = ox * S - P + j
                                    if iy < 0 || iy >= H || ix < 0 || ix >= W { continue }
                                    sum += weight[m, c, i, j] * x[n, group * Cg + c, iy, ix]
                                }
                            }
                        }
                        y[n, m, oy, ox] = sum
                    }
                }
            }
        }
        return y
    }

    /// (dx, dWeight, dBias) for the loss gradient `dy` at the output of ``forward``: every
    /// product of the forward sum sends dy back to both of its factors.
    public static func backward<Scalar: TensorScalar>(
        _ dy: Tensor<Scalar>, input x: Tensor<Scalar>, weight: Tensor<Scalar>,
        stride S: Int, padding P: Int, groups G: Int
    ) -> (dx: Tensor<Scalar>, dWeight: Tensor<Scalar>, dBias: Tensor<Scalar>) {
        let (N, H, W) = (x.shape[0], x.shape[2], x.shape[3])
        let (M, Cg, K) = (weight.shape[0], weight.shape[1], weight.shape[2])
        let (Ho, Wo) = (dy.shape[2], dy.shape[3])
        var dx = Tensor<Scalar>(shape: x.shape)
        var dWeight = Tensor<Scalar>(shape: weight.shape)
        var dBias = Tensor<Scalar>(shape: [M])
        for n in 0..<N {
            for m in 0..<M {
                let group = m / (M / G)
                for oy in 0..<Ho {
                    for ox in 0..<Wo {
                        let g = dy[n, m, oy, ox]
                        dBias[m] += g
                        for c in 0..<Cg {
                            for i in 0..<K {
                                for j in 0..<K {
                                    let iy = oy * S - P + i, ix = ox * S - P + j
                                    if iy < 0 || iy >= H || ix < 0 || ix >= W { continue }
                                    dWeight[m, c, i, j] += g * x[n, group * Cg + c, iy, ix]
                                    dx[n, group * Cg + c, iy, ix] += g * weight[m, c, i, j]
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dWeight, dBias)
    }
}
