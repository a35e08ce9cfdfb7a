import Dispatch

/// One tower of a ``TowerParallelAlexNet``: the paper's GPU (Section 3.2).
///
/// It owns the tower's layers — views of the model's conv1…conv5 over this tower's parameter
/// blocks, its own ReLUs, LRNs and poolings, and its rows of fc6, fc7 and fc8 — and the
/// activations they keep for the backward pass. Between exchanges only its own worker thread
/// touches it; at an exchange the other worker reads ``output`` (never writes it). That
/// discipline, kept by the executor, is what `@unchecked Sendable` promises.
final class TowerWorker<Scalar: TensorScalar>: @unchecked Sendable {
    let index: Int
    let conv1, conv2, conv3, conv4, conv5: Convolution<Scalar>
    let relu1, relu2, relu3, relu4, relu5, relu6, relu7: Activation<Scalar>
    let norm1, norm2: LocalResponseNormalization<Scalar>?
    let pool1, pool2, pool5: MaxPooling<Scalar>
    let fc6, fc7, fc8: FullyConnectedRows<Scalar>

    /// What this tower hands to the other at the next exchange: an activation (forward) or a
    /// partial input gradient (backward), (N, …) with a row of `output.count / N` values per image.
    var output = Tensor<Scalar>(shape: [0])
    /// What this phase computes for the next exchange; becomes ``output`` when every worker is done.
    var pending = Tensor<Scalar>(shape: [0])
    /// This tower's columns of the dropout masks of fc6 and fc7 (nil when the layer scales).
    var mask6: Tensor<Scalar>?, mask7: Tensor<Scalar>?
    /// Bytes this tower copied from the other's ``output``, forward and backward.
    var receivedForward = 0, receivedBackward = 0
    /// Seconds spent computing, copying the other's data, and waiting for the other.
    var busySeconds = 0.0, exchangeSeconds = 0.0, waitingSeconds = 0.0
    var phaseSeconds = 0.0

    /// fc6, fc7 or fc8: which of the tower's rows, ReLU and mask a fully connected phase uses.
    enum FullyConnectedStage: Sendable { case fc6, fc7, fc8 }

    func rows(_ stage: FullyConnectedStage) -> FullyConnectedRows<Scalar> {
        switch stage { case .fc6: fc6; case .fc7: fc7; case .fc8: fc8 }
    }
    func relu(_ stage: FullyConnectedStage) -> Activation<Scalar>? {
        switch stage { case .fc6: relu6; case .fc7: relu7; case .fc8: nil }
    }
    func mask(_ stage: FullyConnectedStage) -> Tensor<Scalar>? {
        switch stage { case .fc6: mask6; case .fc7: mask7; case .fc8: nil }
    }
    func setMask(_ stage: FullyConnectedStage, _ mask: Tensor<Scalar>?) {
        switch stage { case .fc6: mask6 = mask; case .fc7: mask7 = mask; case .fc8: break }
    }

