import AlexNet
import AlexNetData
import Foundation

/// Dropout's test-time rule measured against what it approximates (Section 4.2 of the paper).
///
/// A network with dropout trains, in effect, an ensemble of "thinned" networks that share
/// weights: one for every mask m. At test time the paper multiplies the dropout layers' outputs
/// by 1 − p (*weight scaling*) and calls this a reasonable approximation to the geometric mean
/// of the thinned networks' predictive distributions. Here k masks are drawn per image
/// (``Dropout/InferenceMode/sampling``) and the k predictions averaged two ways:
///
///     arithmetic:  p̄(c) = (1/k) Σₛ pₛ(c)
///     geometric:   p̃(c) = exp((1/k) Σₛ log pₛ(c)) / Σ_c′ exp((1/k) Σₛ log pₛ(c′))   (normalised)
///
/// With one dropout layer right before the softmax layer the normalised geometric mean over
/// *all* masks, each weighted by its probability, equals weight scaling exactly: log pₛ is the
/// logits zₛ less a constant per image, and E[zₛ] = W·((1 − p)·x) + b. Between two dropout
/// layers with a ReLU (fc6 and fc7) it is only an approximation — the thing measured here.
///
/// Layers before the first dropout layer are deterministic: ``measure`` runs them once per batch
/// and only the rest of the network k times. The masks of sample s of the batch starting at
/// image i, dropout layer j, come from a generator seeded by (seed, i, s, j), so the result does
/// not depend on the order of the loops (and the naive path, the whole network k times, draws
/// the same masks; a test holds the two equal). Inputs are the centre views.
public struct ThinnedNetworkAverage: Sendable, Equatable {
    /// The errors and the disagreement with weight scaling after k sampled masks per image.
    public struct Point: Sendable, Equatable {
        public var samples: Int
        /// Top-1 error of the arithmetic and of the normalised geometric mean.
        public var arithmeticTop1: Double, geometricTop1: Double
        /// The share of images whose top class differs from weight scaling's.
        public var arithmeticDisagreement: Double, geometricDisagreement: Double
        /// The mean total-variation distance ½ Σ_c |p̄(c) − p_scaling(c)| (0: the same
        /// distribution, 1: disjoint), for each mean.
        public var arithmeticDistance: Double, geometricDistance: Double
    }

    /// Top-1 error of weight scaling (the paper's test-time rule).
    public var scalingTop1: Double
    /// One point per sample count asked for, in increasing order.
    public var points: [Point]
    public var images: Int

