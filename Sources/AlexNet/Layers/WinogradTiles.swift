/// The arithmetic of F(m×m, r×r) on raw buffers: the kernels' transform U = G g Gᵀ and its
/// adjoint, and the tiles' transforms V = Bᵀ d B, y = Aᵀ M A and their adjoints, each step one
/// `y += a·x` over contiguous channels (see ``WinogradTransform`` for the method and
/// ``WinogradConvolution`` for the buffers). A value type, so that the workers of
/// ``parallelFor(_:_:)`` can share it.
struct WinogradKernels<Scalar: TensorScalar>: Sendable {
    /// The output tile m and the input tile n = m + K − 1.
    let m: Int, n: Int
    /// Bᵀ, Aᵀ and G by rows, and by columns (their transposes) for the adjoint passes.
    let BT, BTt, AT, ATt, G, Gt: SparseRows<Scalar>

    init(_ t: WinogradTransform) {
        (m, n) = (t.m, t.n)
        (BT, BTt) = (SparseRows(t.BT, rows: t.n, columns: t.n), SparseRows(t.BT, rows: t.n, columns: t.n, transposed: true))
        (AT, ATt) = (SparseRows(t.AT, rows: t.m, columns: t.n), SparseRows(t.AT, rows: t.m, columns: t.n, transposed: true))
        (G, Gt) = (SparseRows(t.G, rows: t.n, columns: t.r), SparseRows(t.G, rows: t.n, columns: t.r, transposed: true))
    }

    // MARK: Kernels, vectorised over the outputs m.

