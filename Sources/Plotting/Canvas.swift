import Foundation
/// An RGB colour with 8-bit channels.
public struct Color: Sendable, Equatable, Hashable {
    public var red: UInt8, green: UInt8, blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(red: UInt8(hex >> 16 & 0xFF), green: UInt8(hex >> 8 & 0xFF), blue: UInt8(hex & 0xFF))
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)
    /// Axes, ticks and text.
    public static let ink = Color(hex: 0x222222)
    /// Grid lines.
    public static let grid = Color(hex: 0xE6E6E6)
    public static let gray = Color(hex: 0x888888)

    /// This colour mixed with `other`: t = 0 gives self, t = 1 gives other.
    public func mixed(with other: Color, _ t: Double) -> Color {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - t) + Double(b) * t).rounded()) }
        return Color(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// The Okabe–Ito palette, distinguishable with the common forms of colour blindness, in the
    /// order series take their colours: blue, vermillion, bluish green, orange, reddish purple,
    /// sky blue, yellow, black.
    public static let palette: [Color] = [0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000]
        .map { Color(hex: $0) }
}

/// A white RGB drawing surface with anti-aliased lines, rectangles and bitmap text: everything
/// the plots and image grids are drawn with. Coordinates are in pixels, x to the right, y down;
/// a pixel's centre is at (x + 0.5, y + 0.5).
public struct Canvas: Sendable {
    public private(set) var image: Image
    /// Every text drawn that does not lie wholly inside the canvas (a clipped title or tick
    /// label): what a chart's layout must never produce; the charts' tests read it.
    public private(set) var overflowingText: [String] = []
    public var width: Int { image.width }
    public var height: Int { image.height }

    /// A canvas holding a copy of an RGB image, to draw on or to read pixels from.
    public init(_ image: Image) {
        precondition(image.channels == 3, "Canvas: needs an RGB image, got \(image.channels) channels")
        self.image = image
    }

