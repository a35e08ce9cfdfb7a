import AlexNet
/// Top-1 and top-5 error (Section 6 of the paper): an image counts as correct at k when its true
/// label is among the k highest scores. Ties are counted against the label: it is within the top
/// k only when fewer than k other classes score as high or higher. So a network whose outputs
/// are all equal — a dead one, which a start from tiny weights can give — is wrong on every
/// image, not right (ties in the label's favour would score it 0% error).
///
/// **Non-finite scores.** A row with a NaN or an infinity anywhere is wrong at every k: every
/// comparison with NaN is false, so without this rule a diverged network, whose outputs are all
/// NaN, would count no rival above any label and score 0% error.
public enum TopK {
    /// Whether `label` is among the top `k` of one row of scores (never, if a score is not finite).
    public static func contains<S: TensorScalar>(_ scores: UnsafeBufferPointer<S>, label: Int, k: Int) -> Bool {
        let target = scores[label]
        var rivals = 0
        for (c, s) in scores.enumerated() {
            guard s.isFinite else { return false }
            if c != label && s >= target { rivals += 1 }
        }
        return rivals < k
    }

    /// The number of rows of `scores` (N, K) with a score that is not finite.
    public static func nonFiniteRows<S: TensorScalar>(_ scores: Tensor<S>) -> Int {
        precondition(scores.rank == 2, "TopK: scores \(scores.shape)")
        let (N, K) = (scores.shape[0], scores.shape[1])
        return scores.withUnsafeBufferPointer { s in
            (0..<N).filter { n in s[(n * K)..<((n + 1) * K)].contains { !$0.isFinite } }.count
        }
    }

    /// The number of rows of `scores` (N, K) whose label is not in the top `k`.
    public static func mistakes<S: TensorScalar>(_ scores: Tensor<S>, labels: [Int], k: Int) -> Int {
        precondition(scores.rank == 2 && scores.shape[0] == labels.count, "TopK: scores \(scores.shape) for \(labels.count) labels")
        let K = scores.shape[1]
        return scores.withUnsafeBufferPointer { s in
            labels.indices.filter { n in
                !contains(UnsafeBufferPointer(rebasing: s[n * K..<(n + 1) * K]), label: labels[n], k: k)
            }.count
        }
    }

    /// The indices and scores of the `k` highest entries of one row, highest first.
    public static func top<S: TensorScalar>(_ scores: [S], k: Int) -> [(index: Int, score: S)] {
        Array(scores.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(k).map { (index: $0.offset, score: $0.element) })
    }
}