    init(_ model: AlexNetModel<Scalar>, tower t: Int) {
        let c = model.configuration
        index = t
        (conv1, conv2, conv3, conv4, conv5) = (model.conv1.tower(t), model.conv2.tower(t), model.conv3.tower(t),
                                               model.conv4.tower(t), model.conv5.tower(t))
        (relu1, relu2, relu3, relu4, relu5, relu6, relu7) = (
            Activation(c.activation), Activation(c.activation), Activation(c.activation), Activation(c.activation),
            Activation(c.activation), Activation(c.activation), Activation(c.activation))
        func norm() -> LocalResponseNormalization<Scalar>? {
            c.normalization.map { LocalResponseNormalization(size: $0.size, k: $0.k, alpha: $0.alpha, beta: $0.beta, convention: $0.convention) }
        }
        (norm1, norm2) = (norm(), norm())
        (pool1, pool2, pool5) = (MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride),
                                 MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride),
                                 MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride))
        fc6 = FullyConnectedRows(model.fc6, rows: Self.share(of: model.fc6.outputs, tower: t, towers: c.towers))
        fc7 = FullyConnectedRows(model.fc7, rows: Self.share(of: model.fc7.outputs, tower: t, towers: c.towers))
        fc8 = FullyConnectedRows(model.fc8, rows: Self.share(of: model.fc8.outputs, tower: t, towers: c.towers))
    }

    /// Tower t's part of `count` units: t·count/T ..< (t+1)·count/T (nearly equal when T does not divide).
    static func share(of count: Int, tower t: Int, towers: Int) -> Range<Int> {
        (count * t / towers)..<(count * (t + 1) / towers)
    }

    /// The per-image concatenation of every tower's ``output`` (tower order): the next layer's
    /// input when it reads all towers. The other towers' parts are counted as received.
    func gather(_ towers: [TowerWorker<Scalar>], shape: (Int) -> [Int], backward: Bool = false) -> Tensor<Scalar> {
        let start = DispatchTime.now().uptimeNanoseconds
        let N = towers[index].output.shape[0]
        let lengths = towers.map { $0.output.count / N }
        var result = Tensor<Scalar>(uninitializedShape: shape(N))
        precondition(result.count == N * lengths.reduce(0, +), "tower exchange: \(result.shape) from parts of \(lengths)")
        result.withUnsafeMutableBufferPointer { r in
            var offset = 0
            for (u, tower) in towers.enumerated() {
                let L = lengths[u]
                tower.output.withUnsafeBufferPointer { part in
                    for n in 0..<N { (r.baseAddress! + n * r.count / N + offset).update(from: part.baseAddress! + n * L, count: L) }
                }
                offset += L
                if u != index { count(N * L, backward: backward) }
            }
        }
        exchangeSeconds += Self.seconds(since: start)
        return result
    }

    /// Σ over towers of their ``output``s' columns `columns` (per image): this tower's part of an
    /// input gradient that every tower contributed to. The other towers' parts are counted.
    func sum(_ towers: [TowerWorker<Scalar>], columns: Range<Int>, shape: [Int]) -> Tensor<Scalar> {
        let start = DispatchTime.now().uptimeNanoseconds
        let N = shape[0], width = columns.count
        var result = Tensor<Scalar>(shape: shape)
        precondition(result.count == N * width, "tower exchange: \(shape) from \(width) columns")
        result.withUnsafeMutableBufferPointer { r in
            for tower in towers {
                let L = tower.output.count / N
                tower.output.withUnsafeBufferPointer { part in
                    for n in 0..<N {
                        let source = part.baseAddress! + n * L + columns.lowerBound, target = r.baseAddress! + n * width
                        for i in 0..<width { target[i] += source[i] }
                    }
                }
                if tower.index != index { count(N * width, backward: true) }
            }
        }
        exchangeSeconds += Self.seconds(since: start)
        return result
    }

    private func count(_ scalars: Int, backward: Bool) {
        if backward { receivedBackward += scalars * MemoryLayout<Scalar>.size } else { receivedForward += scalars * MemoryLayout<Scalar>.size }
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Rows `rows` of a fully connected layer: one tower's neurons, reading the whole input.
///
///     y[n, o] = bias[o] + Σ_i weight[o, i] · x[n, i]     for o ∈ rows
///
/// The parameters stay the layer's: the executor lends each tower pointers to the whole weight,
/// bias and their gradients (taken once on the coordinating thread), and a tower reads and
/// writes only its rows. Backward returns the tower's partial ∂L/∂x, (N, I): the sum over
/// towers of these partials is the layer's input gradient.
final class FullyConnectedRows<Scalar: TensorScalar> {
    let layer: FullyConnected<Scalar>
    let rows: Range<Int>
    private var input = Tensor<Scalar>(shape: [0])

    init(_ layer: FullyConnected<Scalar>, rows: Range<Int>) {
        self.layer = layer
        self.rows = rows
    }

    /// The whole layer's weight (O, I), bias (O) and their gradients.
    struct Pointers: Sendable {
        var weight: SendablePointer<Scalar>, bias: SendablePointer<Scalar>
        var weightGradient: SendablePointer<Scalar>, biasGradient: SendablePointer<Scalar>
    }

    @_specialize(where Scalar == Float)
    func forward(_ x: Tensor<Scalar>, _ p: Pointers) -> Tensor<Scalar> {
        let (N, I, R) = (x.shape[0], layer.inputs, rows.count)
        precondition(x.count == N * I, "fully connected rows: expected (N, \(I)), got \(x.shape)")
        input = x
        var y = Tensor<Scalar>(uninitializedShape: [N, R])
        y.withUnsafeMutableBufferPointer { y in
            for n in 0..<N { (y.baseAddress! + n * R).update(from: p.bias.base + rows.lowerBound, count: R) }
            x.withUnsafeBufferPointer { x in
                // y (N, R) += x (N, I) · weight[rows]ᵀ (I, R)
                matrixMultiply(transposeA: false, transposeB: true, m: N, n: R, k: I, alpha: 1, a: x.baseAddress!, lda: I,
                               b: p.weight.base + rows.lowerBound * I, ldb: I, beta: 1, c: y.baseAddress!, ldc: R)
            }
        }
        return y
    }

    @_specialize(where Scalar == Float)
    func backward(_ dy: Tensor<Scalar>, _ p: Pointers) -> Tensor<Scalar> {
        let (N, I, R) = (input.shape[0], layer.inputs, rows.count)
        precondition(dy.shape == [N, R], "fully connected rows backward: dy \(dy.shape), expected \([N, R])")
        var dx = Tensor<Scalar>(uninitializedShape: input.shape)
        dy.withUnsafeBufferPointer { g in
            let db = p.biasGradient.base + rows.lowerBound
            for n in 0..<N { for o in 0..<R { db[o] += g[n * R + o] } }
            input.withUnsafeBufferPointer { x in
                // dWeight[rows] (R, I) += dyᵀ (R, N) · x (N, I)
                matrixMultiply(transposeA: true, transposeB: false, m: R, n: I, k: N, alpha: 1, a: g.baseAddress!, lda: R,
                               b: x.baseAddress!, ldb: I, beta: 1, c: p.weightGradient.base + rows.lowerBound * I, ldc: I)
            }
            dx.withUnsafeMutableBufferPointer { dx in
                // dx (N, I) = dy (N, R) · weight[rows] (R, I)
                matrixMultiply(transposeA: false, transposeB: false, m: N, n: I, k: R, alpha: 1, a: g.baseAddress!, lda: R,
                               b: p.weight.base + rows.lowerBound * I, ldb: I, beta: 0, c: dx.baseAddress!, ldc: I)
            }
        }
        return dx
    }
}

extension FullyConnected {
    /// Runs `body` with pointers to the whole weight, bias and their gradients, taken here on
    /// one thread so that the towers' workers may use their disjoint rows at once.
    func withRowPointers<R>(_ body: (FullyConnectedRows<Scalar>.Pointers) -> R) -> R {
        weight.value.withUnsafeBufferPointer { w in
            bias.value.withUnsafeBufferPointer { b in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    bias.gradient.withUnsafeMutableBufferPointer { db in
                        body(.init(weight: SendablePointer(w.baseAddress!), bias: SendablePointer(b.baseAddress!),
                                   weightGradient: SendablePointer(dw.baseAddress!), biasGradient: SendablePointer(db.baseAddress!)))
                    }
                }
            }
        }
    }
}

/// What a ``TowerParallelAlexNet`` measured since its statistics were last reset: the data its
/// towers exchanged and how their time was spent.
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
