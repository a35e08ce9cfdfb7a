import AlexNet

/// One step of the paper's learning (Section 5) on a batch: forward, the loss, backward, the
/// update, and the gradients zeroed for the next batch — the five lines the whole book trains by.
///
///     logits = f(images; w)                          (N, classes)
///     L      = −mean log softmax(logits)[label]      the objective: the mean log-probability of the right label
///     ∂L/∂w  accumulated by every layer, last to first
///     v ← μ·v − λ·ε·w − ε·∂L/∂w ;  w ← w + v          ``SGD``
///
/// Returns the loss and the logits (for the error count); throws ``TrainingError/lossNotFinite(_:)``
/// before touching the weights when the loss is NaN or infinite.
@discardableResult
public func trainStep(_ network: any Network<Float>, objective: SoftmaxCrossEntropy<Float>, optimizer: SGD<Float>,
                      images: Tensor<Float>, labels: [Int], learningRate: Double) throws -> (loss: Float, logits: Tensor<Float>) {
    let logits = network.forward(images)
    let loss = objective.forward(logits, labels: labels)
    guard loss.isFinite else { throw TrainingError.lossNotFinite(loss) }
    network.backward(objective.backward())
    optimizer.step(learningRate: learningRate)
    network.zeroGradients()
    return (loss, logits)
}
