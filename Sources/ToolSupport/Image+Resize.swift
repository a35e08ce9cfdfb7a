import AlexNetData
import Plotting

extension Image {
    /// The image scaled so that its shorter side is `side` (bilinear), then its central
    /// `side`×`side` square: the paper's preprocessing (Section 2) for an arbitrary picture.
    package func resizedAndCentreCropped(to side: Int) -> Image {
        let scale = Double(side) / Double(min(width, height))
        let newWidth = max(side, Int((Double(width) * scale).rounded())), newHeight = max(side, Int((Double(height) * scale).rounded()))
        let x0 = (newWidth - side) / 2, y0 = (newHeight - side) / 2
        var out = Image(width: side, height: side, channels: channels)
        for y in 0..<side {
            // The source position of this pixel's centre, clamped to the image.
            let sy = min(max((Double(y + y0) + 0.5) / scale - 0.5, 0), Double(height - 1))
            let ya = Int(sy), yb = min(ya + 1, height - 1), fy = sy - Double(ya)
            for x in 0..<side {
                let sx = min(max((Double(x + x0) + 0.5) / scale - 0.5, 0), Double(width - 1))
                let xa = Int(sx), xb = min(xa + 1, width - 1), fx = sx - Double(xa)
                for c in 0..<channels {
                    let top = Double(self[xa, ya, c]) * (1 - fx) + Double(self[xb, ya, c]) * fx
                    let bottom = Double(self[xa, yb, c]) * (1 - fx) + Double(self[xb, yb, c]) * fx
                    out[x, y, c] = UInt8((top * (1 - fy) + bottom * fy).rounded())
                }
            }
        }
        return out
    }

    /// The image as a one-image ``DatasetSplit`` (planar channels), RGBA dropped to RGB.
    package func asSplit(label: Int = 0) -> DatasetSplit {
        let c = channels == 4 ? 3 : channels
        var planar = [UInt8](repeating: 0, count: c * width * height)
        for y in 0..<height {
            for x in 0..<width {
                for k in 0..<c { planar[(k * height + y) * width + x] = self[x, y, k] }
            }
        }
        return DatasetSplit(channels: c, height: height, width: width, pixels: planar, labels: [label])
    }
}
