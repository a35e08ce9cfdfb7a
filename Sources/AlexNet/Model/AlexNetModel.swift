/// The paper's network (Section 3.5, Figure 2), built from an ``AlexNetConfiguration``.
///
///     image → conv1 → ReLU → LRN → pool → conv2 → ReLU → LRN → pool → conv3 → ReLU
///           → conv4 → ReLU → conv5 → ReLU → pool → fc6 → ReLU → dropout
///           → fc7 → ReLU → dropout → fc8 → softmax
///
/// With a sixth convolution (``AlexNetConfiguration/paperSixConvolutions``), pool5 → conv6 → ReLU
/// → fc6: the paper's starred nets of Table 2.
///
/// **Two towers.** Each tower (the paper's GPU) owns half of every layer's kernels: conv1 (48
/// kernels seeing the image), conv2 (128 seeing its own 48 maps), conv3 (192 seeing all 256
/// maps of both towers), conv4 and conv5 (192 and 128, own tower only). Each convolution holds
/// one weight, and a tower is a range of its rows (``Convolution/tower(_:of:)``). On one worker
/// the towers run together as grouped convolutions (``Convolution/groups`` = 2), which computes
/// exactly the two-GPU net; the LRN sums stay inside each tower's channels, as in the paper's
/// two-GPU code. The FC layers read both towers. A tower executor runs the same layers' tower
/// views on separate workers (chapter 4).
///
/// **Initialisation** (Section 5): every weight ~ N(0, 0.01²) (or He's rule, or per layer); biases
/// 1 in conv2, conv4, conv5, fc6 and fc7, 0 in conv1, conv3 and fc8.
///
/// **Deviations.** Input 227×227, not the paper's 224 (see Book.md: (224 − 11)/4 + 1 is not
/// whole). Dropout keeps the paper's test-time scaling rather than PyTorch's inverted dropout.
public final class AlexNetModel<Scalar: TensorScalar>: Network {
    public let configuration: AlexNetConfiguration

    public let conv1, conv2, conv3, conv4, conv5: Convolution<Scalar>
    /// The sixth convolution over pool5, and its ReLU; nil in the paper's five-convolution net.
    public let conv6: Convolution<Scalar>?, reluConv6: Activation<Scalar>?
    public let relu1, relu2, relu3, relu4, relu5, relu6, relu7: Activation<Scalar>
    public let norm1, norm2: LocalResponseNormalization<Scalar>?
    public let pool1, pool2, pool5: MaxPooling<Scalar>
    /// torchvision's average pooling of pool5 to a fixed size (``AlexNetConfiguration/adaptivePooling``).
    public let avgpool: AdaptiveAveragePooling<Scalar>?
    public let fc6, fc7, fc8: FullyConnected<Scalar>
    public let drop6, drop7: Dropout<Scalar>?

    /// The fc7 activations (after its ReLU, before dropout) of the last forward pass, (N, 4096):
    /// the "last hidden layer" whose Euclidean distances the paper's Figure 4 ranks.
    public private(set) var fc7Activations = Tensor<Scalar>(shape: [0])

    public var phase: Phase = .training {
        didSet { drop6?.phase = phase; drop7?.phase = phase }
    }

