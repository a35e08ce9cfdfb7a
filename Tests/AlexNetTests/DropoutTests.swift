import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct DropoutTests {
    @Test func trainingDropsAboutHalfAndMasksTheGradient() {
        let drop = Dropout<Double>(probability: 0.5, seed: 1)
        let x = Tensor<Double>(shape: [100, 100], repeating: 2)
        let y = drop.forward(x)
        let kept = y.scalars.filter { $0 == 2 }.count
        #expect(y.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(abs(kept - 5000) < 250)              // 5 standard deviations of Binomial(1e4, 0.5)
        let dx = drop.backward(Tensor(shape: [100, 100], repeating: 1))
        #expect(dx.scalars == drop.mask!.scalars)
    }

    @Test func masksAreReproducibleFromTheSeed() {
        let a = Dropout<Float>(seed: 3), b = Dropout<Float>(seed: 3), c = Dropout<Float>(seed: 4)
        let x = Tensor<Float>(shape: [4, 64], repeating: 1)
        let ya = a.forward(x), yb = b.forward(x), yc = c.forward(x)
        #expect(ya == yb)
        #expect(ya != yc)
        #expect(a.forward(x) != ya)                  // a new mask every pass
    }

    @Test func inferenceScalesByOneMinusP() {
        let drop = Dropout<Double>(probability: 0.5, seed: 1)
        drop.phase = .inference
        #expect(drop.forward(Tensor(shape: [3], scalars: [2, 4, 6])).scalars == [1, 2, 3])
        #expect(drop.backward(Tensor(shape: [3], scalars: [1, 1, 1])).scalars == [0.5, 0.5, 0.5])
        #expect(drop.mask == nil)
    }

    /// p = 0.3: at p = 0.5 scaling by p and by 1 − p are the same number, and a mix-up would pass.
    @Test func inferenceScalesByOneMinusPAtAnyP() {
        let drop = Dropout<Double>(probability: 0.3, seed: 1)
        drop.phase = .inference
        let y = drop.forward(Tensor(shape: [2], scalars: [10, -20]))
        #expect(abs(y.scalars[0] - 7) < 1e-12 && abs(y.scalars[1] + 14) < 1e-12)
        // Scaling is the masks' expectation: the mean of many training masks is 1 − p.
        drop.phase = .training
        let masks = drop.forward(Tensor(shape: [100_000], repeating: 1))
        #expect(abs(masks.scalars.reduce(0, +) / 100_000 - 0.7) < 0.01)     // 7 standard deviations
    }

    @Test func inferenceSamplingDrawsAThinnedNetwork() {
        let drop = Dropout<Double>(probability: 0.5, seed: 1)
        drop.phase = .inference
        drop.inferenceMode = .sampling
        let y = drop.forward(Tensor(shape: [1000], repeating: 1))
        #expect(y.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(y.scalars.contains(0) && y.scalars.contains(1))
    }

    @Test func gradientCheckWithAFixedMask() {
        let drop = Dropout<Double>(probability: 0.5, seed: 1)
        var g = RandomGenerator(seed: 2)
        drop.fixedMask = Tensor(shape: [3, 8], scalars: (0..<24).map { _ in g.bernoulli(0.5) ? 1 : 0 })
        expectGradientsCorrect(drop, input: randomTensor([3, 8], seed: 3))
    }
}
