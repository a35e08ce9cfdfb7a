import Dispatch
import AlexNet

/// A network run as the paper ran AlexNet on two GPUs (Section 3.2, Figure 2): each tower on its
/// own worker, holding its slice of every activation, the towers exchanging data only before a
/// layer that reads every tower.
///
/// It walks any network's ``Network/stages``, asks each layer for its tower views
/// (``TowerSplittable``) and cuts the stages into phases at every layer whose tower reads the
/// whole input — for the paper's net conv3, fc6, fc7 and fc8, where its GPUs communicated.
/// Within a phase the workers compute at once, each on its share of the cores
/// (``Threading/withWorkerShare(_:_:)``); between phases they exchange:
///
///     forward                                          backward
///     phase: conv1 … pool2, own tower                  fc8 rows → partial ∂x (N, 4096)
///       ⇄ pool2 maps: conv3 reads both (N, 256, 13, 13)  ⇄ own columns of the partials, summed
///     phase: conv3 … pool5                             relu7, dropout, fc7 rows → partial ∂x
///       ⇄ pool5 maps: fc6 reads both (N, 9216)           ⇄ summed
///     phase: fc6 rows, relu, dropout                   relu6, dropout, fc6 rows → partial ∂x
///       ⇄ fc6 halves: fc7 reads all 4096                 ⇄ own tower's pool5 gradient, summed
///     phase: fc7 rows, relu, dropout                   pool5 … conv3 → partial ∂x (N, 256, 13, 13)
///       ⇄ fc7 halves: fc8 reads all 4096                 ⇄ own tower's pool2 gradient, summed
///     phase: fc8 rows → logits, gathered on tower 1    pool2 … conv1, own tower
///
/// The parameters are the network's own objects (the views compute rows of them), so SGD,
/// checkpoints and the network's own forward pass see what the executor learns. Dropout's masks
/// are drawn whole by the network's dropout layers before the towers take their columns, so
/// the split network thins exactly the units the whole one does.
///
/// A tower receives, per image and per pass, the other towers' slices of each exchanged
/// activation (or their partial gradients of its slice), and tower 1 the others' logits:
/// ``exchangedScalarsPerImage``, 61,172 for the paper's net; ``statistics`` counts what was
/// copied. Outputs and gradients equal the whole network's up to Float rounding: the towers'
/// partial input gradients of conv3 and the FC layers are summed after their products, not
/// inside one.
public final class TowerExecutor: Network {
    public typealias Scalar = Float
    /// The network whose layers the towers run.
    public let network: any Network<Float>
    public let towers: Int
    private let plan: [TowerStage]
    /// The stages of each phase: a phase starts at the first stage and at each exchange.
    private let phases: [Range<Int>]
    private let workers: [TowerWorker]
    private var batchSize = 0
    /// Exchanged bytes and time, accumulated until ``resetStatistics()``.
    public private(set) var statistics: TowerExchangeStatistics

    /// The executor over `network`'s layers split into `towers`; throws when a layer cannot split.
    public init(_ network: any Network<Float>, towers: Int = 2) throws {
        guard towers >= 2 else { throw TowerExecutorError.towers(towers) }
        self.network = network
        self.towers = towers
        var shape = network.inputShape                                   // one image's, asked of the layers once
        var plan: [TowerStage] = []
        for (i, stage) in network.stages.enumerated() {
            guard let layer = stage.layer as? any TowerSplittable<Float>, let input = layer.towerInput(towers: towers) else {
                throw TowerExecutorError.doesNotSplit(layer: stage.name, towers: towers)
            }
            let output = Array(layer.outputShape(for: [1] + shape).dropFirst())
            plan.append(TowerStage(name: stage.name, layer: layer, exchange: i > 0 && input == .everyTower,
                                   readsWholeInput: input == .everyTower, inputShape: shape, outputShape: output))
            shape = output
        }
        let starts = [0] + plan.indices.filter { plan[$0].exchange }
        phases = zip(starts, starts.dropFirst() + [plan.count]).map { $0..<$1 }
        self.plan = plan
        workers = (0..<towers).map { t in TowerWorker(tower: t, of: towers, views: plan.map { $0.layer.towerView(t, of: towers) }) }
        statistics = TowerExchangeStatistics(towers: towers)
    }

    public var inputShape: [Int] { network.inputShape }
    /// The network's layers: the parameters, their order and the description are the network's.
    public var stages: [(name: String, layer: any Layer<Float>)] { network.stages }
    public var phase: Phase {
        get { network.phase }
        set { network.phase = newValue }
    }

    /// The scalars the towers receive per image in one pass (forward or backward): at each
    /// exchange every tower gets the others' slices, (T − 1)·L for an activation of L values, and
    /// tower 1 the others' logits. C₂·h₂² + C₅·h₅² + F₆ + F₇ + 500 = 61,172 for the paper's net.
    public var exchangedScalarsPerImage: Int {
        let exchanged = plan.filter(\.exchange).reduce(0) { $0 + (towers - 1) * $1.inputShape.reduce(1, *) }
        let logits = plan.last!.outputShape
        return exchanged + logits.reduce(1, *) - TowerWorker.slice(of: [1] + logits, tower: 0, towers: towers).length
    }

