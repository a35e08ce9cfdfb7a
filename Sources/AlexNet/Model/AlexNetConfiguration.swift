/// Everything that defines an AlexNet-shaped network: the paper's preset and every switch the
/// book's ablations flip (Sections 3.1–3.5, 4.2 and 5 of the paper).
///
/// The layer pattern is always Figure 2's: five convolutions, then three fully connected layers;
/// LRN after the first two activations; max-pooling after the two LRNs and after conv5;
/// dropout after fc6 and fc7. Kernel counts are totals over both towers. A sixth convolution,
/// when given, lies "over the last pooling layer" (Section 6: two of the seven nets of the 15.3%
/// entry), between pool5 and fc6 (``paperSixConvolutions``).
public struct AlexNetConfiguration: Sendable, Equatable, Codable {
    /// One convolutional layer: kernels in all towers together, kernel size, stride, padding.
    public struct ConvolutionSpec: Sendable, Equatable, Codable {
        public var kernels: Int, kernelSize: Int, stride: Int, padding: Int
        public init(kernels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0) {
            self.kernels = kernels
            self.kernelSize = kernelSize
            self.stride = stride
            self.padding = padding
        }
    }

    /// Local response normalisation settings (Section 3.3).
    public struct NormalizationSpec: Sendable, Equatable, Codable {
        public var size = 5, k = 2.0, alpha = 1e-4, beta = 0.75
        public var convention: AlphaConvention = .paper
        public init() {}
    }

    public var inputChannels = 3
    /// Height and width of the (square) input: 227, see Book.md on 224 versus 227.
    public var inputSize = 227
    public var classes = 1000
    /// 2: the paper's two GPUs (conv2, conv4, conv5 see only their own tower; conv3 and the
    /// FC layers see both). 1: one tower, the paper's half-width comparison net.
    public var towers = 2
    /// conv1 … conv5, and conv6 over pool5 when there are six.
    public var convolutions: [ConvolutionSpec]
    /// fc6 and fc7.
    public var hiddenWidths: [Int]
    public var activation: ActivationFunction = .relu
    /// nil switches LRN off.
    public var normalization: NormalizationSpec? = NormalizationSpec()
    /// The paper's overlapping pooling is 3/2; the traditional one 2/2.
    public var poolingWindow = 3, poolingStride = 2
    /// Dropout probability in fc6 and fc7; nil switches dropout off.
    public var dropout: Double? = 0.5
    /// Average pooling of pool5's maps to this size before fc6, whatever the input's size
    /// (torchvision's `AdaptiveAvgPool2d((6, 6))`); nil, the paper's, feeds pool5 to fc6 as it is.
    public var adaptivePooling: Int? = nil
    /// Weights ~ N(0, 0.01²) in the paper (Section 5).
    public var weightInitialization = WeightInitialization.paper
    /// The bias of conv2, conv4, conv5, fc6, fc7 (the paper: 1; Caffe later used 0.1).
    /// Every other bias starts at 0.
    public var hiddenBias = 1.0
    /// Seeds the initial weights and the dropout masks.
    public var seed: UInt64 = 0

    /// The paper's network: 227×227×3 input, two towers, 1000 classes, 60,965,224 parameters.
    public static let paper = AlexNetConfiguration(
        convolutions: [
            ConvolutionSpec(kernels: 96, kernelSize: 11, stride: 4, padding: 0),
            ConvolutionSpec(kernels: 256, kernelSize: 5, padding: 2),
            ConvolutionSpec(kernels: 384, kernelSize: 3, padding: 1),
            ConvolutionSpec(kernels: 384, kernelSize: 3, padding: 1),
            ConvolutionSpec(kernels: 256, kernelSize: 3, padding: 1),
        ],
        hiddenWidths: [4096, 4096])

