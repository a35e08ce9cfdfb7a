import AlexNet

/// How colour-specific a first-layer kernel is: Figure 3's observation that one tower's
/// kernels are "largely color-agnostic" and the other's "largely color-specific" (Section 3.2),
/// made a number.
///
/// At every tap (i, j) the kernel's three weights (R, G, B) are written in an orthonormal
/// opponent basis — luminance and two colour differences:
///
///     L = (R + G + B)/√3,   RG = (R − G)/√2,   YB = (R + G − 2B)/√6
///
/// The chromatic share is the part of the kernel's energy in the colour differences:
///
///     share = Σ (RG² + YB²) / Σ (R² + G² + B²) = 1 − Σ L² / Σ (R² + G² + B²)
///
/// 0 for a kernel that weighs the three channels alike (it sees brightness only), 1 for one whose
/// channels sum to zero at every tap (it sees colour only), 2/3 on average for random Gaussian
/// weights (two of the three directions are chromatic). An untrained network sits at 2/3 in
/// both towers; the paper's claim is that training drives one tower's average down and the
/// other's up.
public enum KernelColour {
    /// The chromatic share of each kernel of `kernels` (K, 3, h, w).
    public static func chromaticShare(_ kernels: Tensor<Float>) -> [Double] {
        precondition(kernels.shape.count == 4 && kernels.shape[1] == 3,
                     "KernelColour: needs (K, 3, h, w) kernels of RGB images, got \(kernels.shape)")
        let (K, taps) = (kernels.shape[0], kernels.shape[2] * kernels.shape[3])
        return (0..<K).map { k in
            var luminance = 0.0, energy = 0.0
            for p in 0..<taps {
                let base = k * 3 * taps + p
                let (r, g, b) = (Double(kernels.scalars[base]), Double(kernels.scalars[base + taps]),
                                 Double(kernels.scalars[base + 2 * taps]))
                luminance += (r + g + b) * (r + g + b) / 3
                energy += r * r + g * g + b * b
            }
            return energy > 0 ? 1 - luminance / energy : 0
        }
    }
}