    /// U[ξy·n + ξx][c][m] = Σ_k Σ_l G[ξy][k] G[ξx][l] · w[m][c][k][l] for w (M, Cg, K, K);
    /// `scratch` holds Cg·K·K·M + n·K·M scalars.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func transformKernels(_ w: UnsafePointer<Scalar>, M: Int, Cg: Int, K: Int,
                          into U: UnsafeMutablePointer<Scalar>, scratch: UnsafeMutablePointer<Scalar>) {
        let (wT, rows) = (scratch, scratch + Cg * K * K * M)
        // wT[c][k][l][m] = w[m][c][k][l]
        for m in 0..<M { for q in 0..<(Cg * K * K) { wT[q * M + m] = w[m * Cg * K * K + q] } }
        for c in 0..<Cg {
            // rows[ξy][l] = Σ_k G[ξy][k] · wT[c][k][l]
            for l in 0..<K {
                applyRows(G, outputs: n, wT + (c * K * K + l) * M, inStride: K * M,
                          rows + l * M, outStride: K * M, count: M, accumulate: false)
            }
            // U[ξy·n + ξx][c] = Σ_l G[ξx][l] · rows[ξy][l]
            for ξy in 0..<n {
                applyRows(G, outputs: n, rows + ξy * K * M, inStride: M,
                          U + (ξy * n * Cg + c) * M, outStride: Cg * M, count: M, accumulate: false)
            }
        }
    }

    /// dW[m][c][k][l] += Σ_ξy Σ_ξx G[ξy][k] G[ξx][l] · dU[ξy·n + ξx][c][m]: the adjoint of
    /// ``transformKernels(_:M:Cg:K:into:scratch:)``, into dW (M, Cg, K, K).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addKernelGradient(_ dU: UnsafePointer<Scalar>, M: Int, Cg: Int, K: Int,
                           into dW: UnsafeMutablePointer<Scalar>, scratch: UnsafeMutablePointer<Scalar>) {
        let (dwT, rows) = (scratch, scratch + Cg * K * K * M)
        for c in 0..<Cg {
            // rows[ξy][l] = Σ_ξx G[ξx][l] · dU[ξy·n + ξx][c]
            for ξy in 0..<n {
                applyRows(Gt, outputs: K, dU + (ξy * n * Cg + c) * M, inStride: Cg * M,
                          rows + ξy * K * M, outStride: M, count: M, accumulate: false)
            }
            // dwT[c][k][l] = Σ_ξy G[ξy][k] · rows[ξy][l]
            for l in 0..<K {
                applyRows(Gt, outputs: K, rows + l * M, inStride: K * M,
                          dwT + (c * K * K + l) * M, outStride: K * M, count: M, accumulate: false)
            }
        }
        for m in 0..<M { for q in 0..<(Cg * K * K) { dW[m * Cg * K * K + q] += dwT[q * M + m] } }
    }

    // MARK: Tiles, vectorised over the channels. Tile t of a chunk is image b = t / (TH·TW),
    // row ty = t / TW mod TH, column tx = t mod TW; its n×n patch d starts at packed[b][m·ty][m·tx].

    /// V[ξy·n + ξx][t] = Σ_i Σ_j Bᵀ[ξy][i] Bᵀ[ξx][j] · d[i][j] for every tile t of the chunk;
    /// V is n² matrices (T, Cg). Tiles one above the other share n − m rows of their patches, so
    /// the first (row) pass runs once per image row of a column of tiles, into rows (He, n, Cg).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func transformTiles(_ packed: UnsafePointer<Scalar>, _ s: WinogradTiling, count B: Int,
                        into V: UnsafeMutablePointer<Scalar>, scratch rows: UnsafeMutablePointer<Scalar>) {
        let (Cg, We, T) = (s.g.Cg, s.We, B * s.TH * s.TW)
        for b in 0..<B {
            for tx in 0..<s.TW {
                // rows[y][ξx] = Σ_j Bᵀ[ξx][j] · packed[b][y][m·tx + j], for every row y of the column
                for y in 0..<s.He {
                    applyRows(BT, outputs: n, packed + ((b * s.He + y) * We + m * tx) * Cg, inStride: Cg,
                              rows + y * n * Cg, outStride: Cg, count: Cg, accumulate: false)
                }
                // V[ξy·n + ξx][t] = Σ_i Bᵀ[ξy][i] · rows[m·ty + i][ξx]
                for ty in 0..<s.TH {
                    let t = (b * s.TH + ty) * s.TW + tx
                    for ξx in 0..<n {
                        applyRows(BT, outputs: n, rows + (m * ty * n + ξx) * Cg, inStride: n * Cg,
                                  V + (ξx * T + t) * Cg, outStride: n * T * Cg, count: Cg, accumulate: false)
                    }
                }
            }
        }
    }

    /// packed[b][m·ty + i][m·tx + j] += Σ_ξy Σ_ξx Bᵀ[ξy][i] Bᵀ[ξx][j] · dV[ξy·n + ξx][t]: the
    /// adjoint of ``transformTiles(_:_:count:into:scratch:)``, in the reverse order of its two
    /// passes; patches overlap, so the adds accumulate.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addTileGradients(_ dV: UnsafePointer<Scalar>, _ s: WinogradTiling, count B: Int,
                          into dpacked: UnsafeMutablePointer<Scalar>, scratch rows: UnsafeMutablePointer<Scalar>) {
        let (Cg, We, T) = (s.g.Cg, s.We, B * s.TH * s.TW)
        for b in 0..<B {
            for tx in 0..<s.TW {
                // rows[m·ty + i][ξx] += Σ_ξy Bᵀ[ξy][i] · dV[ξy·n + ξx][t]
                rows.update(repeating: 0, count: s.He * n * Cg)
                for ty in 0..<s.TH {
                    let t = (b * s.TH + ty) * s.TW + tx
                    for ξx in 0..<n {
                        applyRows(BTt, outputs: n, dV + (ξx * T + t) * Cg, inStride: n * T * Cg,
                                  rows + (m * ty * n + ξx) * Cg, outStride: n * Cg, count: Cg, accumulate: true)
                    }
                }
                // dpacked[b][y][m·tx + j] += Σ_ξx Bᵀ[ξx][j] · rows[y][ξx]
                for y in 0..<s.He {
                    applyRows(BTt, outputs: n, rows + y * n * Cg, inStride: Cg,
                              dpacked + ((b * s.He + y) * We + m * tx) * Cg, outStride: Cg, count: Cg, accumulate: true)
                }
            }
        }
    }

    /// y[n0 + b][m0 + o][m·ty + oy][m·tx + ox] = bias[m0 + o] + Σ_ξy Σ_ξx Aᵀ[oy][ξy] Aᵀ[ox][ξx] · P[ξy·n + ξx][t][o]
    /// for the outputs inside the image; P is n² matrices (T, Mg), y is (N, M, Ho, Wo).
    /// A row of tiles is untransformed channel-last into `line` (m, m·TW, Mg), then written out
    /// one channel at a time, each output row contiguous: writing straight from a tile would
    /// scatter its Mg channels a plane apart. `scratch` holds ``untransformScratch`` scalars.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func untransformTiles(_ P: UnsafePointer<Scalar>, _ s: WinogradTiling, images n0: Int, count B: Int, group: Int,
                          bias: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>,
                          scratch: UnsafeMutablePointer<Scalar>) {
        let (Mg, T, Ho, Wo) = (s.Mg, B * s.TH * s.TW, s.g.Ho, s.g.Wo), m0 = group * Mg
        let lineWidth = m * s.TW                                       // outputs across a row of tiles
        let (rows, line) = (scratch, scratch + n * m * Mg)            // rows[ξy][ox], line[oy][x]
        for b in 0..<B {
            for ty in 0..<s.TH {
                for tx in 0..<s.TW {
                    let t = (b * s.TH + ty) * s.TW + tx
                    // rows[ξy][ox] = Σ_ξx Aᵀ[ox][ξx] · P[ξy·n + ξx][t]
                    for ξy in 0..<n {
                        applyRows(AT, outputs: m, P + (ξy * n * T + t) * Mg, inStride: T * Mg, rows + ξy * m * Mg,
                                  outStride: Mg, count: Mg, accumulate: false)
                    }
                    // line[oy][m·tx + ox] = Σ_ξy Aᵀ[oy][ξy] · rows[ξy][ox]
                    for ox in 0..<m {
                        applyRows(AT, outputs: m, rows + ox * Mg, inStride: m * Mg, line + (m * tx + ox) * Mg,
                                  outStride: lineWidth * Mg, count: Mg, accumulate: false)
                    }
                }
                // y[n0 + b][m0 + o][m·ty + oy][x] = line[oy][x][o] + bias[m0 + o]: the tile row's
                // output rows lie one after another in each plane
                channelsToPlanes(count: min(m, Ho - m * ty) * Wo, channels: Mg, UnsafePointer(line), pixel: s.linePixel,
                                 into: y + ((n0 + b) * s.M + m0) * Ho * Wo + m * ty * Wo, planeStride: Ho * Wo,
                                 adding: bias + m0)
            }
        }
    }

    /// Scalars of scratch that ``untransformTiles`` and ``transformOutputGradients`` need:
    /// rows (n, m, Mg) and a row of tiles channel-last (m, m·TW, Mg).
    func untransformScratch(_ s: WinogradTiling) -> Int { (n + m * s.TW) * m * s.Mg }

    /// dP[ξy·n + ξx][t] = Σ_oy Σ_ox Aᵀ[oy][ξy] Aᵀ[ox][ξx] · dy[n0 + b][m0 + ·][m·ty + oy][m·tx + ox]
    /// (zero outside the image): the adjoint of ``untransformTiles``. A row of tiles of dy is
    /// first read channel-last into `line` (m, m·TW, Mg), each output row contiguously.
    /// `scratch` holds ``untransformScratch`` scalars.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func transformOutputGradients(_ dy: UnsafePointer<Scalar>, _ s: WinogradTiling, images n0: Int, count B: Int,
                                  group: Int, into dP: UnsafeMutablePointer<Scalar>, scratch: UnsafeMutablePointer<Scalar>) {
        let (Mg, T, Ho, Wo) = (s.Mg, B * s.TH * s.TW, s.g.Ho, s.g.Wo), m0 = group * Mg
        let lineWidth = m * s.TW
        let (rows, line) = (scratch, scratch + n * m * Mg)            // rows[ξy][ox], line[oy][x]
        for b in 0..<B {
            for ty in 0..<s.TH {
                // line[oy][x][o] = dy[n0 + b][m0 + o][m·ty + oy][x], zero outside the image (only
                // a row of tiles that passes the image's bottom or right edge has such pixels:
                // none on conv1's and conv2's maps, which their tiles cover exactly)
                let height = min(m, Ho - m * ty)                       // output rows inside the image
                if height < m || lineWidth > Wo { line.update(repeating: 0, count: m * lineWidth * Mg) }
                planesToChannels(count: height * Wo, channels: Mg,
                                 dy + ((n0 + b) * s.M + m0) * Ho * Wo + m * ty * Wo, planeStride: Ho * Wo,
                                 into: line, pixel: s.linePixel)
                for tx in 0..<s.TW {
                    let t = (b * s.TH + ty) * s.TW + tx
                    // rows[ξy][ox] = Σ_oy Aᵀ[oy][ξy] · line[oy][m·tx + ox]
                    for ox in 0..<m {
                        applyRows(ATt, outputs: n, line + (m * tx + ox) * Mg, inStride: lineWidth * Mg, rows + ox * Mg,
                                  outStride: m * Mg, count: Mg, accumulate: false)
                    }
                    // dP[ξy·n + ξx][t] = Σ_ox Aᵀ[ox][ξx] · rows[ξy][ox]
                    for ξy in 0..<n {
                        applyRows(ATt, outputs: n, rows + ξy * m * Mg, inStride: Mg, dP + (ξy * n * T + t) * Mg,
                                  outStride: T * Mg, count: Mg, accumulate: false)
                    }
                }
            }
        }
    }
}

