import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct FullyConnectedTests {
    @Test func knownValues() {
        var g = RandomGenerator(seed: 0)
        let fc = FullyConnected<Double>(inputs: 3, outputs: 2, generator: &g)
        fc.weight.value = Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 1])
        fc.bias.value = Tensor(shape: [2], scalars: [0.5, -0.5])
        let y = fc.forward(Tensor(shape: [2, 3], scalars: [1, 1, 1, 1, 0, 2]))
        #expect(y.scalars == [6.5, -0.5, 7.5, 0.5])
        let dx = fc.backward(Tensor(shape: [2, 2], scalars: [1, 0, 0, 1]))
        #expect(dx.scalars == [1, 2, 3, -1, 0, 1])
        #expect(fc.weight.gradient.scalars == [1, 1, 1, 1, 0, 2])
        #expect(fc.bias.gradient.scalars == [1, 1])
    }

    @Test func flattensItsInputAndReturnsTheGradientInThatShape() {
        var g = RandomGenerator(seed: 1)
        let fc = FullyConnected<Double>(inputs: 2 * 3 * 3, outputs: 4, generator: &g)
        let x: Tensor<Double> = randomTensor([5, 2, 3, 3], seed: 2)
        #expect(fc.forward(x).shape == [5, 4])
        #expect(fc.backward(Tensor(shape: [5, 4], repeating: 1)).shape == [5, 2, 3, 3])
    }

    @Test func gradientCheck() {
        var g = RandomGenerator(seed: 3)
        let fc = FullyConnected<Double>(inputs: 12, outputs: 5, weightStandardDeviation: 0.5, biasValue: 1,
                                        generator: &g)
        expectGradientsCorrect(fc, input: randomTensor([4, 3, 2, 2], seed: 4))
    }
}
