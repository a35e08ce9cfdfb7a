import AlexNet
/// Grids of images for the paper's qualitative figures: first-layer kernels (Figure 3),
/// predictions with their top-5 probabilities (Figure 4, left), a query beside its nearest
/// neighbours (Figure 4, right), and captioned variants of one image (augmentation).
public enum ImageGrid {
    static let s = PlotFrame.textScale
    static let lineHeight = PlotFrame.lineHeight
    static let margin = 16, gap = 6

    // MARK: From tensors to images

    /// A (C, H, W) tensor with C = 1 or 3 as an image, mapping `range` to 0…255 (clamped).
    public static func image<S: TensorScalar>(_ t: Tensor<S>, range: ClosedRange<Double>) -> Image {
        precondition(t.rank == 3 && (t.shape[0] == 1 || t.shape[0] == 3), "ImageGrid.image: expected (1 or 3, H, W), got \(t.shape)")
        let (C, H, W) = (t.shape[0], t.shape[1], t.shape[2])
        var out = Image(width: W, height: H, channels: C)
        let span = range.upperBound - range.lowerBound
        for c in 0..<C {
            for y in 0..<H {
                for x in 0..<W {
                    let v = (Double(t.scalars[(c * H + y) * W + x]) - range.lowerBound) / (span == 0 ? 1 : span)
                    out[x, y, c] = UInt8((min(1, max(0, v)) * 255).rounded())
                }
            }
        }
        return out
    }

    /// A kernel (C, K, K) normalised on its own, its smallest weight black and largest white: how
    /// the paper displays Figure 3's filters.
    public static func kernelImage<S: TensorScalar>(_ kernel: Tensor<S>) -> Image {
        let values = kernel.scalars.map(Double.init)
        return image(kernel, range: (values.min() ?? 0)...(values.max() ?? 1))
    }

    /// Each pixel repeated `factor` × `factor` times, so that small images stay crisp.
    public static func scaled(_ image: Image, by factor: Int) -> Image {
        guard factor > 1 else { return image }
        var out = Image(width: image.width * factor, height: image.height * factor, channels: image.channels)
        for y in 0..<out.height {
            for x in 0..<out.width {
                for c in 0..<image.channels { out[x, y, c] = image[x / factor, y / factor, c] }
            }
        }
        return out
    }

    // MARK: Figures

    /// Figure 3: blocks of kernels (one per tower), each under its title, `columns` kernels a row.
    /// `kernels` of each block is (count, C, K, K); every kernel is normalised on its own.
    public static func kernels<S: TensorScalar>(_ blocks: [(title: String, kernels: Tensor<S>)], columns: Int,
                                                scale: Int = 4, title: String = "") -> Image {
        let K = blocks.first?.kernels.shape[2] ?? 1
        let cell = K * scale + 2
        let rowsPerBlock = blocks.map { ($0.kernels.shape[0] + columns - 1) / columns }
        let width = max(2 * margin + columns * cell, Canvas.textSize(title, scale: s).width + 2 * margin)
        var height = margin + (title.isEmpty ? 0 : lineHeight + 10)
        for rows in rowsPerBlock { height += lineHeight + 6 + rows * cell + 12 }
        var canvas = Canvas(width: width, height: height)
        var y = margin
        if !title.isEmpty {
            canvas.text(title, x: width / 2, y: y, scale: s, alignment: .center)
            y += lineHeight + 10
        }
        for (b, block) in blocks.enumerated() {
            canvas.text(block.title, x: margin, y: y, scale: s)
            y += lineHeight + 6
            let count = block.kernels.shape[0], per = block.kernels.count / max(1, count)
            let kernelShape = Array(block.kernels.shape.dropFirst())
            for k in 0..<count {
                let kernel = Tensor(shape: kernelShape, scalars: Array(block.kernels.scalars[k * per..<(k + 1) * per]))
                canvas.draw(scaled(kernelImage(kernel), by: scale), x: margin + (k % columns) * cell + 1,
                            y: y + (k / columns) * cell + 1)
            }
            y += rowsPerBlock[b] * cell + 12
        }
        return canvas.image
    }

    /// One classified image for ``predictions(_:columns:scale:title:)``.
    public struct Prediction: Sendable {
        public var image: Image
        /// The true label, printed under the image.
        public var truth: String
        /// The most probable labels, most probable first, with their probabilities.
        public var top: [(label: String, probability: Double)]

        public init(image: Image, truth: String, top: [(label: String, probability: Double)]) {
            self.image = image
            self.truth = truth
            self.top = top
        }
    }