/// How a geometry is cut into m×m output tiles.
struct WinogradTiling: Sendable {
    /// The stride-1 geometry the tiles cover (a strided convolution's folded one).
    let g: ConvolutionGeometry
    /// Outputs in all and per group, the output tile m and the input tile n = m + K − 1.
    let M: Int, Mg: Int, m: Int, n: Int
    /// For a strided convolution, how its input is read as the phases `g` convolves (``StrideFold``).
    var fold: StrideFold? = nil
    /// Tiles per image down and across.
    var TH: Int { (g.Ho + m - 1) / m }
    var TW: Int { (g.Wo + m - 1) / m }
    /// The padded input extended to whole tiles: He = m·TH + K − 1 rows (≥ H + 2P), We columns.
    var He: Int { m * TH + g.K - 1 }
    var We: Int { m * TW + g.K - 1 }

    /// Where input pixel i = y·W + x of an image sits in its packed block (He, We, Cg):
    /// ((y + P)·We + x + P)·Cg, its channels from there on.
    func packedPixel(_ i: Int) -> Int { ((i / g.W + g.P) * We + i % g.W + g.P) * g.Cg }

    /// Where output pixel i = oy·Wo + x of a row of tiles sits in the output transform's line
    /// buffer (m, m·TW, Mg): (oy·m·TW + x)·Mg, its Mg channels from there on.
    func linePixel(_ i: Int) -> Int { ((i / g.Wo) * m * TW + i % g.Wo) * Mg }

