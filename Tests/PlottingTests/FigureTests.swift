import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
@testable import Plotting
@testable import figure_gallery
import TestSupport

@Suite struct PNGTests {
    func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alexnet-tests-\(UUID().uuidString)")
        return directory.appendingPathComponent(name).path
    }

    @Test(arguments: [1, 3, 4])
    func roundTripEveryPixelFormat(channels: Int) throws {
        var g = RandomGenerator(seed: UInt64(channels))
        let pixels = (0..<(7 * 5 * channels)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        let image = Image(width: 7, height: 5, channels: channels, pixels: pixels)
        let path = temporaryPath("round-trip-\(channels).png")
        try image.writePNG(to: path)
        #expect(try Image.readPNG(from: path) == image)
    }

    @Test func readingConvertsBetweenFormats() throws {
        let grey = Image(width: 2, height: 1, channels: 1, pixels: [10, 200])
        let path = temporaryPath("grey.png")
        try grey.writePNG(to: path)
        let rgb = try Image.readPNG(from: path, channels: 3)
        #expect(rgb.pixels == [10, 10, 10, 200, 200, 200])
    }

    @Test func identicalInputGivesIdenticalBytes() throws {
        let image = Gallery.figures()[0].image
        let (a, b) = (temporaryPath("a.png"), temporaryPath("b.png"))
        try image.writePNG(to: a)
        try image.writePNG(to: b)
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        #expect(Gallery.figures()[0].image == image)            // drawing is deterministic too
    }

    @Test func aFileThatIsNotAPNGIsRefusedByName() throws {
        let path = temporaryPath("not-a.png")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data("hello, this is text".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PNGError.self) { try Image.readPNG(from: path) }
        #expect(error.path == path)
        #expect(error.description.contains("not a readable PNG"))
        #expect(throws: PNGError.self) { try Image.readPNG(from: self.temporaryPath("missing.png")) }
    }

    /// A header that claims a million by a million pixels (libpng's own limit lets it through) is
    /// refused by its size before anything is allocated; one just under the limit still reads its
    /// header and fails only on the missing data.
    @Test func aHeaderClaimingTooManyPixelsIsRefusedBeforeAllocating() throws {
        let path = temporaryPath("huge.png")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(hostilePNG(width: 1_000_000, height: 1_000_000)).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PNGError.self) { try Image.readPNG(from: path, channels: 3) }
        #expect(error.description.contains("1000000×1000000 pixels, more than the"), "\(error)")
        try Data(hostilePNG(width: 64, height: 64)).write(to: URL(fileURLWithPath: path))
        let missing = try #require(throws: PNGError.self) { try Image.readPNG(from: path, channels: 3) }
        #expect(missing.description.contains("corrupt PNG data"), "\(missing)")
        // A lower limit, as `--max-pixels` sets it, refuses the 64 × 64 header by its size too.
        let limited = try #require(throws: PNGError.self) { try Image.readPNG(from: path, channels: 3, maximumPixels: 4095) }
        #expect(limited.description.contains("64×64 pixels, more than the 4095 this reader accepts"), "\(limited)")
    }

    @Test func aTruncatedPNGIsRefused() throws {
        let path = temporaryPath("truncated.png")
        try Gallery.figures()[0].image.writePNG(to: path)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PNGError.self) { try Image.readPNG(from: path) }
        #expect(error.path == path)
    }
}

@Suite struct AxisTests {
    @Test func niceSteps() {
        #expect(Axis.niceStep(0.23) == 0.2)
        #expect(Axis.niceStep(7) == 5)
        #expect(Axis.niceStep(1.4) == 1)
        #expect(Axis.niceStep(0.4) == 0.5)
        #expect(Axis.niceStep(3e-4) == 2e-4)
    }

    @Test func linearTicksAtRoundNumbers() {
        #expect(Axis(minimum: 0, maximum: 1).ticks() == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Axis(minimum: 0, maximum: 30).ticks() == [0, 5, 10, 15, 20, 25, 30])
        #expect(Axis(minimum: -1, maximum: 1).ticks() == [-1, -0.5, 0, 0.5, 1])
        let fitted = Axis.fitting([0.13, 0.87])
        #expect(fitted.minimum == 0.1 && fitted.maximum == 0.9)
    }

    @Test func logarithmicTicksAtPowersOfTen() {
        #expect(Axis(minimum: 1e-12, maximum: 1, scale: .logarithmic).ticks(target: 7) == [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1])
        #expect(Axis(minimum: 1, maximum: 100, scale: .logarithmic).ticks().count == 7)   // 1 2 5 10 20 50 100
        let fitted = Axis.fitting([3e-7, 0.02], scale: .logarithmic)
        #expect(fitted.minimum == 1e-7 && fitted.maximum == 0.1)
    }

