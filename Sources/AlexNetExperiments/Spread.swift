import AlexNet
import Foundation

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

/// How an interval for two arms is computed. ``exactShift`` is the book's method
/// (``ShiftInterval``: exact, distribution-free, its coverage tested by simulation); the
/// ``percentileBootstrap`` (resample each arm with replacement, take the central share of the
/// medians' ratios or differences) made the figures of the chapters not yet rerun with it, and
/// stays so that those can be regenerated as they were until each is rerun.
public enum IntervalMethod: String, Sendable, Equatable {
    case exactShift = "exact", percentileBootstrap = "bootstrap"
}

/// How two arms' results compare: the ratio of their medians, its interval — by default the exact
/// distribution-free interval of ``ShiftInterval`` taken on the logarithms (a shift of log-times
/// is a ratio of times) — and the book's verdict. For "how many times longer b takes than a": a
/// speed-up of a over b.
public struct RatioOfMedians: Sendable, Equatable {
    /// median(b) / median(a).
    public var ratio: Double
    public var low: Double, high: Double
    public var confidence: Double, achievedConfidence: Double
    public var runsA: Int, runsB: Int
    public var method: IntervalMethod

    public init(_ a: [Double], _ b: [Double], confidence: Double = 0.9, method: IntervalMethod = .exactShift) {
        precondition(!a.isEmpty && !b.isEmpty, "RatioOfMedians: an empty arm")
        ratio = Spread(b).median / Spread(a).median
        switch method {
        case .exactShift:
            // log(∞) = ∞: a run that never reached it is slower than every one that did.
            let shift = ShiftInterval(a.map { Foundation.log($0) }, b.map { Foundation.log($0) }, confidence: confidence)
            (low, high, achievedConfidence) = (Foundation.exp(shift.low), Foundation.exp(shift.high), shift.achievedConfidence)
        case .percentileBootstrap:
            // ∞/∞: neither arm reached it, counted as infinitely slow.
            (low, high) = bootstrapInterval(a, b, confidence: confidence, resamples: 4000, seed: 1, nanAs: .infinity) { $1 / $0 }
            achievedConfidence = .nan
        }
        (self.confidence, runsA, runsB, self.method) = (confidence, a.count, b.count, method)
    }

    /// Whether the interval contains 1: the two arms cannot be told apart with these runs.
    public var insideTheNoise: Bool { low <= 1 && 1 <= high }
    /// The interval misses 1 and each arm has at least five runs (``ShiftInterval/seedsForAVerdict``).
    public var outsideTheNoise: Bool { !insideTheNoise && min(runsA, runsB) >= ShiftInterval.seedsForAVerdict }
    /// "inside the noise", "outside the noise" or "too few seeds to tell (3 and 3)".
    public var verdict: String {
        insideTheNoise ? "inside the noise" : outsideTheNoise ? "outside the noise" : "too few seeds to tell (\(runsA) and \(runsB))"
    }

    /// "1.31× (90% exact interval 1.10–1.52)".
    public var formatted: String {
        func f(_ x: Double) -> String { x.isInfinite ? "∞" : String(format: "%.2f", x) }
        return "\(f(ratio))× (\(Int((confidence * 100).rounded()))% \(method.rawValue) interval \(f(low))–\(f(high)))"
    }
}

/// How two arms' results compare as a difference: median(b) − median(a), with the exact
/// distribution-free interval for the shift of ``ShiftInterval`` and the book's verdict. For error
/// rates: how many points b's error lies above a's.
public struct DifferenceOfMedians: Sendable, Equatable {
    public var difference: Double
    public var low: Double, high: Double
    public var confidence: Double, achievedConfidence: Double
    public var runsA: Int, runsB: Int
    public var method: IntervalMethod

    public init(_ a: [Double], _ b: [Double], confidence: Double = 0.9, method: IntervalMethod = .exactShift) {
        precondition(!a.isEmpty && !b.isEmpty, "DifferenceOfMedians: an empty arm")
        difference = Spread(b).median - Spread(a).median
        switch method {
        case .exactShift:
            let shift = ShiftInterval(a, b, confidence: confidence)
            (low, high, achievedConfidence) = (shift.low, shift.high, shift.achievedConfidence)
        case .percentileBootstrap:
            // ∞ − ∞: both diverged, no difference to see.
            (low, high) = bootstrapInterval(a, b, confidence: confidence, resamples: 4000, seed: 1, nanAs: 0) { $1 - $0 }
            achievedConfidence = .nan
        }
        (self.confidence, runsA, runsB, self.method) = (confidence, a.count, b.count, method)
    }

    /// Whether the interval contains 0: the two arms cannot be told apart with these runs.
    public var insideTheNoise: Bool { low <= 0 && 0 <= high }
    /// The interval misses 0 and each arm has at least five runs.
    public var outsideTheNoise: Bool { !insideTheNoise && min(runsA, runsB) >= ShiftInterval.seedsForAVerdict }
    /// "inside the noise", "outside the noise" or "too few seeds to tell (3 and 3)".
    public var verdict: String {
        insideTheNoise ? "inside the noise" : outsideTheNoise ? "outside the noise" : "too few seeds to tell (\(runsA) and \(runsB))"
    }

    /// "+1.9 points (90% exact interval +0.4 to +3.1)" for error fractions (×100).
    public var formattedPoints: String {
        func f(_ x: Double) -> String { x.isInfinite ? (x > 0 ? "+∞" : "−∞") : String(format: "%+.1f", x * 100) }
        return "\(f(difference)) points (\(Int((confidence * 100).rounded()))% \(method.rawValue) interval \(f(low)) to \(f(high)))"
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
