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
///
/// **The padded copy.** Both work on a zero-bordered copy of the chunk, (B, Cg, H + 2P, W + 2P),
/// so that every tap reads inside it: a row of Wo outputs is then a plain strided read with no
/// bounds to test, and at stride 1 a contiguous run copied 16 scalars at a time (see
/// ``copyRowSpilling(from:to:count:)``). The copy costs 1/K² of the column matrix.
///
/// **Phases, for a stride S > 1.** A row of outputs reads every S-th scalar of a padded row, one
/// at a time. im2col first splits each padded row into its S phases, (B, Cg, Hp, S, Wq) with
/// Wq = ⌈Wp / S⌉ and phases[row, r, X] = padded[row, X·S + r]; tap j = q·S + r of output ox then
/// reads phases[row, r, q + ox], a contiguous run again. The split reads the padded copy once
/// (1/K² of the columns, scalar by scalar); conv1's 11×11 taps at stride 4 then copy rows of 55
/// as vectors.
///
/// These functions are single-threaded: ``Convolution`` runs one chunk per worker.

struct ConvolutionGeometry: Sendable {
    /// Input channels in all, channels per group, input height and width.
    let C: Int, Cg: Int, H: Int, W: Int
    /// Kernel size, stride, padding, output height and width.
    let K: Int, S: Int, P: Int, Ho: Int, Wo: Int

    /// Rows of the column matrix, Cg·K·K: the length of one output's weight vector.
    var columnRows: Int { Cg * K * K }

    /// Height and width of the padded copy.
    var Hp: Int { H + 2 * P }
    var Wp: Int { W + 2 * P }

    /// Scalars of the padded copy of `B` images of one group, with the slack that
    /// ``copyRowSpilling(from:to:count:)`` may read past its end.
    func paddedCount(images B: Int) -> Int { B * Cg * Hp * Wp + rowSpill }

    /// Scalars of the column matrix of `B` images, with the slack a spilling copy may write.
    func columnCount(images B: Int) -> Int { Cg * K * K * B * Ho * Wo + rowSpill }

    /// Width of one phase of a padded row, ⌈Wp / S⌉.
    var Wq: Int { (Wp + S - 1) / S }

    /// Scalars of the phases of `B` padded images for a stride above 1 (none at stride 1), with
    /// the slack a spilling copy may read.
    func phaseCount(images B: Int) -> Int { S == 1 ? 0 : B * Cg * Hp * S * Wq + rowSpill }
}

/// How far past a row ``copyRowSpilling(from:to:count:)`` may read and write.
let rowSpill = 16

/// Copies `count` scalars in blocks of 16, so it may read and write up to 15 scalars past the
/// end of the row. Callers write rows in increasing address order (the spill lands where the
/// next row is about to go) and leave ``rowSpill`` scalars of slack at the end of both buffers.
/// A row of 11 or 13 scalars — conv2 of the CIFAR nets, conv3–5 of AlexNet — is then one
/// vector load and store instead of a call to `memcpy`, whose overhead on such short rows is
/// larger than the copy.
@inline(__always)
func copyRowSpilling<Scalar: TensorScalar>(from source: UnsafePointer<Scalar>, to target: UnsafeMutablePointer<Scalar>,
                                           count: Int) {
    var k = 0
    while k < count {
        let block = UnsafeRawPointer(source + k).loadUnaligned(as: SIMD16<Scalar>.self)
        UnsafeMutableRawPointer(target + k).storeBytes(of: block, as: SIMD16<Scalar>.self)
        k += 16
    }
}

extension ConvolutionGeometry {
    /// Visits the rows of the column matrix of `B` images in memory order, the one loop nest
    /// that ``im2col`` and ``col2im`` share: row ((c·K + i)·K + j)·B·Ho + b·Ho + oy starts at
    /// scalar `column` of the matrix, and its entry ox is padded[`padded` + ox·S], where
    ///
    ///     column = (((c·K + i)·K + j)·B + b)·Ho·Wo + oy·Wo,   padded = ((b·Cg + c)·Hp + oy·S + i)·Wp + j
    @inline(__always)
    func forEachColumnRow(images B: Int, _ body: (_ column: Int, _ padded: Int) -> Void) {
        var column = 0
        for c in 0..<Cg {
            for i in 0..<K {
                for j in 0..<K {
                    for b in 0..<B {
                        var padded = ((b * Cg + c) * Hp + i) * Wp + j      // at oy = 0
                        for _ in 0..<Ho {
                            body(column, padded)
                            column += Wo
                            padded += S * Wp
                        }
                    }
                }
            }
        }
    }

