import AlexNet
import Coursework

/// Assignment 2's visible tests: a layer and a loss worked out by hand, large logits, and
/// gradient checks of both.
enum FullyConnectedTests {
    static let tests: [GradedTest] = [
        GradedTest("fully connected known values", points: 2) { judge in
            let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 0, -1, 1])
            let w = Tensor<Double>(shape: [2, 3], scalars: [1, 0, -1, 2, 1, 0]), b = Tensor<Double>(shape: [2], scalars: [0.5, -1])
            judge.compare("y", try FullyConnectedLayer.forward(x, weight: w, bias: b), Tensor(shape: [2, 2], scalars: [-1.5, 3, -0.5, -2]))
        },
        GradedTest("fully connected gradient check", points: 2) { judge in
            var g = RandomGenerator(seed: 21)
            let (x, w, b) = (Draw.normal([4, 5], &g), Draw.normal([3, 5], &g), Draw.normal([3], &g))
            try judge.gradientCheck("fc", input: x, parameters: [("weight", w), ("bias", b)],
                                    forward: { x, p in try FullyConnectedLayer.forward(x, weight: p[0], bias: p[1]) },
                                    backward: { dy, x, p in
                                        let d = try FullyConnectedLayer.backward(dy, input: x, weight: p[0])
                                        return (d.input, [d.weight, d.bias])
                                    })
        },
        GradedTest("softmax cross-entropy known values, large logits", points: 2) { judge in
            // The second row would overflow exp without subtracting its maximum first.
            let logits = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
            let (loss, p) = try SoftmaxCrossEntropyLoss.forward(logits, labels: [2, 0])
            let third = 1.0 / 3
            judge.compare("probabilities", p, Tensor(shape: [2, 3], scalars: [0.09003057317038046, 0.24472847105479767, 0.6652409557748219,
                                                                             third, third, third]))
            judge.compare("mean loss", [loss], [0.7531091265562451])
        },
        GradedTest("softmax cross-entropy gradient check", points: 1) { judge in
            var g = RandomGenerator(seed: 22)
            let logits = Draw.normal([4, 6], &g, standardDeviation: 2), labels = [5, 0, 2, 2]
            try judge.gradientCheck("softmax cross-entropy", input: logits,
                                    forward: { z, _ in Tensor(shape: [1], scalars: [try SoftmaxCrossEntropyLoss.forward(z, labels: labels).loss]) },
                                    backward: { dy, z, _ in
                                        let p = try SoftmaxCrossEntropyLoss.forward(z, labels: labels).probabilities
                                        let dz = try SoftmaxCrossEntropyLoss.backward(probabilities: p, labels: labels)
                                        return (Tensor(shape: dz.shape, scalars: dz.scalars.map { $0 * dy.scalars[0] }), [])
                                    })
        },
    ]
}