    public func resetStatistics() {
        statistics = TowerExchangeStatistics(towers: towers)
        for w in workers { w.resetStatistics() }
    }

    /// Logits (N, classes), gathered from the towers' slices on tower 1.
    public func forward(_ images: Tensor<Float>) -> Tensor<Float> {
        let start = DispatchTime.now().uptimeNanoseconds
        let (workers, plan, N) = (self.workers, self.plan, images.shape[0])
        batchSize = N
        for stage in plan { stage.layer.prepareTowers(inputShape: [N] + stage.inputShape) }
        for stages in phases {
            let first = plan[stages.lowerBound]
            inParallel { w in
                var x = first.exchange ? w.gather(workers, shape: [N] + first.inputShape, backward: false)
                    : first.readsWholeInput ? images : w.ownSlice(of: images)
                for i in stages { x = w.views[i].forward(x) }
                w.pending = x
            }
        }
        let logits = workers[0].gather(workers, shape: [N] + plan.last!.outputShape, backward: false)
        statistics.forwardImages += N
        statistics.wallSeconds += TowerWorker.seconds(since: start)
        collect()
        return logits
    }

    /// Accumulates every parameter's gradient from ∂L/∂logits, phase by phase in reverse.
    public func backward(_ dLogits: Tensor<Float>) {
        let start = DispatchTime.now().uptimeNanoseconds
        let (workers, plan, phases, N) = (self.workers, self.plan, self.phases, batchSize)
        precondition(dLogits.shape == [N] + plan.last!.outputShape,
                     "TowerExecutor backward: dLogits \(dLogits.shape) after a forward pass of \(N) images")
        // The towers' views add into disjoint rows of one gradient at once: each gradient must be
        // held by its parameter alone, so that no view's borrow of it copies it (a no-op when so).
        for p in parameters { p.gradient.withUnsafeMutableBufferPointer { _ in } }
        workers[0].output = dLogits                                         // tower 1 holds the loss's gradient
        for (k, stages) in phases.enumerated().reversed() {
            let above = k + 1 < phases.count ? plan[phases[k + 1].lowerBound] : nil
            inParallel { w in
                // Tower t's slice of ∂L/∂(this phase's output): of the logits, or summed from every
                // tower's partial gradient of the next phase's input.
                var g = above.map { w.sum(workers, shape: [N] + $0.inputShape) } ?? w.ownSlice(of: workers[0].output, received: true)
                for i in stages.reversed() {
                    if i == 0, let conv = w.views[0] as? Convolution<Float> {
                        conv.backwardParametersOnly(g)                      // the image needs no gradient
                    } else {
                        g = w.views[i].backward(g)
                    }
                }
                w.pending = g
            }
        }
        statistics.backwardImages += N
        statistics.wallSeconds += TowerWorker.seconds(since: start)
        collect()
    }

    /// Runs `body` on every worker at once (one after the other with a single thread), each on
    /// its share of the threads, and charges each the time it waited for the slowest. What a
    /// worker sets as `pending` becomes its `output` when all have finished: during a phase every
    /// worker reads only the outputs of the phase before.
    private func inParallel(_ body: @escaping @Sendable (TowerWorker) -> Void) {
        let workers = self.workers, threads = Threading.threadCount
        let share = max(1, threads / workers.count)
        let run: @Sendable (Int) -> Void = { t in
            let start = DispatchTime.now().uptimeNanoseconds
            Threading.withWorkerShare(share) { body(workers[t]) }
            workers[t].phaseSeconds = TowerWorker.seconds(since: start)
        }
        let concurrent = threads >= workers.count
        if concurrent {
            DispatchQueue.concurrentPerform(iterations: workers.count, execute: run)
        } else {
            for t in workers.indices { run(t) }                            // one thread: tower after tower, nobody waits
        }
        let slowest = workers.map(\.phaseSeconds).max()!
        for w in workers { w.finishPhase(waited: concurrent ? slowest - w.phaseSeconds : 0) }
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
}

/// One stage of a network as the towers run it: the layer, whether its towers exchange before
/// it, and one image's whole input and output shapes (asked of the layers once).
struct TowerStage: @unchecked Sendable {
    let name: String
    let layer: any TowerSplittable<Float>
    /// Whether the towers exchange their outputs before this stage (it reads every tower, and it
    /// is not the first stage, whose input is the image every tower holds).
    let exchange: Bool
    let readsWholeInput: Bool
    let inputShape: [Int], outputShape: [Int]
}

/// A network that the towers cannot run.
public enum TowerExecutorError: Error, CustomStringConvertible, Equatable {
    case towers(Int)
    /// A layer has no tower views, or its grouping crosses the towers.
    case doesNotSplit(layer: String, towers: Int)

    public var description: String {
        switch self {
        case .towers(let towers): "a tower executor needs at least 2 towers, not \(towers)"
        case .doesNotSplit(let layer, let towers): "\(layer) does not split into \(towers) towers"
        }
    }
}
