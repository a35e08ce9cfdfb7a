/// im2col and col2im: the rearrangement that turns a convolution into one matrix multiply.
///
/// For one group of `Cg` input channels and a chunk of `B` images, the column matrix has one
/// row per kernel tap (c, i, j) and one column per output position (b, oy, ox):
///
///     cols[(c·K + i)·K + j][(b·Ho + oy)·Wo + ox] = x[n0 + b, c0 + c, oy·S − P + i, ox·S − P + j]
///
/// (zero where the tap falls in the padding). A kernel stored as (Mb, Cg·K·K) then gives the
/// outputs of the chunk as the product weight · cols, of shape (Mb, B·Ho·Wo).
/// col2im is the adjoint: it adds each column entry back onto the pixel it was read from,
/// which is exactly the backward pass of im2col.

struct ConvolutionGeometry: Sendable {
    /// Input channels in all, channels per group, input height and width.
    let C: Int, Cg: Int, H: Int, W: Int
    /// Kernel size, stride, padding, output height and width.
    let K: Int, S: Int, P: Int, Ho: Int, Wo: Int

    /// The index range of output columns ox whose tap j lands inside the image:
    /// 0 ≤ ox·S − P + j < W.

    func validColumns(tap j: Int) -> Range<Int> {
        let low = max(0, (P - j + S - 1) / S)
        let last = W - 1 + P - j                       // ox·S ≤ last
        let high = last < 0 ? 0 : min(Wo, last / S + 1)
        return low < high ? low..<high : 0..<0
    }
}

/// Fills `cols` (Cg·K·K, B·Ho·Wo) from images n0..<n0+B, channels c0..<c0+Cg of `x` (N, C, H, W).

@_specialize(where Scalar == Float)
func im2col<Scalar: TensorScalar>(
    _ x: UnsafePointer<Scalar>, geometry g: ConvolutionGeometry,
    images n0: Int, count B: Int, firstChannel c0: Int,
    into cols: UnsafeMutablePointer<Scalar>
) {
    let (K, S, P, H, W, Ho, Wo) = (g.K, g.S, g.P, g.H, g.W, g.Ho, g.Wo)
    let columns = B * Ho * Wo
    let input = SendablePointer(x), output = SendablePointer(cols)
    // One parallel task per kernel row (c, i): each writes its own K rows of cols.
    parallelFor(g.Cg * K) { ci in
        let c = ci / K, i = ci % K
        for j in 0..<K {
            let row = output.base + ((c * K + i) * K + j) * columns   // cols[(c, i, j)][·]
            let valid = g.validColumns(tap: j)
            for b in 0..<B {
                let image = input.base + ((n0 + b) * g.C + c0 + c) * H * W   // x[n0 + b, c0 + c]
                for oy in 0..<Ho {
                    let out = row + (b * Ho + oy) * Wo
                    let iy = oy * S - P + i
                    if iy < 0 || iy >= H {
                        out.update(repeating: 0, count: Wo)
                        continue
                    }
                    let inRow = image + iy * W - P + j        // inRow[ox·S] = x[.., iy, ox·S − P + j]
                    for ox in 0..<valid.lowerBound { out[ox] = 0 }
                    if S == 1 {
                        (out + valid.lowerBound).update(from: inRow + valid.lowerBound,
                                                       count: valid.count)
                    } else {
                        for ox in valid { out[ox] = inRow[ox * S] }
                    }
                    for ox in valid.upperBound..<Wo { out[ox] = 0 }
                }
            }
        }
    }
}

/// Adds `cols` (Cg·K·K, B·Ho·Wo) back onto `dx` (N, C, H, W): the adjoint of ``im2col``.

@_specialize(where Scalar == Float)
func col2im<Scalar: TensorScalar>(
    _ cols: UnsafePointer<Scalar>, geometry g: ConvolutionGeometry,
    images n0: Int, count B: Int, firstChannel c0: Int,
    into dx: UnsafeMutablePointer<Scalar>
) {
    let (K, S, P, H, W, Ho, Wo) = (g.K, g.S, g.P, g.H, g.W, g.Ho, g.Wo)
    let columns = B * Ho * Wo
    let input = SendablePointer(cols), output = SendablePointer(dx)
    // One parallel task per (image, channel): each adds into its own H·W plane of dx.
    parallelFor(B * g.Cg) { bc in
        let b = bc / g.Cg, c = bc % g.Cg
        let image = output.base + ((n0 + b) * g.C + c0 + c) * H * W    // dx[n0 + b, c0 + c]
        for i in 0..<K {
            for j in 0..<K {
                let row = input.base + ((c * K + i) * K + j) * columns
                let valid = g.validColumns(tap: j)
                for oy in 0..<Ho {
                    let iy = oy * S - P + i
                    if iy < 0 || iy >= H { continue }
                    let col = row + (b * Ho + oy) * Wo
                    let inRow = image + iy * W - P + j
                    for ox in valid { inRow[ox * S] += col[ox] }
                }
            }
        }
    }
}
