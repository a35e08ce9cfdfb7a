/// The small convolutional nets of the paper's CIFAR-10 side experiments.
///
/// - Section 3.1, Figure 1 (ReLU versus tanh): "a four-layer convolutional neural network";
///   the paper does not give it, so we use the net below with LRN off.
/// - Section 3.3 (LRN: 13% test error without, 11% with): cuda-convnet's layers-conv-local
///   nets, which differ only by the two normalisation layers:
///
///       conv1 64 5×5 → act → max-pool 3/2 → [LRN] → conv2 64 5×5 → act → [LRN] → max-pool 3/2
///       → local3 32 3×3 → act → local4 32 3×3 → act → fc (classes) → softmax
///
/// Convolutions and locally connected layers are padded to keep their size ("same"), so a
/// 24×24 crop gives 24 → 11 → 5 and a 28×28 image 28 → 13 → 6. Four hidden learned layers;
/// weights as ``FourLayerNetConfiguration/weightInitialization`` says, every bias 0.
public final class FourLayerNet<Scalar: TensorScalar>: Network {
    public typealias Configuration = FourLayerNetConfiguration

    public let configuration: Configuration
    public let conv1, conv2: Convolution<Scalar>
    public let local3, local4: LocallyConnected<Scalar>
    public let fc: FullyConnected<Scalar>
    public let act1, act2, act3, act4: Activation<Scalar>
    public let norm1, norm2: LocalResponseNormalization<Scalar>?
    public let pool1, pool2: MaxPooling<Scalar>
    public var phase: Phase = .training        // no dropout here; kept for the protocol

    /// (C, H, W) of one image.
    public var inputShape: [Int] { [configuration.inputChannels, configuration.inputSize, configuration.inputSize] }

    /// The layers in order, the one list the parameters and the description derive from.
    public var stages: [(name: String, layer: any Layer<Scalar>)] {
        var list: [(String, any Layer<Scalar>)] = [("conv1", conv1), ("act1", act1), ("pool1", pool1)]
        if let norm1 { list.append(("norm1", norm1)) }
        list += [("conv2", conv2), ("act2", act2)]
        if let norm2 { list.append(("norm2", norm2)) }
        list += [("pool2", pool2), ("local3", local3), ("act3", act3), ("local4", local4), ("act4", act4), ("fc", fc)]
        return list
    }

    public init(_ c: Configuration) throws {
        configuration = c
        let pooled1 = (c.inputSize - c.poolingWindow) / c.poolingStride + 1
        let pooled2 = pooled1 < c.poolingWindow ? 0 : (pooled1 - c.poolingWindow) / c.poolingStride + 1
        guard c.inputSize >= c.poolingWindow, pooled2 >= 1 else {
            let first = c.inputSize < c.poolingWindow
            throw ConfigurationError.doesNotFit(layer: first ? "pool1" : "pool2", window: c.poolingWindow,
                                                input: first ? c.inputSize : pooled1)
        }
        var g = RandomGenerator(seed: c.seed)
        let K1 = c.convolutionKernels, K3 = c.localKernels, s2 = pooled2
        func σ(_ layer: Int, _ fanIn: Int) -> Double { c.weightInitialization.standardDeviation(layer: layer, fanIn: fanIn) }
        conv1 = Convolution(name: "conv1", inputChannels: c.inputChannels, outputChannels: K1,
                            kernelSize: 5, padding: 2, weightStandardDeviation: σ(0, c.inputChannels * 25), generator: &g)
        conv2 = Convolution(name: "conv2", inputChannels: K1, outputChannels: K1,
                            kernelSize: 5, padding: 2, weightStandardDeviation: σ(1, K1 * 25), generator: &g)
        local3 = LocallyConnected(name: "local3", inputChannels: c.convolutionKernels, outputChannels: c.localKernels,
                                  inputHeight: pooled2, inputWidth: pooled2, kernelSize: 3, padding: 1,
                                  weightStandardDeviation: σ(2, K1 * 9), generator: &g)
        local4 = LocallyConnected(name: "local4", inputChannels: c.localKernels, outputChannels: c.localKernels,
                                  inputHeight: pooled2, inputWidth: pooled2, kernelSize: 3, padding: 1,
                                  weightStandardDeviation: σ(3, K3 * 9), generator: &g)
        fc = FullyConnected(name: "fc", inputs: K3 * s2 * s2, outputs: c.classes,
                            weightStandardDeviation: σ(4, K3 * s2 * s2), generator: &g)
        (act1, act2, act3, act4) = (Activation(c.activation), Activation(c.activation),
                                    Activation(c.activation), Activation(c.activation))
        norm1 = c.normalization.map { LocalResponseNormalization(size: $0.size, k: $0.k, alpha: $0.alpha, beta: $0.beta, convention: $0.convention) }
        norm2 = c.normalization.map { LocalResponseNormalization(size: $0.size, k: $0.k, alpha: $0.alpha, beta: $0.beta, convention: $0.convention) }
        pool1 = MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride)
        pool2 = MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride)
    }

    /// Shapes for a 24×24×3 crop.
    @_specialize(where Scalar == Float)
    public func forward(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
        var x = conv1.forward(images)    // (N, 64, 24, 24)
        x = act1.forward(x)
        x = pool1.forward(x)             // (N, 64, 11, 11)
        x = norm1?.forward(x) ?? x
        x = conv2.forward(x)             // (N, 64, 11, 11)
        x = act2.forward(x)
        x = norm2?.forward(x) ?? x
        x = pool2.forward(x)             // (N, 64, 5, 5)
        x = local3.forward(x)            // (N, 32, 5, 5)
        x = act3.forward(x)
        x = local4.forward(x)            // (N, 32, 5, 5)
        x = act4.forward(x)
        return fc.forward(x)             // (N, classes)
    }

    @_specialize(where Scalar == Float)
    public func backward(_ dLogits: Tensor<Scalar>) {
        var g = fc.backward(dLogits)     // (N, 32, 5, 5)
        g = act4.backward(g)
        g = local4.backward(g)           // (N, 32, 5, 5)
        g = act3.backward(g)
        g = local3.backward(g)           // (N, 64, 5, 5)
        g = pool2.backward(g)            // (N, 64, 11, 11)
        g = norm2?.backward(g) ?? g
        g = act2.backward(g)
        g = conv2.backward(g)            // (N, 64, 11, 11)
        g = norm1?.backward(g) ?? g
        g = pool1.backward(g)            // (N, 64, 24, 24)
        g = act1.backward(g)
        conv1.backwardParametersOnly(g)
    }
}

