import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct ActivationTests {
    @Test func reluKnownValues() {
        let relu = Activation<Double>(.relu)
        let y = relu.forward(Tensor(shape: [1, 4], scalars: [-2, 0, 0.5, 3]))
        #expect(y.scalars == [0, 0, 0.5, 3])
        let dx = relu.backward(Tensor(shape: [1, 4], scalars: [1, 1, 1, 1]))
        #expect(dx.scalars == [0, 0, 1, 1])          // the derivative at exactly 0 is taken as 0
    }

    @Test func tanhKnownValues() {
        let tanh = Activation<Double>(.tanh)
        let y = tanh.forward(Tensor(shape: [2], scalars: [0, 1]))
        #expect(y.scalars[0] == 0)
        #expect(abs(y.scalars[1] - 0.7615941559557649) < 1e-15)
        let dx = tanh.backward(Tensor(shape: [2], scalars: [1, 1]))
        #expect(abs(dx.scalars[1] - (1 - 0.7615941559557649 * 0.7615941559557649)) < 1e-15)
    }

    @Test(arguments: ActivationFunction.allCases)
    func gradientCheck(_ function: ActivationFunction) {
        // Values at least 0.1 from zero, so that h never crosses ReLU's kink.
        expectGradientsCorrect(Activation<Double>(function), input: distinctTensor([2, 3, 4, 5], seed: 1))
    }
}
