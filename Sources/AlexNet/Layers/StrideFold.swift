/// A strided convolution as a stride-1 one over the input's phases, so that Winograd's minimal
/// filtering (``WinogradTransform``) also serves the paper's conv1 (Section 3.5: 96 kernels of
/// 11×11×3 at a stride of 4 pixels).
///
/// Not in the paper; an exact rewriting of the same function. Write a tap i of the K×K kernel
/// as i = S·a + p, with phase p < S and a < K' = ⌈K/S⌉. Output oy reads padded row S·oy + i =
/// S·(oy + a) + p, which is row oy + a of the input's phase p. So with
///
///     x'[c·S² + p·S + q][Y][X] = x[c][S·Y + p − P][S·X + q − P]     (0 outside the image)
///     w'[m][c·S² + p·S + q][a][b] = w[m][c][S·a + p][S·b + q]       (0 where S·a + p ≥ K)
///
/// the convolution of x by w at stride S and padding P equals that of x' (C·S² channels) by w'
/// (K'×K') at stride 1 and no padding, output for output: every original tap appears once, and
/// the taps added to round K up to S·K' carry zero weights. For conv1, S = 4 and K' = 3: 48
/// phase channels and a 3×3 kernel, which F(5×5, 3×3) computes with 49 multiplications per 25
/// outputs and phase channel (its 11 × 11 tiles cover the 55×55 map exactly), where 11×11 taps
/// over 3 channels cost 363 per output directly — about 3.9× fewer, the zero taps (144 against
/// 121 per channel) included.
///
/// The backward pass is the same rewriting's adjoint: ∂L/∂w'[m][c·S² + p·S + q][a][b] lands on
/// w[m][c][S·a + p][S·b + q] (the zero taps' gradients are dropped), and ∂L/∂x' on the pixel
/// it was read from.
///
/// Shapes: x (N, C, H, W) → x' (N, C·S², He, We), read straight into the Winograd path's
/// channel-last tiles; w (M, Cg, K, K) → w' (M, Cg·S², K', K').
struct StrideFold: Sendable {
    /// The strided convolution as given.
    let source: ConvolutionGeometry
    /// The stride S, and the folded kernel's side K' = ⌈K/S⌉.
    var S: Int { source.S }
    var foldedKernelSize: Int { Self.foldedKernelSize(kernelSize: source.K, stride: S) }

    init(_ source: ConvolutionGeometry) {
        precondition(source.S > 1, "stride fold: stride \(source.S) needs no fold")
        self.source = source
    }

    /// K' = ⌈K/S⌉, the side of the folded kernel.
    static func foldedKernelSize(kernelSize K: Int, stride S: Int) -> Int { (K + S - 1) / S }

    /// The stride-1 convolution it becomes: C·S² channels (Cg·S² per group), K'×K', no padding,
    /// the same outputs; its input size is what the outputs read, Ho + K' − 1 (likewise W).
    var folded: ConvolutionGeometry {
        let (g, K) = (source, foldedKernelSize)
        return ConvolutionGeometry(C: g.C * S * S, Cg: g.Cg * S * S, H: g.Ho + K - 1, W: g.Wo + K - 1,
                                   K: K, S: 1, P: 0, Ho: g.Ho, Wo: g.Wo)
    }

    /// w' (M, Cg·S², K', K') from w (M, Cg, K, K), zero at the taps beyond K.
    func foldWeights<Scalar: TensorScalar>(_ w: UnsafePointer<Scalar>, outputs M: Int, into folded: UnsafeMutablePointer<Scalar>) {
        let (Cg, K, S, Kf) = (source.Cg, source.K, S, foldedKernelSize)
        folded.update(repeating: 0, count: M * Cg * S * S * Kf * Kf)
        for m in 0..<M {
            for c in 0..<Cg {
                for i in 0..<K {
                    for j in 0..<K {
                        let channel = (c * S + i % S) * S + j % S
                        folded[((m * Cg * S * S + channel) * Kf + i / S) * Kf + j / S] = w[((m * Cg + c) * K + i) * K + j]
                    }
                }
            }
        }
    }

