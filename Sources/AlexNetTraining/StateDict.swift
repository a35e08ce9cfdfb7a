import Foundation
import AlexNetData
import AlexNet

/// A network's weights under the names and layouts of a PyTorch state dict, for
/// ``Safetensors`` files that PyTorch code can load and write.
///
/// Our parameter names and layouts are PyTorch's — a module whose layers are attributes `conv1`
/// … `fc8` has `conv1.weight`, `conv1.bias`, … `fc8.bias` — and a convolution's one weight,
/// tower 1's kernels first, is the weight of PyTorch's `Conv2d` with the same `groups`
/// (out × in/groups × k × k). So:
///
/// | our model | names | layouts |
/// |---|---|---|
/// | `AlexNetModel` | `conv1.weight`, `conv1.bias`, … `conv5.bias`, `fc6.weight`, … `fc8.bias` | `Conv2d` (out, in/groups, k, k); `Linear` (out, in), fc6's inputs in NCHW order (`torch.flatten`) |
/// | `FourLayerNet` | `conv1.*`, `conv2.*`, `local3.*`, `local4.*`, `fc.*` | `local3`/`local4` as ``LocallyConnected`` stores them (PyTorch has no such layer) |
/// | `LinearClassifier` | `fc.weight`, `fc.bias` | `Linear` |
///
/// The round trip network → state dict → network is exact, bit for bit.
///
/// **torchvision's names.** torchvision's `alexnet` keeps its layers in two `Sequential`s, so its
/// state dict says `features.0` for conv1, `features.3`, `.6`, `.8`, `.10` for conv2–conv5 and
/// `classifier.1`, `.4`, `.6` for fc6–fc8; ``Names/torchvision`` reads and writes those names (for
/// ``AlexNetConfiguration/torchvision`` and other one-tower nets without LRN), with the same
/// layouts.
public enum StateDict {
    /// Whose names: ours (a module with attributes conv1 … fc8), or torchvision's `alexnet`'s.
    public enum Names: Sendable {
        case ours, torchvision

        /// The state-dict prefix of our layer `layer` (conv1 … fc8) under these names.
        func prefix(_ layer: String) -> String {
            switch self {
            case .ours: layer
            case .torchvision: Self.torchvisionPrefixes[layer] ?? layer
            }
        }

        static let torchvisionPrefixes = ["conv1": "features.0", "conv2": "features.3", "conv3": "features.6", "conv4": "features.8",
                                          "conv5": "features.10", "fc6": "classifier.1", "fc7": "classifier.4", "fc8": "classifier.6"]
    }

    /// The network's parameters under their state-dict names.
    public static func tensors(of network: any Network<Float>, names: Names = .ours) -> [(name: String, value: Tensor<Float>)] {
        network.parameters.map { (name(of: $0, names), $0.value) }
    }

    /// Tensors named `alexnet.…` are not the network's but travel with it (the mean image of
    /// ``Safetensors/init(checkpoint:network:)``); loading passes over them.
    public static let ownPrefix = "alexnet."

