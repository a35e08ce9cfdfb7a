/// The forward and backward passes of a convolution as im2col + GEMM (``Im2col.swift`` for the
/// rearrangement); owned by a ``Convolution``, which hands it its weight rows as they lie, one
/// (M, Cg·K·K) block. ``DirectConvolution``'s seven loops are its tested twin.
///
/// Letters: N batch, C input channels, Cg per group, M outputs, Mg per group, G groups, K kernel,
/// Ho·Wo output positions, B images in a chunk. Each worker takes a run of the batch's images, a
/// chunk at a time; for each chunk and group, in the worker's own buffers (kept from step to step):
///
///     padded    (B, Cg, H + 2P, W + 2P)   the chunk's group, zero-bordered; in backward dx's too
///     columns   (Cg·K·K, B·Ho·Wo)         im2col of the padded chunk
///     block     (Mg, B·Ho·Wo)             the product, or dy rearranged to match it
///     dColumns  (Cg·K·K, B·Ho·Wo)         the columns' gradient, for col2im
///
/// A chunk of one image needs no rearranging: its product is y's own (Mg, Ho·Wo) block and its
/// dy block is dy's. The parameter gradients are summed per worker and added in worker order,
/// so a run is reproducible at a given thread count.
final class Im2colConvolution<Scalar: TensorScalar> {
    /// Upper bound on a worker's column buffer, in scalars: its images go through in chunks below
    /// it. 2¹⁹ (2 MiB of Float) keeps a chunk's column matrix near the worker's own caches;
    /// larger chunks fall out of them and smaller ones make narrower products.
    var columnBufferLimit = 1 << 19

    private let padded = ScratchBuffer<Scalar>(), phases = ScratchBuffer<Scalar>(), columns = ScratchBuffer<Scalar>()
    private let block = ScratchBuffer<Scalar>()
    private let columnGradients = ScratchBuffer<Scalar>(), partialGradients = ScratchBuffer<Scalar>()

    /// How many images go through im2col at once, for a worker given `images` of them: one
    /// whenever its output plane has 256 positions or more (a product that wide runs as fast as
    /// a chunk's, and needs no rearranging), else as many as fit ``columnBufferLimit``.
    func chunkSize(_ g: ConvolutionGeometry, batch images: Int) -> Int {
        if g.Ho * g.Wo >= 256 { return 1 }
        return max(1, min(images, columnBufferLimit / max(1, g.Cg * g.K * g.K * g.Ho * g.Wo)))
    }

    /// Worker w takes images `runs[w]`, in chunks of `chunk`.
    private func plan(_ g: ConvolutionGeometry, batch N: Int) -> (runs: [Range<Int>], chunk: Int) {
        let runs = Threading.runs(N)
        return (runs, chunkSize(g, batch: runs.map(\.count).max() ?? 1))
    }

    /// y (N, M, Ho, Wo) = bias + x (N, C, H, W) convolved with w (M, Cg·K·K), groups of Mg outputs.
    @_specialize(where Scalar == Float)
    func forward(_ x: UnsafePointer<Scalar>, weights w: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>,
                 geometry g: ConvolutionGeometry, outputs M: Int, groups G: Int, batch N: Int,
                 into y: UnsafeMutablePointer<Scalar>) {
        let (runs, chunk) = plan(g, batch: N)
        let (Mg, HoWo) = (M / G, g.Ho * g.Wo)
        let (paddedSize, columnSize, blockSize) = (g.paddedCount(images: chunk), g.columnCount(images: chunk), Mg * chunk * HoWo)
        let padded = padded.reserve(runs.count * paddedSize), cols = columns.reserve(runs.count * columnSize)
        let phaseSize = g.phaseCount(images: chunk), phases = phases.reserve(runs.count * phaseSize)
        let product = block.reserve(runs.count * blockSize)
        let (xp, yp, wp, bp) = (SendablePointer(x), SendablePointer(y), SendablePointer(w), SendablePointer(bias))
        parallelFor(runs.count) { worker in
            let (padded, cols) = (padded.base + worker * paddedSize, cols.base + worker * columnSize)
            let (product, phases) = (product.base + worker * blockSize, phases.base + worker * phaseSize)
            for n0 in Swift.stride(from: runs[worker].lowerBound, to: runs[worker].upperBound, by: chunk) {
                let B = min(chunk, runs[worker].upperBound - n0)
                for group in 0..<G {
                    Self.columns(of: xp.base, g, images: n0, count: B, group: group, padded: padded, phases: phases, into: cols)
                    let yBlock = yp.base + (n0 * M + group * Mg) * HoWo        // y[n0, group's Mg outputs]
                    Self.multiply(wp.base + group * Mg * g.columnRows, Mg, cols, g, count: B, into: B == 1 ? yBlock : product)
                    if B == 1 {
                        Self.addBias(bp.base + group * Mg, Mg, to: yBlock, positions: HoWo)
                    } else {
                        Self.scatter(product, Mg, count: B, bias: bp.base + group * Mg, into: yp.base + group * Mg * HoWo,
                                     images: n0, outputs: M, positions: HoWo)
                    }
                }
            }
        }
    }

