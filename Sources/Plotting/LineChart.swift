import Foundation
/// A line chart: several series against a shared x axis, with a legend, round-number ticks,
/// linear or logarithmic axes, shaded bands (mean ± spread over seeds) and labelled reference
/// lines. Build it, then ``render()`` or ``write(to:)``: a chapter's code reads as "compute,
/// then plot".
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var x: [Double], y: [Double]
        /// nil: the next palette colour.
        public var color: Color?
        public var dashed = false
        /// Dots at the data points.
        public var markers = false
        /// A shaded band from lower to upper at each x (e.g. the spread over seeds).
        public var band: (lower: [Double], upper: [Double])?

        public init(_ label: String, x: [Double], y: [Double], color: Color? = nil, dashed: Bool = false,
                    markers: Bool = false, band: (lower: [Double], upper: [Double])? = nil) {
            precondition(x.count == y.count, "LineChart.Series '\(label)': \(x.count) x values, \(y.count) y values")
            if let band { precondition(band.lower.count == x.count && band.upper.count == x.count, "LineChart.Series '\(label)': band length") }
            self.label = label
            self.x = x
            self.y = y
            self.color = color
            self.dashed = dashed
            self.markers = markers
            self.band = band
        }
    }

    public var title: String, xLabel: String, yLabel: String
    public var series: [Series] = []
    public var referenceLines: [ReferenceLine] = []
    public var xScale: Axis.Scale = .linear, yScale: Axis.Scale = .linear
    /// Fixed axis ranges; nil fits the data (and the reference lines) with round ends.
    public var xRange: ClosedRange<Double>?, yRange: ClosedRange<Double>?
    /// Where the legend goes; `.automatic` (the default) takes the corner of the plot whose box
    /// covers the fewest points of the curves.
    public var legend: LegendPosition = .automatic
    /// Axes that count things: ticks at whole numbers only (``Axis/integers``).
    public var xIntegers = false, yIntegers = false
    public var width = 960, height = 600

    public init(title: String, xLabel: String, yLabel: String, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The colour series `i` is drawn in.
    public func color(ofSeries i: Int) -> Color {
        series[i].color ?? Color.palette[i % Color.palette.count]
    }

    /// The frame: where the data lands in the image.
    func frame() -> PlotFrame {
        let xs = series.flatMap(\.x), ys = series.flatMap { $0.y + ($0.band?.lower ?? []) + ($0.band?.upper ?? []) }
        let refX = referenceLines.filter { $0.orientation == .vertical }.map(\.value)
        let refY = referenceLines.filter { $0.orientation == .horizontal }.map(\.value)
        var x = xRange.map { Axis(minimum: $0.lowerBound, maximum: $0.upperBound, scale: xScale) }
            ?? Axis.fitting(xs, including: refX, scale: xScale)
        var y = yRange.map { Axis(minimum: $0.lowerBound, maximum: $0.upperBound, scale: yScale) }
            ?? Axis.fitting(ys, including: refY, scale: yScale)
        (x.integers, y.integers) = (xIntegers, yIntegers)
        return PlotFrame(width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y,
                         yTickLabels: y.ticks().map { Axis.label($0, scale: yScale) },
                         xTickLabels: x.ticks().map { Axis.label($0, scale: xScale) })
    }

    /// The pixel position of a data point (for tests and annotations).
    public func pixel(x: Double, y: Double) -> (x: Double, y: Double) {
        let f = frame()
        return (f.px(x), f.py(y))
    }

    public func render() -> Image { drawn().image }

    /// The texts of the chart that do not fit its canvas; empty for a good layout.
    public var overflowingText: [String] { drawn().overflowingText }

    func drawn() -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let f = frame()
        f.drawFrame(on: &canvas, title: title, xLabel: xLabel, yLabel: yLabel, xTicks: f.x.ticks())
        func visible(_ x: Double, _ y: Double) -> Bool {
            x.isFinite && y.isFinite && (xScale == .linear || x > 0) && (yScale == .linear || y > 0)
        }
        // Bands first, under every line.
        for (i, s) in series.enumerated() {
            guard let band = s.band else { continue }
            let upper = s.x.indices.filter { visible(s.x[$0], band.upper[$0]) }.map { (f.px(s.x[$0]), f.py(band.upper[$0])) }
            let lower = s.x.indices.reversed().filter { visible(s.x[$0], band.lower[$0]) }.map { (f.px(s.x[$0]), f.py(band.lower[$0])) }
            canvas.fillPolygon(clip(upper + lower, f), color: color(ofSeries: i), alpha: 0.18)
        }
        f.drawReferenceLines(referenceLines, on: &canvas)
        for (i, s) in series.enumerated() {
            let points = s.x.indices.filter { visible(s.x[$0], s.y[$0]) }.map { (x: f.px(s.x[$0]), y: f.py(s.y[$0])) }
            canvas.stroke(clip(points, f), width: 2.5, color: color(ofSeries: i), dash: s.dashed ? (10, 6) : nil)
            if s.markers || points.count == 1 {
                for p in clip(points, f) { canvas.disc(x: p.x, y: p.y, radius: 4, color: color(ofSeries: i)) }
            }
        }
        // A series with an empty label (a second seed, a companion curve) stays out of the legend.
        let listed = series.indices.filter { !series[$0].label.isEmpty }
        let labels = listed.map { series[$0].label }
        f.drawLegend(labels, position: legend == .automatic ? f.clearestCorner(for: labels, avoiding: curvePixels(f)) : legend,
                     on: &canvas) { canvas, row, x, y in
            let i = listed[row]
            canvas.stroke([(x, y), (x + 36, y)], width: 2.5, color: color(ofSeries: i), dash: series[i].dashed ? (10, 6) : nil)
            if series[i].markers { canvas.disc(x: x + 18, y: y, radius: 4, color: color(ofSeries: i)) }
        }
        return canvas
    }

    /// Points along every drawn curve, a few pixels apart, and over every reference line's label,
    /// for placing the legend off them.
    func curvePixels(_ f: PlotFrame) -> [(x: Double, y: Double)] {
        var pixels: [(x: Double, y: Double)] = []
        for box in f.referenceLabelBoxes(referenceLines) {
            for x in stride(from: box.left, through: box.right, by: 4) {
                for y in stride(from: box.top, through: box.bottom, by: 4) { pixels.append((x, y)) }
            }
        }
        for s in series {
            let points = clip(s.x.indices.filter { s.x[$0].isFinite && s.y[$0].isFinite && (xScale == .linear || s.x[$0] > 0)
                                                   && (yScale == .linear || s.y[$0] > 0) }
                                .map { (x: f.px(s.x[$0]), y: f.py(s.y[$0])) }, f)
            pixels += points
            for (a, b) in zip(points, points.dropFirst()) {
                let n = Int((hypot(b.x - a.x, b.y - a.y) / 4).rounded(.up))
                for k in stride(from: 1, to: max(1, n), by: 1) {
                    let t = Double(k) / Double(n)
                    pixels.append((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
                }
            }
        }
        return pixels
    }

    /// The legend's corner: the one `.automatic` picks, or the one set.
    public var legendCorner: LegendPosition {
        guard legend == .automatic else { return legend }
        let f = frame()
        return f.clearestCorner(for: series.map(\.label).filter { !$0.isEmpty }, avoiding: curvePixels(f))
    }

    /// How many sampled points of the curves the legend box covers (0 for a legend off the data).
    public var legendCoveredPoints: Int {
        let f = frame()
        let labels = series.map(\.label).filter { !$0.isEmpty }
        guard legendCorner != .none, !labels.isEmpty else { return 0 }
        let box = f.legendBox(labels, position: legendCorner)
        return curvePixels(f).filter { box.contains($0) }.count
    }

    /// Keeps points inside the plot area (clamped), so that nothing is drawn over the margins.
    private func clip(_ points: [(x: Double, y: Double)], _ f: PlotFrame) -> [(x: Double, y: Double)] {
        points.map { (min(max($0.x, f.left), f.right), min(max($0.y, f.top), f.bottom)) }
    }

    /// Writes the PNG; a text that does not fit the canvas is said on standard error (a layout
    /// bug, not a reason to lose the figure).
    public func write(to path: String) throws {
        let canvas = drawn()
        warnAboutOverflow(canvas, path: path)
        try canvas.image.writePNG(to: path)
    }
}