/// The settings of a ``FourLayerNet``.
public struct FourLayerNetConfiguration: Sendable, Equatable, Codable {
    public var inputChannels: Int, inputSize: Int, classes: Int
    public var activation: ActivationFunction = .relu
    /// nil switches both LRN layers off (the 13% net); set, the 11% net.
    public var normalization: AlexNetConfiguration.NormalizationSpec? = nil
    public var convolutionKernels = 64, localKernels = 32
    public var poolingWindow = 3, poolingStride = 2
    public var weightInitialization = WeightInitialization.paper
    public var seed: UInt64 = 0

    public init(inputChannels: Int, inputSize: Int, classes: Int) {
        self.inputChannels = inputChannels
        self.inputSize = inputSize
        self.classes = classes
    }
}

extension FourLayerNetConfiguration {
    /// Every number in the range a network can have, checked before a layer is built from a file's
    /// description (a pooling stride of 0 would divide by zero).
    public func checkRanges() throws {
        let check = ConfigurationError.check
        try check("inputChannels", inputChannels, 1...(1 << 12))
        try check("inputSize", inputSize, 1...(1 << 15))
        try check("classes", classes, 1...(1 << 20))
        try check("convolutionKernels", convolutionKernels, 1...(1 << 16))
        try check("localKernels", localKernels, 1...(1 << 16))
        try check("poolingWindow", poolingWindow, 1...(1 << 8))
        try check("poolingStride", poolingStride, 1...(1 << 8))
        if let n = normalization { try check("normalization.size", n.size, 1...(1 << 16)) }
    }

    /// The learned scalars of the network, overflow-checked: conv1 and conv2 (5×5), the two locally
    /// connected layers (3×3, weights and biases per output position), fc.
    public func parameterCount() throws -> Int {
        try checkRanges()
        guard inputSize >= poolingWindow else { throw ConfigurationError.doesNotFit(layer: "pool1", window: poolingWindow, input: inputSize) }
        let pooled1 = MaxPooling<Float>.outputSize(inputSize: inputSize, windowSize: poolingWindow, stride: poolingStride)
        guard pooled1 >= poolingWindow else { throw ConfigurationError.doesNotFit(layer: "pool2", window: poolingWindow, input: pooled1) }
        let positions = MaxPooling<Float>.outputSize(inputSize: pooled1, windowSize: poolingWindow, stride: poolingStride).squared
        let (K1, K3) = (convolutionKernels, localKernels)
        let terms = [(K1, inputChannels * 25 + 1), (K1, K1 * 25 + 1), (positions * K3, K1 * 9 + 1), (positions * K3, K3 * 9 + 1),
                     (classes, K3 * positions + 1)]
        return try ConfigurationError.sumOfProducts(terms)
    }
}

private extension Int {
    var squared: Int { self * self }
}
