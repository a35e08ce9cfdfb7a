import AlexNet

extension DatasetSplit {
    /// Every image scaled so that its shorter side is `side` (bilinear, pixel centres aligned),
    /// then its central `side`×`side` square: the paper's preprocessing (Section 2: the shorter
    /// side scaled to 256, then the central 256×256 patch kept), for images of any size.
    ///
    /// Shapes: (N, C, H, W) bytes → (N, C, side, side). A source pixel at (x, y) is the sample at
    /// ((x + ½)/s − ½, (y + ½)/s − ½), s = side / min(H, W), clamped to the image.
    public func resizedAndCentreCropped(to side: Int) -> DatasetSplit {
        precondition(side >= 1, "resizedAndCentreCropped: side \(side)")
        let scale = Double(side) / Double(min(width, height))
        let scaledWidth = max(side, Int((Double(width) * scale).rounded()))
        let scaledHeight = max(side, Int((Double(height) * scale).rounded()))
        let x0 = (scaledWidth - side) / 2, y0 = (scaledHeight - side) / 2
        /// For each output column (or row): the two source indices and the weight of the second.
        func samples(count: Int, offset: Int, limit: Int) -> [(a: Int, b: Int, f: Double)] {
            (0..<count).map { o in
                let s = min(max((Double(o + offset) + 0.5) / scale - 0.5, 0), Double(limit - 1))
                let a = Int(s)
                return (a, min(a + 1, limit - 1), s - Double(a))
            }
        }
        let columns = samples(count: side, offset: x0, limit: width)
        let rows = samples(count: side, offset: y0, limit: height)
        var out = [UInt8](repeating: 0, count: count * channels * side * side)
        for i in 0..<count {
            for c in 0..<channels {
                let source = (i * channels + c) * height * width
                let target = (i * channels + c) * side * side
                for (y, row) in rows.enumerated() {
                    for (x, column) in columns.enumerated() {
                        func at(_ xx: Int, _ yy: Int) -> Double { Double(pixels[source + yy * width + xx]) }
                        let top = at(column.a, row.a) * (1 - column.f) + at(column.b, row.a) * column.f
                        let bottom = at(column.a, row.b) * (1 - column.f) + at(column.b, row.b) * column.f
                        out[target + y * side + x] = UInt8((top * (1 - row.f) + bottom * row.f).rounded())
                    }
                }
            }
        }
        return DatasetSplit(channels: channels, height: side, width: side, pixels: out, labels: labels)
    }
}
