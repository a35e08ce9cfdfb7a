import Foundation
import AlexNet
import Coursework

/// Assignment 5's visible tests: PyTorch's numbers (with α multiplied by n, since PyTorch
/// divides by it), one channel by hand, and a gradient check.
enum LocalResponseNormalizationTests {
    static let tests: [GradedTest] = [
        GradedTest("LRN against PyTorch, paper's α", points: 3) { judge in
            let golden = try Golden.load("local-response-normalization", from: judge.context.goldenDirectory)
            let (x, alpha) = (try Golden.tensor("x", in: golden), try Golden.tensor("alpha_paper", in: golden).scalars[0])
            judge.compare("b", try LocalResponseNormalizationLayer.forward(x, size: 5, k: 2, alpha: alpha, beta: 0.75),
                          try Golden.tensor("y", in: golden))
            judge.compare("dx", try LocalResponseNormalizationLayer.backward(try Golden.tensor("dy", in: golden), input: x, size: 5, k: 2,
                                                                             alpha: alpha, beta: 0.75),
                          try Golden.tensor("dx", in: golden))
        },
        GradedTest("one channel by hand", points: 1) { judge in
            // With one channel the window holds the channel alone: b = a / (k + α·a²)^β.
            // a = 2, k = 2, α = 0.5, β = 0.5: b = 2 / √4 = 1.
            let a = Tensor<Double>(shape: [1, 1, 1, 2], scalars: [2, 0])
            judge.compare("b", try LocalResponseNormalizationLayer.forward(a, size: 5, k: 2, alpha: 0.5, beta: 0.5),
                          Tensor(shape: [1, 1, 1, 2], scalars: [1, 0]))
        },
        GradedTest("LRN gradient check", points: 2) { judge in
            var g = RandomGenerator(seed: 51)
            try judge.gradientCheck("lrn", input: Draw.normal([2, 7, 2, 3], &g, standardDeviation: 2),
                                    forward: { a, _ in try LocalResponseNormalizationLayer.forward(a, size: 5, k: 2, alpha: 0.05, beta: 0.75) },
                                    backward: { dy, a, _ in (try LocalResponseNormalizationLayer.backward(dy, input: a, size: 5, k: 2, alpha: 0.05, beta: 0.75), []) })
        },
    ]
}
