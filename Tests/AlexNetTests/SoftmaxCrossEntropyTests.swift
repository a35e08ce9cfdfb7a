import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct SoftmaxCrossEntropyTests {
    @Test func uniformLogitsCostLogK() {
        let objective = SoftmaxCrossEntropy<Double>()
        let loss = objective.forward(Tensor(shape: [2, 4], repeating: 3), labels: [0, 3])
        #expect(abs(loss - Foundation.log(4)) < 1e-15)
        // ∂L/∂z = (p − onehot)/N = (0.25 − [k = label])/2
        #expect(objective.backward().scalars == [-0.375, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375])
    }

    @Test func largeLogitsDoNotOverflow() {
        let objective = SoftmaxCrossEntropy<Float>()
        let loss = objective.forward(Tensor(shape: [1, 3], scalars: [1000, 0, -1000]), labels: [0])
        #expect(loss == 0)
        let wrong = objective.forward(Tensor(shape: [1, 3], scalars: [1000, 0, -1000]), labels: [2])
        #expect(wrong.isFinite && wrong > 80)
    }

    @Test func gradientCheck() {
        let logits: Tensor<Double> = randomTensor([4, 6], seed: 1, standardDeviation: 2)
        let labels = [0, 5, 2, 2]
        let objective = SoftmaxCrossEntropy<Double>()
        _ = objective.forward(logits, labels: labels)
        let analytic = objective.backward()
        var z = logits
        let report = GradientCheck.compare(
            name: "logits", analytic: analytic, count: z.count, step: 6e-6, indices: Array(0..<z.count),
            get: { z.scalars[$0] }, set: { z.scalars[$0] = $1 },
            loss: { objective.forward(z, labels: labels) })
        #expect(report.maxRelativeError < gradientTolerance, "\(report)")
    }
}
