import AlexNet
import Coursework

/// Assignment 4's visible tests: PyTorch's numbers (its input has ties), ties and overlaps by
/// hand, and a gradient check on distinct values.
enum MaxPoolingTests {
    static let tests: [GradedTest] = [
        GradedTest("3/2 pooling against PyTorch", points: 3) { judge in
            let golden = try Golden.load("max-pooling", from: judge.context.goldenDirectory)
            let x = try Golden.tensor("x", in: golden)
            judge.compare("y", try OverlappingMaxPooling.forward(x, windowSize: 3, stride: 2), try Golden.tensor("y", in: golden))
            judge.compare("dx", try OverlappingMaxPooling.backward(try Golden.tensor("dy", in: golden), input: x, windowSize: 3, stride: 2),
                          try Golden.tensor("dx", in: golden))
        },
        GradedTest("ties and overlapping windows", points: 2) { judge in
            // All nine pixels equal: the first (top-left) alone wins.
            let flat = Tensor<Double>(shape: [1, 1, 3, 3], repeating: 1)
            judge.compare("y of equal pixels", try OverlappingMaxPooling.forward(flat, windowSize: 3, stride: 2), Tensor(shape: [1, 1, 1, 1], scalars: [1]))
            judge.compare("dx of equal pixels", try OverlappingMaxPooling.backward(Tensor(shape: [1, 1, 1, 1], scalars: [2]), input: flat, windowSize: 3, stride: 2),
                          Tensor(shape: [1, 1, 3, 3], scalars: [2, 0, 0, 0, 0, 0, 0, 0, 0]))
            // The centre of a 5×5 image lies in all four windows and wins each: it receives their sum.
            var peak = Tensor<Double>(shape: [1, 1, 5, 5]); peak.scalars[12] = 9
            judge.compare("y of a peak", try OverlappingMaxPooling.forward(peak, windowSize: 3, stride: 2), Tensor(shape: [1, 1, 2, 2], repeating: 9))
            var expected = Tensor<Double>(shape: [1, 1, 5, 5]); expected.scalars[12] = 10
            judge.compare("dx of a peak", try OverlappingMaxPooling.backward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]), input: peak, windowSize: 3, stride: 2),
                          expected)
        },
        GradedTest("pooling gradient check", points: 1) { judge in
            var g = RandomGenerator(seed: 41)
            try judge.gradientCheck("pooling", input: Draw.distinct([2, 2, 7, 9], &g),
                                    forward: { x, _ in try OverlappingMaxPooling.forward(x, windowSize: 3, stride: 2) },
                                    backward: { dy, x, _ in (try OverlappingMaxPooling.backward(dy, input: x, windowSize: 3, stride: 2), []) })
        },
    ]
}