    /// Builds the network with freshly initialised weights; throws if the configuration does
    /// not fit together (a kernel larger than its input, widths that do not split over towers).
    public init(_ configuration: AlexNetConfiguration) throws {
        let c = configuration
        self.configuration = c
        var generator = RandomGenerator(seed: c.seed)
        let T = c.towers, b = c.hiddenBias, k = c.convolutions, fanIns = try c.fanIns()
        func σ(_ layer: Int) -> Double { c.weightInitialization.standardDeviation(layer: layer, fanIn: fanIns[layer]) }
        func conv(_ i: Int, inputs: Int, groups: Int, bias: Double) -> Convolution<Scalar> {
            Convolution(name: "conv\(i + 1)", inputChannels: inputs, outputChannels: k[i].kernels,
                        kernelSize: k[i].kernelSize, stride: k[i].stride, padding: k[i].padding,
                        groups: groups, weightStandardDeviation: σ(i), biasValue: bias,
                        generator: &generator)
        }
        conv1 = conv(0, inputs: c.inputChannels, groups: 1, bias: 0)     // sees the image
        conv2 = conv(1, inputs: k[0].kernels, groups: T, bias: b)         // own tower only
        conv3 = conv(2, inputs: k[1].kernels, groups: 1, bias: 0)         // both towers
        conv4 = conv(3, inputs: k[2].kernels, groups: T, bias: b)         // own tower only
        conv5 = conv(4, inputs: k[3].kernels, groups: T, bias: b)         // own tower only
        conv6 = k.count == 6 ? conv(5, inputs: k[4].kernels, groups: T, bias: b) : nil    // over pool5, own tower
        reluConv6 = conv6.map { _ in Activation(c.activation) }
        (pool1, pool2, pool5) = (MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride),
                                 MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride),
                                 MaxPooling(windowSize: c.poolingWindow, stride: c.poolingStride))
        avgpool = c.adaptivePooling.map { AdaptiveAveragePooling(outputSize: $0) }
        // fc6 reads what pool5 (or torchvision's average pooling) gives one image: asked of the layers.
        var shape = [1, c.inputChannels, c.inputSize, c.inputSize]
        for layer in [conv1, pool1, conv2, pool2, conv3, conv4, conv5, pool5] as [any Layer<Scalar>] + (conv6.map { [$0] } ?? []) + (avgpool.map { [$0] } ?? []) {
            shape = layer.outputShape(for: shape)
        }
        fc6 = FullyConnected(name: "fc6", inputs: shape.dropFirst().reduce(1, *), outputs: c.hiddenWidths[0],
                             weightStandardDeviation: σ(k.count), biasValue: b, generator: &generator)
        fc7 = FullyConnected(name: "fc7", inputs: c.hiddenWidths[0], outputs: c.hiddenWidths[1],
                             weightStandardDeviation: σ(k.count + 1), biasValue: b, generator: &generator)
        fc8 = FullyConnected(name: "fc8", inputs: c.hiddenWidths[1], outputs: c.classes,
                             weightStandardDeviation: σ(k.count + 2), biasValue: 0, generator: &generator)
        (relu1, relu2, relu3, relu4, relu5, relu6, relu7) = (
            Activation(c.activation), Activation(c.activation), Activation(c.activation),
            Activation(c.activation), Activation(c.activation), Activation(c.activation),
            Activation(c.activation))
        func norm() -> LocalResponseNormalization<Scalar>? {
            c.normalization.map { n in
                LocalResponseNormalization(size: n.size, k: n.k, alpha: n.alpha, beta: n.beta,
                                           convention: n.convention, groups: T)
            }
        }
        norm1 = norm()
        norm2 = norm()
        drop6 = c.dropout.map { Dropout(probability: $0, seed: c.seed &+ 6) }
        drop7 = c.dropout.map { Dropout(probability: $0, seed: c.seed &+ 7) }
    }

    /// Logits (N, classes) for images (N, C, 227, 227); shapes in comments are the paper's preset.
    @_specialize(where Scalar == Float)
    public func forward(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
        var x = conv1.forward(images)        // (N, 96, 55, 55)
        x = relu1.forward(x)
        x = norm1?.forward(x) ?? x
        x = pool1.forward(x)                 // (N, 96, 27, 27)
        x = conv2.forward(x)                 // (N, 256, 27, 27)  two groups of 128 ← 48
        x = relu2.forward(x)
        x = norm2?.forward(x) ?? x
        x = pool2.forward(x)                 // (N, 256, 13, 13)
        x = conv3.forward(x)                 // (N, 384, 13, 13)  each tower ← all 256
        x = relu3.forward(x)
        x = conv4.forward(x)                 // (N, 384, 13, 13)  two groups of 192 ← 192
        x = relu4.forward(x)
        x = conv5.forward(x)                 // (N, 256, 13, 13)  two groups of 128 ← 192
        x = relu5.forward(x)
        x = pool5.forward(x)                 // (N, 256, 6, 6)
        if let conv6, let reluConv6 {
            x = reluConv6.forward(conv6.forward(x))   // (N, 256, 6, 6)
        }
        x = avgpool?.forward(x) ?? x
        x = fc6.forward(x)                   // (N, 4096)         flattens 9216
        x = relu6.forward(x)
        x = drop6?.forward(x) ?? x
        x = fc7.forward(x)                   // (N, 4096)
        x = relu7.forward(x)
        fc7Activations = x
        x = drop7?.forward(x) ?? x
        return fc8.forward(x)                // (N, 1000)         logits
    }

    /// The same layers in reverse, from ∂L/∂logits; conv1 computes no gradient for the image.
    @_specialize(where Scalar == Float)
    public func backward(_ dLogits: Tensor<Scalar>) {
        var g = fc8.backward(dLogits)        // (N, 4096)
        g = drop7?.backward(g) ?? g
        g = relu7.backward(g)
        g = fc7.backward(g)                  // (N, 4096)
        g = drop6?.backward(g) ?? g
        g = relu6.backward(g)
        g = fc6.backward(g)                  // (N, 256, 6, 6)
        g = avgpool?.backward(g) ?? g
        if let conv6, let reluConv6 { g = conv6.backward(reluConv6.backward(g)) }
        g = pool5.backward(g)                // (N, 256, 13, 13)
        g = relu5.backward(g)
        g = conv5.backward(g)                // (N, 384, 13, 13)
        g = relu4.backward(g)
        g = conv4.backward(g)                // (N, 384, 13, 13)
        g = relu3.backward(g)
        g = conv3.backward(g)                // (N, 256, 13, 13)
        g = pool2.backward(g)                // (N, 256, 27, 27)
        g = norm2?.backward(g) ?? g
        g = relu2.backward(g)
        g = conv2.backward(g)                // (N, 96, 27, 27)
        g = pool1.backward(g)                // (N, 96, 55, 55)
        g = norm1?.backward(g) ?? g
        g = relu1.backward(g)
        conv1.backwardParametersOnly(g)
    }

    /// (C, H, W) of one image: 3×227×227 for the paper's preset.
    public var inputShape: [Int] { [configuration.inputChannels, configuration.inputSize, configuration.inputSize] }

    /// The layers of Figure 2 in order, the one list the parameters and the description derive from.
    public var stages: [(name: String, layer: any Layer<Scalar>)] {
        var list: [(String, any Layer<Scalar>)] = [("conv1", conv1), ("relu1", relu1)]
        if let norm1 { list.append(("norm1", norm1)) }
        list += [("pool1", pool1), ("conv2", conv2), ("relu2", relu2)]
        if let norm2 { list.append(("norm2", norm2)) }
        list += [("pool2", pool2), ("conv3", conv3), ("relu3", relu3), ("conv4", conv4), ("relu4", relu4),
                 ("conv5", conv5), ("relu5", relu5), ("pool5", pool5)]
        if let conv6, let reluConv6 { list += [("conv6", conv6), ("relu-conv6", reluConv6)] }
        if let avgpool { list.append(("avgpool", avgpool)) }
        list += [("fc6", fc6), ("relu6", relu6)]
        if let drop6 { list.append(("drop6", drop6)) }
        list += [("fc7", fc7), ("relu7", relu7)]
        if let drop7 { list.append(("drop7", drop7)) }
        list.append(("fc8", fc8))
        return list
    }

    /// The 96 first-layer kernels (11×11×3 in the paper), tower 1's 48 first, as (96, 3, 11, 11):
    /// the paper's Figure 3.
    public var conv1Kernels: Tensor<Scalar> { conv1.weight.value }

    /// The fc7 activations of `images` in inference mode, (N, 4096); restores the phase.
    public func fc7Features(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
        let saved = phase
        phase = .inference
        defer { phase = saved }
        _ = forward(images)
        return fc7Activations
    }
}
