/// The forward and backward passes of a stride-1 convolution by F(m×m, r×r) (the method:
/// ``WinogradTransform``); owned by a ``Convolution``, which hands it its weight rows as they
/// lie, one (M, Cg, K, K) block, and uses it for 3×3 and 5×5 kernels at stride 1 — and for a
/// strided layer whose kernel folds into one of those over its input's phases (``StrideFold``):
/// then `packed` holds the phases, U comes from the folded weights, and dW is unfolded.
///
/// Letters: N batch, C input channels, Cg per group, M outputs, Mg per group, K kernel,
/// m output tile, n = m + K − 1 input tile, T tiles in a chunk of B images. Buffers, kept from step to step, one slice
/// per worker except U:
///
///     packed    (B, He, We, Cg)   the chunk's group of channels, channel-last, zero-bordered;
///                                 in the backward pass the padded input gradient
///     V         n² × (T, Cg)      transformed input tiles; in the backward pass then dV
///     products  n² × (T, Mg)      P_ξ = V_ξ · U_ξ; in the backward pass dP
///     U         n² × (Cg, M)      transformed kernels, computed once per pass
///     dU        n² × (Cg, M)      the worker's sum of V_ξᵀ · dP_ξ
///
/// Each worker takes a run of the batch's images, as in ``Convolution``; its parameter
/// gradients are summed per worker and added in worker order, so a run is reproducible at a
/// given thread count.
final class WinogradConvolution<Scalar: TensorScalar> {
    let kernels: WinogradKernels<Scalar>
    /// Upper bound on a worker's V and products buffers, in scalars: images go through in chunks below it.
    var tileBufferLimit = 1 << 18
    /// The fewest tiles a chunk holds, the bound notwithstanding (while the worker has the images):
    /// the rows of each position's GEMM. 128 for F(4×4, 3×3) and F(5×5, 3×3) at stride 1, none for
    /// the other tiles and for a folded layer (``chunkSize(_:images:)``).
    ///
    /// On a 13×13 map F(4×4) has 16 tiles an image, and the bound, at the paper's widths,
    /// leaves one image a chunk: 36 GEMMs of 16 rows each, which keep OpenBLAS's kernel mostly
    /// idle. `alexnet-bench --winograd-tiles` (2 threads, Zen 4, OpenBLAS's Cooperlake kernel, three rounds, medians), the
    /// paper's conv3, conv4, conv5 on 13×13 at batch 128, F(4×4) with chunks of one image
    /// against eight (128 tiles): 259 → 346, 295 → 319, 281 → 296 GFLOP/s; inside the paper
    /// net (`--net paper`, five alternating rounds) 1.24×, 1.13× and 1.07× F(2×2)'s. F(5×5) has 9
    /// tiles an image there: with no floor, 256 → 256 on 13×13 at batch 128 ran at 296–327
    /// GFLOP/s, with 128 (15 images) 429–434, with 256 435–444 (two rounds). F(2×2) on the same
    /// layers (49 tiles an image) gained nothing from the same floor, and F(3×3, 5×5) on the
    /// paper's conv2 (81 tiles, 48 channels a group) lost by it, so they keep the bound alone.
    let minimumChunkTiles: Int

    private let packed = ScratchBuffer<Scalar>(), V = ScratchBuffer<Scalar>(), products = ScratchBuffer<Scalar>()
    private let scratch = ScratchBuffer<Scalar>(), U = ScratchBuffer<Scalar>(), dU = ScratchBuffer<Scalar>()
    private let kernelScratch = ScratchBuffer<Scalar>()
    /// A strided convolution's folded weights w' (M, Cg·S², K', K'), then their gradient.
    private let foldedWeights = ScratchBuffer<Scalar>()

    /// F(m×m, K×K) with m = `outputTile`.
    init(kernelSize: Int, outputTile: Int = 2) {
        kernels = WinogradKernels(WinogradTransform(kernelSize: kernelSize, outputTile: outputTile))
        minimumChunkTiles = kernelSize == 3 && outputTile >= 4 ? 128 : 0
    }

    /// The output tile m.
    var outputTile: Int { kernels.m }

    /// Worker w takes images `runs[w]`, in chunks of `chunk`: as many images as the bound allows,
    /// and enough for ``minimumChunkTiles``, at most a worker's run.
    private func plan(_ s: WinogradTiling, batch N: Int) -> (runs: [Range<Int>], chunk: Int) {
        let runs = Threading.runs(N)
        return (runs, chunkSize(s, images: runs.map(\.count).max() ?? 1))
    }

    /// Images in a chunk, for a worker with `images` images. A folded layer's map is large (conv1:
    /// 121 tiles of F(5×5) an image) and keeps the bound alone: with the floor's two images a chunk
    /// (242-row GEMMs) OpenBLAS left its small-matrix kernel and conv1 ran slower.
    func chunkSize(_ s: WinogradTiling, images: Int) -> Int {
        let tiles = s.TH * s.TW, perImage = s.n * s.n * tiles * max(s.g.Cg, s.Mg)
        let floor = s.fold == nil ? (minimumChunkTiles + tiles - 1) / tiles : 1
        return max(1, min(images, max(floor, tileBufferLimit / perImage)))
    }