    /// A count axis (networks averaged, layers) has ticks at whole numbers only.
    @Test func aCountingAxisHasWholeNumberTicks() {
        #expect(Axis(minimum: 1, maximum: 4).ticks() == [1, 1.5, 2, 2.5, 3, 3.5, 4])
        var counts = Axis(minimum: 1, maximum: 4)
        counts.integers = true
        #expect(counts.ticks() == [1, 2, 3, 4])
        var wide = Axis(minimum: 0, maximum: 50)
        wide.integers = true
        #expect(wide.ticks() == [0, 10, 20, 30, 40, 50])
        var logarithmic = Axis(minimum: 0.2, maximum: 5, scale: .logarithmic)
        logarithmic.integers = true
        #expect(logarithmic.ticks() == [1, 2, 5])
    }

    @Test func barValuesHaveThreeSignificantDigits() {
        #expect(BarChart.valueLabel(29.2134) == "29.2")
        #expect(BarChart.valueLabel(946.543) == "947")
        #expect(BarChart.valueLabel(0.181134) == "0.181")
        #expect(BarChart.valueLabel(1.5) == "1.5")
        #expect(BarChart.valueLabel(12_345) == "12,300")
    }

    @Test func labels() {
        #expect(Axis.label(0.25) == "0.25")
        #expect(Axis.label(1000) == "1,000")
        #expect(Axis.label(-2) == "−2")
        #expect(Axis.label(1e-6, scale: .logarithmic) == "1e-6")
        #expect(Axis.label(0.1, scale: .logarithmic) == "0.1")
    }
}

@Suite struct PlotTests {
    @Test func aSeriesIsDrawnInItsColourAtItsDataPoints() {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
        chart.series = [.init("a", x: [0, 1, 2], y: [0, 1, 0]), .init("b", x: [0, 2], y: [0.5, 0.5])]
        chart.legend = .none
        let image = chart.render()
        let canvas = Canvas(image)
        for (series, point) in [(0, (1.0, 1.0)), (1, (1.0, 0.5))] {
            let p = chart.pixel(x: point.0, y: point.1)
            #expect(canvas.color(x: Int(p.x), y: Int(p.y)) == chart.color(ofSeries: series))
        }
        #expect(chart.color(ofSeries: 0) == Color.palette[0])
        let far = chart.pixel(x: 1.9, y: 0.9)
        #expect(canvas.color(x: Int(far.x), y: Int(far.y)) == .white)
    }

    /// A series with an empty label is drawn but gets no row in the legend: the legend of a
    /// labelled series, an unlabelled one and another labelled one has two rows, the second
    /// showing the third series' colour.
    @Test func anUnlabelledSeriesStaysOutOfTheLegend() {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
        chart.series = [.init("a", x: [0, 10], y: [0.1, 0.1]), .init("", x: [0, 10], y: [0.2, 0.2]),
                        .init("c", x: [0, 10], y: [0.3, 0.3])]
        (chart.xRange, chart.yRange, chart.legend) = (0...10, 0...1, .topLeft)
        let canvas = Canvas(chart.render())
        let corner = chart.pixel(x: 0, y: 1)                 // the plot area's top-left
        func swatch(row: Int) -> Color {
            let y = corner.y + 12 + 10 + Double(row * (PlotFrame.lineHeight + 6)) + Double(7 * PlotFrame.textScale) / 2
            return canvas.color(x: Int(corner.x) + 12 + 12 + 4, y: Int(y))
        }
        #expect(swatch(row: 0) == chart.color(ofSeries: 0))
        #expect(swatch(row: 1) == chart.color(ofSeries: 2))
        #expect(swatch(row: 2) == .white)                   // no third row
    }

