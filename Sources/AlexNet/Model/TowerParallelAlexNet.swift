import Dispatch

/// The two-tower AlexNet run as the paper ran it: each tower on its own worker, exchanging data
/// only where the paper's two GPUs communicated (Section 3.2, Figure 2).
///
/// It wraps an ``AlexNetModel`` with two towers and computes exactly its function, on its
/// parameters (the same objects: SGD, checkpoints and the model's own forward pass see what this
/// executor learns). Each worker owns one tower's conv1…conv5 blocks, its LRNs and poolings and
/// half of each fully connected layer's neurons, and keeps its own activations. A pass runs in
/// phases; within a phase the workers compute at once, each on its share of the cores
/// (``Threading/withWorkerShare(_:_:)``); between phases they exchange:
///
///     forward                                          backward
///     conv1…pool2 per tower                            fc8 rows → partial ∂x (N, 4096)
///       ⇄ pool2 maps: conv3 reads both (N, 256, 13, 13)  ⇄ own half of ∂fc7-output, summed
///     conv3…pool5 per tower                            relu7, fc7 rows → partial ∂x
///       ⇄ pool5 maps: fc6 reads both (N, 9216)           ⇄ own half of ∂fc6-output, summed
///     fc6 rows, relu, dropout                          relu6, fc6 rows → partial ∂x (N, 9216)
///       ⇄ fc6 halves: fc7 reads all 4096                 ⇄ own tower's pool5 gradient, summed
///     fc7 rows, relu, dropout                          pool5 … conv3 → partial ∂x (N, 256, 13, 13)
///       ⇄ fc7 halves: fc8 reads all 4096                 ⇄ own tower's pool2 gradient, summed
///     fc8 rows → logits, gathered on tower 1           pool2 … conv1 per tower
///
/// A tower receives, per image and per pass, the other tower's half of each exchanged tensor:
/// C₂·h₂² + C₅·h₅² + F₆ + F₇ scalars in all both ways, plus the second tower's logits (and their
/// gradients), 61,172 for the paper's net (``TowerExchangeStatistics`` counts what was copied).
///
/// **Dropout.** The masks are drawn whole from the model's dropout layers, in the order the model
/// draws them, and each tower multiplies its columns: the split network thins exactly the units
/// the whole one would.
///
/// **Numbers.** Outputs and gradients equal the model's up to Float rounding: the two towers'
/// partial input gradients of conv3 and the FC layers are summed after their products, not inside one.
public final class TowerParallelAlexNet<Scalar: TensorScalar>: Network {
    public let model: AlexNetModel<Scalar>
    let workers: [TowerWorker<Scalar>]
    private var batchSize = 0
    /// Exchanged bytes and time, accumulated until ``resetStatistics()``.
    public private(set) var statistics: TowerExchangeStatistics

    /// The executor over `model`'s towers; the model must have two.
    public init(_ model: AlexNetModel<Scalar>) {
        precondition(model.configuration.towers == 2, "TowerParallelAlexNet: the model has \(model.configuration.towers) tower(s), not 2")
        self.model = model
        workers = (0..<2).map { TowerWorker(model, tower: $0) }
        statistics = TowerExchangeStatistics(towers: 2)
    }

    /// The scalars the towers exchange per image in one pass (forward or backward), from the
    /// configuration's shapes: each exchanged tensor's other half, C₂·h₂² + C₅·h₅² + F₆ + F₇,
    /// plus the second tower's share of the classes. 61,172 for the paper's net.
    public static func exchangedScalarsPerImage(_ c: AlexNetConfiguration) throws -> Int {
        let sizes = try c.spatialSizes()
        let secondTowerClasses = TowerWorker<Scalar>.share(of: c.classes, tower: 1, towers: 2).count
        return c.convolutions[1].kernels * sizes[3] * sizes[3] + c.convolutions[4].kernels * sizes[7] * sizes[7]
            + c.hiddenWidths[0] + c.hiddenWidths[1] + secondTowerClasses
    }

    public var inputShape: [Int] { model.inputShape }
    /// The model's layers: the parameters, their order and the description are the model's.
    public var stages: [(name: String, layer: any Layer<Scalar>)] { model.stages }
    public var phase: Phase {
        get { model.phase }
        set { model.phase = newValue }
    }

    public func resetStatistics() {
        statistics = TowerExchangeStatistics(towers: workers.count)
        for w in workers {
            (w.receivedForward, w.receivedBackward) = (0, 0)
            (w.busySeconds, w.exchangeSeconds, w.waitingSeconds) = (0, 0, 0)
        }
    }

