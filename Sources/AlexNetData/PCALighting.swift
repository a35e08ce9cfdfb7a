import Foundation
import AlexNet

/// The paper's colour augmentation (Section 4.1): principal component analysis of the RGB
/// values of all training pixels, then, for each image each time it is used, add to every pixel
///
///     Σᵢ pᵢ · αᵢ · λᵢ,     αᵢ ~ N(0, σ²), σ = 0.1
///
/// with pᵢ and λᵢ the eigenvectors and eigenvalues of the 3×3 covariance of the pixel values.
/// The paper does not give the units; we compute the covariance of pixel values in [0, 1] (the
/// common reading, whose largest eigenvalue is about 0.2 on natural images) and express the shift
/// in 0…255 pixel units before normalisation.
///
/// On one-channel images the covariance is 1×1: the "colour" shift is a change of brightness
/// of α·λ, with λ the pixel variance — on Fashion-MNIST a few grey levels, close to a no-op.
public struct PCALighting: Sendable, Equatable {
    /// λ, largest first.
    public var eigenvalues: [Double]
    /// pᵢ: `eigenvectors[i]` is the unit eigenvector of `eigenvalues[i]`.
    public var eigenvectors: [[Double]]
    /// σ of the αᵢ (the paper: 0.1).
    public var standardDeviation: Double

    public init(covariance: [[Double]], standardDeviation: Double = 0.1) {
        let (values, vectors) = Self.symmetricEigen(covariance)
        eigenvalues = values
        eigenvectors = vectors
        self.standardDeviation = standardDeviation
    }

    /// The covariance of the pixel values of `split` (scaled to [0, 1]) across channels, from at
    /// most `maximumImages` images (evenly spaced), accumulated in Double.
    public static func covariance(of split: DatasetSplit, maximumImages: Int = 10_000) -> [[Double]] {
        let C = split.channels, plane = split.height * split.width
        let step = max(1, split.count / max(1, maximumImages))
        var sum = [Double](repeating: 0, count: C), products = [Double](repeating: 0, count: C * C)
        var n = 0.0
        var value = [Double](repeating: 0, count: C)
        for i in stride(from: 0, to: split.count, by: step) {
            let image = split.image(i)
            let base = image.startIndex
            for p in 0..<plane {
                for c in 0..<C { value[c] = Double(image[base + c * plane + p]) / 255 }
                for a in 0..<C {
                    sum[a] += value[a]
                    for b in 0..<C { products[a * C + b] += value[a] * value[b] }
                }
                n += 1
            }
        }
        return (0..<C).map { a in (0..<C).map { b in products[a * C + b] / n - (sum[a] / n) * (sum[b] / n) } }
    }

    /// Fits the PCA on `split`'s pixels.
    public static func fit(_ split: DatasetSplit, standardDeviation: Double = 0.1) -> PCALighting {
        PCALighting(covariance: covariance(of: split), standardDeviation: standardDeviation)
    }

    /// Draws α and returns the shift per channel in 0…255 pixel units: 255 · Σᵢ pᵢ αᵢ λᵢ.
    public func shift(using generator: inout RandomGenerator) -> [Float] {
        let alphas = eigenvalues.map { _ in generator.normal(standardDeviation: standardDeviation) }
        return shift(alphas: alphas)
    }

    /// The shift for given α (for tests and figures).
    public func shift(alphas: [Double]) -> [Float] {
        let C = eigenvalues.count
        var shift = [Float](repeating: 0, count: C)
        for c in 0..<C {
            var sum = 0.0
            for i in 0..<C { sum += eigenvectors[i][c] * alphas[i] * eigenvalues[i] }
            shift[c] = Float(255 * sum)
        }
        return shift
    }

    /// Eigenvalues (descending) and unit eigenvectors of a small symmetric matrix, by cyclic
    /// Jacobi rotations: each rotation zeroes one off-diagonal pair; a few sweeps suffice for 3×3.
    static func symmetricEigen(_ matrix: [[Double]]) -> ([Double], [[Double]]) {
        let n = matrix.count
        precondition(matrix.allSatisfy { $0.count == n }, "PCALighting: covariance must be square")
        var a = matrix
        var v = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }     // columns: eigenvectors
        for _ in 0..<50 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i][j] * a[i][j] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {                      // a ← a·J
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<n {                      // a ← Jᵀ·a
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<n {                      // v ← v·J
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0][$0] > a[$1][$1] }
        return (order.map { a[$0][$0] }, order.map { j in (0..<n).map { v[$0][j] } })
    }
}
