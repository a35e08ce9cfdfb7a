import Foundation
import AlexNet

/// Assignment 8 — the paper's colour augmentation and its ten-view evaluation (Section 4.1).
///
/// **PCA lighting.** With pᵢ the unit eigenvectors and λᵢ the eigenvalues of the 3×3 covariance
/// of the training set's RGB values, and αᵢ ~ N(0, 0.1²) drawn once per image each time it is
/// used, every pixel of the image is shifted by
///
///     shift = [p₁ p₂ p₃] · [α₁λ₁, α₂λ₂, α₃λ₃]ᵀ,   i.e.  shift[c] = Σᵢ pᵢ[c] · αᵢ · λᵢ
///
/// `eigenvectors[i]` is pᵢ (a row per eigenvector, not a column).
///
/// **Ten views.** At test time the network sees ten S × S patches of each image: the four corner
/// patches and the centre patch, then the same five mirrored left to right, in this order:
///
///     (0, 0), (W − S, 0), (0, H − S), (W − S, H − S), (⌊(W − S)/2⌋, ⌊(H − S)/2⌋)   as (x, y)
///
/// and its prediction is the mean of the softmax probabilities of the ten views (not of their logits).
public enum TestTimeAugmentation {
    /// One patch: its top-left corner (x, y) and whether it is mirrored.
    public struct View: Equatable, Sendable, CustomStringConvertible {
        public var x: Int, y: Int, flipped: Bool
        public init(x: Int, y: Int, flipped: Bool) { self.x = x; self.y = y; self.flipped = flipped }
        public var description: String { "(\(x), \(y)\(flipped ? ", flipped" : ""))" }
    }

    /// The shift per channel for given α.
    public static func lightingShift(eigenvalues: [Double], eigenvectors: [[Double]], alphas: [Double]) throws -> [Double] {
        // BEGIN SOLUTION lighting-shift
        let C = eigenvalues.count
        guard eigenvectors.count == C, alphas.count == C, eigenvectors.allSatisfy({ $0.count == C }) else {
            throw ShapeError("lighting: \(C) eigenvalues need \(C) eigenvectors of \(C) and \(C) alphas")
        }
        return (0..<C).map { c in (0..<C).reduce(0.0) { $0 + eigenvectors[$1][c] * alphas[$1] * eigenvalues[$1] } }
        // END SOLUTION
    }

    /// The ten views of an image of `height`×`width`, patches of `size`, in the order above.
    public static func tenViews(height: Int, width: Int, size: Int) throws -> [View] {
        // BEGIN SOLUTION ten-views
        guard size <= height, size <= width else { throw ShapeError("ten views: \(size) patches of a \(height)×\(width) image") }
        let corners = [(0, 0), (width - size, 0), (0, height - size), (width - size, height - size),
                       ((width - size) / 2, (height - size) / 2)]
        return [false, true].flatMap { flipped in corners.map { View(x: $0.0, y: $0.1, flipped: flipped) } }
        // END SOLUTION
    }

    /// The patch `view` of `image` (C, H, W) as (C, size, size), mirrored when the view is flipped:
    /// patch[c, v, u] = image[c, y + v, x + u′], u′ = size − 1 − u if flipped, else u.
    public static func crop(_ image: Tensor<Double>, view: View, size: Int) throws -> Tensor<Double> {
        // BEGIN SOLUTION crop
        let (C, H, W) = (image.shape[0], image.shape[1], image.shape[2])
        guard view.x >= 0, view.y >= 0, view.x + size <= W, view.y + size <= H else {
            throw ShapeError("crop: \(view) with size \(size) leaves the \(H)×\(W) image")
        }
        var patch = Tensor<Double>(shape: [C, size, size])
        for c in 0..<C {
            for v in 0..<size {
                for u in 0..<size {
                    let source = view.x + (view.flipped ? size - 1 - u : u)
                    patch.scalars[(c * size + v) * size + u] = image.scalars[(c * H + view.y + v) * W + source]
                }
            }
        }
        return patch
        // END SOLUTION
    }

    /// The mean over the views of softmax(logits of each view): logits (V, K) → K probabilities.
    public static func averagedPrediction(logits: Tensor<Double>) throws -> [Double] {
        // BEGIN SOLUTION averaged-prediction
        let (V, K) = (logits.shape[0], logits.shape[1])
        var mean = [Double](repeating: 0, count: K)
        for v in 0..<V {
            let row = Array(logits.scalars[(v * K)..<((v + 1) * K)])
            let top = row.max()!
            let e = row.map { exp($0 - top) }
            let sum = e.reduce(0, +)
            for k in 0..<K { mean[k] += e[k] / sum / Double(V) }
        }
        return mean
        // END SOLUTION
    }
}
