import Foundation
import AlexNet

/// Numerical gradient checking: how we know every backward pass is right.
///
/// For a scalar function L of a tensor θ, the centred difference
///
///     ∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h
///
/// has a truncation error of order h² (from L‴) and a rounding error of order ε·|L|/h (ε the
/// machine epsilon), so the best step is near ε^(1/3): about 6e-6 in `Double`, 5e-3 in
/// `Float`. In `Double` that leaves the analytic and numerical gradients agreeing to about
/// 1e-9 relative; in `Float` only to about 1e-3, which is why the tests check in `Double`.
///
/// **Which L.** For a layer, L = Σᵢ rᵢ·yᵢ with r a fixed random tensor: then ∂L/∂y = r, so the
/// backward pass is fed r and every output element takes part. For a network, L is the
/// softmax cross-entropy of the given labels.
///
/// **Relative error**, per element: |a − n| / max(|a|, |n|, floor), with floor = 1e-3 times the
/// largest |n| in the tensor, so that rounding noise on gradients that are nearly zero (a ReLU
/// that is off, a pixel no window picked) is not reported as a large relative error. The
/// report keeps the worst element of each tensor.
///
/// A student checking a layer of their own needs only ``check(_:input:step:seed:entriesPerTensor:)``:
/// make the layer conform to ``Layer`` and call it with a small random input in `Double`.
public enum GradientCheck {
    /// The comparison for one tensor: the worst element and its two gradients.
    public struct Report: Sendable, CustomStringConvertible {
        /// "input" or the parameter's name.
        public var name: String
        public var maxRelativeError: Double
        /// Flat index of the worst element.
        public var worstIndex: Int
        public var analytic: Double, numeric: Double
        /// How many elements were compared.
        public var entries: Int

        public var description: String {
            "\(name): max relative error \(maxRelativeError) at [\(worstIndex)] (analytic \(analytic), numeric \(numeric), \(entries) entries)"
        }
    }

    /// The default step, ε^(1/3) of the scalar type.
    public static func defaultStep<Scalar: TensorScalar>(for _: Scalar.Type) -> Double {
        Foundation.cbrt(Double(Scalar.ulpOfOne))
    }

    /// Checks ∂L/∂input and ∂L/∂θ for every parameter θ of `layer`, with L = Σ r ⊙ layer(input).
    ///
    /// - Parameters:
    ///   - step: the finite-difference step h (default ε^(1/3)).
    ///   - entriesPerTensor: compare at most this many elements of each tensor, chosen at random
    ///     (all if nil); each costs two forward passes.
    public static func check<L: Layer>(
        _ layer: L, input: Tensor<L.Scalar>, step: Double? = nil, seed: UInt64 = 1,
        entriesPerTensor: Int? = nil
    ) -> [Report] {
        typealias S = L.Scalar
        let h = step ?? defaultStep(for: S.self)
        var generator = RandomGenerator(seed: seed)
        let y = layer.forward(input)
        let r = Tensor<S>.normal(shape: y.shape, standardDeviation: 1, generator: &generator)
        var x = input
        func loss() -> Double { weightedSum(layer.forward(x), r) }

        // Analytic: one backward pass fed ∂L/∂y = r.
        for p in layer.parameters { p.zeroGradient() }
        _ = layer.forward(x)
        let dx = layer.backward(r)
        var reports = [compare(name: "input", analytic: dx, count: x.count, step: h,
                               indices: pick(x.count, entriesPerTensor, &generator),
                               get: { x.scalars[$0] }, set: { x.scalars[$0] = $1 }, loss: loss)]
        for p in layer.parameters {
            let analytic = p.gradient
            reports.append(compare(name: p.name, analytic: analytic, count: p.value.count, step: h,
                                   indices: pick(p.value.count, entriesPerTensor, &generator),
                                   get: { p.value.scalars[$0] }, set: { p.value.scalars[$0] = $1 }, loss: loss))
        }
        return reports
    }

    /// Checks ∂L/∂θ for every parameter of `network`, L its mean softmax cross-entropy on
    /// (`images`, `labels`). Dropout layers must be made deterministic first (fixed masks or
    /// inference phase), or every forward pass would draw a new network.
    public static func check<N: Network>(
        _ network: N, images: Tensor<N.Scalar>, labels: [Int], step: Double? = nil, seed: UInt64 = 1,
        entriesPerTensor: Int? = nil
    ) -> [Report] {
        typealias S = N.Scalar
        let h = step ?? defaultStep(for: S.self)
        var generator = RandomGenerator(seed: seed)
        let objective = SoftmaxCrossEntropy<S>()
        func loss() -> Double { Double(objective.forward(network.forward(images), labels: labels)) }
        network.zeroGradients()
        _ = network.lossAndGradient(images: images, labels: labels)
        return network.parameters.map { p in
            let analytic = p.gradient
            return compare(name: p.name, analytic: analytic, count: p.value.count, step: h,
                           indices: pick(p.value.count, entriesPerTensor, &generator),
                           get: { p.value.scalars[$0] }, set: { p.value.scalars[$0] = $1 }, loss: loss)
        }
    }

    /// Σᵢ yᵢ·rᵢ accumulated in Double.
    static func weightedSum<S: TensorScalar>(_ y: Tensor<S>, _ r: Tensor<S>) -> Double {
        precondition(y.shape == r.shape, "GradientCheck: the layer's output shape changed between calls")
        var sum = 0.0
        for i in 0..<y.count { sum += Double(y.scalars[i]) * Double(r.scalars[i]) }
        return sum
    }

    static func pick(_ count: Int, _ limit: Int?, _ generator: inout RandomGenerator) -> [Int] {
        guard let limit, limit < count else { return Array(0..<count) }
        var all = Array(0..<count)
        all.shuffle(using: &generator)
        return Array(all.prefix(limit)).sorted()
    }

    /// The numerical gradient at `indices` against `analytic`, restoring every element it moves.
    static func compare<S: TensorScalar>(
        name: String, analytic: Tensor<S>, count: Int, step h: Double, indices: [Int],
        get: (Int) -> S, set: (Int, S) -> Void, loss: () -> Double
    ) -> Report {
        var numeric = [Double](repeating: 0, count: indices.count)
        for (k, i) in indices.enumerated() {
            let original = get(i)
            let plus = S(Double(original) + h), minus = S(Double(original) - h)
            set(i, plus)
            let lossPlus = loss()
            set(i, minus)
            let lossMinus = loss()
            set(i, original)
            // Divide by the step actually taken after rounding to S, not the nominal 2h. A step
            // so small that it rounds away leaves the input unchanged: no slope can be seen.
            let taken = Double(plus - minus)
            numeric[k] = taken == 0 ? 0 : (lossPlus - lossMinus) / taken
        }
        let floor = 1e-3 * (numeric.map(abs).max() ?? 0)
        var report = Report(name: name, maxRelativeError: 0, worstIndex: indices.first ?? 0,
                            analytic: 0, numeric: 0, entries: indices.count)
        for (k, i) in indices.enumerated() {
            let a = Double(analytic.scalars[i]), n = numeric[k]
            let scale = max(abs(a), abs(n), floor)
            let error = scale == 0 ? 0 : abs(a - n) / scale
            if error >= report.maxRelativeError {
                report.maxRelativeError = error
                report.worstIndex = i
                report.analytic = a
                report.numeric = n
            }
        }
        return report
    }
}
