import Foundation
import AlexNet

/// The processes that train one network together, each on its part of every batch (data
/// parallelism). ``Trainer`` needs only these sums; `AlexNetDistributed.MPIGroup` provides them
/// over MPI, and the tests a group of one.
///
/// Every member must call the same sums in the same order: a sum is where they wait for each other.
public protocol DataParallelGroup: AnyObject, Sendable {
    /// This process's place, 0 ..< size; member 0 writes checkpoints and logs.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `values` by their element-wise sum over the group; every member gets the same result.
    func sum(_ values: UnsafeMutableBufferPointer<Float>)
    /// The element-wise sum of `values` over the group.
    func sum(_ values: [Double]) -> [Double]
    /// Bytes this member has put into sums so far, and the seconds it spent in them (waiting included).
    var bytesSummed: Int { get }
    var secondsSumming: Double { get }
}

/// One step of the paper's SGD shared by a ``DataParallelGroup``: ``trainStep`` on each member's
/// own images of the global batch (`images`, possibly none), whose hook sums over the group
///
///     g = Σ_r (n_r / n) · g_r,    n = Σ_r n_r
///
/// where g_r is the gradient of member r's mean loss over its n_r images — exactly the gradient of
/// the mean loss over the whole batch — in one all-reduce of every parameter's gradient, packed in
/// the network's parameter order. Every member then applies the same update to the same weights.
/// Returns the whole batch's mean loss, its top-1 mistakes and its size; throws
/// ``TrainingError/lossNotFinite(_:)`` on every member at once (before any weight changes) when any
/// member's loss is not finite.
public func dataParallelTrainStep(_ network: any Network<Float>, objective: SoftmaxCrossEntropy<Float>, optimizer: SGD<Float>,
                                  images: Tensor<Float>, labels: [Int], learningRate: Double, group: any DataParallelGroup,
                                  buffer: inout [Float]) throws -> (loss: Float, mistakes: Int, count: Int) {
    let n = labels.count
    var totals: [Double] = []
    /// The sums of (loss·n, n, mistakes, any loss not finite), then the weighted gradients.
    func sumOverTheGroup(loss: Float, mistakes: Int) throws {
        totals = group.sum([Double(loss) * Double(n), Double(n), Double(mistakes), n == 0 || loss.isFinite ? 0 : 1])
        guard totals[3] == 0 else { throw TrainingError.lossNotFinite(loss.isFinite ? .nan : loss) }
        sumGradients(network.parameters, share: Float(Double(n) / totals[1]), group: group, buffer: &buffer)
    }
    if n > 0 {
        try trainStep(network, objective: objective, optimizer: optimizer, images: images, labels: labels,
                      learningRate: learningRate) { loss, logits in
            try sumOverTheGroup(loss: loss, mistakes: TopK.mistakes(logits, labels: labels, k: 1))
        }
    } else {                                    // no image here: this member still sums, and updates alike
        try sumOverTheGroup(loss: 0, mistakes: 0)
        optimizer.step(learningRate: learningRate)
        network.zeroGradients()
    }
    return (Float(totals[0] / totals[1]), Int(totals[2]), Int(totals[1]))
}

/// Every parameter's gradient ← Σ over the group of (share · its gradient), in one all-reduce of
/// `buffer`, the gradients packed in parameter order.
private func sumGradients(_ parameters: [Parameter<Float>], share: Float, group: any DataParallelGroup, buffer: inout [Float]) {
    let count = parameters.reduce(0) { $0 + $1.value.count }
    if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
    buffer.withUnsafeMutableBufferPointer { b in
        var offset = 0
        for p in parameters {
            p.gradient.withUnsafeBufferPointer { g in for i in 0..<g.count { b[offset + i] = g[i] * share } }
            offset += p.gradient.count
        }
        group.sum(b)
        offset = 0
        for p in parameters {
            p.gradient.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] = b[offset + i] } }
            offset += p.gradient.count
        }
    }
}
