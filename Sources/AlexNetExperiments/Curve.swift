/// A measured curve: a metric (e.g. training error) at increasing points of training (steps or
/// epochs), the first point measured before any training.
///
/// Figure 1 of the paper is read this way: how far training must go before the error first falls
/// to a threshold. Between two measurements the crossing is interpolated linearly,
///
///     x* = x₀ + (y₀ − t) / (y₀ − y₁) · (x₁ − x₀)    for the first y₁ ≤ t after y₀ > t,
///
/// so the answer does not jump by a whole probe interval when a run is a little faster.
public struct Curve: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var x: Double, y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public var points: [Point]

    public init(_ points: [Point] = []) { self.points = points }

    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "Curve: \(x.count) x values for \(y.count) y values")
        points = zip(x, y).map { Point(x: $0, y: $1) }
    }

    public mutating func append(x: Double, y: Double) { points.append(Point(x: x, y: y)) }

    public var x: [Double] { points.map(\.x) }
    public var y: [Double] { points.map(\.y) }
    public var last: Point? { points.last }

    /// Where the curve first reaches `threshold` or below, interpolated between the measurement
    /// before and the first one at or under it; the first point's x if it starts there; nil if
    /// it never gets there (a NaN, e.g. after divergence, never counts as reaching it).
    public func firstCrossing(below threshold: Double) -> Double? {
        guard let first = points.first else { return nil }
        if first.y <= threshold { return first.x }
        for (before, after) in zip(points, points.dropFirst()) where after.y <= threshold {
            return before.x + (before.y - threshold) / (before.y - after.y) * (after.x - before.x)
        }
        return nil
    }

    /// The curve smoothed by a centred running median: point i becomes the median of the y of
    /// measurements i − h … i + h, h = (`width` − 1)/2, the half-width shrunk near either end so
    /// that the window stays centred (the first and last points are their own). The x stay.
    /// A median, unlike a mean, ignores one outlying probe in `width` — what a dense, noisy
    /// validation curve needs before its best point and the step it is first approached mean
    /// anything. `width` must be odd; 1 is the curve itself.
    public func runningMedian(width: Int) -> Curve {
        precondition(width >= 1 && width % 2 == 1, "Curve.runningMedian: width \(width) is not odd and positive")
        let h = width / 2, y = self.y
        return Curve(points.indices.map { i in
            let r = min(h, i, y.count - 1 - i)
            return Point(x: points[i].x, y: Spread(Array(y[(i - r)...(i + r)])).median)
        })
    }

    /// The measurements of a run's end window, the points from step `start` on; the last point
    /// alone when none is that late (a run without a window). A run's end point is their median.
    public func window(from start: Int) -> [Point] {
        let late = points.filter { $0.x >= Double(start) }
        return late.isEmpty ? points.suffix(1) : late
    }

    /// The smallest y measured (NaN points ignored), nil for an empty curve.
    public var minimum: Double? { points.map(\.y).filter { !$0.isNaN }.min() }
}
