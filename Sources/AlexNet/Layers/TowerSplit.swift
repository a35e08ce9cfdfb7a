/// How a layer runs as T towers side by side: the paper's two GPUs (Section 3.2), each holding
/// half of every layer's kernels or neurons and its own half of every activation.
///
/// Tower t owns slice t of each activation along its first non-batch axis — the channels
/// ``towerShare(of:tower:towers:)`` of an (N, C, H, W) map, or the features of an (N, F) one —
/// and a layer's tower view computes that slice of the layer's output. What the view reads is
/// the layer's ``towerInput(towers:)``:
///
/// | layer | tower t reads | its view |
/// |---|---|---|
/// | convolution, 1 group (conv1, conv3) | every tower's input | rows of the same weight |
/// | convolution, T groups (conv2, conv4, conv5) | its own tower's | rows of the same weight |
/// | fully connected (fc6, fc7, fc8) | every tower's input | rows of the same weight; dx is a partial sum |
/// | ReLU, pooling, LRN within towers, dropout | its own tower's | the same operation on the slice |
///
/// A view over every tower's input returns, from its backward pass, its part of the whole
/// input's gradient: summed over the towers it is the layer's. An executor exchanges the towers'
/// activations before each such layer (the paper's GPUs communicated exactly there) and their
/// partial gradients after it. Views share the layer's parameters, never copy them.
public protocol TowerSplittable<Scalar>: Layer {
    /// Whether tower t's part reads only tower t's slice of the input or the whole input; nil
    /// when the layer does not split into `towers` towers (a grouping that crosses them).
    func towerInput(towers: Int) -> TowerInput?
    /// Tower t of `towers`: a layer computing slice t of this layer's output on its parameters.
    func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar>
    /// Called once per forward pass, before the views run, with the whole input's shape: a layer
    /// whose views must agree on something drawn (dropout's mask) draws it here.
    func prepareTowers(inputShape: [Int])
}

/// What one tower's part of a layer reads.
public enum TowerInput: Sendable, Equatable {
    /// Its own tower's slice of the input.
    case ownTower
    /// The whole input, every tower's slice: an exchange between the towers comes before it.
    case everyTower
}

extension TowerSplittable {
    public func prepareTowers(inputShape: [Int]) {}
}

extension Convolution: TowerSplittable {
    /// Every tower's input with one group; the tower's own with one group per tower.
    public func towerInput(towers: Int) -> TowerInput? {
        if groups == towers { return .ownTower }
        return groups == 1 ? .everyTower : nil
    }
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> { tower(t, of: towers) }
}

extension FullyConnected: TowerSplittable {
    public func towerInput(towers: Int) -> TowerInput? { towers > 1 ? .everyTower : .ownTower }
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> { tower(t, of: towers) }
}

extension Activation: TowerSplittable {
    public func towerInput(towers: Int) -> TowerInput? { .ownTower }
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> { Activation(function) }
}

extension MaxPooling: TowerSplittable {
    public func towerInput(towers: Int) -> TowerInput? { .ownTower }
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> { MaxPooling(windowSize: windowSize, stride: stride) }
}

extension AdaptiveAveragePooling: TowerSplittable {
    public func towerInput(towers: Int) -> TowerInput? { .ownTower }
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> { AdaptiveAveragePooling(outputSize: outputSize) }
}

extension LocalResponseNormalization: TowerSplittable {
    /// The tower's own channels: the sums stay inside each tower (``groups`` = towers).
    public func towerInput(towers: Int) -> TowerInput? { groups == towers ? .ownTower : nil }
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> {
        LocalResponseNormalization(size: size, k: k, alpha: alpha, beta: beta, convention: convention, groups: 1)
    }
}

extension Dropout: TowerSplittable {
    public func towerInput(towers: Int) -> TowerInput? { .ownTower }
    /// The mask of the whole layer, drawn once (``prepareTowers(inputShape:)``), tower t's columns.
    public func towerView(_ t: Int, of towers: Int) -> any Layer<Scalar> { DropoutTower(self, tower: t, of: towers) }
    /// Draws the whole mask for this pass, as the layer's own forward pass would: the split
    /// network thins exactly the units the whole one does.
    public func prepareTowers(inputShape: [Int]) { drawMask(shape: inputShape) }
}

/// Tower t's part of a ``Dropout`` layer: its slice of the mask the layer drew for this pass.
///
///     y[n, i] = x[n, i] · m[n, first + i]     (or (1 − p) · x when the layer scales)
///
/// x (N, …) is the tower's slice, `first` its offset in an image's row of the whole mask.
final class DropoutTower<Scalar: TensorScalar>: Layer {
    let layer: Dropout<Scalar>
    let tower: Int, towers: Int
    private var mask: Tensor<Scalar>?                 // the tower's columns of the last pass's mask
    private var forwardShape: [Int]?

    init(_ layer: Dropout<Scalar>, tower: Int, of towers: Int) {
        (self.layer, self.tower, self.towers) = (layer, tower, towers)
    }

    var parameters: [Parameter<Scalar>] { [] }
    func outputShape(for inputShape: [Int]) -> [Int] { inputShape }
    func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    /// The tower's columns of the layer's mask, (N, L) from (N, W) with L = W·share/C.
    private func columns(of whole: Tensor<Scalar>) -> Tensor<Scalar> {
        let (N, W) = (whole.shape[0], whole.count / whole.shape[0])
        let channels = whole.shape[1], perChannel = W / channels
        let share = towerShare(of: channels, tower: tower, towers: towers)
        let (first, L) = (share.lowerBound * perChannel, share.count * perChannel)
        var out = Tensor<Scalar>(uninitializedShape: [N, L])
        out.withUnsafeMutableBufferPointer { o in
            whole.withUnsafeBufferPointer { m in
                for n in 0..<N { (o.baseAddress! + n * L).update(from: m.baseAddress! + n * W + first, count: L) }
            }
        }
        return out
    }

    @_specialize(where Scalar == Float)
    func forward(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        forwardShape = x.shape
        mask = layer.mask.map(columns)
        return Self.apply(mask, keep: Scalar(1 - layer.probability), to: x)
    }

    @_specialize(where Scalar == Float)
    func backward(_ dy: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(forwardShape == dy.shape, "Dropout tower backward: needs a forward pass of the same shape first (dy \(dy.shape))")
        return Self.apply(mask, keep: Scalar(1 - layer.probability), to: dy)
    }

    /// t ⊙ mask, or keep · t without one.
    private static func apply(_ mask: Tensor<Scalar>?, keep: Scalar, to t: Tensor<Scalar>) -> Tensor<Scalar> {
        var y = t
        y.withUnsafeMutableBufferPointer { y in
            if let mask {
                precondition(mask.count == y.count, "Dropout tower: mask of \(mask.count) for \(y.count) values")
                mask.withUnsafeBufferPointer { m in for i in 0..<y.count { y[i] *= m[i] } }
            } else {
                for i in 0..<y.count { y[i] *= keep }
            }
        }
        return y
    }
}
