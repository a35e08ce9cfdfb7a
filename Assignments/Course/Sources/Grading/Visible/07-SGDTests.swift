import AlexNet
import Coursework

/// Assignment 7's visible tests: single updates and three steps, worked out by hand.
enum SGDTests {
    static func step(_ w: [Double], _ v: [Double], _ g: [Double], rate: Double, decays: Bool) throws -> (w: [Double], v: [Double]) {
        var (w, v) = (Tensor(shape: [w.count], scalars: w), Tensor(shape: [v.count], scalars: v))
        try PaperSGD.step(weight: &w, velocity: &v, gradient: Tensor(shape: [g.count], scalars: g), learningRate: rate,
                          momentum: 0.9, weightDecay: 0.0005, decays: decays)
        return (w.scalars, v.scalars)
    }

    static let tests: [GradedTest] = [
        GradedTest("one update of a weight", points: 3) { judge in
            // v = 0.9·0.5 − 0.0005·0.01·1 − 0.01·0.1 = 0.448995;  v = 0 − 0.0005·0.01·(−2) − 0.01·0.2 = −0.00199
            let (w, v) = try step([1, -2], [0.5, 0], [0.1, 0.2], rate: 0.01, decays: true)
            judge.compare("velocity", v, [0.448995, -0.00199])
            judge.compare("weight", w, [1.448995, -2.00199])
        },
        GradedTest("biases are not decayed", points: 1) { judge in
            let (w, v) = try step([1, -2], [0.5, 0], [0.1, 0.2], rate: 0.01, decays: false)
            judge.compare("velocity", v, [0.449, -0.002])
            judge.compare("weight", w, [1.449, -2.002])
        },
        GradedTest("three steps down a bowl", points: 2) { judge in
            // L = ½‖w‖², so the gradient is w itself; ε = 0.1, from w = (1, −2), v = 0.
            var (w, v) = ([1.0, -2.0], [0.0, 0.0])
            for _ in 0..<3 { (w, v) = try step(w, v, w, rate: 0.1, decays: true) }
            judge.compare("weight", w, [0.48576601124987495, -0.9715320224997499])
            judge.compare("velocity", v, [-0.234098991250125, 0.46819798250025])
        },
    ]
}
