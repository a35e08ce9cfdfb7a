import AlexNet
import ToolSupport
import AlexNetData

/// The model switches of `alexnet train`: which network, and every ablation of the paper.
struct ModelArguments {
    var model: String
    var activation: ActivationFunction
    var normalization: Bool, convention: AlphaConvention
    var pooling: (window: Int, stride: Int)
    var dropout: Bool
    var towers: Int
    /// --recipe, --init and --pixels as given (nil: not given); see ``usesPaperRecipe(byDefault:)``.
    var recipe: String?, initChoice: String?, pixelsChoice: String?
    /// Set by ``usesPaperRecipe(byDefault:)``.
    var initialization = WeightInitialization.he
    /// Whether the pixels are scaled to unit variance after the mean image is subtracted.
    var standardizesPixels = true
    var hiddenBias: Double
    var widthScale: Double, hiddenWidth: Int
    /// A sixth convolution over pool5 (Section 6's starred nets).
    var sixthConvolution: Bool
    var seed: UInt64

    init(_ a: Arguments) {
        model = a.choice("--model", default: "small-alexnet", choices: ["small-alexnet", "four-layer", "paper"],
                         help: "the paper's pattern for small images, the four-layer CIFAR net, or the full 227×227 net")
        activation = ActivationFunction(rawValue: a.choice("--activation", default: "relu", choices: ["relu", "tanh"],
                                                           help: "the non-linearity (Section 3.1)"))!
        normalization = !a.flag("--no-lrn", help: "switch local response normalisation off (Section 3.3)")
        convention = a.choice("--lrn-alpha", default: "paper", choices: ["paper", "divided"],
                              help: "LRN's α as in the paper, or divided by n as in cuda-convnet/Caffe/PyTorch") == "paper"
            ? .paper : .dividedBySize
        let pool = a.choice("--pooling", default: "3/2", choices: ["3/2", "2/2"], help: "max-pooling window/stride (Section 3.4)")
        pooling = pool == "3/2" ? (3, 2) : (2, 2)
        dropout = !a.flag("--no-dropout", help: "switch dropout in fc6 and fc7 off (Section 4.2)")
        towers = a.integer("--towers", default: 2, help: "2: the paper's two GPUs as groups; 1: the half-width net", range: 1...2)
        recipe = a.optionalChoice("--recipe", choices: ["standard", "paper"],
                                  help: "standard: He's initialisation on standardised pixels, which learns in the first epoch; paper: the paper's N(0, 0.01²) weights on raw mean-subtracted pixels (Section 5), which can stay at chance for many epochs on a small net (default: paper for --model paper on ImageNet, standard otherwise)")
        initChoice = a.optionalChoice("--init", choices: ["paper", "he"],
                                      help: "override the recipe's weights: N(0, 0.01²) as in the paper, or He's N(0, 2/fan-in)")
        pixelsChoice = a.optionalChoice("--pixels", choices: ["standardized", "raw"],
                                        help: "override the recipe's input scale: mean image subtracted and divided by the pixels' standard deviation, or raw 0…255 minus the mean image as in the paper")
        hiddenBias = a.double("--hidden-bias", default: 1, help: "initial bias of conv2, conv4, conv5, fc6, fc7 (the paper: 1)", range: -10...10)
        widthScale = a.double("--width-scale", default: 1.0 / 3, help: "small-alexnet: conv widths as a fraction of the paper's", range: 0.01...4)
        hiddenWidth = a.integer("--hidden-width", default: 512, help: "small-alexnet: width of fc6 and fc7")
        sixthConvolution = a.flag("--sixth-convolution", help: "add a sixth convolutional layer over pool5, as in two of the paper's seven nets (Section 6): 3×3, padding 1, as many kernels as conv5")
        seed = UInt64(a.integer("--seed", default: 0, help: "seeds the weights, dropout, data order and augmentation", range: 0...Int.max))
    }

    /// Settles the recipe: the paper's when asked for, or when `byDefault` and no --recipe was
    /// given; --init and --pixels override its parts. Returns whether it is the paper's.
    @discardableResult
    mutating func usesPaperRecipe(byDefault: Bool) -> Bool {
        let paper = (recipe ?? (byDefault ? "paper" : "standard")) == "paper"
        initialization = (initChoice ?? (paper ? "paper" : "he")) == "paper" ? .paper : .he
        standardizesPixels = (pixelsChoice ?? (paper ? "raw" : "standardized")) == "standardized"
        return paper
    }

    /// The network for images of `channels`×`size`×`size` and `classes` classes.
    func specification(channels: Int, size: Int, classes: Int) throws -> ModelSpecification {
        let lrn = normalization ? { var n = AlexNetConfiguration.NormalizationSpec(); n.convention = convention; return n }() : nil
        switch model {
        case "four-layer":
            guard !sixthConvolution else { throw UsageError("--sixth-convolution is for --model paper and small-alexnet, not the four-layer net") }
            var c = FourLayerNetConfiguration(inputChannels: channels, inputSize: size, classes: classes)
            c.activation = activation
            c.normalization = lrn
            (c.poolingWindow, c.poolingStride) = pooling
            c.weightInitialization = initialization
            c.seed = seed
            return .fourLayer(c)
        default:
            var c = model == "paper" ? AlexNetConfiguration.paper
                : .small(inputChannels: channels, inputSize: size, classes: classes, widthScale: widthScale, hiddenWidth: hiddenWidth)
            if model == "paper" {
                guard channels == c.inputChannels, size == c.inputSize else {
                    throw UsageError("--model paper takes 3×227×227 images; this data gives \(channels)×\(size)×\(size) (use --model small-alexnet)")
                }
                c.classes = classes
            }
            c.activation = activation
            c.normalization = lrn
            (c.poolingWindow, c.poolingStride) = pooling
            c.dropout = dropout ? 0.5 : nil
            c.towers = towers
            if towers == 1 && model == "paper" { c = .paperOneTower }
            c.weightInitialization = initialization
            c.hiddenBias = hiddenBias
            c.seed = seed
            if sixthConvolution { c.convolutions.append(.init(kernels: c.convolutions[4].kernels, kernelSize: 3, padding: 1)) }
            _ = try c.spatialSizes()
            return .alexNet(c)
        }
    }
}

/// `--max-pixels N`: the largest picture, in pixels, a JPEG or PNG header may claim before the
/// file is read; the guard against a hostile header (a few bytes claiming terabytes). The default
/// is ``JPEG/maximumPixels``.
func maximumPixelsOption(_ a: Arguments, refusal: String) -> Int {
    a.integer("--max-pixels", default: JPEG.maximumPixels,
              help: "a picture whose header claims more pixels \(refusal) before it is decoded (default 2^28 = 16,384 × 16,384, 768 MiB of RGB)",
              range: 1...(1 << 36))
}
