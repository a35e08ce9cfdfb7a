import AlexNet

/// One step of the paper's learning (Section 5) on a batch: forward, the loss, backward, the
/// update, and the gradients zeroed for the next batch — the five lines the whole book trains by.
///
///     logits = f(images; w)                          (N, classes)
///     L      = −mean log softmax(logits)[label]      the objective: the mean log-probability of the right label
///     ∂L/∂w  accumulated by every layer, last to first
///     beforeUpdate(L, logits)                        what a loop does with the gradients in hand
///     v ← μ·v − λ·ε·w − ε·∂L/∂w ;  w ← w + v          ``SGD``
///
/// `beforeUpdate` runs between backward and update, on every step, also one whose loss is not
/// finite (then without a backward pass): data-parallel training sums the gradients over its
/// processes there (``dataParallelTrainStep``), chapter 9's first steps record their norms.
/// Returns the loss and the logits (for the error count); throws ``TrainingError/lossNotFinite(_:)``
/// (or what the hook throws) before touching the weights, the gradients left at zero.
@discardableResult
public func trainStep(_ network: any Network<Float>, objective: SoftmaxCrossEntropy<Float>, optimizer: SGD<Float>,
                      images: Tensor<Float>, labels: [Int], learningRate: Double,
                      beforeUpdate: (_ loss: Float, _ logits: Tensor<Float>) throws -> Void = { _, _ in })
    throws -> (loss: Float, logits: Tensor<Float>) {
    let logits = network.forward(images)
    let loss = objective.forward(logits, labels: labels)
    if loss.isFinite { network.backward(objective.backward()) }
    do {
        try beforeUpdate(loss, logits)
        guard loss.isFinite else { throw TrainingError.lossNotFinite(loss) }
    } catch {
        network.zeroGradients()
        throw error
    }
    optimizer.step(learningRate: learningRate)
    network.zeroGradients()
    return (loss, logits)
}
