import Foundation
import AlexNet
import AlexNetChecks
import Coursework

/// The measurements of one test: comparisons with references (the largest relative error is
/// reported) and numerical gradient checks, each with its tolerance; every miss is a failure
/// with a message that says where and by how much.
///
/// **Relative error**, per element: |a − e| / max(|a|, |e|, floor), floor = 1e-3 · max |e| (at
/// least 1e-12), so that values near zero are not judged on their rounding. NaN counts as infinite.
public final class Judge: @unchecked Sendable {
    public let context: GradingContext
    public private(set) var failures: [String] = []
    public private(set) var largestRelativeError: Double?
    public private(set) var gradientCheckError: Double?

    init(context: GradingContext) { self.context = context }

    /// Records a failure unless `condition` holds.
    public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { failures.append(message()) }
    }

    /// Compares `actual` with `expected` element by element; shapes must agree.
    public func compare(_ what: String, _ actual: Tensor<Double>, _ expected: Tensor<Double>, tolerance: Double = 1e-9) {
        guard actual.shape == expected.shape else {
            failures.append("\(what): shape \(actual.shape), expected \(expected.shape)")
            return
        }
        compare(what, actual.scalars, expected.scalars, tolerance: tolerance, shape: expected.shape)
    }

    /// Compares two lists of numbers element by element; lengths must agree.
    public func compare(_ what: String, _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-9, shape: [Int]? = nil) {
        guard actual.count == expected.count else {
            failures.append("\(what): \(actual.count) values, expected \(expected.count)")
            return
        }
        let floor = max(1e-12, 1e-3 * (expected.map(abs).max() ?? 0))
        var worst = 0.0, worstIndex = 0
        for i in 0..<actual.count {
            let (a, e) = (actual[i], expected[i])
            let error = a.isNaN || e.isNaN ? Double.infinity : abs(a - e) / max(abs(a), abs(e), floor)
            if error > worst || (error.isNaN && !worst.isNaN) { worst = error; worstIndex = i }
        }
        largestRelativeError = max(largestRelativeError ?? 0, worst)
        if worst > tolerance {
            let at = shape.map { Judge.multiIndex(worstIndex, in: $0) } ?? "[\(worstIndex)]"
            failures.append("\(what): relative error \(Judge.format(worst)) at \(at) (got \(actual[worstIndex]), expected \(expected[worstIndex])), tolerance \(Judge.format(tolerance))")
        }
    }

    /// Checks a layer the student wrote as functions against central differences of its own
    /// forward pass, through the library's ``GradientCheck`` (L = Σ r ⊙ f(x, θ), r random):
    /// the input's gradient and each parameter's. `forward(x, θ)`; `backward(dy, x, θ)` returns
    /// (dx, [dθ]).
    public func gradientCheck(_ what: String, input: Tensor<Double>, parameters: [(String, Tensor<Double>)] = [],
                              tolerance: Double = 1e-6,
                              forward: @escaping (Tensor<Double>, [Tensor<Double>]) throws -> Tensor<Double>,
                              backward: @escaping (Tensor<Double>, Tensor<Double>, [Tensor<Double>]) throws -> (Tensor<Double>, [Tensor<Double>])) throws {
        let layer = FunctionLayer(parameters: parameters, forward: forward, backward: backward)
        try layer.prepare(input)
        let reports = GradientCheck.check(layer, input: input)
        if let error = layer.error { throw error }
        for report in reports {
            let worst = report.maxRelativeError.isNaN ? Double.infinity : report.maxRelativeError
            gradientCheckError = max(gradientCheckError ?? 0, worst)
            if worst > tolerance {
                failures.append("\(what): gradient of \(report.name) disagrees with central differences: relative error \(Judge.format(worst)) at [\(report.worstIndex)] (analytic \(report.analytic), numeric \(report.numeric)), tolerance \(Judge.format(tolerance))")
            }
        }
    }

    static func format(_ x: Double) -> String { x.isFinite ? String(format: "%.2e", x) : "\(x)" }

    static func multiIndex(_ flat: Int, in shape: [Int]) -> String {
        var rest = flat, index = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return "[" + index.map(String.init).joined(separator: ", ") + "]"
    }
}

/// A ``Layer`` made of a student's forward and backward functions, for ``GradientCheck``. A
/// thrown error or a gradient of the wrong shape is kept (and reported after the check) while
/// the layer answers with zeros of the right shape, so that the check runs to its end.
final class FunctionLayer: Layer {
    typealias Scalar = Double
    let parameters: [Parameter<Double>]
    private let forwardBody: (Tensor<Double>, [Tensor<Double>]) throws -> Tensor<Double>
    private let backwardBody: (Tensor<Double>, Tensor<Double>, [Tensor<Double>]) throws -> (Tensor<Double>, [Tensor<Double>])
    private var input = Tensor<Double>(shape: [0])
    private var shape: [Int] = []
    private(set) var error: Error?

    init(parameters: [(String, Tensor<Double>)],
         forward: @escaping (Tensor<Double>, [Tensor<Double>]) throws -> Tensor<Double>,
         backward: @escaping (Tensor<Double>, Tensor<Double>, [Tensor<Double>]) throws -> (Tensor<Double>, [Tensor<Double>])) {
        self.parameters = parameters.map { Parameter(name: $0.0, kind: .weight, value: $0.1) }
        self.forwardBody = forward
        self.backwardBody = backward
    }

    /// One forward pass that may throw: the output's shape, and the student's error if any.
    func prepare(_ x: Tensor<Double>) throws {
        shape = try forwardBody(x, parameters.map(\.value)).shape
    }

    func outputShape(for inputShape: [Int]) -> [Int] { shape }
    func multiplyAdds(for inputShape: [Int]) -> Int { 0 }

    func forward(_ x: Tensor<Double>) -> Tensor<Double> {
        input = x
        do {
            let y = try forwardBody(x, parameters.map(\.value))
            if y.shape == shape { return y }
            throw ShapeError("forward gave shape \(y.shape) once and \(shape) before")
        } catch {
            self.error = self.error ?? error
            return Tensor(shape: shape)
        }
    }

    func backward(_ dy: Tensor<Double>) -> Tensor<Double> {
        do {
            let (dx, gradients) = try backwardBody(dy, input, parameters.map(\.value))
            guard dx.shape == input.shape else { throw ShapeError("backward gave dx of shape \(dx.shape) for x \(input.shape)") }
            guard gradients.count == parameters.count else { throw ShapeError("backward gave \(gradients.count) parameter gradients for \(parameters.count)") }
            for (p, g) in zip(parameters, gradients) {
                guard g.shape == p.value.shape else { throw ShapeError("backward gave \(p.name)'s gradient shape \(g.shape) for \(p.value.shape)") }
                p.gradient.add(g)
            }
            return dx
        } catch {
            self.error = self.error ?? error
            return Tensor(shape: input.shape)
        }
    }
}