    /// The automatic legend goes to the corner the curves leave free, and covers none of them;
    /// a fixed corner over a curve is counted as covering it.
    @Test func theLegendGoesWhereTheCurvesAreNot() {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
        // Falling curves: the top right and the bottom left are free, the top left is not.
        chart.series = [.init("falling fast", x: [0, 1, 2, 10], y: [1, 0.3, 0.1, 0.05]),
                        .init("falling slowly", x: [0, 5, 10], y: [1, 0.5, 0.2])]
        (chart.xRange, chart.yRange) = (0...10, 0...1)
        #expect(chart.legendCorner == .topRight && chart.legendCoveredPoints == 0)
        // Rising curves fill the top right: the legend moves to the top left.
        chart.series = [.init("rising", x: [0, 5, 10], y: [0.05, 0.6, 1]), .init("flat high", x: [5, 10], y: [0.95, 0.95])]
        #expect(chart.legendCorner == .topLeft && chart.legendCoveredPoints == 0)
        chart.legend = .topRight
        #expect(chart.legendCorner == .topRight && chart.legendCoveredPoints > 0)
        // What is drawn is the automatic choice: the top left's swatch in the first series' colour.
        chart.legend = .automatic
        let canvas = Canvas(chart.render())
        let corner = chart.pixel(x: 0, y: 1)
        let y = corner.y + 12 + 10 + Double(7 * PlotFrame.textScale) / 2
        #expect(canvas.color(x: Int(corner.x) + 12 + 12 + 4, y: Int(y)) == chart.color(ofSeries: 0))
    }

    /// A reference line's label counts as something the legend must not cover.
    @Test func theLegendAvoidsAReferenceLinesLabel() {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
        // A falling curve leaves the top right free — until a labelled line runs across it.
        chart.series = [.init("falling", x: [0, 2, 10], y: [1, 0.2, 0.1])]
        (chart.xRange, chart.yRange) = (0...10, 0...1)
        #expect(chart.legendCorner == .topRight)
        chart.referenceLines = [ReferenceLine(.horizontal, at: 0.9, label: "a long label for a reference line")]
        #expect(chart.legendCorner != .topRight)
        #expect(chart.legendCoveredPoints == 0)
    }

    @Test func aReferenceLineAndABandArePresent() {
        var chart = LineChart(title: "", xLabel: "", yLabel: "")
        chart.series = [.init("a", x: [0, 10], y: [0.5, 0.5], band: ([0.3, 0.3], [0.7, 0.7]))]
        chart.referenceLines = [ReferenceLine(.horizontal, at: 0.9, label: "", color: .black)]
        chart.yRange = 0...1
        chart.legend = .none
        let canvas = Canvas(chart.render())
        let band = chart.pixel(x: 5, y: 0.62)
        let shaded = canvas.color(x: Int(band.x), y: Int(band.y))
        #expect(shaded != .white && shaded != chart.color(ofSeries: 0))   // a light tint of the series colour
        let line = chart.pixel(x: 0.2, y: 0.9)                             // dashes start at the left edge
        #expect(canvas.color(x: Int(line.x), y: Int(line.y)).red < 100)
    }

    @Test func barsHaveTheirGroupColour() {
        var chart = BarChart(title: "", yLabel: "", categories: ["a", "b"],
                             groups: [.init("x", values: [1, 2]), .init("y", values: [2, .nan])])
        chart.legend = .none
        chart.yRange = 0...3
        let canvas = Canvas(chart.render())
        let bar = chart.bar(group: 1, category: 0)
        #expect(canvas.color(x: Int((bar.left + bar.right) / 2), y: Int(bar.top) + 5) == chart.color(ofGroup: 1))
        let gap = chart.bar(group: 1, category: 1)      // NaN: no bar
        #expect(canvas.color(x: Int((gap.left + gap.right) / 2), y: Int(chart.bar(group: 0, category: 1).top) + 20) == .white)
    }

    @Test func everyPrintableASCIICharacterHasAGlyph() {
        for code in 32...126 {
            let character = Character(UnicodeScalar(UInt8(code)))
            #expect(BitmapFont.glyphs[character] != nil, "no glyph for '\(character)'")
        }
        #expect(BitmapFont.glyphs["A"]?.count == BitmapFont.glyphHeight)
        var canvas = Canvas(width: 20, height: 12)
        canvas.text("I", x: 0, y: 0)
        #expect(canvas.color(x: 2, y: 3) == .ink)      // the stem of the I
        #expect(canvas.color(x: 0, y: 3) == .white)
    }

    @Test func kernelsAreNormalisedOneByOne() {
        let kernel = Tensor<Float>(shape: [1, 1, 2], scalars: [-0.01, 0.03])
        #expect(ImageGrid.kernelImage(kernel).pixels == [0, 255])
        #expect(ImageGrid.scaled(Image(width: 1, height: 1, channels: 1, pixels: [7]), by: 3).pixels == [UInt8](repeating: 7, count: 9))
    }

    @Test func theGalleryHasEveryKind() {
        let names = Gallery.figures().map(\.name)
        #expect(names == ["line-chart", "line-chart-log", "bar-chart", "kernels", "predictions", "neighbours", "variants"])
    }
}