    /// The paper's net with a sixth convolutional layer over pool5 (Section 6, Table 2's starred
    /// nets). The paper gives the layer's place and nothing else; ours is the choice of the layers
    /// beside it: 256 kernels of 3×3 with padding 1 (pool5's 6×6 maps keep their size), each tower
    /// seeing its own maps as conv4 and conv5 do, a bias of 1 as theirs. 61,260,392 parameters.
    public static var paperSixConvolutions: AlexNetConfiguration {
        var c = paper
        c.convolutions.append(ConvolutionSpec(kernels: 256, kernelSize: 3, padding: 1))
        return c
    }

    /// The paper's one-GPU comparison net (Section 3.2 and its footnote): half as many kernels
    /// in conv1–conv4, conv5 and the FC layers not halved, one tower.
    public static var paperOneTower: AlexNetConfiguration {
        var c = paper
        c.towers = 1
        for i in 0..<4 { c.convolutions[i].kernels /= 2 }
        return c
    }

    /// What torchvision's `alexnet` computes (its `features`, `avgpool` and `classifier`): one
    /// tower of 64, 192, 384, 256 and 256 kernels, conv1 11×11 at stride 4 with padding 2 on
    /// 224×224 images, no LRN, pool5 averaged to 6×6, 61,100,840 parameters. Dropout is left out:
    /// torchvision's is the inverted kind, which changes nothing at inference, where ours would
    /// scale by ½ (to train the preset, chapter 8's exercise 2 says which weights differ by 2).
    /// ``StateDict`` imports torchvision's weights by their names (`features.0.weight`, …).
    public static var torchvision: AlexNetConfiguration {
        var c = AlexNetConfiguration(
            convolutions: [
                ConvolutionSpec(kernels: 64, kernelSize: 11, stride: 4, padding: 2),
                ConvolutionSpec(kernels: 192, kernelSize: 5, padding: 2),
                ConvolutionSpec(kernels: 384, kernelSize: 3, padding: 1),
                ConvolutionSpec(kernels: 256, kernelSize: 3, padding: 1),
                ConvolutionSpec(kernels: 256, kernelSize: 3, padding: 1),
            ],
            hiddenWidths: [4096, 4096])
        (c.inputSize, c.towers, c.normalization, c.dropout, c.adaptivePooling) = (224, 1, nil, nil, 6)
        return c
    }

    /// An AlexNet of the same pattern for small images (28×28×1 Fashion-MNIST, 32×32×3 CIFAR-10):
    /// conv1 is 5×5 with stride 1 and padding 2, the widths are `widthScale` of the
    /// paper's conv widths (rounded to a multiple of 2·towers), the FC layers `hiddenWidth` wide.
    public static func small(inputChannels: Int, inputSize: Int, classes: Int,
                             widthScale: Double = 1.0 / 3, hiddenWidth: Int = 512) -> AlexNetConfiguration {
        var c = paper
        c.inputChannels = inputChannels
        c.inputSize = inputSize
        c.classes = classes
        let widths = [96, 256, 384, 384, 256].map { w in max(4, Int((Double(w) * widthScale / 4).rounded()) * 4) }
        c.convolutions = [
            ConvolutionSpec(kernels: widths[0], kernelSize: 5, stride: 1, padding: 2),
            ConvolutionSpec(kernels: widths[1], kernelSize: 5, padding: 2),
            ConvolutionSpec(kernels: widths[2], kernelSize: 3, padding: 1),
            ConvolutionSpec(kernels: widths[3], kernelSize: 3, padding: 1),
            ConvolutionSpec(kernels: widths[4], kernelSize: 3, padding: 1),
        ]
        c.hiddenWidths = [hiddenWidth, hiddenWidth]
        return c
    }

    /// The inputs one output unit of each weight layer sees, conv1 … conv5 (conv6), fc6, fc7, fc8:
    /// (kernel size)² × input channels of its own tower, and for fc6 every unit of the last map.
    /// The paper's: 363, 1200, 2304, 1728, 1728, 9216, 4096, 4096.
    public func fanIns() throws -> [Int] {
        let sizes = try spatialSizes(), k = convolutions
        let inputs = [inputChannels] + k.dropLast().map(\.kernels)
        let groups = [1, towers, 1, towers, towers, towers]   // conv2, conv4, conv5, conv6 see their own tower
        let convolution = k.indices.map { i in inputs[i] / groups[i] * k[i].kernelSize * k[i].kernelSize }
        let side = adaptivePooling ?? sizes.last!
        return convolution + [k[k.count - 1].kernels * side * side, hiddenWidths[0], hiddenWidths[1]]
    }