    /// packed[b][ye][xe][c] = x[n0 + b][c0 + c][ye − P][xe − P], zero outside the image, for
    /// the group's channels c0 = group·Cg ..< c0 + Cg; x is (N, C, H, W), packed (B, He, We, Cg).
    /// A folded convolution packs its input's phases instead (``StrideFold/pack(_:images:count:group:He:We:into:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func pack<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, images n0: Int, count B: Int, group: Int,
                                    into packed: UnsafeMutablePointer<Scalar>) {
        if let fold { return fold.pack(x, images: n0, count: B, group: group, He: He, We: We, into: packed) }
        let (Cg, H, W) = (g.Cg, g.H, g.W)
        packed.update(repeating: 0, count: B * He * We * Cg)
        for b in 0..<B {
            planesToChannels(count: H * W, channels: Cg, x + ((n0 + b) * g.C + group * Cg) * H * W, planeStride: H * W,
                             into: packed + b * He * We * Cg, pixel: packedPixel)
        }
    }

    /// dx[n0 + b][c0 + c][y][x] = dpacked[b][y + P][x + P][c]: the interior of the padded
    /// gradient back into dx (N, C, H, W); the adjoint of ``pack(_:images:count:group:into:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func unpack<Scalar: TensorScalar>(_ dpacked: UnsafePointer<Scalar>, images n0: Int, count B: Int, group: Int,
                                      into dx: UnsafeMutablePointer<Scalar>) {
        if let fold { return fold.unpack(dpacked, images: n0, count: B, group: group, He: He, We: We, into: dx) }
        let (Cg, H, W) = (g.Cg, g.H, g.W)
        for b in 0..<B {
            channelsToPlanes(count: H * W, channels: Cg, dpacked + b * He * We * Cg, pixel: packedPixel,
                             into: dx + ((n0 + b) * g.C + group * Cg) * H * W, planeStride: H * W)
        }
    }
}