    /// Adds ∂L/∂w into dWeight (M, Cg·K·K) and ∂L/∂bias into dBias (M), and writes ∂L/∂x into dx
    /// (N, C, H, W) when given, for dy (N, M, Ho, Wo) and the forward pass's x and w.
    @_specialize(where Scalar == Float)
    func backward(_ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, weights w: UnsafePointer<Scalar>,
                  geometry g: ConvolutionGeometry, outputs M: Int, groups G: Int, batch N: Int,
                  dWeight: UnsafeMutablePointer<Scalar>, dBias: UnsafeMutablePointer<Scalar>,
                  dx: UnsafeMutablePointer<Scalar>?) {
        let (runs, chunk) = plan(g, batch: N)
        let (Mg, CKK, HoWo) = (M / G, g.columnRows, g.Ho * g.Wo)
        let (paddedSize, columnSize, blockSize) = (g.paddedCount(images: chunk), g.columnCount(images: chunk), Mg * chunk * HoWo)
        let gradientSize = M * CKK + M                          // a worker's dWeight, then its dBias
        let padded = padded.reserve(runs.count * paddedSize), cols = columns.reserve(runs.count * columnSize)
        let phaseSize = g.phaseCount(images: chunk), phases = phases.reserve(runs.count * phaseSize)
        let dyBlocks = block.reserve(runs.count * blockSize)
        let dColumns = dx == nil ? nil : columnGradients.reserve(runs.count * columnSize)
        let partial = partialGradients.reserve(runs.count * gradientSize)
        let (xp, dyp, wp, dxp) = (SendablePointer(x), SendablePointer(dy), SendablePointer(w), dx.map { SendablePointer($0) })
        parallelFor(runs.count) { worker in
            let (padded, cols) = (padded.base + worker * paddedSize, cols.base + worker * columnSize)
            let phases = phases.base + worker * phaseSize
            let dyBlocks = dyBlocks.base + worker * blockSize, dCols = dColumns.map { $0.base + worker * columnSize }
            let dW = partial.base + worker * gradientSize, dB = dW + M * CKK
            dW.update(repeating: 0, count: gradientSize)
            for n0 in Swift.stride(from: runs[worker].lowerBound, to: runs[worker].upperBound, by: chunk) {
                let B = min(chunk, runs[worker].upperBound - n0)
                for group in 0..<G {
                    Self.columns(of: xp.base, g, images: n0, count: B, group: group, padded: padded, phases: phases, into: cols)
                    // dy rearranged as the forward product was (for one image, dy's own block)
                    let dyBlock = B == 1 ? dyp.base + (n0 * M + group * Mg) * HoWo : dyBlocks
                    if B > 1 { Self.gather(dyp.base + group * Mg * HoWo, Mg, count: B, images: n0, outputs: M, positions: HoWo, into: dyBlocks) }
                    Self.addBiasGradient(dyBlock, Mg, columns: B * HoWo, into: dB + group * Mg)
                    Self.addWeightGradient(dyBlock, Mg, cols, g, count: B, into: dW + group * Mg * CKK)
                    guard let dCols, let dxp else { continue }
                    Self.columnGradient(wp.base + group * Mg * CKK, Mg, dyBlock, g, count: B, into: dCols)
                    padded.update(repeating: 0, count: B * g.Cg * g.Hp * g.Wp)
                    col2im(dCols, geometry: g, images: n0, count: B, firstChannel: group * g.Cg, padded: padded, into: dxp.base)
                }
            }
        }
        // The workers' sums, in worker order.
        for worker in 0..<runs.count {
            let part = partial.base + worker * gradientSize
            for k in 0..<(M * CKK) { dWeight[k] += part[k] }
            for m in 0..<M { dBias[m] += part[M * CKK + m] }
        }
    }

    // MARK: The steps of a chunk, each on one worker's buffers.

    /// im2col of images n0..<n0+B, the group's channels: pad, then lay out the columns (through
    /// the padded rows' phases at a stride above 1).
    private static func columns(of x: UnsafePointer<Scalar>, _ g: ConvolutionGeometry, images n0: Int, count B: Int,
                                group: Int, padded: UnsafeMutablePointer<Scalar>, phases: UnsafeMutablePointer<Scalar>,
                                into cols: UnsafeMutablePointer<Scalar>) {
        pad(x, geometry: g, images: n0, count: B, firstChannel: group * g.Cg, into: padded)
        im2col(padded: padded, geometry: g, count: B, phases: phases, into: cols)
    }