    /// The number of weight layers: convolutions, then fc6, fc7, fc8.
    public var weightLayers: Int { convolutions.count + 3 }

    /// The paper's N(0, 0.01²) carried to this network layer by layer: σ_l = 0.01·√(F_l / f_l),
    /// F_l the paper's fan-in and f_l this network's, so that every layer multiplies the scale
    /// of its input by what the paper's layer at its place does (σ·√fan-in). In a narrower net
    /// the literal 0.01 shrinks the signal far more than the paper's did (chapter 9); this keeps
    /// the paper's gains. For the paper's own configuration it is 0.01 everywhere.
    public func paperGains() throws -> WeightInitialization {
        var paper = try Self.paper.fanIns()
        let own = try fanIns()
        if convolutions.count == 6 { paper.insert(own[5], at: 5) }     // conv6 has no counterpart: 0.01 itself
        return .perLayer(standardDeviations: zip(paper, own).map { 0.01 * (Double($0) / Double($1)).squareRoot() })
    }

    public init(convolutions: [ConvolutionSpec], hiddenWidths: [Int]) {
        self.convolutions = convolutions
        self.hiddenWidths = hiddenWidths
    }

    /// The spatial size after each stage, checked: (conv1, pool1, conv2, pool2, conv3, conv4,
    /// conv5, pool5, and conv6 when there is one), each by its layer's own rule (``Convolution/outputSize(inputSize:kernelSize:stride:padding:)``,
    /// ``MaxPooling/outputSize(inputSize:windowSize:stride:)``). Throws a ``ConfigurationError``
    /// that names the layer that does not fit, before any layer is built.
    public func spatialSizes() throws -> [Int] {
        guard convolutions.count == 5 || convolutions.count == 6, hiddenWidths.count == 2 else {
            throw ConfigurationError.layerCount(convolutions: convolutions.count, hiddenWidths: hiddenWidths.count)
        }
        guard towers == 1 || towers == 2 else { throw ConfigurationError.towers(towers) }
        for (i, spec) in convolutions.enumerated() where spec.kernels % towers != 0 {
            throw ConfigurationError.kernelsDoNotSplit(layer: "conv\(i + 1)", kernels: spec.kernels, towers: towers)
        }
        var sizes: [Int] = []
        var size = inputSize
        func conv(_ i: Int) throws {
            let s = convolutions[i]
            guard size + 2 * s.padding >= s.kernelSize else {
                throw ConfigurationError.doesNotFit(layer: "conv\(i + 1)", window: s.kernelSize, input: size)
            }
            size = Convolution<Float>.outputSize(inputSize: size, kernelSize: s.kernelSize, stride: s.stride, padding: s.padding)
            sizes.append(size)
        }
        func pool(_ name: String) throws {
            guard size >= poolingWindow else {
                throw ConfigurationError.doesNotFit(layer: name, window: poolingWindow, input: size)
            }
            size = MaxPooling<Float>.outputSize(inputSize: size, windowSize: poolingWindow, stride: poolingStride)
            sizes.append(size)
        }
        try conv(0); try pool("pool1"); try conv(1); try pool("pool2")
        try conv(2); try conv(3); try conv(4); try pool("pool5")
        if convolutions.count == 6 { try conv(5) }
        return sizes
    }
}

