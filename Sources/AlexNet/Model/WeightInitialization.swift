/// How a network's weights are drawn before training.
///
/// The paper (Section 5) draws every weight from N(0, 0.01²). That scale suits its large
/// layers; in a small, deep net it shrinks the signal layer after layer, and training sits at
/// chance for a long while before it starts (chapter 9 shows this). He et al.'s rule (2015),
/// N(0, 2/fan-in), keeps the signal's scale through ReLU layers and is what the book's short
/// runs on small images use when they say so.
public enum WeightInitialization: Sendable, Equatable, Codable {
    /// N(0, σ²) in every layer; the paper's is σ = 0.01.
    case gaussian(standardDeviation: Double)
    /// N(0, 2/fan-in), fan-in the number of inputs of one output unit.
    case he
    /// N(0, 1/fan-in): LeCun's rule, the customary one for tanh.
    case lecun
    /// N(0, σ_l²) for the l-th weight layer in order (AlexNet: conv1 … conv5 (conv6), fc6, fc7, fc8),
    /// e.g. ``AlexNetConfiguration/paperGains()``: the paper's rule carried to a narrower net.
    case perLayer(standardDeviations: [Double])

    /// The paper's: N(0, 0.01²).
    public static let paper = WeightInitialization.gaussian(standardDeviation: 0.01)

    /// σ for weight layer `layer` (0-based, in the network's order) whose output units each
    /// see `fanIn` inputs.
    public func standardDeviation(layer: Int, fanIn: Int) -> Double {
        switch self {
        case .gaussian(let sd): return sd
        case .he: return (2 / Double(max(1, fanIn))).squareRoot()
        case .lecun: return (1 / Double(max(1, fanIn))).squareRoot()
        case .perLayer(let deviations):
            precondition(layer < deviations.count, "WeightInitialization.perLayer: no σ for weight layer \(layer) (\(deviations.count) given)")
            return deviations[layer]
        }
    }
}
