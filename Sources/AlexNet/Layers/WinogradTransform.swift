import Foundation

/// Winograd's minimal filtering F(m×m, r×r): a stride-1 convolution with fewer multiplications.
///
/// Not in the paper (cuda-convnet convolved directly); a faster way to compute exactly the same
/// function, used by ``Convolution`` for stride 1 and 3×3 or 5×5 kernels, with im2col + GEMM
/// and ``DirectConvolution`` as its tested twins.
///
/// **The idea** (Lavin and Gray, 2016). Cut the output into m×m tiles (m = 2; or 4 or 5 for 3×3
/// kernels, 3 for 5×5). Tile t of input channel c is an n×n patch d (n = m + r − 1) of the padded input, and
/// for kernel g of an output and input c
///
///     y_tile = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A          (m×m outputs from n×n products)
///
/// so that, summed over input channels, each of the n² positions ξ of the transformed tile is
/// one matrix product over channels: P_ξ (T, M) = V_ξ (T, C) · U_ξ (C, M), with V = Bᵀ d B for
/// every tile and U = G g Gᵀ for every kernel. A 5×5 convolution then takes 36 multiply-adds per
/// four outputs instead of 100, a 3×3 one 16 instead of 36 with F(2×2, 3×3), 36 per sixteen
/// outputs instead of 144 with F(4×4, 3×3) and 49 per 25 instead of 225 with F(5×5, 3×3).
///
/// **The matrices** come from polynomial interpolation (Toom–Cook) at the points 0, ±1, (±2, (½)),
/// and ∞, built in ``WinogradTransform`` rather than typed in:
///
///     Aᵀ[i][j] = p_jⁱ (i < m),   G[j][k] = p_jᵏ / Π_{l≠j}(p_j − p_l),   Bᵀ[j] = coefficients of Π_{l≠j}(x − p_l)
///
/// for the n − 1 finite points p_j, and for ∞: Aᵀ[i][∞] = [i = m − 1], G[∞][k] = [k = r − 1],
/// Bᵀ[∞] = coefficients of Π_l (x − p_l).
///
/// **Layout.** Every transform runs on vectors of channels: the input chunk is copied
/// channel-last, (B, He, We, Cg), and V_ξ, P_ξ are (T, C) and (T, M) matrices, so each step of a
/// transform is one `y += a·x` over contiguous channels (``WinogradKernels``). The backward pass
/// is the adjoint of each linear step in reverse: dP = A dY Aᵀ, dU_ξ += V_ξᵀ dP_ξ,
/// dV_ξ = dP_ξ U_ξᵀ, dx_tile += B dV Bᵀ (tiles overlap: the adds accumulate), dW = Gᵀ dU G.
///
/// **Accuracy.** The transforms carry constants up to 5 and 1/24 (F(2×2, 5×5) and F(4×4, 3×3)
/// share the points 0, ±1, ±2), so in Float the rounding error grows with them. F(2×2): about
/// ten times that of im2col + GEMM, a few millionths of the largest output for a 5×5 layer of
/// 64 channels; the tests bound it at 1e-5. F(4×4, 3×3): about 1e-5 of the largest output for
/// 64 to 384 channels, 2–4% of the rounding bound of the direct sum, (C/G·9 + 2)·u·Σ|w|·|x|
/// (im2col: 0.05–0.3%, F(2×2): 0.1–0.35%); the bound we state and test is 5e-5 of the largest
/// output and a tenth of that rounding bound for every output, against the direct sum in Double.
/// F(3×3, 5×5) adds the point ½ (constants up to 6 in Bᵀ and 0.71 in G): on the paper's conv2
/// widths per group it measured 3.4e-6 of the largest output and 1.7% of the rounding bound, about
/// what F(2×2, 5×5) gives on the same layer (3.6e-6, 1.5%); the same bound is stated and tested.
/// F(5×5, 3×3) has the same seven points (n = 7 again) and Aᵀ's powers up to 2⁴ = 16: on the
/// paper's conv3 and conv4 widths on their 13×13 maps it measured 1.2e-5 and 1.0e-5 of the largest
/// output, 1.8% and 2.4% of the rounding bound (F(4×4, 3×3) on the same: 9.9e-6 and 7.3e-6, 1.4% and
/// 1.9%); the same bound is stated and tested. conv1's fold (48 phase channels of signed pixels,
/// 363 terms a sum) is the exception: on the paper's 227×227 input, four seeds, F(5×5) came to
/// 9.4–12.6% of the rounding bound and at most 6.4e-6 of the largest output, F(4×4) to 6.2–10.0%
/// and 5.2e-6 (F(2×2) 0.5–0.7%, im2col 0.8%). A tenth of the bound, stated for F(4×4) on conv1
/// before, held on the tests' small input but not always at full size; the bound stated and tested
/// for a folded layer is a fifth of the rounding bound and 1e-5 of the largest output.

/// The three matrices of F(m×m, r×r), from the interpolation points.
struct WinogradTransform: Sendable {
    /// Kernel size r, output tile m and input tile n = m + r − 1.
    let r: Int, m: Int, n: Int
    /// Aᵀ (m, n), G (n, r), Bᵀ (n, n), row-major, in Double.
    let AT: [Double], G: [Double], BT: [Double]

    /// F(2×2, 3×3), F(2×2, 5×5), F(4×4, 3×3), F(3×3, 5×5) or F(5×5, 3×3): n − 1 finite points
    /// 0, ±1 (, ±2 (, ½)), then ∞.
    init(kernelSize r: Int, outputTile m: Int = 2) {
        precondition((m == 2 && (r == 3 || r == 5)) || (m == 4 && r == 3) || (m == 3 && r == 5) || (m == 5 && r == 3),
                     "Winograd: F(2×2, 3×3), F(2×2, 5×5), F(4×4, 3×3), F(3×3, 5×5) or F(5×5, 3×3) only, got F(\(m)×\(m), \(r)×\(r))")
        let n = m + r - 1
        let points: [Double] = switch n {
        case 4: [0, 1, -1]
        case 6: [0, 1, -1, 2, -2]
        default: [0, 1, -1, 2, -2, 0.5]          // n = 7
        }                                        // then ∞
        self.r = r
        self.m = m
        self.n = n
        var AT = [Double](repeating: 0, count: m * n), G = [Double](repeating: 0, count: n * r)
        var BT = [Double](repeating: 0, count: n * n)
        /// The coefficients (constant first) of Π (x − p) over `roots`, padded to n.
        func product(_ roots: [Double]) -> [Double] {
            var c = [1.0]
            for p in roots {
                var next = [Double](repeating: 0, count: c.count + 1)
                for (k, a) in c.enumerated() { next[k + 1] += a; next[k] -= p * a }
                c = next
            }
            return c + [Double](repeating: 0, count: n - c.count)
        }
        for (j, p) in points.enumerated() {
            let others = points.enumerated().filter { $0.offset != j }.map(\.element)
            let denominator = others.reduce(1.0) { $0 * (p - $1) }
            for i in 0..<m { AT[i * n + j] = Foundation.pow(p, Double(i)) }
            for k in 0..<r { G[j * r + k] = Foundation.pow(p, Double(k)) / denominator }
            for (k, a) in product(others).enumerated() { BT[j * n + k] = a }
        }
        let infinity = n - 1
        AT[(m - 1) * n + infinity] = 1
        G[infinity * r + r - 1] = 1
        for (k, a) in product(points).enumerated() { BT[infinity * n + k] = a }
        (self.AT, self.G, self.BT) = (AT, G, BT)
    }
}