extension AlexNetConfiguration {
    /// Every number of the configuration within the range a network can have — checked before any
    /// layer is built from a description a file gave, so that a hostile one is an error, not a trap
    /// (a stride of 0) or an overflow (a kernel of 2⁶² pixels).
    public func checkRanges() throws {
        let check = ConfigurationError.check
        try check("inputChannels", inputChannels, 1...(1 << 12))
        try check("inputSize", inputSize, 1...(1 << 15))
        try check("classes", classes, 1...(1 << 20))
        for (i, c) in convolutions.enumerated() {
            try check("conv\(i + 1).kernels", c.kernels, 1...(1 << 16))
            try check("conv\(i + 1).kernelSize", c.kernelSize, 1...(1 << 8))
            try check("conv\(i + 1).stride", c.stride, 1...(1 << 8))
            try check("conv\(i + 1).padding", c.padding, 0...c.kernelSize)
        }
        for (i, w) in hiddenWidths.enumerated() { try check("fc\(i + 6) width", w, 1...(1 << 20)) }
        try check("poolingWindow", poolingWindow, 1...(1 << 8))
        try check("poolingStride", poolingStride, 1...(1 << 8))
        if let n = normalization { try check("normalization.size", n.size, 1...(1 << 16)) }
        if let a = adaptivePooling { try check("adaptivePooling", a, 1...(1 << 8)) }
        if let p = dropout, !(0 <= p && p < 1) { throw ConfigurationError.outOfRange(field: "dropout", value: String(p), range: "0..<1") }
    }

    /// The number of learned scalars the network has: every weight layer's (fan-in + 1) × outputs,
    /// with its ranges and its fit checked and the products checked for overflow, so that a reader
    /// can compare it with what its file holds before building anything.
    public func parameterCount() throws -> Int {
        try checkRanges()
        let fanIns = try fanIns()
        let outputs = convolutions.map(\.kernels) + hiddenWidths + [classes]
        return try ConfigurationError.sumOfProducts(zip(outputs, fanIns.map { $0 + 1 }).map { ($0, $1) })
    }
}

/// A network configuration that cannot be built, with the reason.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// AlexNet has five convolutions (or six) and two hidden fully connected layers.
    case layerCount(convolutions: Int, hiddenWidths: Int)
    /// One tower or the paper's two.
    case towers(Int)
    /// A layer's kernels do not divide evenly over the towers.
    case kernelsDoNotSplit(layer: String, kernels: Int, towers: Int)
    /// A kernel or pooling window larger than the (padded) map it slides over.
    case doesNotFit(layer: String, window: Int, input: Int)
    /// A setting outside the range any network has (a description from a file).
    case outOfRange(field: String, value: String, range: String)
    /// More learned scalars than the file that describes the network holds.
    case moreParametersThanTheFile(parameters: Int, file: Int)

    /// Throws ``outOfRange(field:value:range:)`` unless `value` lies in `range`.
    static func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else { throw ConfigurationError.outOfRange(field: field, value: String(value), range: "\(range)") }
    }

    /// Σ rows·perRow over a network's weight layers, every product and sum checked for overflow.
    static func sumOfProducts(_ terms: [(rows: Int, perRow: Int)]) throws -> Int {
        var total = 0
        for (rows, perRow) in terms {
            let (product, overflow) = rows.multipliedReportingOverflow(by: perRow)
            let (sum, overflowSum) = total.addingReportingOverflow(product)
            guard !overflow, !overflowSum else { throw ConfigurationError.outOfRange(field: "parameters", value: "more than \(Int.max)", range: "an Int") }
            total = sum
        }
        return total
    }

    public var description: String {
        switch self {
        case .layerCount(let convolutions, let hidden):
            "AlexNet needs 5 convolutions (or 6) and 2 hidden widths, got \(convolutions) and \(hidden)"
        case .towers(let towers): "towers must be 1 or 2, got \(towers)"
        case .kernelsDoNotSplit(let layer, let kernels, let towers): "\(layer): \(kernels) kernels do not split over \(towers) towers"
        case .doesNotFit(let layer, let window, let input):
            "\(layer): a \(window)×\(window) window does not fit a \(input)×\(input) input"
        case .outOfRange(let field, let value, let range): "\(field) is \(value), outside \(range)"
        case .moreParametersThanTheFile(let parameters, let file):
            "the network described has \(parameters) parameters, more than the \(file) numbers its file holds"
        }
    }
}
