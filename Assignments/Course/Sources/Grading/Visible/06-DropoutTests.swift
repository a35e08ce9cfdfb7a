import Foundation
import AlexNet
import Coursework

/// Assignment 6's visible tests: the mask's statistics and use, the test-time rule, the backward
/// pass and weight scaling.
enum DropoutTests {
    static let tests: [GradedTest] = [
        GradedTest("training: a fresh Bernoulli(1 − p) mask, y = x ⊙ m", points: 3) { judge in
            var g = RandomGenerator(seed: 61)
            let (p, n) = (0.25, 40_000)
            let x = Draw.normal([n], &g)
            let (y, mask) = try DropoutLayer.trainingForward(x, probability: p, generator: &g)
            judge.require(mask.shape == x.shape && mask.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "the mask must have x's shape and hold only 0 and 1")
            let kept = mask.scalars.reduce(0, +) / Double(n)
            let sigma = (p * (1 - p) / Double(n)).squareRoot()
            judge.require(abs(kept - (1 - p)) < 5 * sigma, "kept \(kept) of the neurons at p = \(p): expected \(1 - p) ± \(5 * sigma) (five standard deviations)")
            judge.compare("y", y, Tensor(shape: x.shape, scalars: zip(x.scalars, mask.scalars).map(*)))
            let second = try DropoutLayer.trainingForward(x, probability: p, generator: &g).mask
            judge.require(second != mask, "two calls drew the same mask: draw a new one at every call")
        },
        GradedTest("test time: outputs multiplied by 1 − p", points: 2) { judge in
            let x = Tensor<Double>(shape: [2, 2], scalars: [1, -2, 4, 0])
            judge.compare("y at p = 0.25", try DropoutLayer.inferenceForward(x, probability: 0.25), Tensor(shape: [2, 2], scalars: [0.75, -1.5, 3, 0]))
        },
        GradedTest("backward and weight scaling", points: 2) { judge in
            let dy = Tensor<Double>(shape: [4], scalars: [1, 2, 3, 4]), mask = Tensor<Double>(shape: [4], scalars: [1, 0, 0, 1])
            judge.compare("dx", try DropoutLayer.backward(dy, mask: mask), Tensor(shape: [4], scalars: [1, 0, 0, 4]))
            let w = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, -4, 5, -6])
            judge.compare("(1 − p)·W at p = 0.5", try DropoutLayer.scaledWeights(w, probability: 0.5), Tensor(shape: [2, 3], scalars: [0.5, 1, 1.5, -2, 2.5, -3]))
        },
    ]
}
