import Foundation
/// A grouped bar chart with optional error bars: one cluster of bars per category, one bar per
/// group in each cluster (e.g. categories "with LRN", "without LRN"; groups "ours", "paper").
public struct BarChart: Sendable {
    public struct Group: Sendable {
        public var label: String
        /// One value per category; NaN leaves a gap (a number the paper does not give).
        public var values: [Double]
        /// Half-lengths of the error bars, one per category, or nil.
        public var errors: [Double]?
        public var color: Color?

        public init(_ label: String, values: [Double], errors: [Double]? = nil, color: Color? = nil) {
            if let errors { precondition(errors.count == values.count, "BarChart.Group '\(label)': error count") }
            self.label = label
            self.values = values
            self.errors = errors
            self.color = color
        }
    }

    public var title: String, yLabel: String
    public var categories: [String]
    public var groups: [Group] = []
    public var referenceLines: [ReferenceLine] = []
    public var yRange: ClosedRange<Double>?
    /// Print each bar's value above it.
    public var showsValues = true
    public var legend: LegendPosition = .topRight
    public var width = 960, height = 600

    public init(title: String, yLabel: String, categories: [String], groups: [Group] = []) {
        self.title = title
        self.yLabel = yLabel
        self.categories = categories
        self.groups = groups
    }

    /// A bar's printed value: three significant digits (29.2 days, 947 days, 0.181), never
    /// more decimals than they need.
    public static func valueLabel(_ value: Double) -> String {
        guard value != 0, value.isFinite else { return Axis.label(value) }
        let scale = pow(10, Double(2 - Int(log10(abs(value)).rounded(.down))))
        return Axis.label((value * scale).rounded() / scale)
    }

    public func color(ofGroup i: Int) -> Color { groups[i].color ?? Color.palette[i % Color.palette.count] }

    func frame() -> PlotFrame {
        for g in groups { precondition(g.values.count == categories.count, "BarChart: group '\(g.label)' has \(g.values.count) values for \(categories.count) categories") }
        let tops = groups.flatMap { g in g.values.indices.map { g.values[$0] + (g.errors?[$0] ?? 0) } }
        let y = yRange.map { Axis(minimum: $0.lowerBound, maximum: $0.upperBound) }
            ?? Axis.fitting(tops + [0], including: referenceLines.map(\.value))
        let x = Axis(minimum: 0, maximum: Double(categories.count))
        return PlotFrame(width: width, height: height, title: title, xLabel: "", yLabel: yLabel, x: x, y: y,
                         yTickLabels: y.ticks().map { Axis.label($0) })
    }

    /// The rectangle of the bar of `group` in `category`: (left, right, top of the value).
    public func bar(group: Int, category: Int) -> (left: Double, right: Double, top: Double) {
        let f = frame()
        let slot = (f.right - f.left) / Double(categories.count)
        let barWidth = slot * 0.75 / Double(max(1, groups.count))
        let left = f.left + slot * Double(category) + slot * 0.125 + barWidth * Double(group)
        return (left + 2, left + barWidth - 2, f.py(groups[group].values[category]))
    }

    public func render() -> Image { drawn().image }

    /// The texts of the chart that do not fit its canvas; empty for a good layout.
    public var overflowingText: [String] { drawn().overflowingText }

    func drawn() -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let f = frame()
        f.drawFrame(on: &canvas, title: title, xLabel: "", yLabel: yLabel, xTicks: nil)
        let s = PlotFrame.textScale
        for (c, name) in categories.enumerated() {
            let slot = (f.right - f.left) / Double(categories.count)
            canvas.text(name, x: Int(f.left + slot * (Double(c) + 0.5)), y: Int(f.bottom) + 10, scale: s, alignment: .center)
        }
        for (g, group) in groups.enumerated() {
            for c in categories.indices where group.values[c].isFinite {
                let b = bar(group: g, category: c)
                let base = f.py(max(f.y.minimum, 0))
                canvas.fill(left: b.left, top: b.top, right: b.right, bottom: base, color: color(ofGroup: g))
                var labelTop = b.top
                if let e = group.errors?[c], e > 0 {
                    let mid = (b.left + b.right) / 2
                    let hi = f.py(group.values[c] + e), lo = f.py(group.values[c] - e)
                    canvas.stroke([(mid, hi), (mid, lo)], width: 2, color: .ink)
                    canvas.stroke([(mid - 6, hi), (mid + 6, hi)], width: 2, color: .ink)
                    canvas.stroke([(mid - 6, lo), (mid + 6, lo)], width: 2, color: .ink)
                    labelTop = hi
                }
                if showsValues {
                    canvas.text(Self.valueLabel(group.values[c]), x: Int((b.left + b.right) / 2),
                                y: Int(labelTop) - PlotFrame.lineHeight, scale: s, alignment: .center)
                }
            }
        }
        f.drawReferenceLines(referenceLines, on: &canvas)
        f.drawLegend(groups.map(\.label), position: legend == .automatic ? .topRight : legend, on: &canvas) { canvas, i, x, y in
            canvas.fill(left: x + 6, top: y - 8, right: x + 30, bottom: y + 8, color: color(ofGroup: i))
        }
        return canvas
    }

    /// Writes the PNG; a text that does not fit the canvas is said on standard error (a layout
    /// bug, not a reason to lose the figure).
    public func write(to path: String) throws {
        let canvas = drawn()
        warnAboutOverflow(canvas, path: path)
        try canvas.image.writePNG(to: path)
    }
}
