import Dispatch
import AlexNet

/// One tower of a ``TowerExecutor``: the paper's GPU (Section 3.2).
///
/// It owns the tower's views of every layer (``TowerSplittable``) and the activations they keep
/// for the backward pass. Between exchanges only its own worker thread touches it; at an
/// exchange the other workers read ``output`` (never write it). That discipline, kept by the
/// executor, is what `@unchecked Sendable` promises.
///
/// Tower t's slice of a tensor (N, C, …) is channels (or features) ``towerShare(of:tower:towers:)``
/// of C: in each image's row of L values, the run of `length` values from `first`.
final class TowerWorker: @unchecked Sendable {
    let index: Int, towers: Int
    let views: [any Layer<Float>]

    /// What this tower hands to the others at the next exchange: an activation (forward) or a
    /// partial input gradient (backward), (N, …).
    var output = Tensor<Float>(shape: [0])
    /// What this phase computes for the next exchange; becomes ``output`` when every worker is done.
    var pending = Tensor<Float>(shape: [0])
    /// Bytes this tower copied from the others' ``output``s, forward and backward.
    private(set) var receivedForward = 0, receivedBackward = 0
    /// Seconds spent computing, copying the others' data, and waiting for the others.
    private(set) var busySeconds = 0.0, exchangeSeconds = 0.0, waitingSeconds = 0.0
    var phaseSeconds = 0.0

    init(tower: Int, of towers: Int, views: [any Layer<Float>]) {
        (index, self.towers, self.views) = (tower, towers, views)
    }

    func resetStatistics() {
        (receivedForward, receivedBackward) = (0, 0)
        (busySeconds, exchangeSeconds, waitingSeconds) = (0, 0, 0)
    }

    /// Publishes ``pending`` as ``output`` and books the phase's time.
    func finishPhase(waited: Double) {
        output = pending
        pending = Tensor(shape: [0])
        busySeconds += phaseSeconds
        waitingSeconds += waited
    }

    /// Tower t's slice of one image's row of a tensor of `shape` (N, C, …): its offset, length and
    /// the slice's own shape (N, share, …).
    static func slice(of shape: [Int], tower t: Int, towers: Int) -> (first: Int, length: Int, shape: [Int]) {
        let perImage = shape.dropFirst().reduce(1, *), perChannel = perImage / shape[1]
        let share = towerShare(of: shape[1], tower: t, towers: towers)
        return (share.lowerBound * perChannel, share.count * perChannel, [shape[0], share.count] + shape.dropFirst(2))
    }

    /// This tower's slice of `whole` (the image, or the loss's gradient, `received` from tower 1).
    func ownSlice(of whole: Tensor<Float>, received: Bool = false) -> Tensor<Float> {
        let start = DispatchTime.now().uptimeNanoseconds
        let (N, L) = (whole.shape[0], whole.count / whole.shape[0])
        let s = Self.slice(of: whole.shape, tower: index, towers: towers)
        var part = Tensor<Float>(uninitializedShape: s.shape)
        part.withUnsafeMutableBufferPointer { p in
            whole.withUnsafeBufferPointer { w in
                for n in 0..<N { (p.baseAddress! + n * s.length).update(from: w.baseAddress! + n * L + s.first, count: s.length) }
            }
        }
        if received && index != 0 { count(N * s.length, backward: true) }
        exchangeSeconds += Self.seconds(since: start)
        return part
    }

    /// The per-image concatenation of every tower's ``output`` in tower order, as `shape`: the
    /// input of a layer that reads every tower. The other towers' parts are counted as received.
    func gather(_ towers: [TowerWorker], shape: [Int], backward: Bool) -> Tensor<Float> {
        let start = DispatchTime.now().uptimeNanoseconds
        let N = shape[0], L = shape.dropFirst().reduce(1, *)
        var result = Tensor<Float>(uninitializedShape: shape)
        result.withUnsafeMutableBufferPointer { r in
            var offset = 0
            for tower in towers {
                let part = tower.output.count / N
                tower.output.withUnsafeBufferPointer { p in
                    for n in 0..<N { (r.baseAddress! + n * L + offset).update(from: p.baseAddress! + n * part, count: part) }
                }
                offset += part
                if tower.index != index { count(N * part, backward: backward) }
            }
            precondition(offset == L, "tower exchange: \(shape) from parts of \(offset) values per image")
        }
        exchangeSeconds += Self.seconds(since: start)
        return result
    }

    /// Σ over towers of their ``output``s (partial gradients of a whole input of `shape`), this
    /// tower's slice: its part of an input gradient every tower contributed to. The other
    /// towers' parts are counted as received.
    func sum(_ towers: [TowerWorker], shape: [Int]) -> Tensor<Float> {
        let start = DispatchTime.now().uptimeNanoseconds
        let N = shape[0], L = shape.dropFirst().reduce(1, *)
        let s = Self.slice(of: shape, tower: index, towers: self.towers)
        var result = Tensor<Float>(shape: s.shape)
        result.withUnsafeMutableBufferPointer { r in
            for tower in towers {
                precondition(tower.output.count == N * L, "tower exchange: a partial gradient \(tower.output.shape) of \(shape)")
                tower.output.withUnsafeBufferPointer { part in
                    for n in 0..<N {
                        let (source, target) = (part.baseAddress! + n * L + s.first, r.baseAddress! + n * s.length)
                        for i in 0..<s.length { target[i] += source[i] }
                    }
                }
                if tower.index != index { count(N * s.length, backward: true) }
            }
        }
        exchangeSeconds += Self.seconds(since: start)
        return result
    }

    private func count(_ scalars: Int, backward: Bool) {
        if backward { receivedBackward += 4 * scalars } else { receivedForward += 4 * scalars }
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// What a ``TowerExecutor`` measured since its statistics were last reset: the data its towers
/// exchanged and how their time was spent.
public struct TowerExchangeStatistics: Sendable, Equatable {
    /// Images through the forward and the backward pass.
    public var forwardImages = 0, backwardImages = 0
    /// Bytes each tower received from the others, forward and backward (one entry per tower).
    public var bytesReceivedForward: [Int], bytesReceivedBackward: [Int]
    /// Per tower: seconds computing its layers, copying the others' data, and idle at an
    /// exchange while another tower finished.
    public var busySeconds: [Double], exchangeSeconds: [Double], waitingSeconds: [Double]
    /// Wall-clock seconds of the forward and backward passes.
    public var wallSeconds = 0.0

    public init(towers: Int) {
        bytesReceivedForward = Array(repeating: 0, count: towers)
        bytesReceivedBackward = Array(repeating: 0, count: towers)
        busySeconds = Array(repeating: 0, count: towers)
        exchangeSeconds = Array(repeating: 0, count: towers)
        waitingSeconds = Array(repeating: 0, count: towers)
    }

    /// Bytes exchanged per image in the forward pass, all towers together.
    public var forwardBytesPerImage: Double { Double(bytesReceivedForward.reduce(0, +)) / Double(max(1, forwardImages)) }
    /// Bytes exchanged per image in the backward pass, all towers together.
    public var backwardBytesPerImage: Double { Double(bytesReceivedBackward.reduce(0, +)) / Double(max(1, backwardImages)) }
}
