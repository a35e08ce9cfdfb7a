import AlexNet

extension DatasetSplit {
    /// Every image scaled so that its shorter side is `side`, then its central `side`×`side`
    /// square: the paper's preprocessing (Section 2: the shorter side scaled to 256, then the
    /// central 256×256 patch kept), for images of any size.
    ///
    /// Shapes: (N, C, H, W) bytes → (N, C, side, side). The filter is bilinear with the pixel
    /// centres aligned, and antialiased when shrinking, as PIL's (and so torchvision's) resize:
    /// output pixel o covers source [o/s, (o+1)/s), s the axis's scale (about side / min(H, W)),
    /// and takes the source
    /// pixels whose centres lie within r = max(1, 1/s) of its centre c, weighted 1 − |i + ½ − c|/r
    /// and renormalised over those inside the image. Enlarging (r = 1) is plain bilinear
    /// interpolation; halving averages about three pixels a side, not two, so that fine detail
    /// does not alias.
    public func resizedAndCentreCropped(to side: Int) -> DatasetSplit {
        precondition(side >= 1, "resizedAndCentreCropped: side \(side)")
        let scale = Double(side) / Double(min(width, height))
        let scaledWidth = max(side, Int((Double(width) * scale).rounded()))
        let scaledHeight = max(side, Int((Double(height) * scale).rounded()))
        let x0 = (scaledWidth - side) / 2, y0 = (scaledHeight - side) / 2
        // Each axis by its own factor, so that the scaled image spans the whole source exactly.
        let columns = Self.filter(count: side, offset: x0, scale: Double(scaledWidth) / Double(width), limit: width)
        let rows = Self.filter(count: side, offset: y0, scale: Double(scaledHeight) / Double(height), limit: height)
        var out = [UInt8](repeating: 0, count: count * channels * side * side)
        var across = [Double](repeating: 0, count: height * side)       // one plane filtered along x
        pixels.withUnsafeBufferPointer { pixels in
            for plane in 0..<(count * channels) {
                let source = pixels.baseAddress! + plane * height * width
                for y in 0..<height {
                    for (x, taps) in columns.enumerated() {
                        var sum = 0.0
                        for (i, w) in taps { sum += w * Double(source[y * width + i]) }
                        across[y * side + x] = sum
                    }
                }
                let target = plane * side * side
                for (y, taps) in rows.enumerated() {
                    for x in 0..<side {
                        var sum = 0.0
                        for (j, w) in taps { sum += w * across[j * side + x] }
                        out[target + y * side + x] = UInt8(min(255, max(0, sum.rounded())))
                    }
                }
            }
        }
        return DatasetSplit(channels: channels, height: side, width: side, pixels: out, labels: labels)
    }

    /// For each of `count` output pixels (starting `offset` pixels into the scaled image): the
    /// source indices and their normalised weights.
    static func filter(count: Int, offset: Int, scale: Double, limit: Int) -> [[(Int, Double)]] {
        let radius = max(1, 1 / scale)
        return (0..<count).map { o in
            let centre = (Double(o + offset) + 0.5) / scale
            let first = max(0, Int((centre - radius - 0.5).rounded(.down))), last = min(limit - 1, Int((centre + radius - 0.5).rounded(.up)))
            var taps: [(Int, Double)] = []
            for i in first...max(first, last) where i < limit {
                let w = 1 - abs(Double(i) + 0.5 - centre) / radius
                if w > 0 { taps.append((i, w)) }
            }
            if taps.isEmpty { taps = [(min(limit - 1, max(0, Int(centre))), 1)] }
            let total = taps.reduce(0) { $0 + $1.1 }
            return taps.map { ($0.0, $0.1 / total) }
        }
    }
}
