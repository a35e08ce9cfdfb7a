/// What the training loop, the gradient checker and the chapters need from a network:
/// logits from images, a backward pass from ∂L/∂logits, and its one list of layers.
public protocol Network<Scalar>: AnyObject {
    associatedtype Scalar: TensorScalar
    /// The shape of one input image, (C, H, W).
    var inputShape: [Int] { get }
    /// Every layer in the order `forward` calls it, with its name: the model's one list of its
    /// layers. The parameters, the description table with its multiply-adds, the dropout layers
    /// and the profiling stages all derive from it; running the stages in order computes exactly
    /// `forward` (a test checks this).
    var stages: [(name: String, layer: any Layer<Scalar>)] { get }
    /// Training (dropout draws masks) or inference (dropout scales or samples).
    var phase: Phase { get set }
    /// Logits (N, classes) for images (N, C, H, W).
    func forward(_ images: Tensor<Scalar>) -> Tensor<Scalar>
    /// Accumulates every parameter's gradient from ∂L/∂logits of the last forward pass.
    func backward(_ dLogits: Tensor<Scalar>)
}

extension Network {
    /// Every learned tensor, layer by layer in the order of ``stages`` (the order checkpoints and
    /// the optimiser use).
    public var parameters: [Parameter<Scalar>] { stages.flatMap { $0.layer.parameters } }

    /// The dropout layers, whose generators a checkpoint saves and restores.
    public var dropoutLayers: [Dropout<Scalar>] { stages.compactMap { $0.layer as? Dropout<Scalar> } }

    /// The model as a table, derived from ``stages``: one row per learned layer (with the
    /// activation that follows it), normalisation and pooling; output shapes for one image.
    public func describe() -> [LayerDescription] {
        var rows = [LayerDescription(name: "input", outputShape: inputShape)]
        var shape = [1] + inputShape
        for (name, layer) in stages {
            let multiplyAdds = layer.multiplyAdds(for: shape)
            shape = layer.outputShape(for: shape)
            let image = Array(shape.dropFirst())
            switch layer {
            case let activation as Activation<Scalar>: rows[rows.count - 1].name += " + \(activation.function.rawValue)"
            case is Dropout<Scalar>: continue
            case is LocalResponseNormalization<Scalar>: rows.append(LayerDescription(name: "LRN", outputShape: image))
            case let pool as MaxPooling<Scalar>:
                rows.append(LayerDescription(name: "max-pool \(pool.windowSize)/\(pool.stride)", outputShape: image))
            default:
                rows.append(LayerDescription(name: name, outputShape: image,
                                             parameters: layer.parameters.reduce(0) { $0 + $1.value.count },
                                             multiplyAdds: multiplyAdds))
            }
        }
        rows[rows.count - 1].name += " + softmax"
        return rows
    }

    /// One forward and backward pass: the mean softmax cross-entropy of `labels`, with every
    /// parameter's gradient accumulated. Gradients are not zeroed first.
    public func lossAndGradient(images: Tensor<Scalar>, labels: [Int]) -> Scalar {
        let objective = SoftmaxCrossEntropy<Scalar>()
        let loss = objective.forward(forward(images), labels: labels)
        backward(objective.backward())
        return loss
    }

    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }

    /// The number of learned scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

/// One row of a model's description: the layer, its output shape for one image, its number of
/// parameters and its multiply-adds per image.
public struct LayerDescription: Sendable, Equatable {
    public var name: String
    /// Output shape for one image: (C, H, W) or (features).
    public var outputShape: [Int]
    public var parameters: Int
    public var multiplyAdds: Int

    public init(name: String, outputShape: [Int], parameters: Int = 0, multiplyAdds: Int = 0) {
        self.name = name
        self.outputShape = outputShape
        self.parameters = parameters
        self.multiplyAdds = multiplyAdds
    }
}

extension [LayerDescription] {
    /// The description as an aligned text table with a total row.
    public func table() -> String {
        var rows = [["layer", "output", "parameters", "multiply-adds"]]
        for d in self {
            rows.append([d.name, d.outputShape.map(String.init).joined(separator: "×"),
                         d.parameters.formatted(), d.multiplyAdds.formatted()])
        }
        rows.append(["total", "", reduce(0) { $0 + $1.parameters }.formatted(),
                     reduce(0) { $0 + $1.multiplyAdds }.formatted()])
        var widths = [Int](repeating: 0, count: 4)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 || i == 1 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension Int {
    /// 60965224 → "60,965,224".
    func formatted() -> String {
        let digits = String(Swift.abs(self))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (self < 0 ? "-" : "") + out
    }
}
