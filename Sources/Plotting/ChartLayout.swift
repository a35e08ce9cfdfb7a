/// What line and bar charts share: the frame (title, axis labels, tick labels, grid), the
/// mapping from data to pixels, reference lines and the legend box.
public struct ReferenceLine: Sendable {
    public enum Orientation: Sendable { case horizontal, vertical }
    public var orientation: Orientation
    public var value: Double
    public var label: String
    public var color: Color

    /// A dashed line across the plot at `value`, e.g. "25% threshold" or "paper: 11%".
    public init(_ orientation: Orientation, at value: Double, label: String, color: Color = .gray) {
        self.orientation = orientation
        self.value = value
        self.label = label
        self.color = color
    }
}

/// Where the legend box sits inside the plot area; `automatic`: the corner that covers least of
/// the data.
public enum LegendPosition: Sendable { case topRight, topLeft, bottomRight, bottomLeft, none, automatic }

/// The rectangle of a chart where data is drawn, and the axes that map into it.
struct PlotFrame {
    static let textScale = 2
    static let lineHeight = BitmapFont.cellHeight * textScale     // 20 px
    static let charWidth = BitmapFont.cellWidth * textScale       // 12 px

    var left: Double, top: Double, right: Double, bottom: Double
    var x: Axis, y: Axis

    /// Lays out a chart of `width`×`height` pixels: room for the title on top, the y label and
    /// tick labels on the left, the x tick labels and label below.
    init(width: Int, height: Int, title: String, xLabel: String, yLabel: String, x: Axis, y: Axis,
         yTickLabels: [String], xTickLabels: [String] = []) {
        let widestTick = yTickLabels.map { Canvas.textSize($0, scale: Self.textScale).width }.max() ?? 0
        left = Double(16 + (yLabel.isEmpty ? 0 : Self.lineHeight + 10) + widestTick + 10)
        top = Double(title.isEmpty ? 20 : 16 + Self.lineHeight + 16)
        // The last x tick label is centred on the right edge of the plot: room for its half.
        let lastTick = xTickLabels.last.map { Canvas.textSize($0, scale: Self.textScale).width / 2 + 8 } ?? 0
        right = Double(width - max(28, lastTick))
        bottom = Double(height - 16 - (xLabel.isEmpty ? 0 : Self.lineHeight + 8) - Self.lineHeight - 10)
        self.x = x
        self.y = y
    }

    func px(_ value: Double) -> Double { left + x.fraction(value) * (right - left) }
    func py(_ value: Double) -> Double { bottom - y.fraction(value) * (bottom - top) }

    /// Grid, frame, ticks with their labels, title and axis labels. `xTicks` nil hides x ticks
    /// (bar charts label their categories instead).
    func drawFrame(on canvas: inout Canvas, title: String, xLabel: String, yLabel: String, xTicks: [Double]?) {
        let s = Self.textScale
        let yTicks = y.ticks()
        for t in yTicks {
            let yy = py(t).rounded()
            canvas.fill(left: left, top: yy - 0.5, right: right, bottom: yy + 0.5, color: .grid)
            canvas.text(Axis.label(t, scale: y.scale), x: Int(left) - 10, y: Int(yy) - 7 * s / 2, scale: s,
                        alignment: .right)
        }
        for t in xTicks ?? [] {
            let xx = px(t).rounded()
            canvas.fill(left: xx - 0.5, top: top, right: xx + 0.5, bottom: bottom, color: .grid)
            canvas.fill(left: xx - 0.5, top: bottom, right: xx + 0.5, bottom: bottom + 6, color: .ink)
            canvas.text(Axis.label(t, scale: x.scale), x: Int(xx), y: Int(bottom) + 10, scale: s, alignment: .center)
        }
        for t in yTicks {
            let yy = py(t).rounded()
            canvas.fill(left: left - 6, top: yy - 0.5, right: left, bottom: yy + 0.5, color: .ink)
        }
        // The frame: left and bottom axes in ink.
        canvas.fill(left: left - 1, top: top, right: left, bottom: bottom + 1, color: .ink)
        canvas.fill(left: left - 1, top: bottom, right: right, bottom: bottom + 1, color: .ink)
        if !title.isEmpty {
            // Centred over the plot, moved in to fit the canvas, and at half size if it is wider
            // than the canvas at full size.
            let scale = Canvas.textSize(title, scale: s).width + 16 <= canvas.width ? s : 1
            let w = Canvas.textSize(title, scale: scale).width
            let centre = min(max(Int((left + right) / 2), w / 2 + 8), canvas.width - (w - w / 2) - 8)
            canvas.text(title, x: centre, y: 16 + (s - scale) * BitmapFont.glyphHeight / 2, scale: scale, alignment: .center)
        }
        if !xLabel.isEmpty {
            canvas.text(xLabel, x: Int((left + right) / 2), y: canvas.height - 16 - Self.lineHeight + 2, scale: s,
                        color: .ink, alignment: .center)
        }
        if !yLabel.isEmpty {
            canvas.text(yLabel, x: 16, y: Int((top + bottom) / 2), scale: s, alignment: .center, vertical: true)
        }
    }

