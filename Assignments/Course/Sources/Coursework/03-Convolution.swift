import AlexNet

/// Assignment 3 — convolution with groups, through im2col (Sections 3.2 and 3.5: the paper's
/// conv2, conv4 and conv5 see only the kernel maps of their own GPU; a convolution with two
/// groups is exactly that).
///
/// With Cg = C/g input and Og = O/g output channels per group, output channel o of group
/// G = o / Og sees only input channels G·Cg ..< (G+1)·Cg:
///
///     y[n, o, oy, ox] = b[o] + Σ_{c < Cg, i < k, j < k} W[o, c, i, j] · x[n, G·Cg + c, oy·s + i − p, ox·s + j − p]
///
/// (x is 0 outside the image), Ho = ⌊(H + 2p − k)/s⌋ + 1. Through im2col, one image and one group:
///
///     columns[(c·k + i)·k + j, oy·Wo + ox] = x[G·Cg + c, oy·s + i − p, ox·s + j − p]      (Cg·k·k, Ho·Wo)
///     y_G = W_G · columns        W_G (Og, Cg·k·k): the group's rows of W, each kernel flattened
///
/// and backward, with dy_G (Og, Ho·Wo) the group's rows of dy:
///
///     dW_G += dy_G · columnsᵀ     dcolumns = W_Gᵀ · dy_G     dx += col2im(dcolumns)      db[o] = Σ_{n, oy, ox} dy[n, o, oy, ox]
///
/// col2im is im2col's adjoint: it *adds* each column entry back to the pixel it was read from
/// (a pixel read by several windows receives the sum), and drops the entries that fell on padding.
///
/// Shapes: x (N, C, H, W), W (O, C/g, k, k), b (O) → y (N, O, Ho, Wo).
public enum GroupedConvolution {
    /// ⌊(size + 2·padding − kernelSize)/stride⌋ + 1 (provided).
    public static func outputSize(_ size: Int, kernelSize: Int, stride: Int, padding: Int) -> Int {
        (size + 2 * padding - kernelSize) / stride + 1
    }

    /// The columns of channels `channels` of one image (C, H, W): (channels.count·k·k, Ho·Wo).
    public static func im2col(_ image: Tensor<Double>, channels: Range<Int>, kernelSize k: Int, stride s: Int,
                              padding p: Int) throws -> Tensor<Double> {
        // BEGIN SOLUTION im2col
        let (H, W) = (image.shape[1], image.shape[2])
        let (Ho, Wo) = (outputSize(H, kernelSize: k, stride: s, padding: p), outputSize(W, kernelSize: k, stride: s, padding: p))
        var columns = Tensor<Double>(shape: [channels.count * k * k, Ho * Wo])
        for (c, channel) in channels.enumerated() {
            for i in 0..<k {
                for j in 0..<k {
                    let row = (c * k + i) * k + j
                    for oy in 0..<Ho {
                        let y = oy * s + i - p
                        guard y >= 0 && y < H else { continue }
                        for ox in 0..<Wo {
                            let x = ox * s + j - p
                            guard x >= 0 && x < W else { continue }
                            columns.scalars[row * Ho * Wo + oy * Wo + ox] = image.scalars[(channel * H + y) * W + x]
                        }
                    }
                }
            }
        }
        return columns
        // END SOLUTION
    }

    /// im2col's adjoint: an image of shape `imageShape` (C, H, W), zero outside `channels`, each
    /// entry of `columns` added to the pixel it came from.
    public static func col2im(_ columns: Tensor<Double>, channels: Range<Int>, imageShape: [Int], kernelSize k: Int,
                              stride s: Int, padding p: Int) throws -> Tensor<Double> {
        // BEGIN SOLUTION col2im
        let (H, W) = (imageShape[1], imageShape[2])
        let (Ho, Wo) = (outputSize(H, kernelSize: k, stride: s, padding: p), outputSize(W, kernelSize: k, stride: s, padding: p))
        guard columns.shape == [channels.count * k * k, Ho * Wo] else {
            throw ShapeError("col2im: columns \(columns.shape), expected \([channels.count * k * k, Ho * Wo])")
        }
        var image = Tensor<Double>(shape: imageShape)
        for (c, channel) in channels.enumerated() {
            for i in 0..<k {
                for j in 0..<k {
                    let row = (c * k + i) * k + j
                    for oy in 0..<Ho {
                        let y = oy * s + i - p
                        guard y >= 0 && y < H else { continue }
                        for ox in 0..<Wo {
                            let x = ox * s + j - p
                            guard x >= 0 && x < W else { continue }
                            image.scalars[(channel * H + y) * W + x] += columns.scalars[row * Ho * Wo + oy * Wo + ox]
                        }
                    }
                }
            }
        }
        return image
        // END SOLUTION
    }