@Suite struct PictureSplitTests {
    @Test func aPictureBecomesAPlanarSplitAndBack() {
        let rgb = Image(width: 2, height: 1, channels: 3, pixels: [1, 2, 3, 4, 5, 6])
        let split = DatasetSplit(picture: rgb, label: 4)
        #expect(split.pixels == [1, 4, 2, 5, 3, 6] && split.labels == [4])
        #expect(split.picture(0).pixels == rgb.pixels)
        let rgba = Image(width: 1, height: 1, channels: 4, pixels: [9, 8, 7, 255])
        #expect(DatasetSplit(picture: rgba).pixels == [9, 8, 7])
    }
}

@Suite struct LayerDiagramTests {
    /// Two towers that read only their own tower, then two that read both: the crossing lines
    /// (drawn in the palette's fourth colour) appear only between the last two columns.
    @Test func crossingLinesOnlyWhereALayerReadsBothTowers() {
        let columns = [
            LayerDiagram.Column(name: "input", shape: [3, 8, 8], towers: 1, readsAllTowers: false),
            LayerDiagram.Column(name: "conv1", shape: [4, 8, 8], towers: 2, readsAllTowers: true, parameters: 100),
            LayerDiagram.Column(name: "conv2", shape: [4, 8, 8], towers: 2, readsAllTowers: false, parameters: 100),
            LayerDiagram.Column(name: "conv3", shape: [4, 8, 8], towers: 2, readsAllTowers: true, parameters: 200),
        ]
        let image = LayerDiagram.render(columns, title: "test")
        #expect(image.width == 40 + 4 * 128)
        /// Whether column gap `i` (between columns i and i + 1) has a crossing-coloured pixel at its
        /// middle, where the two crossing lines meet halfway between the towers.
        func crossesAt(_ i: Int) -> Bool {
            let x = 20 + i * 128 + 128, y = 70 + 150
            let c = Color.palette[3]
            return (-2...2).contains { dx in (-2...2).contains { dy in
                (0..<3).allSatisfy { k in abs(Int(image[x + dx, y + dy, k]) - Int([c.red, c.green, c.blue][k])) < 60 }
            } }
        }
        #expect(!crossesAt(1))          // conv1 → conv2: own tower only
        #expect(crossesAt(2))           // conv2 → conv3: both towers
    }
}

/// Every text of a chart lies inside its canvas: tick labels, titles, axis labels.
@Suite struct ChartOverflowTests {
    @Test func theGallerysChartsFitTheirCanvases() {
        #expect(Gallery.trainingCurves().overflowingText.isEmpty)
        #expect(Gallery.gradientErrorCurve().overflowingText.isEmpty)
        #expect(Gallery.ablationBars().overflowingText.isEmpty)
    }

    /// The cases that clipped before: a wide last x tick label at the right edge, a title wider
    /// than the plot (moved in), one wider than the canvas (drawn at half size), wide y ticks.
    @Test func wideLabelsAreLaidOutInside() {
        var chart = LineChart(title: "", xLabel: "images seen", yLabel: "error",
                              series: [.init("a", x: [0, 2_500_000], y: [0.1, 0.9])])
        #expect(chart.overflowingText.isEmpty, "\(chart.overflowingText)")
        chart.title = String(repeating: "a title wider than the plot area ", count: 2)
        #expect(chart.overflowingText.isEmpty, "\(chart.overflowingText)")
        chart.title = String(repeating: "a title wider than the whole canvas at full size ", count: 2)
        #expect(chart.overflowingText.isEmpty, "\(chart.overflowingText)")
        var bars = BarChart(title: "large values", yLabel: "count", categories: ["a", "b"])
        bars.groups = [.init("g", values: [1_250_000, 3_000_000])]
        #expect(bars.overflowingText.isEmpty, "\(bars.overflowingText)")
    }

    /// The check itself sees a text that cannot fit.
    @Test func aTextThatCannotFitIsReported() {
        var chart = LineChart(title: String(repeating: "far too long for any canvas ", count: 12), xLabel: "x", yLabel: "y",
                              series: [.init("a", x: [0, 1], y: [0, 1])])
        #expect(chart.overflowingText.count == 1)
        chart.title = "fits"
        #expect(chart.overflowingText.isEmpty)
        var canvas = Canvas(width: 40, height: 20)
        canvas.text("0.25", x: 38, y: 2, scale: 2)
        canvas.text("ok", x: 2, y: 2)
        #expect(canvas.overflowingText == ["0.25"])
    }
}