    /// Dashed reference lines with their labels, inside the plot.
    func drawReferenceLines(_ lines: [ReferenceLine], on canvas: inout Canvas) {
        let s = Self.textScale
        for line in lines {
            switch line.orientation {
            case .horizontal:
                guard y.fraction(line.value) >= 0 && y.fraction(line.value) <= 1 else { continue }
                let yy = py(line.value)
                canvas.stroke([(left, yy), (right, yy)], width: 1.5, color: line.color, dash: (8, 6))
                let w = Canvas.textSize(line.label, scale: s).width
                canvas.fill(x: Int(right) - 10 - w, y: Int(yy) - Self.lineHeight - 2, width: w + 8, height: Self.lineHeight - 2,
                            color: .white, alpha: 0.85)
                canvas.text(line.label, x: Int(right) - 6, y: Int(yy) - Self.lineHeight, scale: s, color: line.color,
                            alignment: .right)
            case .vertical:
                guard x.fraction(line.value) >= 0 && x.fraction(line.value) <= 1 else { continue }
                let xx = px(line.value)
                canvas.stroke([(xx, top), (xx, bottom)], width: 1.5, color: line.color, dash: (8, 6))
                let w = Canvas.textSize(line.label, scale: s).width
                canvas.fill(x: Int(xx) + 3, y: Int(top) + 4, width: w + 6, height: Self.lineHeight, color: .white, alpha: 0.85)
                canvas.text(line.label, x: Int(xx) + 6, y: Int(top) + 6, scale: s, color: line.color)
            }
        }
    }

    /// Where each visible reference line's label is drawn (see ``drawReferenceLines``).
    func referenceLabelBoxes(_ lines: [ReferenceLine]) -> [Box] {
        lines.compactMap { line in
            let w = Double(Canvas.textSize(line.label, scale: Self.textScale).width)
            switch line.orientation {
            case .horizontal:
                guard y.fraction(line.value) >= 0 && y.fraction(line.value) <= 1 else { return nil }
                let yy = py(line.value)
                return Box(left: right - 10 - w, top: yy - Double(Self.lineHeight) - 2, right: right, bottom: yy)
            case .vertical:
                guard x.fraction(line.value) >= 0 && x.fraction(line.value) <= 1 else { return nil }
                let xx = px(line.value)
                return Box(left: xx + 3, top: top + 4, right: xx + 9 + w, bottom: top + 4 + Double(Self.lineHeight))
            }
        }
    }

    /// The legend's rectangle for `labels` in a corner.
    struct Box {
        var left: Double, top: Double, right: Double, bottom: Double
        func contains(_ p: (x: Double, y: Double)) -> Bool { p.x >= left && p.x <= right && p.y >= top && p.y <= bottom }
    }

    func legendBox(_ labels: [String], position: LegendPosition) -> Box {
        let textWidth = labels.map { Canvas.textSize($0, scale: Self.textScale).width }.max() ?? 0
        let boxWidth = Double(12 + 36 + 10 + textWidth + 12), boxHeight = Double(10 + labels.count * (Self.lineHeight + 6) + 4)
        let boxLeft = position == .topLeft || position == .bottomLeft ? left + 12 : right - 12 - boxWidth
        let boxTop = position == .topLeft || position == .topRight ? top + 12 : bottom - 12 - boxHeight
        return Box(left: boxLeft, top: boxTop, right: boxLeft + boxWidth, bottom: boxTop + boxHeight)
    }

    /// The corner whose legend box covers the fewest of `points` (top right first on a tie).
    func clearestCorner(for labels: [String], avoiding points: [(x: Double, y: Double)]) -> LegendPosition {
        let corners: [LegendPosition] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
        let counts = corners.map { corner in
            let box = legendBox(labels, position: corner)
            return points.filter { box.contains($0) }.count
        }
        return corners[counts.firstIndex(of: counts.min()!)!]
    }

    /// A legend box: a swatch drawn by `swatch` and a label per entry.
    func drawLegend(_ labels: [String], position: LegendPosition, on canvas: inout Canvas,
                    swatch: (inout Canvas, Int, Double, Double) -> Void) {
        guard position != .none, position != .automatic, !labels.isEmpty else { return }
        let s = Self.textScale
        let box = legendBox(labels, position: position)
        let (boxLeft, boxTop, boxWidth, boxHeight) = (box.left, box.top, box.right - box.left, box.bottom - box.top)
        canvas.fill(left: boxLeft, top: boxTop, right: boxLeft + boxWidth, bottom: boxTop + boxHeight, color: .white, alpha: 0.9)
        canvas.stroke([(boxLeft, boxTop), (boxLeft + boxWidth, boxTop), (boxLeft + boxWidth, boxTop + boxHeight),
                       (boxLeft, boxTop + boxHeight), (boxLeft, boxTop)], width: 1, color: .grid)
        for (i, label) in labels.enumerated() {
            let rowTop = boxTop + 10 + Double(i * (Self.lineHeight + 6))
            swatch(&canvas, i, boxLeft + 12, rowTop + Double(7 * s) / 2)
            canvas.text(label, x: Int(boxLeft) + 12 + 36 + 10, y: Int(rowTop), scale: s)
        }
    }
}