    /// Figure 4, left: each image with its true label beneath and a bar per top label, as long as
    /// its probability is on a full-width track; the true label's bar, when it is among them, is
    /// blue, the others grey.
    public static func predictions(_ items: [Prediction], columns: Int, scale: Int = 4, title: String = "") -> Image {
        let side = (items.map { max($0.image.width, $0.image.height) }.max() ?? 1) * scale
        let labelChars = max(8, items.flatMap { $0.top.map(\.label.count) + [$0.truth.count] }.max() ?? 8)
        let cellWidth = max(side, labelChars * PlotFrame.charWidth + 10)
        let bars = items.map(\.top.count).max() ?? 0
        let cellHeight = side + 8 + lineHeight + 4 + bars * (lineHeight + 4) + 16
        let rows = (items.count + columns - 1) / columns
        let titleHeight = title.isEmpty ? 0 : lineHeight + 12
        var canvas = Canvas(width: max(2 * margin + columns * (cellWidth + 20) - 20, Canvas.textSize(title, scale: s).width + 2 * margin),
                            height: margin + titleHeight + rows * cellHeight + margin)
        if !title.isEmpty { canvas.text(title, x: canvas.width / 2, y: margin, scale: s, alignment: .center) }
        for (i, item) in items.enumerated() {
            let x0 = margin + (i % columns) * (cellWidth + 20), y0 = margin + titleHeight + (i / columns) * cellHeight
            let picture = scaled(item.image, by: scale)
            canvas.draw(picture, x: x0 + (cellWidth - picture.width) / 2, y: y0)
            var y = y0 + side + 8
            canvas.text(item.truth, x: x0 + cellWidth / 2, y: y, scale: s, alignment: .center)
            y += lineHeight + 4
            for entry in item.top {
                let correct = entry.label == item.truth
                let length = Double(cellWidth) * max(0, min(1, entry.probability))
                canvas.fill(x: x0, y: y, width: cellWidth, height: lineHeight, color: Color(hex: 0xF2F2F2))
                canvas.fill(left: Double(x0), top: Double(y), right: Double(x0) + length, bottom: Double(y + lineHeight),
                            color: correct ? Color.palette[5] : Color(hex: 0xCFCFCF))
                canvas.text(entry.label, x: x0 + 4, y: y + 1, scale: s)
                y += lineHeight + 4
            }
        }
        return canvas.image
    }

    /// Figure 4, right: one row per query, the query in the first column and a gap before its
    /// neighbours; `captions` (optional) label the columns.
    public static func rows(_ rows: [[Image]], scale: Int = 3, captions: [String] = [], title: String = "") -> Image {
        let side = (rows.flatMap { $0.map { max($0.width, $0.height) } }.max() ?? 1) * scale
        let columns = rows.map(\.count).max() ?? 0
        let cell = side + gap, queryGap = 18
        let titleHeight = title.isEmpty ? 0 : lineHeight + 12, captionHeight = captions.isEmpty ? 0 : lineHeight + 6
        let width = max(2 * margin + columns * cell + queryGap, Canvas.textSize(title, scale: s).width + 2 * margin)
        var canvas = Canvas(width: width, height: margin + titleHeight + captionHeight + rows.count * cell + margin)
        if !title.isEmpty { canvas.text(title, x: canvas.width / 2, y: margin, scale: s, alignment: .center) }
        for (c, caption) in captions.enumerated() where c < columns {
            let x = margin + c * cell + (c > 0 ? queryGap : 0) + side / 2
            canvas.text(caption, x: x, y: margin + titleHeight, scale: s, alignment: .center)
        }
        for (r, row) in rows.enumerated() {
            for (c, picture) in row.enumerated() {
                canvas.draw(scaled(picture, by: scale), x: margin + c * cell + (c > 0 ? queryGap : 0),
                            y: margin + titleHeight + captionHeight + r * cell)
            }
        }
        return canvas.image
    }

    /// Images with a caption under each, `columns` a row (e.g. augmented variants of one image).
    public static func captioned(_ items: [(image: Image, caption: String)], columns: Int, scale: Int = 4,
                                 title: String = "") -> Image {
        let side = (items.map { max($0.image.width, $0.image.height) }.max() ?? 1) * scale
        let cellWidth = max(side, (items.map(\.caption.count).max() ?? 0) * PlotFrame.charWidth) + 16
        let cellHeight = side + 6 + lineHeight + 12
        let rows = (items.count + columns - 1) / columns
        let titleHeight = title.isEmpty ? 0 : lineHeight + 12
        var canvas = Canvas(width: max(2 * margin + columns * cellWidth, Canvas.textSize(title, scale: s).width + 2 * margin),
                            height: margin + titleHeight + rows * cellHeight + margin)
        if !title.isEmpty { canvas.text(title, x: canvas.width / 2, y: margin, scale: s, alignment: .center) }
        for (i, item) in items.enumerated() {
            let x0 = margin + (i % columns) * cellWidth, y0 = margin + titleHeight + (i / columns) * cellHeight
            let picture = scaled(item.image, by: scale)
            canvas.draw(picture, x: x0 + (cellWidth - picture.width) / 2, y: y0)
            canvas.text(item.caption, x: x0 + cellWidth / 2, y: y0 + side + 6, scale: s, alignment: .center)
        }
        return canvas.image
    }
}

extension Canvas {
    /// Copies `image` (grey, RGB or RGBA over white) with its top-left corner at (x, y).
    public mutating func draw(_ image: Image, x: Int, y: Int) {
        for py in 0..<image.height {
            for px in 0..<image.width {
                let color: Color
                var alpha = 1.0
                switch image.channels {
                case 1: color = Color(red: image[px, py, 0], green: image[px, py, 0], blue: image[px, py, 0])
                default:
                    color = Color(red: image[px, py, 0], green: image[px, py, 1], blue: image[px, py, 2])
                    if image.channels == 4 { alpha = Double(image[px, py, 3]) / 255 }
                }
                blend(x: x + px, y: y + py, color: color, alpha: alpha)
            }
        }
    }
}