    /// One worker's slices of the buffers, for `workers` workers (sizes in scalars).
    private struct Slices {
        let packed: Int, V: Int, products: Int, scratch: Int
    }

    private func slices(_ s: WinogradTiling, chunk B: Int) -> Slices {
        let T = B * s.TH * s.TW, nn = s.n * s.n
        return Slices(packed: B * s.He * s.We * s.g.Cg, V: nn * T * s.g.Cg, products: nn * T * s.Mg,
                      scratch: max(kernels.untransformScratch(s), s.He * s.n * s.g.Cg))
    }

    /// The tiles of geometry g: of g itself at stride 1, of its ``StrideFold`` at a larger stride.
    func tiling(_ g: ConvolutionGeometry, outputs M: Int, groups: Int) -> WinogradTiling {
        let fold = g.S > 1 ? StrideFold(g) : nil
        let s = WinogradTiling(g: fold?.folded ?? g, M: M, Mg: M / groups, m: kernels.m, n: kernels.n, fold: fold)
        precondition(s.g.K == kernels.n - kernels.m + 1, "Winograd: a \(s.g.K)×\(s.g.K) kernel on the path for \(kernels.n - kernels.m + 1)×\(kernels.n - kernels.m + 1)")
        return s
    }

    /// U = G g Gᵀ for the weights w (M, Cg, K, K), folded first for a strided convolution.
    private func transformKernels(_ w: UnsafePointer<Scalar>, _ s: WinogradTiling) -> SendablePointer<Scalar> {
        let (M, Cg, K) = (s.M, s.g.Cg, s.g.K)
        var w = w
        if let fold = s.fold {
            let folded = foldedWeights.reserve(M * Cg * K * K).base
            fold.foldWeights(w, outputs: M, into: folded)
            w = UnsafePointer(folded)
        }
        let U = U.reserve(s.n * s.n * Cg * M)
        kernels.transformKernels(w, M: M, Cg: Cg, K: K, into: U.base,
                                 scratch: kernelScratch.reserve(Cg * K * K * M + s.n * K * M).base)
        return U
    }

    /// y (N, M, Ho, Wo) = bias + x (N, C, H, W) convolved with w (M, Cg, K, K), groups of Mg outputs.
    /// (Specialised for Double too: the gradient checks run it, and generic SIMD code is slow.)
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(_ x: UnsafePointer<Scalar>, weights w: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>,
                 geometry source: ConvolutionGeometry, outputs M: Int, groups: Int, batch N: Int,
                 into y: UnsafeMutablePointer<Scalar>) {
        let s = tiling(source, outputs: M, groups: groups), g = s.g
        let (runs, chunk) = plan(s, batch: N)
        let size = slices(s, chunk: chunk), workers = runs.count
        let (nn, Cg, Mg, k) = (s.n * s.n, g.Cg, s.Mg, kernels)
        let (xp, yp, bp) = (SendablePointer(x), SendablePointer(y), SendablePointer(bias))
        let U = transformKernels(w, s)
        let (packed, V) = (packed.reserve(workers * size.packed), V.reserve(workers * size.V))
        let (products, scratch) = (products.reserve(workers * size.products), scratch.reserve(workers * size.scratch))
        parallelFor(workers) { worker in
            let (packed, V) = (packed.base + worker * size.packed, V.base + worker * size.V)
            let (P, scratch) = (products.base + worker * size.products, scratch.base + worker * size.scratch)
            for n0 in Swift.stride(from: runs[worker].lowerBound, to: runs[worker].upperBound, by: chunk) {
                let B = min(chunk, runs[worker].upperBound - n0), T = B * s.TH * s.TW
                for group in 0..<groups {
                    s.pack(xp.base, images: n0, count: B, group: group, into: packed)
                    k.transformTiles(packed, s, count: B, into: V, scratch: scratch)
                    // P_ξ (T, Mg) = V_ξ (T, Cg) · U_ξ[:, the group's Mg columns] (Cg, Mg)
                    for ξ in 0..<nn {
                        Scalar.gemm(transposeA: false, transposeB: false, m: T, n: Mg, k: Cg,
                                    alpha: 1, a: V + ξ * T * Cg, lda: Cg, b: U.base + ξ * Cg * M + group * Mg, ldb: M,
                                    beta: 0, c: P + ξ * T * Mg, ldc: Mg)
                    }
                    k.untransformTiles(P, s, images: n0, count: B, group: group, bias: bp.base, into: yp.base,
                                       scratch: scratch)
                }
            }
        }
    }

