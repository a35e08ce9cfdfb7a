import AlexNet

/// The median of some runs' results with their range: how the book reports every number
/// measured over several seeds. Infinite values (a run that never reached a threshold) count as
/// larger than every finite one.
public struct Spread: Sendable, Equatable {
    public var median: Double, minimum: Double, maximum: Double
    public var count: Int

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "Spread: no values")
        precondition(!values.contains(where: \.isNaN), "Spread: a NaN among \(values)")
        let sorted = values.sorted()
        let n = sorted.count
        median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        minimum = sorted[0]
        maximum = sorted[n - 1]
        count = n
    }

    /// "1.31 (1.30–1.37)" with `digits` decimals; "∞" for an unreached value.
    public func formatted(_ digits: Int = 2) -> String {
        func f(_ x: Double) -> String { x.isInfinite ? "∞" : String(format: "%.\(digits)f", x) }
        return count == 1 ? f(median) : "\(f(median)) (\(f(minimum))–\(f(maximum)))"
    }
}

/// How two arms' results compare: the ratio of their medians, a bootstrap interval of that ratio,
/// and whether the difference is inside the noise.
///
/// The runs of the two arms are independent (different weights, same data seeds), so each arm is
/// resampled on its own: `resamples` times, draw `a.count` values from `a` and `b.count` from `b`
/// with replacement and take median(b*) / median(a*); the interval holds the central
/// `confidence` of those ratios (the percentile bootstrap). The difference is inside the noise
/// when the interval contains 1. With few seeds the interval is coarse: it cannot be narrower
/// than the spread of the runs themselves allows, which is the honest answer.
public struct RatioOfMedians: Sendable, Equatable {
    /// median(b) / median(a): for "how many times longer b takes than a", a speed-up of a over b.
    public var ratio: Double
    public var low: Double, high: Double
    public var confidence: Double

    public init(_ a: [Double], _ b: [Double], confidence: Double = 0.9, resamples: Int = 4000, seed: UInt64 = 1) {
        precondition(!a.isEmpty && !b.isEmpty, "RatioOfMedians: an empty arm")
        precondition(confidence > 0 && confidence < 1, "RatioOfMedians: confidence \(confidence)")
        ratio = Spread(b).median / Spread(a).median
        // ∞/∞: neither arm reached it, counted as infinitely slow.
        (low, high) = bootstrapInterval(a, b, confidence: confidence, resamples: resamples, seed: seed, nanAs: .infinity) { $1 / $0 }
        self.confidence = confidence
    }

    /// Whether the interval contains 1: the two arms cannot be told apart with these runs.
    public var insideTheNoise: Bool { low <= 1 && 1 <= high }

    /// "1.31× (90% interval 1.10–1.52)".
    public var formatted: String {
        func f(_ x: Double) -> String { x.isInfinite ? "∞" : String(format: "%.2f", x) }
        return "\(f(ratio))× (\(Int((confidence * 100).rounded()))% interval \(f(low))–\(f(high)))"
    }
}

/// How two arms' results compare as a difference: median(b) − median(a), with a percentile
/// bootstrap interval (each arm resampled on its own, as in ``RatioOfMedians``). The
/// difference is inside the noise when the interval contains 0. For error rates: how many points
/// b's error lies above a's.
public struct DifferenceOfMedians: Sendable, Equatable {
    public var difference: Double
    public var low: Double, high: Double
    public var confidence: Double

    public init(_ a: [Double], _ b: [Double], confidence: Double = 0.9, resamples: Int = 4000, seed: UInt64 = 1) {
        precondition(!a.isEmpty && !b.isEmpty, "DifferenceOfMedians: an empty arm")
        precondition(confidence > 0 && confidence < 1, "DifferenceOfMedians: confidence \(confidence)")
        difference = Spread(b).median - Spread(a).median
        // ∞ − ∞: both diverged, no difference to see.
        (low, high) = bootstrapInterval(a, b, confidence: confidence, resamples: resamples, seed: seed, nanAs: 0) { $1 - $0 }
        self.confidence = confidence
    }

    /// Whether the interval contains 0: the two arms cannot be told apart with these runs.
    public var insideTheNoise: Bool { low <= 0 && 0 <= high }

    /// "+1.9 points (90% interval +0.4 to +3.1)" for error fractions (×100).
    public var formattedPoints: String {
        func f(_ x: Double) -> String { String(format: "%+.1f", x * 100) }
        return "\(f(difference)) points (\(Int((confidence * 100).rounded()))% interval \(f(low)) to \(f(high)))"
    }
}

/// The percentile bootstrap shared by ``RatioOfMedians`` and ``DifferenceOfMedians``: `resamples`
/// times, draw each arm with replacement (b's draw first) and compare the two medians with
/// `compare(median(a*), median(b*))`; the interval holds the central `confidence` of the results,
/// a NaN counted as `nanAs`.
private func bootstrapInterval(_ a: [Double], _ b: [Double], confidence: Double, resamples: Int, seed: UInt64, nanAs: Double,
                               compare: (Double, Double) -> Double) -> (low: Double, high: Double) {
    var g = RandomGenerator(seed: seed)
    func resample(_ xs: [Double]) -> [Double] { xs.map { _ in xs[Int(g.next() % UInt64(xs.count))] } }
    let results = (0..<resamples).map { _ -> Double in
        let b = Spread(resample(b)).median
        return compare(Spread(resample(a)).median, b)
    }.map { $0.isNaN ? nanAs : $0 }.sorted()
    let tail = (1 - confidence) / 2
    return (results[Int((Double(resamples - 1) * tail).rounded())], results[Int((Double(resamples - 1) * (1 - tail)).rounded())])
}