    /// y = conv(x, W) + b with `groups` groups.
    public static func forward(_ x: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>,
                               stride: Int, padding: Int, groups: Int) throws -> Tensor<Double> {
        // BEGIN SOLUTION conv-forward
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (O, k) = (weight.shape[0], weight.shape[2])
        let (Cg, Og) = (C / groups, O / groups)
        guard C % groups == 0, O % groups == 0, weight.shape == [O, Cg, k, k], bias.shape == [O] else {
            throw ShapeError("conv: x \(x.shape), weight \(weight.shape), bias \(bias.shape), \(groups) groups")
        }
        let (Ho, Wo) = (outputSize(H, kernelSize: k, stride: stride, padding: padding),
                        outputSize(W, kernelSize: k, stride: stride, padding: padding))
        var y = Tensor<Double>(shape: [N, O, Ho, Wo])
        for n in 0..<N {
            let image = Tensor(shape: [C, H, W], scalars: Array(x.scalars[(n * C * H * W)..<((n + 1) * C * H * W)]))
            for g in 0..<groups {
                let columns = try im2col(image, channels: g * Cg..<(g + 1) * Cg, kernelSize: k, stride: stride, padding: padding)
                let kernels = weight.rows(g * Og..<(g + 1) * Og).reshaped(to: [Og, Cg * k * k])
                let out = try Helpers.matmul(kernels, columns)
                for o in 0..<Og {
                    for q in 0..<(Ho * Wo) {
                        y.scalars[((n * O + g * Og + o) * Ho * Wo) + q] = out.scalars[o * Ho * Wo + q] + bias.scalars[g * Og + o]
                    }
                }
            }
        }
        return y
        // END SOLUTION
    }

    /// The gradients of the input, the weight and the bias, given dy = ∂L/∂y.
    public static func backward(_ dy: Tensor<Double>, input x: Tensor<Double>, weight: Tensor<Double>,
                                stride: Int, padding: Int, groups: Int) throws
        -> (input: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>) {
        // BEGIN SOLUTION conv-backward
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (O, k) = (weight.shape[0], weight.shape[2])
        let (Cg, Og) = (C / groups, O / groups)
        let (Ho, Wo) = (dy.shape[2], dy.shape[3])
        var dx = Tensor<Double>(shape: x.shape), dW = Tensor<Double>(shape: weight.shape), db = Tensor<Double>(shape: [O])
        for n in 0..<N {
            let image = Tensor(shape: [C, H, W], scalars: Array(x.scalars[(n * C * H * W)..<((n + 1) * C * H * W)]))
            var dImage = Tensor<Double>(shape: [C, H, W])
            for g in 0..<groups {
                let channels = g * Cg..<(g + 1) * Cg
                let columns = try im2col(image, channels: channels, kernelSize: k, stride: stride, padding: padding)
                let start = (n * O + g * Og) * Ho * Wo
                let dyG = Tensor(shape: [Og, Ho * Wo], scalars: Array(dy.scalars[start..<(start + Og * Ho * Wo)]))
                let kernels = weight.rows(g * Og..<(g + 1) * Og).reshaped(to: [Og, Cg * k * k])
                let dKernels = try Helpers.matmul(dyG, columns, transposeB: true)
                for i in 0..<dKernels.count { dW.scalars[g * Og * Cg * k * k + i] += dKernels.scalars[i] }
                let dColumns = try Helpers.matmul(kernels, dyG, transposeA: true)
                dImage.add(try col2im(dColumns, channels: channels, imageShape: [C, H, W], kernelSize: k, stride: stride, padding: padding))
                for o in 0..<Og { db.scalars[g * Og + o] += dyG.scalars[(o * Ho * Wo)..<((o + 1) * Ho * Wo)].reduce(0, +) }
            }
            for i in 0..<dImage.count { dx.scalars[n * C * H * W + i] = dImage.scalars[i] }
        }
        return (dx, dW, db)
        // END SOLUTION
    }
}