    /// product (Mg, B·Ho·Wo) = w (Mg, Cg·K·K) · cols (Cg·K·K, B·Ho·Wo).
    private static func multiply(_ w: UnsafePointer<Scalar>, _ Mg: Int, _ cols: UnsafePointer<Scalar>,
                                 _ g: ConvolutionGeometry, count B: Int, into product: UnsafeMutablePointer<Scalar>) {
        let columns = B * g.Ho * g.Wo
        Scalar.gemm(transposeA: false, transposeB: false, m: Mg, n: columns, k: g.columnRows,
                    alpha: 1, a: w, lda: g.columnRows, b: cols, ldb: columns, beta: 0, c: product, ldc: columns)
    }

    /// y[m, p] += bias[m] for a (Mg, Ho·Wo) block of one image.
    private static func addBias(_ bias: UnsafePointer<Scalar>, _ Mg: Int, to y: UnsafeMutablePointer<Scalar>, positions: Int) {
        for m in 0..<Mg {
            let row = y + m * positions
            for p in 0..<positions { row[p] += bias[m] }
        }
    }

    /// y[n0 + b, m, p] = product[m, b·Ho·Wo + p] + bias[m]: a chunk's product back into y, whose
    /// pointer is at the group's first output channel.
    private static func scatter(_ product: UnsafePointer<Scalar>, _ Mg: Int, count B: Int, bias: UnsafePointer<Scalar>,
                                into y: UnsafeMutablePointer<Scalar>, images n0: Int, outputs M: Int, positions HoWo: Int) {
        for b in 0..<B {
            for m in 0..<Mg {
                let (source, target) = (product + (m * B + b) * HoWo, y + ((n0 + b) * M + m) * HoWo)
                for p in 0..<HoWo { target[p] = source[p] + bias[m] }
            }
        }
    }

    /// dyBlock[m, b·Ho·Wo + p] = dy[n0 + b, m, p]: the inverse of ``scatter``, dy's pointer at the
    /// group's first output channel.
    private static func gather(_ dy: UnsafePointer<Scalar>, _ Mg: Int, count B: Int, images n0: Int, outputs M: Int,
                               positions HoWo: Int, into dyBlock: UnsafeMutablePointer<Scalar>) {
        for b in 0..<B {
            for m in 0..<Mg { (dyBlock + (m * B + b) * HoWo).update(from: dy + ((n0 + b) * M + m) * HoWo, count: HoWo) }
        }
    }

    /// dBias[m] += Σ_columns dyBlock[m, ·].
    private static func addBiasGradient(_ dyBlock: UnsafePointer<Scalar>, _ Mg: Int, columns: Int,
                                        into dBias: UnsafeMutablePointer<Scalar>) {
        for m in 0..<Mg { dBias[m] += sum(dyBlock + m * columns, count: columns) }
    }

    /// dW (Mg, Cg·K·K) += dyBlock (Mg, B·Ho·Wo) · colsᵀ (B·Ho·Wo, Cg·K·K).
    private static func addWeightGradient(_ dyBlock: UnsafePointer<Scalar>, _ Mg: Int, _ cols: UnsafePointer<Scalar>,
                                          _ g: ConvolutionGeometry, count B: Int, into dW: UnsafeMutablePointer<Scalar>) {
        let columns = B * g.Ho * g.Wo
        Scalar.gemm(transposeA: false, transposeB: true, m: Mg, n: g.columnRows, k: columns,
                    alpha: 1, a: dyBlock, lda: columns, b: cols, ldb: columns, beta: 1, c: dW, ldc: g.columnRows)
    }

    /// dCols (Cg·K·K, B·Ho·Wo) = wᵀ (Cg·K·K, Mg) · dyBlock (Mg, B·Ho·Wo), for col2im.
    private static func columnGradient(_ w: UnsafePointer<Scalar>, _ Mg: Int, _ dyBlock: UnsafePointer<Scalar>,
                                       _ g: ConvolutionGeometry, count B: Int, into dCols: UnsafeMutablePointer<Scalar>) {
        let columns = B * g.Ho * g.Wo
        Scalar.gemm(transposeA: true, transposeB: false, m: g.columnRows, n: columns, k: Mg,
                    alpha: 1, a: w, lda: g.columnRows, b: dyBlock, ldb: columns, beta: 0, c: dCols, ldc: columns)
    }
}