    /// Copies `tensors` into the network's parameters. Every parameter must be there with its
    /// exact shape, and nothing else (but the ``ownPrefix`` tensors): otherwise
    /// ``SafetensorsError/doesNotFit(_:)`` lists what is missing, unexpected or of another shape,
    /// and the network is left as it was.
    public static func load(_ tensors: [(name: String, value: Tensor<Float>)], into network: any Network<Float>,
                            names: Names = .ours) throws {
        let given = Dictionary(tensors.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let parameters = network.parameters.map { (name: name(of: $0, names), parameter: $0) }
        let wanted = Set(parameters.map(\.name))
        var problems: [String] = []
        let missing = parameters.map(\.name).filter { given[$0] == nil }
        if !missing.isEmpty { problems.append("missing \(missing.joined(separator: ", "))") }
        let unexpected = tensors.map(\.name).filter { !wanted.contains($0) && !$0.hasPrefix(Self.ownPrefix) }
        if !unexpected.isEmpty { problems.append("unexpected \(unexpected.joined(separator: ", "))") }
        for (name, p) in parameters {
            if let value = given[name], value.shape != p.value.shape {
                problems.append("\(name) is \(value.shape), the network's \(p.value.shape)")
            }
        }
        guard problems.isEmpty else {
            throw SafetensorsError.doesNotFit("the weights do not fit the network: " + problems.joined(separator: "; "))
        }
        for (name, p) in parameters { p.value = given[name]! }
    }

    /// Fine-tuning (Section 6: two of the paper's seven nets were trained on ImageNet Fall 2011's
    /// 21,841 classes, then "fine-tuned" on ILSVRC-2012's 1,000): every layer of `network` takes
    /// its weights from `tensors` but the output layer (the last layer with parameters: fc8), which
    /// keeps its fresh initialisation at its own width. Every other parameter must be in `tensors`
    /// with its exact shape, or ``SafetensorsError/doesNotFit(_:)`` says which are missing or
    /// differ, naming `source`, and the network is left as it was. Returns the output layer's name.
    @discardableResult
    public static func initialize(_ network: any Network<Float>, from tensors: [(name: String, value: Tensor<Float>)],
                                  source: String) throws -> String {
        guard let output = network.stages.last(where: { !$0.layer.parameters.isEmpty })?.name else { return "" }
        let given = Dictionary(tensors.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let kept = network.parameters.filter { !$0.name.hasPrefix(output + ".") }
        var problems: [String] = []
        let missing = kept.map(\.name).filter { given[$0] == nil }
        if !missing.isEmpty { problems.append("it has no \(missing.joined(separator: ", "))") }
        for p in kept {
            if let value = given[p.name], value.shape != p.value.shape {
                problems.append("its \(p.name) is \(value.shape) and this network's \(p.value.shape)")
            }
        }
        guard problems.isEmpty else {
            throw SafetensorsError.doesNotFit("\(source) cannot initialise this network (every layer but \(output) is taken from it): " + problems.joined(separator: "; "))
        }
        for p in kept { p.value = given[p.name]! }
        return output
    }

    /// A parameter's state-dict name: ours, or its layer's prefix replaced by torchvision's.
    static func name(of parameter: Parameter<Float>, _ names: Names) -> String {
        var components = parameter.name.split(separator: ".", maxSplits: 1).map(String.init)
        components[0] = names.prefix(components[0])
        return components.joined(separator: ".")
    }
}

extension Safetensors {
    /// The network's weights under PyTorch's state-dict names (``StateDict``).
    public init(network: any Network<Float>, names: StateDict.Names = .ours, metadata: [String: String] = [:]) {
        self.init(tensors: StateDict.tensors(of: network, names: names), metadata: metadata)
    }

    /// Copies the weights into `network` (``StateDict/load(_:into:names:)``).
    public func load(into network: any Network<Float>, names: StateDict.Names = .ours) throws {
        try StateDict.load(tensors, into: network, names: names)
    }
}

extension Safetensors {
    /// Everything `alexnet predict` needs to use a network without its checkpoint: the weights
    /// under PyTorch's names, the mean image as the tensor `alexnet.normalization.mean`, and as
    /// metadata the model's specification (JSON), the normalisation's scale and the class names.
    /// (To load the weights into a PyTorch module, leave out the `alexnet.` tensor.)
    public init(checkpoint: Checkpoint, network: any Network<Float>) throws {
        var metadata = ["format": "pt",
                        "alexnet.specification": String(decoding: try JSONEncoder().encode(checkpoint.specification), as: UTF8.self),
                        "alexnet.normalization.scale": String(checkpoint.normalization.scale)]
        metadata["alexnet.classes"] = checkpoint.metadata["classes"]
        self.init(tensors: StateDict.tensors(of: network) + [("alexnet.normalization.mean", checkpoint.normalization.mean)],
                  metadata: metadata)
    }

    /// The network, normalisation and class names of a file written by ``init(checkpoint:network:)``.
    public func exportedNetwork(path: String) throws -> (network: any Network<Float>, normalization: Normalization, classes: [String]?) {
        guard let json = metadata["alexnet.specification"], let scaleText = metadata["alexnet.normalization.scale"],
              let scale = Float(scaleText), let mean = self["alexnet.normalization.mean"], mean.rank == 3 else {
            throw SafetensorsError.doesNotFit("\(path) was not exported by `alexnet export-weights` (it has no alexnet.specification, normalisation scale and mean image); for torchvision's weights add --model torchvision")
        }
        let specification: ModelSpecification
        do {
            specification = try JSONDecoder().decode(ModelSpecification.self, from: Data(json.utf8))
        } catch {
            throw SafetensorsError.badHeader(path: path, problem: "alexnet.specification is not a model specification")
        }
        // What the metadata says is checked against the file before anything is built from it.
        guard mean.shape == specification.inputShape else {
            throw SafetensorsError.doesNotFit("\(path): the mean image is \(mean.shape), the network's input \(specification.inputShape)")
        }
        let classes = metadata["alexnet.classes"]?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let classes, classes.count != specification.classes {
            throw SafetensorsError.doesNotFit("\(path): \(classes.count) class names for a network of \(specification.classes) classes")
        }
        guard scale.isFinite, scale > 0 else {
            throw SafetensorsError.doesNotFit("\(path): the normalisation scale is \(scale), not a positive number")
        }
        let stored = tensors.reduce(0) { $0 + $1.value.count }
        let network: any Network<Float>
        do {
            network = try specification.build(Float.self, maximumParameters: stored)
        } catch let error as ConfigurationError {
            throw SafetensorsError.doesNotFit("\(path): alexnet.specification does not describe a network this file can hold (\(error))")
        }
        try load(into: network)
        return (network, Normalization(mean: mean, scale: scale), classes)
    }
}
