/// Softmax followed by the cross-entropy with the true labels: the paper's objective,
/// "maximise the multinomial logistic regression objective" (Section 3.5), i.e. minimise
///
///     L = −(1/N) Σ_n log p[n, label_n],   p[n, k] = exp(z[n, k] − max_j z[n, j]) / Σ_j exp(z[n, j] − max_j z[n, j])
///
/// (subtracting the row maximum changes nothing mathematically and keeps exp from overflowing).
///
/// Backward: ∂L/∂z[n, k] = (p[n, k] − [k = label_n]) / N.
/// Shapes: logits z (N, K), labels N integers in 0..<K → a scalar loss; probabilities (N, K).
public final class SoftmaxCrossEntropy<Scalar: TensorScalar> {
    /// Softmax of the last logits, (N, K).
    public private(set) var probabilities = Tensor<Scalar>(shape: [0])
    private var labels: [Int] = []

    public init() {}

    /// Row-wise softmax of `logits` (N, K).
    @_specialize(where Scalar == Float)
    public static func softmax(_ logits: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(logits.rank == 2, "softmax: expected (N, K), got \(logits.shape)")
        let (N, K) = (logits.shape[0], logits.shape[1])
        var p = logits
        p.withUnsafeMutableBufferPointer { p in
            for n in 0..<N {
                let row = p.baseAddress! + n * K
                var top = row[0]
                for k in 1..<K { top = max(top, row[k]) }
                var sum: Scalar = 0
                for k in 0..<K { row[k] = Scalar.exp(row[k] - top); sum += row[k] }
                for k in 0..<K { row[k] /= sum }
            }
        }
        return p
    }

    /// The mean negative log-probability of `labels` under softmax(`logits`).
    @_specialize(where Scalar == Float)
    public func forward(_ logits: Tensor<Scalar>, labels: [Int]) -> Scalar {
        let (N, K) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == N, "SoftmaxCrossEntropy: \(labels.count) labels for \(N) rows")
        precondition(labels.allSatisfy { (0..<K).contains($0) }, "SoftmaxCrossEntropy: a label is outside 0..<\(K)")
        probabilities = Self.softmax(logits)
        self.labels = labels
        var loss: Scalar = 0
        for n in 0..<N {
            // log p, floored at the smallest normal number so that a certain mistake costs a large finite loss
            loss -= Scalar.log(max(probabilities.scalars[n * K + labels[n]], Scalar.leastNormalMagnitude))
        }
        return loss / Scalar(N)
    }

    /// ∂L/∂logits = (p − onehot(labels)) / N.
    @_specialize(where Scalar == Float)
    public func backward() -> Tensor<Scalar> {
        let (N, K) = (probabilities.shape[0], probabilities.shape[1])
        var dz = probabilities
        let invN = 1 / Scalar(N)
        dz.withUnsafeMutableBufferPointer { dz in
            for n in 0..<N {
                dz[n * K + labels[n]] -= 1
                for k in 0..<K { dz[n * K + k] *= invN }
            }
        }
        return dz
    }
}
