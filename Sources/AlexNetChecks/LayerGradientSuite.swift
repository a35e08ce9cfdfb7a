import AlexNet
/// The gradient check of every layer of the library on small random inputs: what
/// chapter 2 prints, what the tests assert, and a template for checking a layer of your own.
///
/// Each case builds its layer in the requested scalar type with inputs chosen away from the
/// layers' kinks (ReLU at 0, ties in max-pooling), so that a step h never crosses one.
package struct LayerGradientCase<Scalar: TensorScalar> {
    package var name: String
    /// Runs the check with step h (nil: ε^(1/3)) and returns one report per tensor.
    package var run: (_ step: Double?) -> [GradientCheck.Report]

    /// The worst relative error over all of the case's tensors.
    package func worstRelativeError(step: Double? = nil) -> Double {
        run(step).map(\.maxRelativeError).max() ?? 0
    }
}

extension GradientCheck {
    /// A tensor of distinct values, none near zero: ±(0.1 + 0.05·k/⌈count/20⌉) for k = 0, 1, …
    /// in a seeded random order. Inputs for layers with kinks (ReLU at 0, ties in max-pooling),
    /// so that a finite-difference step never crosses one.
    package static func distinctTensor<Scalar: TensorScalar>(_ shape: [Int], seed: UInt64) -> Tensor<Scalar> {
        var g = RandomGenerator(seed: seed)
        let count = shape.reduce(1, *)
        var values = (0..<count).map { k -> Scalar in
            let magnitude = Scalar(0.1 + 0.05 * Double(k) / Double(max(1, count / 20)))
            return k % 2 == 0 ? magnitude : -magnitude
        }
        values.shuffle(using: &g)
        return Tensor(shape: shape, scalars: values)
    }

    /// One case per layer and per configuration the paper uses.
    package static func layerCases<Scalar: TensorScalar>(_: Scalar.Type = Scalar.self) -> [LayerGradientCase<Scalar>] {
        func random(_ shape: [Int], _ seed: UInt64) -> Tensor<Scalar> {
            var g = RandomGenerator(seed: seed)
            return .normal(shape: shape, standardDeviation: 1, generator: &g)
        }
        func distinct(_ shape: [Int], _ seed: UInt64) -> Tensor<Scalar> { distinctTensor(shape, seed: seed) }
        func layer(_ name: String, _ make: @escaping () -> any Layer<Scalar>, input: @escaping () -> Tensor<Scalar>)
            -> LayerGradientCase<Scalar> {
            LayerGradientCase(name: name) { step in check(make(), input: input(), step: step) }
        }
        return [
            layer("convolution 3×3, stride 2, padding 1, 2 groups", {
                var g = RandomGenerator(seed: 1)
                return Convolution<Scalar>(inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: 2, padding: 1,
                                           groups: 2, weightStandardDeviation: 0.5, biasValue: 0.1, generator: &g)
            }, input: { random([2, 4, 7, 7], 2) }),
            layer("convolution 5×5, stride 3, tower 2 of 2 (rows 2–3 of its weight)", {
                var g = RandomGenerator(seed: 3)
                return Convolution<Scalar>(inputChannels: 3, outputChannels: 4, kernelSize: 5, stride: 3,
                                           weightStandardDeviation: 0.5, biasValue: 0.1, generator: &g).tower(1, of: 2)
            }, input: { random([2, 3, 11, 11], 4) }),
            layer("ReLU", { Activation<Scalar>(.relu) }, input: { distinct([2, 3, 4, 4], 5) }),
            layer("tanh", { Activation<Scalar>(.tanh) }, input: { random([2, 3, 4, 4], 6) }),
            layer("LRN, paper's α", {
                LocalResponseNormalization<Scalar>(size: 5, k: 2, alpha: 0.5, beta: 0.75, convention: .paper)
            }, input: { random([2, 8, 3, 3], 7) }),
            layer("LRN, α/n, 2 towers", {
                LocalResponseNormalization<Scalar>(size: 5, k: 2, alpha: 2.5, beta: 0.75, convention: .dividedBySize,
                                                   groups: 2)
            }, input: { random([2, 8, 3, 3], 8) }),
            layer("max-pool 3/2 (overlapping)", { MaxPooling<Scalar>(windowSize: 3, stride: 2) },
                  input: { distinct([2, 3, 7, 7], 9) }),
            layer("max-pool 2/2", { MaxPooling<Scalar>(windowSize: 2, stride: 2) },
                  input: { distinct([2, 3, 6, 6], 10) }),
            layer("adaptive average pool 5 → 3 and 2 → 3", { AdaptiveAveragePooling<Scalar>(outputSize: 3) },
                  input: { random([2, 2, 5, 5], 19) }),
            layer("dropout, fixed mask", {
                let drop = Dropout<Scalar>(probability: 0.5, seed: 11)
                var g = RandomGenerator(seed: 12)
                drop.fixedMask = Tensor(shape: [3, 8], scalars: (0..<24).map { _ in g.bernoulli(0.5) ? 1 : 0 })
                return drop
            }, input: { random([3, 8], 13) }),
            layer("fully connected", {
                var g = RandomGenerator(seed: 14)
                return FullyConnected<Scalar>(inputs: 12, outputs: 5, weightStandardDeviation: 0.5, biasValue: 1,
                                              generator: &g)
            }, input: { random([4, 12], 15) }),
            layer("fully connected, tower 1 of 2 (rows 0–2 of its weight)", {
                var g = RandomGenerator(seed: 20)
                return FullyConnected<Scalar>(inputs: 12, outputs: 5, weightStandardDeviation: 0.5, biasValue: 1,
                                              generator: &g).tower(0, of: 2)
            }, input: { random([4, 12], 21) }),
            layer("locally connected 3×3", {
                var g = RandomGenerator(seed: 16)
                return LocallyConnected<Scalar>(inputChannels: 2, outputChannels: 3, inputHeight: 4, inputWidth: 4,
                                                kernelSize: 3, padding: 1, weightStandardDeviation: 0.5, generator: &g)
            }, input: { random([2, 2, 4, 4], 17) }),
            LayerGradientCase(name: "softmax cross-entropy") { step in
                let labels = [0, 5, 2, 2]
                var logits = random([4, 6], 18)
                let objective = SoftmaxCrossEntropy<Scalar>()
                _ = objective.forward(logits, labels: labels)
                let analytic = objective.backward()
                return [compare(name: "logits", analytic: analytic, count: logits.count,
                                step: step ?? defaultStep(for: Scalar.self), indices: Array(0..<logits.count),
                                get: { logits.scalars[$0] }, set: { logits.scalars[$0] = $1 },
                                loss: { Double(objective.forward(logits, labels: labels)) })]
            },
        ]
    }
}
