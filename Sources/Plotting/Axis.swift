import Foundation
import AlexNet

/// One axis of a chart: a data range, linear or logarithmic, mapped onto a pixel range, with
/// ticks at round numbers.
public struct Axis: Sendable, Equatable {
    public enum Scale: Sendable, Equatable { case linear, logarithmic }

    public var minimum: Double, maximum: Double
    public var scale: Scale
    /// Whether the axis counts things (networks, layers, neighbours): ticks only at whole
    /// numbers, never at 1.5.
    public var integers = false

    public init(minimum: Double, maximum: Double, scale: Scale = .linear) {
        precondition(minimum.isFinite && maximum.isFinite, "Axis: range must be finite")
        precondition(scale == .linear || minimum > 0, "Axis: a logarithmic axis needs a positive range")
        self.minimum = minimum
        self.maximum = maximum == minimum ? minimum + (scale == .linear ? 1 : minimum) : maximum
        self.scale = scale
    }

    /// An axis covering `values` (and `including` extra values), widened to round tick values.
    public static func fitting(_ values: [Double], including extra: [Double] = [], scale: Scale = .linear) -> Axis {
        let all = (values + extra).filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard var low = all.min(), var high = all.max() else { return Axis(minimum: scale == .linear ? 0 : 1, maximum: 10, scale: scale) }
        switch scale {
        case .linear:
            if low == high { low -= 1; high += 1 }
            let step = niceStep((high - low) / 5)
            return Axis(minimum: (low / step).rounded(.down) * step, maximum: (high / step).rounded(.up) * step)
        case .logarithmic:
            if low == high { low /= 10; high *= 10 }
            return Axis(minimum: pow(10, log10(low).rounded(.down)), maximum: pow(10, log10(high).rounded(.up)), scale: .logarithmic)
        }
    }

    /// The position of `value` in [0, 1] along the axis (0 at minimum).
    public func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: (value - minimum) / (maximum - minimum)
        case .logarithmic: (log10(value) - log10(minimum)) / (log10(maximum) - log10(minimum))
        }
    }

    /// The one of 1, 2, 5 × 10^k nearest to `rough` (on a log scale): the step between ticks.
    public static func niceStep(_ rough: Double) -> Double {
        let (mantissa, exponent) = niceStepParts(rough)
        return value(mantissa, exponent)
    }

    /// `niceStep` as (1, 2, 5 or 10, k), so multiples can be computed without rounding noise.
    static func niceStepParts(_ rough: Double) -> (Double, Int) {
        guard rough > 0, rough.isFinite else { return (1, 0) }
        let exponent = Int(log10(rough).rounded(.down))
        let mantissa = rough / pow(10, Double(exponent))
        let nice: Double = mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10
        return (nice, exponent)
    }

    /// m × 10^e, correctly rounded: dividing by 10^−e when e < 0 keeps 0.6 from becoming 0.6000000000000001.
    static func value(_ m: Double, _ e: Int) -> Double {
        e >= 0 ? m * pow(10, Double(e)) : m / pow(10, Double(-e))
    }

    /// Tick values at round numbers inside the range: multiples of 1, 2 or 5 × 10^k giving about
    /// `target` ticks on a linear axis; powers of ten on a logarithmic one (with 2 and 5 between
    /// them when the range spans less than two decades).
    public func ticks(target: Int = 6) -> [Double] {
        switch scale {
        case .linear:
            var (m, e) = Self.niceStepParts((maximum - minimum) / Double(max(1, target - 1)))
            if integers && e < 0 { (m, e) = (1, 0) }
            let step = Self.value(m, e)
            var values: [Double] = []
            var k = (minimum / step - 1e-9).rounded(.up)
            while k * step <= maximum + step * 1e-9 {
                values.append(k == 0 ? 0 : Self.value(k * m, e))
                k += 1
            }
            return values
        case .logarithmic:
            let first = Int(log10(minimum).rounded(.down)), last = Int(log10(maximum).rounded(.up))
            let multipliers: [Double] = last - first <= 2 ? [1, 2, 5] : [1]
            var values: [Double] = []
            for e in first...last {
                for m in multipliers {
                    let v = Self.value(m, e)
                    if v >= minimum * (1 - 1e-12) && v <= maximum * (1 + 1e-12) { values.append(v) }
                }
            }
            if integers { values = values.filter { $0 == $0.rounded() } }
            // Too many decades: keep every second or third power so labels do not collide.
            let stride = multipliers.count > 1 ? 1 : (values.count + target - 1) / max(1, target)
            return stride <= 1 ? values : values.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
        }
    }

    /// A short label for a tick value: "0.25", "1,000", "1e-6".
    public static func label(_ value: Double, scale: Scale = .linear) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if scale == .logarithmic && (magnitude < 1e-2 || magnitude >= 1e3) {
            let e = Int(log10(magnitude).rounded(.down))
            let m = value / pow(10, Double(e))
            return abs(m - 1) < 1e-9 ? "1e\(e)" : "\(trimmed(m))e\(e)"
        }
        if magnitude >= 1e6 || magnitude < 1e-4 { return String(format: "%.0e", value) }
        if magnitude >= 1000 && value == value.rounded() {
            let digits = String(Int(magnitude))
            var out = ""
            for (i, ch) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
            return (value < 0 ? "−" : "") + out
        }
        return (value < 0 ? "−" : "") + trimmed(magnitude)
    }

    /// Up to six significant decimals with trailing zeros removed.
    static func trimmed(_ value: Double) -> String {
        var s = String(format: "%.6f", value)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
