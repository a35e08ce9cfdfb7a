import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct AlexNetModelTests {
    @Test func thePaperPresetHas60965224ParametersAndFigure2Shapes() throws {
        let model = try AlexNetModel<Float>(.paper)
        #expect(model.parameterCount == 60_965_224)
        #expect(try AlexNetConfiguration.paper.spatialSizes() == [55, 27, 27, 13, 13, 13, 13, 6])
        let rows = model.describe()
        #expect(rows.reduce(0) { $0 + $1.parameters } == 60_965_224)
        #expect(rows.map(\.outputShape).contains([256, 6, 6]))
        #expect(rows.last?.outputShape == [1000])
        // One weight per convolution, PyTorch's (M, C/G, K, K); each tower owns half of its rows.
        #expect(model.conv1.weight.value.shape == [96, 3, 11, 11])
        #expect(model.conv2.weight.value.shape == [256, 48, 5, 5] && model.conv2.groups == 2)
        #expect(model.conv3.weight.value.shape == [384, 256, 3, 3] && model.conv3.groups == 1)
        #expect(model.conv4.weight.value.shape == [384, 192, 3, 3])
        #expect(model.conv5.weight.value.shape == [256, 192, 3, 3])
        #expect(model.conv2.tower(1, of: 2).outputRows == 128..<256 && model.conv3.tower(0, of: 2).outputRows == 0..<192)
        #expect(model.conv1Kernels.shape == [96, 3, 11, 11])
    }

    /// The description, the parameter list and the multiply-adds all come from the one list of
    /// layers (`stages`): Figure 2 row by row, checked against numbers worked out by hand.
    @Test func theDescriptionDerivesFromTheLayerList() throws {
        let model = try AlexNetModel<Float>(.paper)
        let rows = model.describe()
        #expect(rows.map(\.name) == ["input", "conv1 + relu", "LRN", "max-pool 3/2", "conv2 + relu", "LRN", "max-pool 3/2",
                                     "conv3 + relu", "conv4 + relu", "conv5 + relu", "max-pool 3/2", "fc6 + relu",
                                     "fc7 + relu", "fc8 + softmax"])
        #expect(rows.map(\.outputShape) == [[3, 227, 227], [96, 55, 55], [96, 55, 55], [96, 27, 27], [256, 27, 27],
                                            [256, 27, 27], [256, 13, 13], [384, 13, 13], [384, 13, 13], [256, 13, 13],
                                            [256, 6, 6], [4096], [4096], [1000]])
        // conv1 96·55²·3·11², conv2 256·27²·48·5², conv3 384·13²·256·3², conv4 384·13²·192·3²,
        // conv5 256·13²·192·3², fc6 9216·4096, fc7 4096², fc8 4096·1000.
        #expect(rows.map(\.multiplyAdds).filter { $0 > 0 } == [105_415_200, 223_948_800, 149_520_384, 112_140_288,
                                                               74_760_192, 37_748_736, 16_777_216, 4_096_000])
        #expect(rows.reduce(0) { $0 + $1.multiplyAdds } == 724_406_816)
        let names = model.parameters.map(\.name)
        #expect(names.count == 16 && names.prefix(3) == ["conv1.weight", "conv1.bias", "conv2.weight"])
        #expect(names.suffix(2) == ["fc8.weight", "fc8.bias"])
        #expect(model.dropoutLayers.count == 2)
    }

    @Test func thePapersInitialisation() throws {
        let model = try AlexNetModel<Float>(.paper)
        #expect(model.conv1.bias.value.scalars.allSatisfy { $0 == 0 })
        #expect(model.conv2.bias.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.conv3.bias.value.scalars.allSatisfy { $0 == 0 })
        #expect(model.conv4.bias.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.conv5.bias.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.fc6.bias.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.fc7.bias.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.fc8.bias.value.scalars.allSatisfy { $0 == 0 })
        let w = model.fc6.weight.value.scalars.map(Double.init)       // accumulate in Double
        let mean = w.reduce(0, +) / Double(w.count)
        let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count)).squareRoot()
        #expect(abs(mean) < 1e-5 && abs(sd - 0.01) < 1e-4)
    }

    @Test func fanInsAndThePapersGainsCarriedToANarrowerNet() throws {
        #expect(try AlexNetConfiguration.paper.fanIns() == [363, 1200, 2304, 1728, 1728, 9216, 4096, 4096])
        #expect(try AlexNetConfiguration.paperOneTower.fanIns() == [363, 1200, 1152, 1728, 1728, 9216, 4096, 4096])
        #expect(try AlexNetConfiguration.paper.paperGains() == .perLayer(standardDeviations: Array(repeating: 0.01, count: 8)))
        // The small net on 28×28×1: every layer's σ·√fan-in equals the paper layer's 0.01·√F.
        var c = AlexNetConfiguration.small(inputChannels: 1, inputSize: 28, classes: 10, widthScale: 1.0 / 6, hiddenWidth: 512)
        let fanIns = try c.fanIns(), paper = try AlexNetConfiguration.paper.fanIns()
        #expect(fanIns == [25, 200, 396, 288, 288, 176, 512, 512])
        guard case .perLayer(let deviations) = try c.paperGains() else { Issue.record("not per layer"); return }
        for l in 0..<8 {
            #expect(abs(deviations[l] * Double(fanIns[l]).squareRoot() - 0.01 * Double(paper[l]).squareRoot()) < 1e-12)
        }
        // The model draws each layer with its own σ (conv1 and fc8 far apart: 0.038 and 0.028).
        c.weightInitialization = try c.paperGains()
        let model = try AlexNetModel<Float>(c)
        for (l, weight) in [model.conv1.weight, model.conv4.weight, model.fc6.weight, model.fc8.weight].enumerated() {
            let w = weight.value.scalars.map(Double.init)
            let sd = (w.reduce(0) { $0 + $1 * $1 } / Double(w.count)).squareRoot()
            let expected = deviations[[0, 3, 5, 7][l]]
            #expect(abs(sd / expected - 1) < 0.1, "\(weight.name): \(sd) against \(expected)")
        }
    }

    @Test func theOneTowerComparisonNet() throws {
        let c = AlexNetConfiguration.paperOneTower
        #expect(c.convolutions.map(\.kernels) == [48, 128, 192, 192, 256])
        let model = try AlexNetModel<Float>(c)
        // 17,472 + 153,728 + 221,376 + 331,968 + 442,624 + 37,752,832 + 16,781,312 + 4,097,000
        #expect(model.parameterCount == 59_798_312)
        #expect(model.conv2.groups == 1 && model.conv2.weight.value.shape == [128, 48, 5, 5])
    }

    @Test func input224IsRejectedOnlyIfItDoesNotFit() throws {
        var c = AlexNetConfiguration.paper
        c.inputSize = 224
        #expect(try c.spatialSizes() == [54, 26, 26, 12, 12, 12, 12, 5])    // floor, not the paper's 55
        c.inputSize = 31
        // 31 → conv1 6 → pool1 2 → conv2 2: pool2's 3×3 window does not fit.
        #expect(throws: ConfigurationError.doesNotFit(layer: "pool2", window: 3, input: 2)) { try c.spatialSizes() }
        var odd = AlexNetConfiguration.paper
        odd.convolutions[1].kernels = 255
        #expect(throws: ConfigurationError.kernelsDoNotSplit(layer: "conv2", kernels: 255, towers: 2)) {
            try AlexNetModel<Float>(odd)
        }
    }

    @Test func smallPresetsFitFashionMNISTAndCIFAR() throws {
        let fashion = AlexNetConfiguration.small(inputChannels: 1, inputSize: 28, classes: 10)
        #expect(try fashion.spatialSizes() == [28, 13, 13, 6, 6, 6, 6, 2])
        let cifar = AlexNetConfiguration.small(inputChannels: 3, inputSize: 32, classes: 10)
        #expect(try cifar.spatialSizes() == [32, 15, 15, 7, 7, 7, 7, 3])
        let model = try AlexNetModel<Float>(fashion)
        let logits = model.forward(Tensor(shape: [2, 1, 28, 28], repeating: 0.5))
        #expect(logits.shape == [2, 10])
        #expect(model.fc7Activations.shape == [2, 512])
    }

    /// The whole tiny network (both towers) checked against numerical gradients, with fixed
    /// dropout masks: every parameter's report.
    static func wholeNetworkReports(_ c: AlexNetConfiguration) throws -> [GradientCheck.Report] {
        let model = try AlexNetModel<Double>(c)
        var g = RandomGenerator(seed: 4)
        let mask = { Tensor<Double>(shape: [2, 6], scalars: (0..<12).map { _ in g.bernoulli(0.5) ? 1 : 0 }) }
        model.drop6?.fixedMask = mask()
        model.drop7?.fixedMask = mask()
        let images: Tensor<Double> = randomTensor([2, 3, 15, 15], seed: 5)
        // Deep in the net the gradients are ~1e-5 against a loss of ~1, so rounding (ε·L/h) would
        // dominate at the default h ≈ 6e-6; h = 1e-4 balances rounding and truncation there.
        let reports = GradientCheck.check(model, images: images, labels: [0, 2], step: 1e-4, entriesPerTensor: 40)
        for r in reports { #expect(r.maxRelativeError < networkGradientTolerance, "\(r)") }
        return reports
    }

    @Test(arguments: [ActivationFunction.relu, .tanh])
    func wholeNetworkGradientCheckBothTowers(_ activation: ActivationFunction) throws {
        var c = tinyAlexNetConfiguration()
        c.activation = activation
        let reports = try Self.wholeNetworkReports(c)
        #expect(reports.count == 2 * 5 + 6)           // the weight and bias of 5 convs (both towers) and 3 FC
    }

    @Test func inferencePhaseScalesDropoutAndFeaturesAreFC7() throws {
        let model = try AlexNetModel<Double>(tinyAlexNetConfiguration())
        let images: Tensor<Double> = randomTensor([3, 3, 15, 15], seed: 6)
        model.phase = .inference
        let a = model.forward(images), b = model.forward(images)
        #expect(a == b)                                // no random masks in inference
        #expect(model.drop6?.phase == .inference)
        model.phase = .training
        let features = model.fc7Features(images)
        #expect(features.shape == [3, 6])
        #expect(model.phase == .training)
    }

    @Test func fourLayerNetGradientCheck() throws {
        var c = FourLayerNet<Double>.Configuration(inputChannels: 3, inputSize: 12, classes: 4)
        c.convolutionKernels = 4
        c.localKernels = 3
        c.normalization = AlexNetConfiguration.NormalizationSpec()
        c.normalization?.alpha = 0.5
        c.weightInitialization = .gaussian(standardDeviation: 0.3)
        let net = try FourLayerNet<Double>(c)
        let reports = GradientCheck.check(net, images: randomTensor([2, 3, 12, 12], seed: 7), labels: [1, 3],
                                          step: 1e-4, entriesPerTensor: 40)
        #expect(reports.count == 10)
        for r in reports { #expect(r.maxRelativeError < networkGradientTolerance, "\(r)") }
        #expect(net.describe().last?.outputShape == [4])
    }

    @Test func linearClassifierGradientCheckAndShapes() throws {
        let net = LinearClassifier<Double>(inputShape: [2, 3, 3], classes: 4, weightInitialization: .gaussian(standardDeviation: 0.3), seed: 2)
        let reports = GradientCheck.check(net, images: randomTensor([3, 2, 3, 3], seed: 5), labels: [0, 3, 1], step: 1e-4)
        #expect(reports.count == 2)
        for r in reports { #expect(r.maxRelativeError < networkGradientTolerance, "\(r)") }
        #expect(net.parameterCount == 18 * 4 + 4)
        #expect(net.describe().map(\.outputShape) == [[2, 3, 3], [4]])
    }

    @Test func fourLayerNetShapesFor24PixelCrops() throws {
        let net = try FourLayerNet<Float>(.init(inputChannels: 3, inputSize: 24, classes: 10))
        #expect(net.local3.inputHeight == 5)
        #expect(net.forward(Tensor(shape: [2, 3, 24, 24], repeating: 0.1)).shape == [2, 10])
        #expect(throws: ConfigurationError.self) { try FourLayerNet<Float>(.init(inputChannels: 1, inputSize: 4, classes: 2)) }
    }
}

@Suite struct StagesTests {
    /// The profiler's list of stages must be the forward pass, layer for layer.
    /// Table 2's starred nets: a sixth convolution over pool5, before fc6.
    @Test func theSixthConvolutionLiesOverPool5() throws {
        let c = AlexNetConfiguration.paperSixConvolutions
        let model = try AlexNetModel<Float>(c)
        #expect(model.parameterCount == 60_965_224 + 256 * (128 * 3 * 3 + 1))
        #expect(try model.parameterCount == 61_260_392 && c.parameterCount() == 61_260_392)
        #expect(try c.spatialSizes() == [55, 27, 27, 13, 13, 13, 13, 6, 6])
        let conv6 = try #require(model.conv6)
        #expect(conv6.weight.value.shape == [256, 128, 3, 3] && conv6.groups == 2 && conv6.bias.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.stages.map(\.name).drop { $0 != "pool5" }.prefix(4) == ["pool5", "conv6", "relu-conv6", "fc6"])
        #expect(try c.fanIns() == [363, 1200, 2304, 1728, 1728, 1152, 9216, 4096, 4096])
        #expect(try c.paperGains() == .perLayer(standardDeviations: [Double](repeating: 0.01, count: 9)))
        #expect(model.fc6.weight.value.shape == [4096, 9216])
        var seven = c
        seven.convolutions.append(c.convolutions[5])
        #expect(throws: ConfigurationError.layerCount(convolutions: 7, hiddenWidths: 2)) { try AlexNetModel<Float>(seven) }
    }

    @Test func sixConvolutionGradientCheck() throws {
        var c = tinyAlexNetConfiguration()
        c.convolutions.append(.init(kernels: 6, kernelSize: 3, padding: 1))
        let reports = try AlexNetModelTests.wholeNetworkReports(c)
        #expect(reports.count == 2 * 6 + 6 && reports.contains { $0.name.hasPrefix("conv6") })
    }

    @Test func runningTheStagesInOrderIsTheForwardPass() throws {
        let alex = try AlexNetModel<Double>(tinyAlexNetConfiguration())
        alex.phase = .inference
        var c = FourLayerNetConfiguration(inputChannels: 3, inputSize: 15, classes: 3)
        c.normalization = AlexNetConfiguration.NormalizationSpec()
        c.convolutionKernels = 4
        c.localKernels = 3
        let four = try FourLayerNet<Double>(c)
        let images: Tensor<Double> = randomTensor([2, 3, 15, 15], seed: 8)
        for net in [alex, four] as [any Network<Double>] {
            var x = images
            for stage in net.stages { x = stage.layer.forward(x) }
            #expect(x == net.forward(images))
        }
        #expect(alex.stages.count == 22 && four.stages.count == 13)
    }
}

/// The parameter counts a file's description is checked against before building (so that no
/// allocation exceeds what the file holds) equal the built networks' own counts — or a legitimate
/// file would be refused.
@Suite struct ParameterCountTests {
    @Test func theConfigurationsCountEqualsTheNetworks() throws {
        var lrn = FourLayerNetConfiguration(inputChannels: 3, inputSize: 24, classes: 10)
        lrn.normalization = AlexNetConfiguration.NormalizationSpec()
        var plain = FourLayerNetConfiguration(inputChannels: 1, inputSize: 28, classes: 7)
        (plain.poolingWindow, plain.poolingStride, plain.convolutionKernels, plain.localKernels) = (2, 2, 12, 5)
        let specifications: [ModelSpecification] = [
            .alexNet(.paper), .alexNet(.paperOneTower), .alexNet(.torchvision), .alexNet(tinyAlexNetConfiguration()),
            .alexNet(.paperSixConvolutions),
            .alexNet(.small(inputChannels: 1, inputSize: 28, classes: 10)), .fourLayer(lrn), .fourLayer(plain),
        ]
        for specification in specifications {
            let built = try specification.build(Float.self).parameterCount
            let counted = switch specification {
            case .alexNet(let c): try c.parameterCount()
            case .fourLayer(let c): try c.parameterCount()
            }
            #expect(counted == built, "\(specification)")
            #expect(throws: ConfigurationError.self) { try specification.build(Float.self, maximumParameters: built - 1) }
        }
        var zero = plain
        zero.poolingStride = 0
        #expect(throws: ConfigurationError.outOfRange(field: "poolingStride", value: "0", range: "1...256")) {
            try ModelSpecification.fourLayer(zero).build(Float.self, maximumParameters: 1 << 30)
        }
    }
}
