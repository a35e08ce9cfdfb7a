import AlexNet
import AlexNetData
/// Top-1 and top-5 error of a network on a split, from the centre view or from the paper's ten
/// views (Section 4.1: the four corner patches, the centre patch and their mirrors, softmax
/// outputs averaged), and of an ensemble of networks (Section 6: the predictions of 5 or 7 CNNs
/// averaged).
public struct Evaluation: Sendable, Equatable {
    public var top1: Double, top5: Double
    public var images: Int
    /// The images whose outputs were not all finite (NaN or infinite): counted as wrong at top-1
    /// and top-5 (``TopK``), and reported, since they mean a broken network rather than a hard image.
    public var nonFinite = 0

    /// How many views of each image are averaged.
    public enum Views: String, Sendable, CaseIterable, Codable {
        case centre
        case ten
    }

    /// The softmax outputs (N, K) of `network` on `split`, averaged over `views`. The network is
    /// put in inference phase (dropout scales by 1 − p) and restored afterwards.
    public static func probabilities(
        of network: any Network<Float>, on split: some LabelledImages, normalization: Normalization,
        augmentation: Augmentation, views: Views = .centre, batchSize: Int = 128
    ) -> Tensor<Float> {
        let saved = network.phase
        network.phase = .inference
        defer { network.phase = saved }
        var result: [Float] = []
        var classes = 0
        for start in stride(from: 0, to: split.count, by: batchSize) {
            let indices = Array(start..<min(split.count, start + batchSize))
            let probabilities: Tensor<Float>
            switch views {
            case .centre:
                let view = augmentation.centreView(height: split.height, width: split.width)
                let batch = Augmentation.batch(views: Array(repeating: view, count: indices.count), of: split,
                                               indices: indices, normalization: normalization)
                probabilities = SoftmaxCrossEntropy<Float>.softmax(network.forward(batch))
            case .ten:
                let logits = augmentation.tenViewBatches(of: split, indices: indices, normalization: normalization)
                    .map { network.forward($0) }
                probabilities = averagedProbabilities(logits)
            }
            classes = probabilities.shape[1]
            result += probabilities.scalars
        }
        return Tensor(shape: [split.count, classes], scalars: result)
    }

    /// The errors of given probabilities (or any scores) against `labels`.
    public init(probabilities: Tensor<Float>, labels: [Int]) {
        images = labels.count
        let n = Double(max(1, labels.count))
        top1 = Double(TopK.mistakes(probabilities, labels: labels, k: 1)) / n
        top5 = Double(TopK.mistakes(probabilities, labels: labels, k: min(5, probabilities.shape[1]))) / n
        nonFinite = TopK.nonFiniteRows(probabilities)
    }

    /// Evaluates one network.
    public init(network: any Network<Float>, split: some LabelledImages, normalization: Normalization,
                augmentation: Augmentation, views: Views = .centre, batchSize: Int = 128) {
        self.init(probabilities: Self.probabilities(of: network, on: split, normalization: normalization,
                                                    augmentation: augmentation, views: views, batchSize: batchSize),
                  labels: split.labels)
    }

    /// The mean of several models' probability tensors: the paper's ensembles.
    public static func ensemble(_ probabilities: [Tensor<Float>]) -> Tensor<Float> {
        precondition(!probabilities.isEmpty && probabilities.allSatisfy { $0.shape == probabilities[0].shape },
                     "Evaluation.ensemble: models disagree on the number of images or classes")
        var sum = Tensor<Float>(shape: probabilities[0].shape)
        for p in probabilities { sum.add(p) }
        let n = Float(probabilities.count)
        sum.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] /= n } }
        return sum
    }
}

/// The softmax outputs averaged over views: the paper's ten-view prediction, (B, K) from
/// ten (B, K) logit tensors.
public func averagedProbabilities<S: TensorScalar>(_ logits: [Tensor<S>]) -> Tensor<S> {
    precondition(!logits.isEmpty, "averagedProbabilities: no views")
    var sum = Tensor<S>(shape: logits[0].shape)
    for l in logits { sum.add(SoftmaxCrossEntropy<S>.softmax(l)) }
    let n = S(logits.count)
    sum.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] /= n } }
    return sum
}