    /// Runs `body` on every worker at once (one after the other with a single thread), each on
    /// its share of the threads, and charges each the time it waited for the slowest. What a
    /// worker sets as `pending` becomes its `output` when all have finished: during a phase every
    /// worker reads only the outputs of the phase before.
    private func inParallel(_ body: @escaping @Sendable (TowerWorker<Scalar>) -> Void) {
        let workers = self.workers, threads = Threading.threadCount
        let share = max(1, threads / workers.count)
        let run: @Sendable (Int) -> Void = { t in
            let start = DispatchTime.now().uptimeNanoseconds
            Threading.withWorkerShare(share) { body(workers[t]) }
            workers[t].phaseSeconds = TowerWorker<Scalar>.seconds(since: start)
        }
        let concurrent = threads >= workers.count
        if concurrent {
            DispatchQueue.concurrentPerform(iterations: workers.count, execute: run)
        } else {
            for t in workers.indices { run(t) }                    // one thread: tower after tower, nobody waits
        }
        let slowest = workers.map(\.phaseSeconds).max()!
        for w in workers {
            w.output = w.pending                                   // published only now: the others have read the old one
            w.pending = Tensor(shape: [0])
            w.busySeconds += w.phaseSeconds
            if concurrent { w.waitingSeconds += slowest - w.phaseSeconds }
        }
    }

    /// Logits (N, classes), gathered from the towers' halves of fc8.
    @_specialize(where Scalar == Float)
    public func forward(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
        let start = DispatchTime.now().uptimeNanoseconds
        let workers = self.workers, c = model.configuration, N = images.shape[0]
        let sizes = (try? c.spatialSizes())!
        let (C2, C5, s2, s5) = (c.convolutions[1].kernels, c.convolutions[4].kernels, sizes[3], sizes[7])
        batchSize = N
        inParallel { w in                                          // conv1 … pool2, own tower
            var x = w.relu1.forward(w.conv1.forward(images))
            x = w.norm1?.forward(x) ?? x
            x = w.relu2.forward(w.conv2.forward(w.pool1.forward(x)))
            x = w.norm2?.forward(x) ?? x
            w.pending = w.pool2.forward(x)                          // (N, C2/2, s2, s2)
        }
        inParallel { w in                                          // conv3 reads both towers … pool5
            var x = w.gather(workers, shape: { [$0, C2, s2, s2] })
            x = w.relu3.forward(w.conv3.forward(x))
            x = w.relu4.forward(w.conv4.forward(x))
            x = w.relu5.forward(w.conv5.forward(x))
            w.pending = w.pool5.forward(x)                          // (N, C5/2, s5, s5)
        }
        fullyConnected(.fc6, model.fc6, input: { [$0, C5 * s5 * s5] }, dropout: model.drop6)
        fullyConnected(.fc7, model.fc7, input: { [$0, c.hiddenWidths[0]] }, dropout: model.drop7)
        fullyConnected(.fc8, model.fc8, input: { [$0, c.hiddenWidths[1]] }, dropout: nil)
        let logits = workers[0].gather(workers, shape: { [$0, c.classes] })   // the loss lives with tower 1
        statistics.forwardImages += N
        statistics.wallSeconds += TowerWorker<Scalar>.seconds(since: start)
        collect()
        return logits
    }

    /// One fully connected phase: every tower gathers the previous layer's output of all towers
    /// and computes its rows, its ReLU and its columns of the dropout mask.
    private func fullyConnected(_ stage: TowerWorker<Scalar>.FullyConnectedStage, _ layer: FullyConnected<Scalar>,
                                input shape: @escaping @Sendable (Int) -> [Int], dropout: Dropout<Scalar>?) {
        let workers = self.workers, width = layer.outputs
        let drawn = dropout?.nextMask(shape: [batchSize, width])
        let keep = dropout.map { Scalar(1 - $0.probability) }
        layer.withRowPointers { p in
            inParallel { w in
                let rows = w.rows(stage)
                var y = rows.forward(w.gather(workers, shape: shape), p)
                if let relu = w.relu(stage) { y = relu.forward(y) }
                if let keep {
                    let own = drawn.map { Self.columns(rows.rows, of: $0) }
                    w.setMask(stage, own)
                    if let own {
                        y.withUnsafeMutableBufferPointer { y in own.withUnsafeBufferPointer { m in for i in 0..<y.count { y[i] *= m[i] } } }
                    } else {
                        y.withUnsafeMutableBufferPointer { y in for i in 0..<y.count { y[i] *= keep } }
                    }
                }
                w.pending = y
            }
        }
    }

