import AlexNet
import AlexNetData

/// The chapter's AlexNet: the paper's pattern on whole 28×28 (or 32×32) images — five
/// convolutions at an eighth of the paper's widths, LRN, overlapping pooling, fc6 and fc7 256
/// wide with dropout 0.5 — trained by the paper's recipe, whose parts this chapter takes apart.
func chapterNetwork(_ data: Dataset, initialisation: Initialisation, seed: UInt64) throws -> AlexNetConfiguration {
    var c = AlexNetConfiguration.small(inputChannels: data.train.channels, inputSize: data.train.height, classes: data.classes,
                                       widthScale: 1.0 / 8, hiddenWidth: 256)
    c.seed = seed
    (c.weightInitialization, c.hiddenBias) = try initialisation.weightsAndBias(for: c)
    return c
}

/// The initialisations the chapter compares (Section 5: N(0, 0.01²), biases of 1 in conv2,
/// conv4, conv5, fc6 and fc7).
enum Initialisation: CaseIterable {
    /// The paper's numbers as they stand: σ = 0.01 in every layer, hidden biases 1.
    case paperLiteral
    /// σ = 0.01 in every layer, every bias 0.
    case paperLiteralBiasZero
    /// The paper's per-layer gains (``AlexNetConfiguration/paperGains()``), hidden biases 1.
    case paperGainsBiasOne
    /// The same weights, every bias 0: what the bias of 1 is compared against.
    case paperGainsBiasZero
    /// He et al.'s N(0, 2/fan-in), biases 0: the book's choice for short runs.
    case he

    var name: String {
        switch self {
        case .paperLiteral: "N(0, 0.01²), bias 1"
        case .paperLiteralBiasZero: "N(0, 0.01²), bias 0"
        case .paperGainsBiasOne: "paper's gains, bias 1"
        case .paperGainsBiasZero: "paper's gains, bias 0"
        case .he: "He, bias 0"
        }
    }

    func weightsAndBias(for c: AlexNetConfiguration) throws -> (WeightInitialization, Double) {
        switch self {
        case .paperLiteral: (.paper, 1)
        case .paperLiteralBiasZero: (.paper, 0)
        case .paperGainsBiasOne: (try c.paperGains(), 1)
        case .paperGainsBiasZero: (try c.paperGains(), 0)
        case .he: (.he, 0)
        }
    }
}
