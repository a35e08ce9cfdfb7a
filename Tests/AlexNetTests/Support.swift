import Testing
@testable import AlexNet
@testable import AlexNetChecks
@testable import AlexNetData
@testable import AlexNetTraining
@testable import Plotting

/// Shared helpers for the tests: random tensors, closeness checks, gradient-check assertions.

/// The tolerance for gradient checks in Double. The centred difference with h ≈ 6e-6 is
/// accurate to about 1e-9 relative here (see GradientCheck's documentation); 1e-6 leaves three
/// orders of magnitude for unlucky elements while still catching any wrong backward pass,
/// whose errors are of order 1.
let gradientTolerance = 1e-6

/// The tolerance for whole-network gradient checks in Double. Through eight layers the loss
/// (~1) carries rounding noise of ~1e-11 (measured: the numerical gradient of a conv1 weight
/// moves by that much with the step), and the smallest gradients there are ~1e-6, so the
/// best achievable relative error on them is ~1e-5 even with the step raised to 1e-4.
/// A wrong backward pass still shows errors of order 1.
let networkGradientTolerance = 1e-5

func randomTensor<S: TensorScalar>(_ shape: [Int], seed: UInt64, standardDeviation: Double = 1) -> Tensor<S> {
    var g = RandomGenerator(seed: seed)
    return .normal(shape: shape, standardDeviation: standardDeviation, generator: &g)
}

/// max |a − b| / max(1, |b|) over all elements.
func maxDifference<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape)")
    var worst = 0.0
    for i in 0..<a.count {
        let d = abs(Double(a.scalars[i]) - Double(b.scalars[i])) / max(1, abs(Double(b.scalars[i])))
        worst = max(worst, d)
    }
    return worst
}

func expectClose<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>, tolerance: Double,
                                  _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == b.shape, comment, sourceLocation: sourceLocation)
    guard a.shape == b.shape else { return }
    let d = maxDifference(a, b)
    #expect(d <= tolerance, "difference \(d) > \(tolerance) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
}

/// Runs the gradient check and expects every tensor under ``gradientTolerance``.
@discardableResult
func expectGradientsCorrect<L: Layer>(_ layer: L, input: Tensor<L.Scalar>, entriesPerTensor: Int? = nil,
                                      sourceLocation: SourceLocation = #_sourceLocation) -> [GradientCheck.Report] {
    let reports = GradientCheck.check(layer, input: input, entriesPerTensor: entriesPerTensor)
    for r in reports {
        #expect(r.maxRelativeError < gradientTolerance, "\(r)", sourceLocation: sourceLocation)
        #expect(r.entries > 0, sourceLocation: sourceLocation)
    }
    return reports
}

/// Distinct values, none near zero (see GradientCheck.distinctTensor).
func distinctTensor(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    GradientCheck.distinctTensor(shape, seed: seed)
}