    /// Adds ∂L/∂w into dW (M, Cg, K, K) and ∂L/∂bias into dBias (M), and writes ∂L/∂x into dx
    /// (N, C, H, W) when given, for dy (N, M, Ho, Wo) and the forward pass's x and w.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backward(_ dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>, weights w: UnsafePointer<Scalar>,
                  geometry source: ConvolutionGeometry, outputs M: Int, groups: Int, batch N: Int,
                  dWeight: UnsafeMutablePointer<Scalar>, dBias: UnsafeMutablePointer<Scalar>,
                  dx: UnsafeMutablePointer<Scalar>?) {
        let s = tiling(source, outputs: M, groups: groups), g = s.g
        let (runs, chunk) = plan(s, batch: N)
        let size = slices(s, chunk: chunk), workers = runs.count
        let (nn, Cg, Mg, k, HoWo) = (s.n * s.n, g.Cg, s.Mg, kernels, g.Ho * g.Wo)
        let gradientSize = nn * Cg * M + M                            // a worker's dU, then its bias gradient
        let (xp, dyp, dxp) = (SendablePointer(x), SendablePointer(dy), dx.map { SendablePointer($0) })
        let U = transformKernels(w, s)
        let (packed, V) = (packed.reserve(workers * size.packed), V.reserve(workers * size.V))
        let (products, scratch) = (products.reserve(workers * size.products), scratch.reserve(workers * size.scratch))
        let partial = dU.reserve(workers * gradientSize)
        parallelFor(workers) { worker in
            let (packed, V) = (packed.base + worker * size.packed, V.base + worker * size.V)
            let (dP, scratch) = (products.base + worker * size.products, scratch.base + worker * size.scratch)
            let dU = partial.base + worker * gradientSize, dBias = dU + nn * Cg * M
            dU.update(repeating: 0, count: gradientSize)
            for n0 in Swift.stride(from: runs[worker].lowerBound, to: runs[worker].upperBound, by: chunk) {
                let B = min(chunk, runs[worker].upperBound - n0), T = B * s.TH * s.TW
                for b in 0..<B {
                    for m in 0..<M { dBias[m] += sum(dyp.base + ((n0 + b) * M + m) * HoWo, count: HoWo) }
                }
                for group in 0..<groups {
                    s.pack(xp.base, images: n0, count: B, group: group, into: packed)
                    k.transformTiles(packed, s, count: B, into: V, scratch: scratch)
                    k.transformOutputGradients(dyp.base, s, images: n0, count: B, group: group, into: dP, scratch: scratch)
                    for ξ in 0..<nn {
                        // dU_ξ[:, the group's Mg columns] (Cg, Mg) += V_ξᵀ (Cg, T) · dP_ξ (T, Mg)
                        Scalar.gemm(transposeA: true, transposeB: false, m: Cg, n: Mg, k: T,
                                    alpha: 1, a: V + ξ * T * Cg, lda: Cg, b: dP + ξ * T * Mg, ldb: Mg,
                                    beta: 1, c: dU + ξ * Cg * M + group * Mg, ldc: M)
                        guard dxp != nil else { continue }
                        // dV_ξ (T, Cg) = dP_ξ (T, Mg) · U_ξ[:, the group's columns]ᵀ (Mg, Cg), over V_ξ
                        Scalar.gemm(transposeA: false, transposeB: true, m: T, n: Cg, k: Mg,
                                    alpha: 1, a: dP + ξ * T * Mg, lda: Mg, b: U.base + ξ * Cg * M + group * Mg, ldb: M,
                                    beta: 0, c: V + ξ * T * Cg, ldc: Cg)
                    }
                    guard let dxp else { continue }
                    packed.update(repeating: 0, count: size.packed)
                    k.addTileGradients(V, s, count: B, into: packed, scratch: scratch)
                    s.unpack(packed, images: n0, count: B, group: group, into: dxp.base)
                }
            }
        }
        // The parameter gradients: the workers' sums added in worker order.
        for worker in 1..<max(1, workers) {
            let (total, part) = (partial.base, partial.base + worker * gradientSize)
            for q in 0..<gradientSize { total[q] += part[q] }
        }
        for m in 0..<M { dBias[m] += partial.base[nn * Cg * M + m] }
        let kernelRows = kernelScratch.reserve(Cg * g.K * g.K * M + s.n * g.K * M).base
        guard let fold = s.fold else {
            return kernels.addKernelGradient(partial.base, M: M, Cg: Cg, K: g.K, into: dWeight, scratch: kernelRows)
        }
        let folded = foldedWeights.reserve(M * Cg * g.K * g.K).base
        folded.update(repeating: 0, count: M * Cg * g.K * g.K)
        kernels.addKernelGradient(partial.base, M: M, Cg: Cg, K: g.K, into: folded, scratch: kernelRows)
        fold.addUnfoldedGradient(folded, outputs: M, into: dWeight)
    }
}
