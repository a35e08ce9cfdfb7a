import AlexNet
import AlexNetData
import AlexNetTraining
import Foundation
import ToolSupport

/// Per channel of the maps at one place of a network: mean, standard deviation, and the
/// fraction of exact zeros (ReLU's sparsity), over the images and positions.
struct ChannelStatistics {
    var arm: String, place: String
    var means: [Double], deviations: [Double], sparsities: [Double]

    /// Mean over channels of the channels' means; the spread of those means across channels
    /// (their standard deviation over their mean); the mean sparsity.
    var summary: (mean: Double, spreadOfMeans: Double, sparsity: Double) {
        let m = means.reduce(0, +) / Double(means.count)
        let sd = (means.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(means.count)).squareRoot()
        return (m, m != 0 ? sd / abs(m) : 0, sparsities.reduce(0, +) / Double(sparsities.count))
    }
}

/// Runs `images` through the network's stages in inference phase and measures the output of
/// each stage named in `places` (those the network has).
func channelStatistics(_ network: FourLayerNet<Float>, arm: String, images: Tensor<Float>, at places: [String]) -> [ChannelStatistics] {
    network.phase = .inference
    var x = images, found: [String: Tensor<Float>] = [:]
    for (name, layer) in network.stages {
        x = layer.forward(x)
        if places.contains(name) { found[name] = x }
    }
    return places.compactMap { place in
        guard let t = found[place] else { return nil }
        let (N, C, HW) = (t.shape[0], t.shape[1], t.shape[2] * t.shape[3])
        var means: [Double] = [], deviations: [Double] = [], sparsities: [Double] = []
        for c in 0..<C {
            var sum = 0.0, squares = 0.0, zeros = 0
            for n in 0..<N {
                for p in 0..<HW {
                    let v = Double(t.scalars[(n * C + c) * HW + p])
                    sum += v; squares += v * v
                    if v == 0 { zeros += 1 }
                }
            }
            let count = Double(N * HW), mean = sum / count
            means.append(mean)
            deviations.append(max(0, squares / count - mean * mean).squareRoot())
            sparsities.append(Double(zeros) / count)
        }
        return ChannelStatistics(arm: arm, place: place, means: means, deviations: deviations, sparsities: sparsities)
    }
}

/// What LRN divides by: for the positive inputs a of a normalisation layer, the divisor
/// a / b = (k + α′Σa²)^β under each convention, against the constant k^β it would be if the
/// sum of squares did not matter.
struct Divisors {
    var place: String, convention: AlphaConvention
    var median: Double, percentile99: Double
    /// The share of positive units divided by more than 1.05·k^β: where LRN is more than a constant scale.
    var activeShare: Double
    static let constant = pow(2.0, 0.75)

    /// Divisors of the layer `spec` describes (the trained network's constants), in `convention`.
    init(input a: Tensor<Float>, place: String, spec: AlexNetConfiguration.NormalizationSpec, convention: AlphaConvention) {
        precondition(spec.k == 2 && spec.beta == 0.75, "Divisors: the active share is measured against the paper's k^β = 2^0.75")
        let layer = LocalResponseNormalization<Float>(size: spec.size, k: spec.k, alpha: spec.alpha, beta: spec.beta, convention: convention)
        let b = layer.forward(a)
        var divisors: [Double] = []
        for i in 0..<a.count where a.scalars[i] > 0 { divisors.append(Double(a.scalars[i] / b.scalars[i])) }
        divisors.sort()
        self.place = place
        self.convention = convention
        median = divisors.isEmpty ? .nan : divisors[divisors.count / 2]
        percentile99 = divisors.isEmpty ? .nan : divisors[min(divisors.count - 1, divisors.count * 99 / 100)]
        activeShare = Double(divisors.filter { $0 > 1.05 * Self.constant }.count) / Double(max(1, divisors.count))
    }
}

/// The inputs of the network's two LRN layers for `images`.
func normalizationInputs(_ network: FourLayerNet<Float>, images: Tensor<Float>) -> [(place: String, input: Tensor<Float>)] {
    network.phase = .inference
    var x = images, inputs: [(String, Tensor<Float>)] = []
    for (name, layer) in network.stages {
        if name.hasPrefix("norm") { inputs.append((name, x)) }
        x = layer.forward(x)
    }
    return inputs
}

/// The same trained weights in a network whose LRN layers use `convention`.
func withConvention(_ network: FourLayerNet<Float>, _ convention: AlphaConvention) throws -> FourLayerNet<Float> {
    var c = network.configuration
    c.normalization?.convention = convention
    let copy = try FourLayerNet<Float>(c)
    for (target, source) in zip(copy.parameters, network.parameters) { target.value = source.value }
    return copy
}

/// Median seconds of a forward and backward pass of batch 128, after a warm-up.
func secondsPerStep(_ network: FourLayerNet<Float>, images: Tensor<Float>, steps: Int) -> Double {
    let labels = (0..<images.shape[0]).map { $0 % network.configuration.classes }
    network.phase = .training
    _ = network.lossAndGradient(images: images, labels: labels)
    return median((0..<steps).map { _ in
        measureSeconds { _ = network.lossAndGradient(images: images, labels: labels); network.zeroGradients() }
    })
}
