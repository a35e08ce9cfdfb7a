import Foundation
import AlexNet
import Coursework

/// Assignment 1's visible tests: values worked out by hand, and gradient checks.
enum ActivationsTests {
    static let tests: [GradedTest] = [
        GradedTest("relu known values", points: 2) { judge in
            let x = Tensor<Double>(shape: [1, 5], scalars: [-2, -0.5, 0, 0.5, 3])
            judge.compare("relu(x)", try Activations.reluForward(x), Tensor(shape: [1, 5], scalars: [0, 0, 0, 0.5, 3]))
            let dy = Tensor<Double>(shape: [1, 5], scalars: [1, 2, 3, 4, 5])
            // At x = 0 the gradient is 0 (PyTorch's and the library's choice).
            judge.compare("relu backward", try Activations.reluBackward(dy, input: x), Tensor(shape: [1, 5], scalars: [0, 0, 0, 4, 5]))
        },
        GradedTest("tanh known values", points: 2) { judge in
            let x = Tensor<Double>(shape: [3], scalars: [-1, 0, 0.5])
            let tanhs = [-0.7615941559557649, 0, 0.46211715726000974]
            judge.compare("tanh(x)", try Activations.tanhForward(x), Tensor(shape: [3], scalars: tanhs))
            let y = Tensor<Double>(shape: [3], scalars: tanhs), dy = Tensor<Double>(shape: [3], scalars: [1, 2, -1])
            judge.compare("tanh backward", try Activations.tanhBackward(dy, output: y),
                          Tensor(shape: [3], scalars: [0.41997434161402614, 2, -0.7864477329659274]))
        },
        GradedTest("gradient checks of relu and tanh", points: 2) { judge in
            var g = RandomGenerator(seed: 11)
            let x = Draw.normal([2, 3, 4], &g)
            try judge.gradientCheck("relu", input: x, forward: { x, _ in try Activations.reluForward(x) },
                                    backward: { dy, x, _ in (try Activations.reluBackward(dy, input: x), []) })
            try judge.gradientCheck("tanh", input: x, forward: { x, _ in try Activations.tanhForward(x) },
                                    backward: { dy, x, _ in (try Activations.tanhBackward(dy, output: try Activations.tanhForward(x)), []) })
        },
    ]
}
