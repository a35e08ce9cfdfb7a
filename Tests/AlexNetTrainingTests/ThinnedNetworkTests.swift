import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
@testable import AlexNetTraining
import TestSupport

/// Dropout then one fully connected layer into the softmax: the case in which weight scaling is
/// exactly the normalised geometric mean of all the thinned networks.
private final class DropoutThenLinear: Network {
    let drop: Dropout<Float>
    let fc: FullyConnected<Float>
    var phase: Phase = .training { didSet { drop.phase = phase } }
    var inputShape: [Int] { [2, 2, 2] }
    var stages: [(name: String, layer: any Layer<Float>)] { [("drop", drop), ("fc", fc)] }

    init() {
        var g = RandomGenerator(seed: 11)
        drop = Dropout(probability: 0.5, seed: 1)
        fc = FullyConnected(name: "fc", inputs: 8, outputs: 3, weightStandardDeviation: 1, generator: &g)
    }
    func forward(_ images: Tensor<Float>) -> Tensor<Float> { fc.forward(drop.forward(images)) }
    func backward(_ dLogits: Tensor<Float>) { _ = drop.backward(fc.backward(dLogits)) }
}

/// Forty 2×2×2 images with random pixels and labels.
private func smallSplit() -> DatasetSplit {
    var g = RandomGenerator(seed: 4)
    return DatasetSplit(channels: 2, height: 2, width: 2, pixels: (0..<320).map { _ in UInt8(g.next() % 256) },
                        labels: (0..<40).map { _ in Int(g.next() % 3) })
}

@Suite struct ThinnedNetworkTests {
    /// Scaling is the expectation of the masks: the logits after one dropout layer and a linear
    /// layer, averaged over every one of the 2⁸ masks, are the scaled network's logits, and the
    /// normalised geometric mean of the 2⁸ softmax outputs is the scaled network's softmax.
    @Test func weightScalingIsTheGeometricMeanOfAllThinnedNetworks() {
        let net = DropoutThenLinear()
        let x = randomTensor([1, 2, 2, 2], seed: 5) as Tensor<Float>
        net.phase = .inference
        let scaled = net.forward(x)
        net.phase = .training
        var logitSum = [Double](repeating: 0, count: 3), logSum = [Double](repeating: 0, count: 3)
        for bits in 0..<256 {
            net.drop.fixedMask = Tensor(shape: [1, 2, 2, 2], scalars: (0..<8).map { Float((bits >> $0) & 1) })
            let z = net.forward(x).scalars.map(Double.init)
            let logZ = log(z.map { exp($0) }.reduce(0, +))
            for c in 0..<3 { logitSum[c] += z[c] / 256; logSum[c] += (z[c] - logZ) / 256 }
        }
        for c in 0..<3 { #expect(abs(logitSum[c] - Double(scaled.scalars[c])) < 1e-5) }
        let geometric = logSum.map(exp), total = geometric.reduce(0, +)
        let scaling = SoftmaxCrossEntropy<Float>.softmax(scaled).scalars
        for c in 0..<3 { #expect(abs(geometric[c] / total - Double(scaling[c])) < 1e-5) }
    }

    /// The sampled geometric mean converges to weight scaling in that case; the arithmetic mean
    /// does not have to. More samples, smaller distance.
    @Test func theSampledGeometricMeanConvergesToScaling() {
        let net = DropoutThenLinear(), split = smallSplit()
        let result = ThinnedNetworkAverage.measure(net, on: split, normalization: .standardizing(split), augmentation: .none,
                                                   sampleCounts: [4, 64, 2048], seed: 9)
        let distances = result.points.map(\.geometricDistance)
        #expect(result.points.map(\.samples) == [4, 64, 2048])
        #expect(distances[0] > distances[1] && distances[1] > distances[2])
        #expect(distances[2] < 0.01)
        #expect(result.points[2].geometricDisagreement <= 0.05)
    }

    /// The fast path (the layers before the first dropout run once) and its naive twin (the whole
    /// network for every sample) draw the same masks and give the same numbers; the network's
    /// phase, dropout modes and generators are as they were.
    @Test func reusingTheDeterministicLayersChangesNothing() throws {
        var c = tinyAlexNetConfiguration()
        c.weightInitialization = .gaussian(standardDeviation: 0.1)
        let model = try AlexNetModel<Float>(c)
        let data = syntheticDataset(count: 40)
        let normalization = Normalization.standardizing(data.train)
        let generators = model.dropoutLayers.map(\.generator)
        func measure(_ reuses: Bool) -> ThinnedNetworkAverage {
            .measure(model, on: data.train, normalization: normalization, augmentation: .none,
                     sampleCounts: [1, 2, 8], seed: 3, batchSize: 16, reusesPrefix: reuses)
        }
        let fast = measure(true), naive = measure(false)
        #expect(fast == naive)
        #expect(fast.points.count == 3 && fast.images == 40)
        #expect(fast.points.allSatisfy { $0.arithmeticDistance > 0 })      // the samples are not the scaled net
        #expect(model.phase == .training)
        #expect(model.dropoutLayers.allSatisfy { $0.inferenceMode == .scaling })
        #expect(model.dropoutLayers.map(\.generator) == generators)
        // The scaling error is the centre-view evaluation's.
        let evaluation = Evaluation(network: model, split: data.train, normalization: normalization, augmentation: .none)
        #expect(fast.scalingTop1 == evaluation.top1)
    }
}