    public init(width: Int, height: Int, background: Color = .white) {
        image = Image(width: width, height: height, channels: 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// Blends `color` into pixel (x, y) with coverage `alpha` in [0, 1]; outside pixels are ignored.
    @inline(__always)
    public mutating func blend(x: Int, y: Int, color: Color, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let a = min(1, alpha), i = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - a) + Double(new) * a).rounded()) }
        image.pixels[i] = mix(image.pixels[i], color.red)
        image.pixels[i + 1] = mix(image.pixels[i + 1], color.green)
        image.pixels[i + 2] = mix(image.pixels[i + 2], color.blue)
    }

    public func color(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(red: image.pixels[i], green: image.pixels[i + 1], blue: image.pixels[i + 2])
    }

    /// Fills whole pixels [x, x + width) × [y, y + height), with opacity `alpha`.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color, alpha: Double = 1) {
        for py in max(0, y)..<max(max(0, y), min(height, y + h)) {
            for px in max(0, x)..<max(max(0, x), min(width, x + w)) { blend(x: px, y: py, color: color, alpha: alpha) }
        }
    }

    /// Fills a rectangle with fractional edges, anti-aliased by the area each pixel covers.
    public mutating func fill(left: Double, top: Double, right: Double, bottom: Double, color: Color, alpha: Double = 1) {
        let (l, r) = (min(left, right), max(left, right)), (t, b) = (min(top, bottom), max(top, bottom))
        for py in max(0, Int(t.rounded(.down)))..<min(height, Int(b.rounded(.up))) {
            let coverY = min(b, Double(py + 1)) - max(t, Double(py))
            for px in max(0, Int(l.rounded(.down)))..<min(width, Int(r.rounded(.up))) {
                let coverX = min(r, Double(px + 1)) - max(l, Double(px))
                blend(x: px, y: py, color: color, alpha: alpha * coverX * coverY)
            }
        }
    }

    /// Strokes the polyline through `points` with a line `width` pixels wide, optionally dashed
    /// (`dash` = on and off lengths in pixels). Coverage is computed once for the whole line from
    /// each pixel's distance to the nearest segment, so joints are smooth and drawn once.
    public mutating func stroke(_ points: [(x: Double, y: Double)], width lineWidth: Double = 2, color: Color,
                                dash: (on: Double, off: Double)? = nil, alpha: Double = 1) {
        guard points.count >= 2 else { return }
        var segments: [((x: Double, y: Double), (x: Double, y: Double))] = []
        if let dash {
            // Cut the polyline into the "on" pieces of the dash pattern, measured along its length.
            var phase = 0.0, on = true
            for (a, b) in zip(points, points.dropFirst()) {
                let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                var travelled = 0.0
                while travelled < length {
                    let step = min(length - travelled, (on ? dash.on : dash.off) - phase)
                    if on {
                        let t0 = travelled / length, t1 = (travelled + step) / length
                        segments.append(((a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0),
                                         (a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1)))
                    }
                    travelled += step
                    phase += step
                    if phase >= (on ? dash.on : dash.off) - 1e-9 { phase = 0; on.toggle() }
                }
            }
        } else {
            segments = Array(zip(points, points.dropFirst())).map { ($0, $1) }
        }
        let half = lineWidth / 2
        let xs = points.map(\.x), ys = points.map(\.y)
        let x0 = max(0, Int((xs.min()! - half - 1).rounded(.down))), x1 = min(width - 1, Int((xs.max()! + half + 1).rounded(.up)))
        let y0 = max(0, Int((ys.min()! - half - 1).rounded(.down))), y1 = min(height - 1, Int((ys.max()! + half + 1).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        var coverage = [Double](repeating: 0, count: (x1 - x0 + 1) * (y1 - y0 + 1))
        let rowLength = x1 - x0 + 1
        for (a, b) in segments {
            let sx0 = max(x0, Int((min(a.x, b.x) - half - 1).rounded(.down)))
            let sx1 = min(x1, Int((max(a.x, b.x) + half + 1).rounded(.up)))
            let sy0 = max(y0, Int((min(a.y, b.y) - half - 1).rounded(.down)))
            let sy1 = min(y1, Int((max(a.y, b.y) + half + 1).rounded(.up)))
            guard sx0 <= sx1, sy0 <= sy1 else { continue }
            let dx = b.x - a.x, dy = b.y - a.y, lengthSquared = dx * dx + dy * dy
            for py in sy0...sy1 {
                for px in sx0...sx1 {
                    let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                    let t = lengthSquared == 0 ? 0 : max(0, min(1, ((cx - a.x) * dx + (cy - a.y) * dy) / lengthSquared))
                    let ex = cx - (a.x + t * dx), ey = cy - (a.y + t * dy)
                    let c = max(0, min(1, half + 0.5 - (ex * ex + ey * ey).squareRoot()))
                    let k = (py - y0) * rowLength + (px - x0)
                    coverage[k] = max(coverage[k], c)
                }
            }
        }
        for py in y0...y1 {
            for px in x0...x1 {
                let c = coverage[(py - y0) * rowLength + (px - x0)]
                if c > 0 { blend(x: px, y: py, color: color, alpha: alpha * c) }
            }
        }
    }

    /// A filled disc of the given radius, anti-aliased at its edge.
    public mutating func disc(x: Double, y: Double, radius: Double, color: Color) {
        for py in Int((y - radius - 1).rounded(.down))...Int((y + radius + 1).rounded(.up)) {
            for px in Int((x - radius - 1).rounded(.down))...Int((x + radius + 1).rounded(.up)) {
                let dx = Double(px) + 0.5 - x, dy = Double(py) + 0.5 - y
                blend(x: px, y: py, color: color, alpha: max(0, min(1, radius + 0.5 - (dx * dx + dy * dy).squareRoot())))
            }
        }
    }

    /// Fills the polygon through `points` (even–odd rule), sampling each pixel at 4×4 points.
    public mutating func fillPolygon(_ points: [(x: Double, y: Double)], color: Color, alpha: Double = 1) {
        guard points.count >= 3 else { return }
        let y0 = max(0, Int(points.map(\.y).min()!.rounded(.down))), y1 = min(height - 1, Int(points.map(\.y).max()!.rounded(.up)))
        let x0 = max(0, Int(points.map(\.x).min()!.rounded(.down))), x1 = min(width - 1, Int(points.map(\.x).max()!.rounded(.up)))
        guard y0 <= y1, x0 <= x1 else { return }
        let n = 4
        var hits = [Int](repeating: 0, count: (x1 - x0 + 1) * (y1 - y0 + 1))
        for py in y0...y1 {
            for sy in 0..<n {
                let y = Double(py) + (Double(sy) + 0.5) / Double(n)
                // x positions where the scanline crosses an edge
                var crossings: [Double] = []
                for (a, b) in zip(points, points.dropFirst() + [points[0]]) where (a.y <= y) != (b.y <= y) {
                    crossings.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
                }
                crossings.sort()
                for pair in stride(from: 0, to: crossings.count - 1, by: 2) {
                    for px in x0...x1 {
                        for sx in 0..<n {
                            let x = Double(px) + (Double(sx) + 0.5) / Double(n)
                            if x >= crossings[pair] && x < crossings[pair + 1] { hits[(py - y0) * (x1 - x0 + 1) + px - x0] += 1 }
                        }
                    }
                }
            }
        }
        for py in y0...y1 {
            for px in x0...x1 {
                let h = hits[(py - y0) * (x1 - x0 + 1) + px - x0]
                if h > 0 { blend(x: px, y: py, color: color, alpha: alpha * Double(h) / Double(n * n)) }
            }
        }
    }

    // MARK: Text

    /// How text is placed relative to its anchor point.
    public enum Alignment: Sendable { case left, center, right }

    /// The width and height in pixels of `text` at `scale`.
    public static func textSize(_ text: String, scale: Int = 1) -> (width: Int, height: Int) {
        (max(0, text.count * BitmapFont.cellWidth - 1) * scale, BitmapFont.glyphHeight * scale)
    }

    /// Draws `text` with its top at `y` and its left edge, centre or right edge at `x`.
    /// `vertical` draws it rotated a quarter turn anticlockwise (reading upwards), for y-axis
    /// labels; then (x, y) is the left of the text column and `alignment` applies along y.
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, color: Color = .ink,
                              alignment: Alignment = .left, vertical: Bool = false) {
        let (w, h) = Self.textSize(text, scale: scale)
        let start: Int
        switch alignment {
        case .left: start = vertical ? y : x
        case .center: start = (vertical ? y : x) - w / 2
        case .right: start = (vertical ? y : x) - w
        }
        let (boxX, boxY, boxW, boxH) = vertical ? (x, start, h, w) : (start, y, w, h)
        if boxX < 0 || boxY < 0 || boxX + boxW > width || boxY + boxH > height { overflowingText.append(text) }
        for (k, character) in text.enumerated() {
            let rows = BitmapFont.rows(for: character)
            for (r, bits) in rows.enumerated() {
                for c in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - c)) != 0 {
                    let along = k * BitmapFont.cellWidth + c       // position along the text
                    if vertical {
                        // reading upwards: "along" runs from bottom (start + w) to top
                        fill(x: x + r * scale, y: start + w - (along + 1) * scale, width: scale, height: scale, color: color)
                    } else {
                        fill(x: start + along * scale, y: y + r * scale, width: scale, height: scale, color: color)
                    }
                }
            }
        }
    }
}

/// "warning: PATH: text outside the figure: 'TEXT'" on standard error, for each such text.
func warnAboutOverflow(_ canvas: Canvas, path: String) {
    for text in canvas.overflowingText {
        FileHandle.standardError.write(Data("warning: \(path): text outside the figure: '\(text)'\n".utf8))
    }
}