/// A sparse matrix as lists of (index, coefficient) per output: out[o] = Σ a · in[index].
struct SparseRows<Scalar: TensorScalar> {
    let starts: [Int], indices: [Int], coefficients: [Scalar]

    /// The rows of a dense (rows × columns) matrix, or of its transpose.
    init(_ dense: [Double], rows: Int, columns: Int, transposed: Bool = false) {
        var starts = [0], indices: [Int] = [], coefficients: [Scalar] = []
        let (outputs, inputs) = transposed ? (columns, rows) : (rows, columns)
        for o in 0..<outputs {
            for i in 0..<inputs {
                let a = transposed ? dense[i * columns + o] : dense[o * columns + i]
                if a != 0 { indices.append(i); coefficients.append(Scalar(a)) }
            }
            starts.append(indices.count)
        }
        (self.starts, self.indices, self.coefficients) = (starts, indices, coefficients)
    }
}

/// out[o·outStride + c] (+)= Σ_(i, a) in row o  a · in[i·inStride + c], for c in 0..<count.
/// One step of a transform, vectorised over the channels: 64 channels at a time in four
/// independent sums (then 32 in two, then 16 in one), each output's sum kept in registers over
/// its terms and stored once. Each channel's sum takes its terms in the same order whatever the
/// block, so the blocks change the speed, not the bits: one 16-wide sum waited on its own
/// additions, one after another, where four keep the adder busy.
@inline(__always)
func applyRows<Scalar: TensorScalar>(
    _ rows: SparseRows<Scalar>, outputs: Int,
    _ input: UnsafePointer<Scalar>, inStride: Int,
    _ output: UnsafeMutablePointer<Scalar>, outStride: Int, count: Int, accumulate: Bool
) {
    typealias Vector = SIMD16<Scalar>
    @inline(__always) func load(_ p: UnsafePointer<Scalar>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
    @inline(__always) func start(_ p: UnsafeMutablePointer<Scalar>) -> Vector { accumulate ? load(p) : .zero }
    @inline(__always) func store(_ v: Vector, _ p: UnsafeMutablePointer<Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self) }
    rows.starts.withUnsafeBufferPointer { starts in
    rows.indices.withUnsafeBufferPointer { indices in
    rows.coefficients.withUnsafeBufferPointer { coefficients in
        for o in 0..<outputs {
            let out = output + o * outStride
            let (first, end) = (starts[o], starts[o + 1])
            var c = 0
            while c + 64 <= count {
                var (s0, s1, s2, s3) = (start(out + c), start(out + c + 16), start(out + c + 32), start(out + c + 48))
                for e in first..<end {
                    let (a, x) = (coefficients[e], input + indices[e] * inStride + c)
                    s0 += a * load(x)
                    s1 += a * load(x + 16)
                    s2 += a * load(x + 32)
                    s3 += a * load(x + 48)
                }
                store(s0, out + c); store(s1, out + c + 16); store(s2, out + c + 32); store(s3, out + c + 48)
                c += 64
            }
            while c + 32 <= count {
                var (s0, s1) = (start(out + c), start(out + c + 16))
                for e in first..<end {
                    let (a, x) = (coefficients[e], input + indices[e] * inStride + c)
                    s0 += a * load(x)
                    s1 += a * load(x + 16)
                }
                store(s0, out + c); store(s1, out + c + 16)
                c += 32
            }
            while c + 16 <= count {
                var sum = start(out + c)
                for e in first..<end { sum += coefficients[e] * load(input + indices[e] * inStride + c) }
                store(sum, out + c)
                c += 16
            }
            while c < count {
                var sum = accumulate ? out[c] : 0
                for e in first..<end { sum += coefficients[e] * input[indices[e] * inStride + c] }
                out[c] = sum
                c += 1
            }
        }
    }}}
}
