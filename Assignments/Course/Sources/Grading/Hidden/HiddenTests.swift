// BEGIN HIDDEN
import Foundation
import AlexNet
import AlexNetData
import AlexNetTraining
import Coursework

/// The hidden tests: random shapes and values from the grader's seed (not in the student copy),
/// compared with the library's own layers, in Double. Each draws several cases; the shapes avoid
/// the "nice" sizes of the visible tests (non-square images, odd channel counts, k ≠ 3).
enum HiddenTests {
    /// The seed the instructor's grader uses unless `--hidden-seed` says otherwise.
    static let defaultSeed: UInt64 = 0x5EED_A1E8_2012

    static func generator(_ context: GradingContext, _ salt: UInt64) -> RandomGenerator {
        RandomGenerator(seed: context.hiddenSeed &* 0x9E37_79B9_7F4A_7C15 &+ salt)
    }

    static let suites: [Int: [GradedTest]] = [
        1: [GradedTest("relu and tanh against the library", points: 4, .hidden) { judge in
            var g = generator(judge.context, 1)
            for _ in 0..<3 {
                let shape = [Draw.int(1...3, &g), Draw.int(1...5, &g), Draw.int(2...7, &g)]
                let x = Draw.normal(shape, &g, standardDeviation: 2), dy = Draw.normal(shape, &g)
                for function in [ActivationFunction.relu, .tanh] {
                    let layer = Activation<Double>(function)
                    let y = layer.forward(x), dx = layer.backward(dy)
                    if function == .relu {
                        judge.compare("relu(x) \(shape)", try Activations.reluForward(x), y)
                        judge.compare("relu backward \(shape)", try Activations.reluBackward(dy, input: x), dx)
                    } else {
                        judge.compare("tanh(x) \(shape)", try Activations.tanhForward(x), y)
                        judge.compare("tanh backward \(shape)", try Activations.tanhBackward(dy, output: y), dx)
                    }
                }
            }
        }],
        2: [GradedTest("fully connected against the library", points: 2, .hidden) { judge in
            var g = generator(judge.context, 2)
            for _ in 0..<3 {
                let (N, I, O) = (Draw.int(1...5, &g), Draw.int(2...9, &g), Draw.int(2...9, &g))
                var init_ = RandomGenerator(seed: g.next())
                let layer = FullyConnected<Double>(inputs: I, outputs: O, generator: &init_)
                layer.weight.value = Draw.normal([O, I], &g); layer.bias.value = Draw.normal([O], &g)
                let x = Draw.normal([N, I], &g), dy = Draw.normal([N, O], &g)
                let y = layer.forward(x), dx = layer.backward(dy)
                judge.compare("y (N \(N), I \(I), O \(O))", try FullyConnectedLayer.forward(x, weight: layer.weight.value, bias: layer.bias.value), y)
                let d = try FullyConnectedLayer.backward(dy, input: x, weight: layer.weight.value)
                judge.compare("dx", d.input, dx)
                judge.compare("dweight", d.weight, layer.weight.gradient)
                judge.compare("dbias", d.bias, layer.bias.gradient)
            }
        },
        GradedTest("softmax cross-entropy against the library", points: 1, .hidden) { judge in
            var g = generator(judge.context, 3)
            for _ in 0..<3 {
                let (N, K) = (Draw.int(1...6, &g), Draw.int(2...10, &g))
                // Near 750: exp overflows unless the row's maximum is subtracted first; the spread
                // is small enough that no probability underflows (where the library floors log p).
                let spread = Draw.normal([N, K], &g, standardDeviation: 3)
                let logits = Tensor(shape: spread.shape, scalars: spread.scalars.map { $0 + 750 })
                let labels = (0..<N).map { _ in Draw.int(0...(K - 1), &g) }
                let objective = SoftmaxCrossEntropy<Double>()
                let loss = objective.forward(logits, labels: labels)
                let mine = try SoftmaxCrossEntropyLoss.forward(logits, labels: labels)
                judge.compare("loss (N \(N), K \(K))", [mine.loss], [loss])
                judge.compare("probabilities", mine.probabilities, objective.probabilities)
                judge.compare("dlogits", try SoftmaxCrossEntropyLoss.backward(probabilities: mine.probabilities, labels: labels), objective.backward())
            }
        }],
        3: [GradedTest("grouped convolution against the library", points: 4, .hidden) { judge in
            var g = generator(judge.context, 4)
            for _ in 0..<4 {
                let groups = Draw.int(1...3, &g), (Cg, Og) = (Draw.int(1...3, &g), Draw.int(1...3, &g))
                let (k, s, p) = (Draw.int(1...5, &g), Draw.int(1...3, &g), Draw.int(0...2, &g))
                let (N, H, W) = (Draw.int(1...2, &g), Draw.int(k...(k + 5), &g), Draw.int(k...(k + 6), &g))
                var init_ = RandomGenerator(seed: g.next())
                let layer = Convolution<Double>(inputChannels: groups * Cg, outputChannels: groups * Og, kernelSize: k,
                                                stride: s, padding: p, groups: groups, generator: &init_)
                layer.weight.value = Draw.normal(layer.weight.value.shape, &g); layer.bias.value = Draw.normal([groups * Og], &g)
                let x = Draw.normal([N, groups * Cg, H, W], &g)
                let y = layer.forward(x)
                let dy = Draw.normal(y.shape, &g)
                let dx = layer.backward(dy)
                let what = "x \(x.shape), k \(k), stride \(s), padding \(p), \(groups) groups"
                judge.compare("y (\(what))", try GroupedConvolution.forward(x, weight: layer.weight.value, bias: layer.bias.value,
                                                                             stride: s, padding: p, groups: groups), y)
                let d = try GroupedConvolution.backward(dy, input: x, weight: layer.weight.value, stride: s, padding: p, groups: groups)
                judge.compare("dx (\(what))", d.input, dx)
                judge.compare("dweight (\(what))", d.weight, layer.weight.gradient)
                judge.compare("dbias (\(what))", d.bias, layer.bias.gradient)
            }
        }],
        4: [GradedTest("pooling against the library, with ties", points: 4, .hidden) { judge in
            var g = generator(judge.context, 5)
            for _ in 0..<4 {
                let (z, s) = (Draw.int(2...4, &g), Draw.int(1...3, &g))
                let shape = [Draw.int(1...2, &g), Draw.int(1...3, &g), Draw.int(z...(z + 7), &g), Draw.int(z...(z + 8), &g)]
                // Small integers: many windows hold equal maxima.
                let x = Tensor<Double>(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Double(Draw.int(0...3, &g)) })
                let layer = MaxPooling<Double>(windowSize: z, stride: s)
                let y = layer.forward(x)
                let dy = Draw.normal(y.shape, &g)
                judge.compare("y (x \(shape), \(z)/\(s))", try OverlappingMaxPooling.forward(x, windowSize: z, stride: s), y)
                judge.compare("dx (x \(shape), \(z)/\(s))", try OverlappingMaxPooling.backward(dy, input: x, windowSize: z, stride: s), layer.backward(dy))
            }
        }],
        5: [GradedTest("LRN against the library, paper's convention", points: 4, .hidden) { judge in
            var g = generator(judge.context, 6)
            for _ in 0..<4 {
                let n = [1, 3, 5, 7][Draw.int(0...3, &g)]
                let shape = [Draw.int(1...2, &g), Draw.int(1...9, &g), Draw.int(1...4, &g), Draw.int(1...5, &g)]
                let (k, alpha, beta) = (1 + g.uniform() * 2, 0.01 + g.uniform() * 0.2, 0.5 + g.uniform() * 0.5)
                let layer = LocalResponseNormalization<Double>(size: n, k: k, alpha: alpha, beta: beta, convention: .paper)
                let a = Draw.normal(shape, &g, standardDeviation: 2), dy = Draw.normal(shape, &g)
                let what = "a \(shape), n \(n), k \(k), α \(alpha), β \(beta)"
                judge.compare("b (\(what))", try LocalResponseNormalizationLayer.forward(a, size: n, k: k, alpha: alpha, beta: beta), layer.forward(a))
                judge.compare("dx (\(what))", try LocalResponseNormalizationLayer.backward(dy, input: a, size: n, k: k, alpha: alpha, beta: beta),
                              layer.backward(dy))
            }
        }],
        6: [GradedTest("dropout against the library", points: 3, .hidden) { judge in
            var g = generator(judge.context, 7)
            for _ in 0..<3 {
                let p = 0.1 + 0.6 * g.uniform(), shape = [Draw.int(100...200, &g), Draw.int(50...100, &g)]
                let x = Draw.normal(shape, &g), dy = Draw.normal(shape, &g)
                var studentGenerator = RandomGenerator(seed: g.next())
                let (y, mask) = try DropoutLayer.trainingForward(x, probability: p, generator: &studentGenerator)
                let n = Double(x.count), kept = mask.scalars.reduce(0, +) / n
                judge.require(abs(kept - (1 - p)) < 5 * (p * (1 - p) / n).squareRoot(), "kept \(kept) at p = \(p), expected about \(1 - p)")
                let layer = Dropout<Double>(probability: p, seed: 1)
                guard mask.shape == shape else { judge.require(false, "mask \(mask.shape) for x \(shape)"); continue }
                layer.fixedMask = mask
                judge.compare("y at p = \(p)", y, layer.forward(x))
                judge.compare("dx at p = \(p)", try DropoutLayer.backward(dy, mask: mask), layer.backward(dy))
                layer.phase = .inference
                judge.compare("test-time y at p = \(p)", try DropoutLayer.inferenceForward(x, probability: p), layer.forward(x))
            }
        }],
        7: [GradedTest("SGD against the library's over five steps", points: 4, .hidden) { judge in
            var g = generator(judge.context, 8)
            for _ in 0..<3 {
                let rate = 0.001 + 0.05 * g.uniform(), decay = 0.0005 + 0.05 * g.uniform()
                let weight = Parameter<Double>(name: "w", kind: .weight, value: Draw.normal([Draw.int(2...5, &g), Draw.int(2...5, &g)], &g))
                let bias = Parameter<Double>(name: "b", kind: .bias, value: Draw.normal([Draw.int(2...5, &g)], &g))
                let optimizer = SGD<Double>(parameters: [weight, bias], momentum: 0.9, weightDecay: decay)
                var values = [weight.value, bias.value], velocities = values.map { Tensor<Double>(shape: $0.shape) }
                for _ in 0..<5 {
                    for (k, p) in [weight, bias].enumerated() {
                        p.gradient = Draw.normal(p.value.shape, &g)
                        try PaperSGD.step(weight: &values[k], velocity: &velocities[k], gradient: p.gradient, learningRate: rate,
                                          momentum: 0.9, weightDecay: decay, decays: p.kind == .weight)
                    }
                    optimizer.step(learningRate: rate)
                }
                judge.compare("weight after 5 steps (ε \(rate), λ \(decay))", values[0], weight.value)
                judge.compare("bias after 5 steps (ε \(rate), λ \(decay))", values[1], bias.value)
                judge.compare("velocity of the weight", velocities[0], optimizer.velocities[0])
            }
        }],
        8: [GradedTest("lighting and ten views against the library", points: 3, .hidden) { judge in
            var g = generator(judge.context, 9)
            for _ in 0..<3 {
                // A random covariance: M·Mᵀ, its eigen-decomposition done by the library.
                let m = (0..<3).map { _ in (0..<3).map { _ in g.normal() } }
                let covariance = (0..<3).map { a in (0..<3).map { b in (0..<3).reduce(0.0) { $0 + m[a][$1] * m[b][$1] } } }
                let lighting = PCALighting(covariance: covariance)
                let alphas = (0..<3).map { _ in g.normal(standardDeviation: 0.1) }
                let shift = try TestTimeAugmentation.lightingShift(eigenvalues: lighting.eigenvalues, eigenvectors: lighting.eigenvectors, alphas: alphas)
                // The library's shift is in 0…255 pixel units: 255 · Σ pᵢ αᵢ λᵢ, rounded to Float.
                judge.compare("lighting shift", shift.map { Double(Float(255 * $0)) }, lighting.shift(alphas: alphas).map(Double.init), tolerance: 1e-6)

                let (H, W) = (Draw.int(5...40, &g), Draw.int(5...40, &g)), S = Draw.int(1...min(H, W), &g)
                let expected = Augmentation(cropSize: S).tenViews(height: H, width: W).map {
                    TestTimeAugmentation.View(x: $0.x, y: $0.y, flipped: $0.flipped)
                }
                let views = try TestTimeAugmentation.tenViews(height: H, width: W, size: S)
                judge.require(views == expected, "ten views of \(H)×\(W), size \(S): \(views), expected \(expected)")

                let (V, K) = (Draw.int(2...10, &g), Draw.int(2...8, &g))
                let logits = Draw.normal([V, K], &g, standardDeviation: 3)
                let probabilities = SoftmaxCrossEntropy<Double>.softmax(logits)
                let mean = (0..<K).map { k in (0..<V).reduce(0.0) { $0 + probabilities.scalars[$1 * K + k] } / Double(V) }
                judge.compare("averaged prediction (\(V) views, \(K) classes)", try TestTimeAugmentation.averagedPrediction(logits: logits), mean)
            }
        }],
    ]
}
// END HIDDEN