    /// The accumulated per-worker figures, copied into ``statistics``.
    private func collect() {
        for (t, w) in workers.enumerated() {
            statistics.bytesReceivedForward[t] = w.receivedForward
            statistics.bytesReceivedBackward[t] = w.receivedBackward
            statistics.busySeconds[t] = w.busySeconds
            statistics.exchangeSeconds[t] = w.exchangeSeconds
            statistics.waitingSeconds[t] = w.waitingSeconds
        }
    }

    /// Columns `range` of a (N, O) matrix, as (N, range.count).
    static func columns(_ range: Range<Int>, of m: Tensor<Scalar>) -> Tensor<Scalar> {
        let (N, O) = (m.shape[0], m.shape[1])
        var out = Tensor<Scalar>(uninitializedShape: [N, range.count])
        out.withUnsafeMutableBufferPointer { o in
            m.withUnsafeBufferPointer { m in
                for n in 0..<N { (o.baseAddress! + n * range.count).update(from: m.baseAddress! + n * O + range.lowerBound, count: range.count) }
            }
        }
        return out
    }

    /// Accumulates every parameter's gradient from ∂L/∂logits, tower by tower.
    @_specialize(where Scalar == Float)
    public func backward(_ dLogits: Tensor<Scalar>) {
        let start = DispatchTime.now().uptimeNanoseconds
        let workers = self.workers, c = model.configuration, N = batchSize
        precondition(dLogits.shape == [N, c.classes], "TowerParallelAlexNet backward: dLogits \(dLogits.shape) after a forward pass of \(N) images")
        let sizes = (try? c.spatialSizes())!
        let (C2, C5, s2, s5) = (c.convolutions[1].kernels, c.convolutions[4].kernels, sizes[3], sizes[7])
        workers[0].output = dLogits                                // tower 1 holds the loss's gradient
        model.fc8.withRowPointers { p in
            inParallel { w in                                      // fc8 rows → partial ∂(fc7 output)
                let dy = w.sum([workers[0]], columns: w.fc8.rows, shape: [N, w.fc8.rows.count])
                w.pending = w.fc8.backward(dy, p)
            }
        }
        backwardHidden(.fc7, model.fc7, dropout: model.drop7)
        backwardHidden(.fc6, model.fc6, dropout: model.drop6)
        inParallel { w in                                          // pool5 … conv3 → partial ∂(pool2 output)
            let own = TowerWorker<Scalar>.share(of: C5, tower: w.index, towers: 2)
            var g = w.sum(workers, columns: (own.lowerBound * s5 * s5)..<(own.upperBound * s5 * s5), shape: [N, own.count, s5, s5])
            g = w.relu5.backward(w.pool5.backward(g))
            g = w.relu4.backward(w.conv5.backward(g))
            g = w.relu3.backward(w.conv4.backward(g))
            w.pending = w.conv3.backward(g)                         // (N, C2, s2, s2), this tower's part of the sum
        }
        inParallel { w in                                          // pool2 … conv1, own tower
            let own = TowerWorker<Scalar>.share(of: C2, tower: w.index, towers: 2)
            var g = w.sum(workers, columns: (own.lowerBound * s2 * s2)..<(own.upperBound * s2 * s2), shape: [N, own.count, s2, s2])
            g = w.pool2.backward(g)
            g = w.norm2?.backward(g) ?? g
            g = w.pool1.backward(w.conv2.backward(w.relu2.backward(g)))
            g = w.norm1?.backward(g) ?? g
            w.conv1.backwardParametersOnly(w.relu1.backward(g))
        }
        statistics.backwardImages += N
        statistics.wallSeconds += TowerWorker<Scalar>.seconds(since: start)
        collect()
    }

    /// fc7 or fc6 backward: each tower sums its columns of the partial gradients the layer above
    /// produced, undoes its dropout and ReLU, and returns its rows' partial ∂x.
    private func backwardHidden(_ stage: TowerWorker<Scalar>.FullyConnectedStage, _ layer: FullyConnected<Scalar>,
                                dropout: Dropout<Scalar>?) {
        let workers = self.workers, N = batchSize
        let keep = dropout.map { Scalar(1 - $0.probability) }
        layer.withRowPointers { p in
            inParallel { w in
                let rows = w.rows(stage)
                var g = w.sum(workers, columns: rows.rows, shape: [N, rows.rows.count])
                if let keep {
                    if let m = w.mask(stage) {
                        g.withUnsafeMutableBufferPointer { g in m.withUnsafeBufferPointer { m in for i in 0..<g.count { g[i] *= m[i] } } }
                    } else {
                        g.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= keep } }
                    }
                }
                w.pending = rows.backward(w.relu(stage)!.backward(g), p)
            }
        }
    }
}