    /// Measures `network` on `split` for each of `sampleCounts` (nested: the first k of the
    /// largest count's masks). The network's phase and its dropout layers' modes and generators
    /// are restored afterwards. `reusesPrefix` false runs the whole network for every sample
    /// (the slow twin the tests compare with).
    public static func measure(_ network: any Network<Float>, on split: DatasetSplit, normalization: Normalization,
                               augmentation: Augmentation, sampleCounts: [Int], seed: UInt64,
                               batchSize: Int = 250, reusesPrefix: Bool = true) -> ThinnedNetworkAverage {
        let counts = Array(Set(sampleCounts)).sorted()
        precondition(!counts.isEmpty && counts[0] >= 1, "ThinnedNetworkAverage: sample counts must be at least 1, got \(sampleCounts)")
        let stages = network.stages
        guard let firstDropout = stages.firstIndex(where: { $0.layer is Dropout<Float> }) else {
            preconditionFailure("ThinnedNetworkAverage: the network has no dropout layer")
        }
        let dropouts = network.dropoutLayers
        let saved = (phase: network.phase, modes: dropouts.map(\.inferenceMode), generators: dropouts.map(\.generator))
        network.phase = .inference
        defer {
            network.phase = saved.phase
            for (layer, (mode, generator)) in zip(dropouts, zip(saved.modes, saved.generators)) {
                (layer.inferenceMode, layer.generator) = (mode, generator)
            }
        }
        func run(_ layers: ArraySlice<(name: String, layer: any Layer<Float>)>, _ x: Tensor<Float>) -> Tensor<Float> {
            layers.reduce(x) { $1.layer.forward($0) }
        }

        var tally = counts.map { Point(samples: $0, arithmeticTop1: 0, geometricTop1: 0, arithmeticDisagreement: 0,
                                        geometricDisagreement: 0, arithmeticDistance: 0, geometricDistance: 0) }
        var scalingMistakes = 0
        let view = augmentation.centreView(height: split.height, width: split.width)
        for start in stride(from: 0, to: split.count, by: batchSize) {
            let indices = Array(start..<min(split.count, start + batchSize))
            let images = Augmentation.batch(views: Array(repeating: view, count: indices.count), of: split,
                                            indices: indices, normalization: normalization)
            let labels = indices.map { split.labels[$0] }
            let prefix = reusesPrefix ? run(stages[..<firstDropout], images) : images
            let rest = reusesPrefix ? stages[firstDropout...] : stages[...]
            for layer in dropouts { layer.inferenceMode = .scaling }
            let scaling = SoftmaxCrossEntropy<Float>.softmax(run(rest, prefix))
            let scalingTop = topClasses(scaling)
            scalingMistakes += TopK.mistakes(scaling, labels: labels, k: 1)      // Evaluation's rule, ties included

            let (N, K) = (indices.count, scaling.shape[1])
            var probabilitySum = [Double](repeating: 0, count: N * K), logSum = [Double](repeating: 0, count: N * K)
            var next = 0
            for s in 0..<counts.last! {
                for (j, layer) in dropouts.enumerated() {
                    layer.inferenceMode = .sampling
                    layer.generator = RandomGenerator(seed: mix(seed, UInt64(start), UInt64(s), UInt64(j)))
                }
                let logits = run(rest, prefix)
                accumulate(logits, probabilities: &probabilitySum, logProbabilities: &logSum)
                guard s + 1 == counts[next] else { continue }
                let k = Double(s + 1)
                let arithmetic = probabilitySum.map { $0 / k }
                let geometric = normalisedExponential(logSum.map { $0 / k }, rows: N)
                for (mean, isArithmetic) in [(arithmetic, true), (geometric, false)] {
                    let scores = Tensor(shape: [N, K], scalars: mean.map { Float($0) })
                    let top = topClasses(scores)
                    let mistakes = Double(TopK.mistakes(scores, labels: labels, k: 1))
                    let disagreements = Double(zip(top, scalingTop).filter { $0 != $1 }.count)
                    var distance = 0.0
                    for i in 0..<N * K { distance += abs(mean[i] - Double(scaling.scalars[i])) / 2 }
                    if isArithmetic {
                        (tally[next].arithmeticTop1, tally[next].arithmeticDisagreement) = (tally[next].arithmeticTop1 + mistakes, tally[next].arithmeticDisagreement + disagreements)
                        tally[next].arithmeticDistance += distance
                    } else {
                        (tally[next].geometricTop1, tally[next].geometricDisagreement) = (tally[next].geometricTop1 + mistakes, tally[next].geometricDisagreement + disagreements)
                        tally[next].geometricDistance += distance
                    }
                }
                next += 1
            }
        }
        let n = Double(max(1, split.count))
        let points = tally.map { t in
            Point(samples: t.samples, arithmeticTop1: t.arithmeticTop1 / n, geometricTop1: t.geometricTop1 / n,
                  arithmeticDisagreement: t.arithmeticDisagreement / n, geometricDisagreement: t.geometricDisagreement / n,
                  arithmeticDistance: t.arithmeticDistance / n, geometricDistance: t.geometricDistance / n)
        }
        return ThinnedNetworkAverage(scalingTop1: Double(scalingMistakes) / n, points: points, images: split.count)
    }
}

/// Adds softmax(`logits`) and log softmax(`logits`) row by row, in Double.
private func accumulate(_ logits: Tensor<Float>, probabilities: inout [Double], logProbabilities: inout [Double]) {
    let (N, K) = (logits.shape[0], logits.shape[1])
    logits.withUnsafeBufferPointer { z in
        for n in 0..<N {
            let row = z.baseAddress! + n * K
            var top = Double(row[0])
            for c in 1..<K { top = max(top, Double(row[c])) }
            var sum = 0.0
            for c in 0..<K { sum += exp(Double(row[c]) - top) }
            let logNormaliser = top + log(sum)
            for c in 0..<K {
                let logP = Double(row[c]) - logNormaliser
                logProbabilities[n * K + c] += logP
                probabilities[n * K + c] += exp(logP)
            }
        }
    }
}

/// Row-wise exp(x − max) / Σ exp(x − max): turns mean log-probabilities into a distribution.
private func normalisedExponential(_ x: [Double], rows: Int) -> [Double] {
    let K = x.count / rows
    var out = x
    for n in 0..<rows {
        let row = n * K..<(n + 1) * K
        let top = x[row].max()!
        var sum = 0.0
        for i in row { out[i] = exp(x[i] - top); sum += out[i] }
        for i in row { out[i] /= sum }
    }
    return out
}

/// The index of each row's largest entry (the first, on ties): the class two predictions are
/// compared by. Errors are counted by ``TopK``, as ``Evaluation`` counts them.
private func topClasses(_ scores: Tensor<Float>) -> [Int] {
    let K = scores.shape[1]
    return (0..<scores.shape[0]).map { n in
        var best = 0
        for c in 1..<K where scores.scalars[n * K + c] > scores.scalars[n * K + best] { best = c }
        return best
    }
}

/// SplitMix64's finaliser folded over several words: a seed for each (seed, batch, sample, layer).
private func mix(_ words: UInt64...) -> UInt64 {
    words.reduce(0x243F_6A88_85A3_08D3) { h, w in
        var z = (h ^ w) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
