import Foundation
import AlexNet

/// Assignment 2 — the fully connected layer and the softmax cross-entropy the paper's last
/// layer feeds (Section 2: "the output of the last fully-connected layer is fed to a 1000-way
/// softmax"; Section 5: the objective is the multinomial logistic regression).
///
///     forward:   y = x · Wᵀ + b              x (N, I), W (O, I), b (O) → y (N, O)
///     backward:  dx = dy · W                 (N, I)
///                dW = dyᵀ · x                (O, I): summed over the batch
///                db = Σ_n dy[n, ·]           (O)
///
///     softmax:   p[n, k] = exp(z[n, k] − m[n]) / Σ_j exp(z[n, j] − m[n]),  m[n] = max_j z[n, j]
///     loss:      L = −(1/N) Σ_n log p[n, label[n]]
///     gradient:  ∂L/∂z = (p − onehot(label)) / N
///
/// Subtracting the row's maximum changes nothing mathematically and keeps exp from overflowing
/// on large logits.
public enum FullyConnectedLayer {
    /// y = x · Wᵀ + b.
    public static func forward(_ x: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>) throws -> Tensor<Double> {
        // BEGIN SOLUTION fc-forward
        guard bias.shape == [weight.shape[0]] else { throw ShapeError("fc: bias \(bias.shape) for weight \(weight.shape)") }
        var y = try Helpers.matmul(x, weight, transposeB: true)
        let outputs = weight.shape[0]
        for i in 0..<y.count { y.scalars[i] += bias.scalars[i % outputs] }
        return y
        // END SOLUTION
    }

    /// The gradients of the input, the weight and the bias, given dy = ∂L/∂y.
    public static func backward(_ dy: Tensor<Double>, input x: Tensor<Double>, weight: Tensor<Double>) throws
        -> (input: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>) {
        // BEGIN SOLUTION fc-backward
        let dx = try Helpers.matmul(dy, weight)
        let dW = try Helpers.matmul(dy, x, transposeA: true)
        let outputs = dy.shape[1]
        var db = Tensor<Double>(shape: [outputs])
        for i in 0..<dy.count { db.scalars[i % outputs] += dy.scalars[i] }
        return (dx, dW, db)
        // END SOLUTION
    }
}

public enum SoftmaxCrossEntropyLoss {
    /// The probabilities p (N, K) and the mean loss L over the batch.
    public static func forward(_ logits: Tensor<Double>, labels: [Int]) throws -> (loss: Double, probabilities: Tensor<Double>) {
        // BEGIN SOLUTION softmax-forward
        let (N, K) = (logits.shape[0], logits.shape[1])
        guard labels.count == N, labels.allSatisfy({ (0..<K).contains($0) }) else {
            throw ShapeError("softmax: \(labels.count) labels in 0..<\(K) needed for \(N) rows")
        }
        var p = logits
        var loss = 0.0
        for n in 0..<N {
            let row = n * K..<(n + 1) * K
            let top = logits.scalars[row].max()!
            var sum = 0.0
            for i in row { p.scalars[i] = exp(logits.scalars[i] - top); sum += p.scalars[i] }
            for i in row { p.scalars[i] /= sum }
            loss -= log(p.scalars[n * K + labels[n]])
        }
        return (loss / Double(N), p)
        // END SOLUTION
    }

    /// ∂L/∂logits from the forward pass's probabilities.
    public static func backward(probabilities p: Tensor<Double>, labels: [Int]) throws -> Tensor<Double> {
        // BEGIN SOLUTION softmax-backward
        let (N, K) = (p.shape[0], p.shape[1])
        var dz = p
        for n in 0..<N { dz.scalars[n * K + labels[n]] -= 1 }
        for i in 0..<dz.count { dz.scalars[i] /= Double(N) }
        return dz
        // END SOLUTION
    }
}