    /// dW (M, Cg, K, K) += the folded gradient dW' (M, Cg·S², K', K') at the taps that exist.
    func addUnfoldedGradient<Scalar: TensorScalar>(_ folded: UnsafePointer<Scalar>, outputs M: Int,
                                                   into dW: UnsafeMutablePointer<Scalar>) {
        let (Cg, K, S, Kf) = (source.Cg, source.K, S, foldedKernelSize)
        for m in 0..<M {
            for c in 0..<Cg {
                for i in 0..<K {
                    for j in 0..<K {
                        let channel = (c * S + i % S) * S + j % S
                        dW[((m * Cg + c) * K + i) * K + j] += folded[((m * Cg * S * S + channel) * Kf + i / S) * Kf + j / S]
                    }
                }
            }
        }
    }

    /// packed[b][Y][X][c·S² + p·S + q] = x[n0 + b][c0 + c][S·Y + p − P][S·X + q − P] for the
    /// group's channels c0 = group·Cg ..< c0 + Cg, zero outside the image; x is (N, C, H, W),
    /// packed (B, He, We, Cg·S²): x' of the type's comment, channel-last. Every element of packed
    /// is written once, the zeros where the image is not (no clearing pass first: conv1's 57×57×48
    /// block an image has one row of phases outside its 227×227 pixels).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func pack<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, images n0: Int, count B: Int, group: Int,
                                    He: Int, We: Int, into packed: UnsafeMutablePointer<Scalar>) {
        let (g, S) = (source, S), Cf = source.Cg * S * S
        // For a row y of the input and a column X of x', the S phases q read the S pixels
        // S·X − P ..< S·X − P + S of row y, side by side: a run copied whole away from the edges.
        for b in 0..<B {
            for c in 0..<g.Cg {
                let plane = x + ((n0 + b) * g.C + group * g.Cg + c) * g.H * g.W
                for Y in 0..<He {
                    for p in 0..<S {
                        let y = S * Y + p - g.P
                        let row = packed + (b * He + Y) * We * Cf + (c * S + p) * S
                        guard y >= 0 && y < g.H else {
                            for X in 0..<We { for q in 0..<S { row[X * Cf + q] = 0 } }
                            continue
                        }
                        let line = plane + y * g.W
                        for X in 0..<We {
                            let x0 = S * X - g.P
                            if x0 >= 0 && x0 + S <= g.W {
                                for q in 0..<S { row[X * Cf + q] = line[x0 + q] }   // inline: a call per S scalars cost more than the copy
                            } else {
                                for q in 0..<S { row[X * Cf + q] = x0 + q >= 0 && x0 + q < g.W ? line[x0 + q] : 0 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// dx[n0 + b][c0 + c][y][x] = dpacked[b][(y + P)/S][(x + P)/S][c·S² + ((y + P) mod S)·S + (x + P) mod S],
    /// 0 for a pixel no output reads (beyond row or column Ho + K' − 1 of x'): the adjoint of
    /// ``pack(_:images:count:group:He:We:into:)`` on the pixels that matter.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func unpack<Scalar: TensorScalar>(_ dpacked: UnsafePointer<Scalar>, images n0: Int, count B: Int, group: Int,
                                      He: Int, We: Int, into dx: UnsafeMutablePointer<Scalar>) {
        let (g, S, f) = (source, S, folded), Cf = source.Cg * S * S
        precondition(f.H <= He && f.W <= We, "stride fold: tiles smaller than the folded input")
        for b in 0..<B {
            for c in 0..<g.Cg {
                let plane = dx + ((n0 + b) * g.C + group * g.Cg + c) * g.H * g.W
                for y in 0..<g.H {
                    let (Y, p) = ((y + g.P) / S, (y + g.P) % S)
                    let row = dpacked + (b * He + min(Y, He - 1)) * We * Cf + (c * S + p) * S
                    for x in 0..<g.W {
                        let (X, q) = ((x + g.P) / S, (x + g.P) % S)
                        plane[y * g.W + x] = Y < f.H && X < f.W ? row[X * Cf + q] : 0
                    }
                }
            }
        }
    }
}