    /// Visits the W-wide image rows of images n0..<n0+B, channels c0..<c0+Cg, that ``pad``
    /// copies into the padded chunk and ``col2im`` copies back out: row y of x[n0 + b, c0 + c]
    /// starts at scalar `image` of x (N, C, H, W), and at scalar `padded` of the chunk.
    @inline(__always)
    func forEachImageRow(images n0: Int, count B: Int, firstChannel c0: Int,
                         _ body: (_ image: Int, _ padded: Int) -> Void) {
        for b in 0..<B {
            for c in 0..<Cg {
                for y in 0..<H { body((((n0 + b) * C + c0 + c) * H + y) * W, ((b * Cg + c) * Hp + P + y) * Wp + P) }
            }
        }
    }
}

/// padded[b, c, P + y, P + x] = x[n0 + b, c0 + c, y, x], zero on the border.
@_specialize(where Scalar == Float)
func pad<Scalar: TensorScalar>(
    _ x: UnsafePointer<Scalar>, geometry g: ConvolutionGeometry,
    images n0: Int, count B: Int, firstChannel c0: Int,
    into padded: UnsafeMutablePointer<Scalar>
) {
    if g.P > 0 { padded.update(repeating: 0, count: B * g.Cg * g.Hp * g.Wp) }
    g.forEachImageRow(images: n0, count: B, firstChannel: c0) { image, row in
        (padded + row).update(from: x + image, count: g.W)
    }
}

/// Fills `cols` (Cg·K·K, B·Ho·Wo) from `padded` (B, Cg, Hp, Wp), the output of ``pad``:
/// cols[column + ox] = padded[row + ox·S] along every row of ``ConvolutionGeometry/forEachColumnRow(images:_:)``.
/// The rows come in increasing address order, as ``copyRowSpilling(from:to:count:)`` needs.
/// At a stride above 1 the rows are read from `phases` (``ConvolutionGeometry/phaseCount(images:)``
/// scalars), which it fills first.
@_specialize(where Scalar == Float)
func im2col<Scalar: TensorScalar>(
    padded: UnsafePointer<Scalar>, geometry g: ConvolutionGeometry, count B: Int,
    phases: UnsafeMutablePointer<Scalar>, into cols: UnsafeMutablePointer<Scalar>
) {
    guard g.S > 1 else {
        g.forEachColumnRow(images: B) { column, row in copyRowSpilling(from: padded + row, to: cols + column, count: g.Wo) }
        return
    }
    let (S, Wp, Wq, Hp, Ho, Wo, K, Cg) = (g.S, g.Wp, g.Wq, g.Hp, g.Ho, g.Wo, g.K, g.Cg)
    // phases (B·Cg·Hp rows, S, Wq): phases[(row·S + r)·Wq + X] = padded[row·Wp + X·S + r]
    for row in 0..<(B * Cg * Hp) {
        let source = padded + row * Wp
        for r in 0..<S {
            let target = phases + (row * S + r) * Wq
            for X in 0..<((Wp - r + S - 1) / S) { target[X] = source[X * S + r] }
        }
    }
    // cols row ((c·K + i)·K + j, b, oy) = phases[((b·Cg + c)·Hp + oy·S + i)·S + r][q + ox], j = q·S + r
    var column = 0
    for c in 0..<Cg {
        for i in 0..<K {
            for j in 0..<K {
                let (q, r) = (j / S, j % S)
                for b in 0..<B {
                    for oy in 0..<Ho {
                        let row = (b * Cg + c) * Hp + oy * S + i
                        copyRowSpilling(from: phases + (row * S + r) * Wq + q, to: cols + column, count: Wo)
                        column += Wo
                    }
                }
            }
        }
    }
}

/// Adds `cols` (Cg·K·K, B·Ho·Wo) onto `padded` (B, Cg, Hp, Wp), which must start at zero, and
/// writes its interior into `dx[n0 + b, c0 + c]`: the adjoint of ``pad`` and ``im2col``,
/// padded[row + ox·S] += cols[column + ox] along the same rows.
@_specialize(where Scalar == Float)
func col2im<Scalar: TensorScalar>(
    _ cols: UnsafePointer<Scalar>, geometry g: ConvolutionGeometry,
    images n0: Int, count B: Int, firstChannel c0: Int,
    padded: UnsafeMutablePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>
) {
    let (S, Wo) = (g.S, g.Wo)
    if S == 1 {
        g.forEachColumnRow(images: B) { column, row in
            let (target, source) = (padded + row, cols + column)
            for ox in 0..<Wo { target[ox] += source[ox] }
        }
    } else {
        g.forEachColumnRow(images: B) { column, row in
            let (target, source) = (padded + row, cols + column)
            for ox in 0..<Wo { target[ox * S] += source[ox] }
        }
    }
    g.forEachImageRow(images: n0, count: B, firstChannel: c0) { image, row in
        (dx + image).update(from: padded + row, count: g.W)
    }
}
