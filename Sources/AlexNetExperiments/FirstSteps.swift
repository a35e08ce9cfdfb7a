import AlexNet
import AlexNetData
import AlexNetTraining

/// The start of training, step by step (Section 5 of the paper; chapter 9): how an
/// initialisation lets a deep net begin to learn.
///
/// For `steps` steps of the paper's SGD at a constant rate it records, at every step,
///
///     the batch loss                L_t = −mean log softmax(f(x; w_t))[label]
///     each weight layer's gradient  ‖∂L_t/∂W_l‖₂ (both towers' rows), before the update
///
/// and, before the first step and every `activityEvery` steps, the activity of each ReLU layer on
/// a fixed batch of probe images (``ReLUActivity``). Small initial weights shrink the signal layer
/// by layer, so the gradients of the first layers are small too; a ReLU whose input is negative
/// for every image passes no gradient at all. The paper's bias of 1 is meant to keep the ReLUs'
/// inputs positive at the start.
public struct FirstSteps: Sendable {
    public var steps: Int
    public var learningRate: Double
    public var momentum = 0.9
    public var weightDecay = 0.0005
    public var batchSize = 128
    /// Seeds the data order (the weights are seeded by the network's configuration).
    public var seed: UInt64
    public var activityEvery: Int

    public init(steps: Int, learningRate: Double, seed: UInt64, activityEvery: Int) {
        precondition(steps >= 1 && learningRate > 0 && activityEvery >= 1, "FirstSteps: steps \(steps), rate \(learningRate), every \(activityEvery)")
        self.steps = steps
        self.learningRate = learningRate
        self.seed = seed
        self.activityEvery = activityEvery
    }

    /// What the steps recorded.
    public struct Record: Sendable {
        /// The batch loss of step 1, 2, …; fewer than `steps` when the loss stopped being finite.
        public var losses: [Double] = []
        /// Per weight layer in the network's order, the gradient norm at step 1, 2, ….
        public var gradientNorms: [(layer: String, norms: [Double])] = []
        /// The ReLU layers' activity at step 0, `activityEvery`, … (steps completed).
        public var activity: [(step: Int, layers: [ReLUActivity])] = []
        public var diverged = false
    }

    /// Trains `network` from where it is on `split` (seeded order, no augmentation) and records
    /// the steps; `probeImages` are already normalised, (N, C, H, W).
    public func run(_ network: any Network<Float>, on split: DatasetSplit, probeImages: Tensor<Float>,
                    normalization: Normalization) -> Record {
        let loader = BatchLoader(split: split, batchSize: batchSize, augmentation: .none, normalization: normalization,
                                 seed: seed, dropsLastBatch: true)
        let optimizer = SGD(parameters: network.parameters, momentum: momentum, weightDecay: weightDecay)
        let objective = SoftmaxCrossEntropy<Float>()
        let layers = Self.weightLayers(network)
        var record = Record(gradientNorms: layers.map { ($0.name, []) })
        record.activity.append((0, ReLUActivity.measure(network, images: probeImages)))
        var step = 0, epoch = 0
        training: while step < steps {
            network.phase = .training
            for batch in loader.batches(epoch: epoch) {
                let loss: Float
                do {
                    loss = try trainStep(network, objective: objective, optimizer: optimizer, images: batch.images,
                                         labels: batch.labels, learningRate: learningRate) { _, _ in
                        for (l, layer) in layers.enumerated() { record.gradientNorms[l].norms.append(Self.norm(layer.weight)) }
                    }.loss
                } catch {
                    record.gradientNorms = record.gradientNorms.map { ($0.layer, Array($0.norms.prefix(record.losses.count))) }
                    record.diverged = true
                    break training
                }
                record.losses.append(Double(loss))
                step += 1
                if step % activityEvery == 0 || step == steps {
                    record.activity.append((step, ReLUActivity.measure(network, images: probeImages)))
                    network.phase = .training
                }
                if step == steps { break training }
            }
            epoch += 1
        }
        return record
    }

    /// Each weight layer's weight (conv1 … fc8, named by its layer), in the network's order.
    static func weightLayers(_ network: any Network<Float>) -> [(name: String, weight: Parameter<Float>)] {
        network.parameters.filter { $0.kind == .weight }.map { (String($0.name.prefix { $0 != "." }), $0) }
    }

    /// ‖g‖₂ of a parameter's gradient, accumulated in Double.
    static func norm(_ parameter: Parameter<Float>) -> Double {
        var sum = 0.0
        parameter.gradient.withUnsafeBufferPointer { g in for x in g { sum += Double(x) * Double(x) } }
        return sum.squareRoot()
    }
}

/// How much of a ReLU layer is working, on a batch of images in inference phase:
///
/// - `dead`: the share of its units that output 0 for every image — for a convolution a unit is
///   one output map (the same kernel at every position), for a fully connected layer one neuron.
///   A dead unit passes no gradient back, so nothing below it learns through it.
/// - `zeros`: the share of all its outputs that are exactly 0 (ReLU's sparsity).
public struct ReLUActivity: Sendable, Equatable {
    public var layer: String
    public var dead: Double
    public var zeros: Double

    public init(layer: String, dead: Double, zeros: Double) {
        self.layer = layer
        self.dead = dead
        self.zeros = zeros
    }

    /// Runs `images` through `network.stages` and measures every ReLU stage, in order; the
    /// network's phase is restored.
    public static func measure(_ network: any Network<Float>, images: Tensor<Float>) -> [ReLUActivity] {
        let saved = network.phase
        network.phase = .inference
        defer { network.phase = saved }
        var x = images, found: [ReLUActivity] = []
        for (name, layer) in network.stages {
            x = layer.forward(x)
            if let activation = layer as? Activation<Float>, activation.function == .relu {
                found.append(measure(name, x))
            }
        }
        return found
    }

    /// The activity of outputs `y` (N, units) or (N, C, H, W).
    static func measure(_ name: String, _ y: Tensor<Float>) -> ReLUActivity {
        let n = y.shape[0], units = y.shape[1], positions = y.shape.dropFirst(2).reduce(1, *)
        var alive = [Bool](repeating: false, count: units), zeros = 0
        y.withUnsafeBufferPointer { y in
            for i in 0..<n {
                for u in 0..<units {
                    let base = (i * units + u) * positions
                    for p in 0..<positions {
                        if y[base + p] == 0 { zeros += 1 } else { alive[u] = true }
                    }
                }
            }
        }
        return ReLUActivity(layer: name, dead: Double(alive.filter { !$0 }.count) / Double(units),
                            zeros: Double(zeros) / Double(y.count))
    }
}
