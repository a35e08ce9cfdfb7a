extension DatasetSplit {
    /// A one-image split of interleaved RGB bytes (H × W × 3, as ``JPEG`` decodes them), made
    /// planar (3, H, W).
    public init(rgb: [UInt8], width: Int, height: Int, label: Int = 0) {
        precondition(rgb.count == width * height * 3, "DatasetSplit(rgb:): \(rgb.count) bytes for \(width)×\(height)×3")
        let plane = width * height
        var planar = [UInt8](repeating: 0, count: 3 * plane)
        for p in 0..<plane { for c in 0..<3 { planar[c * plane + p] = rgb[3 * p + c] } }
        self.init(channels: 3, height: height, width: width, pixels: planar, labels: [label])
    }

    /// The images in grey, Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as libjpeg computes
    /// it), for a network trained on grey images; a grey split is returned as it is.
    public func grey() -> DatasetSplit {
        guard channels == 3 else { return self }
        let plane = width * height
        var out = [UInt8](repeating: 0, count: count * plane)
        for i in 0..<count {
            let base = i * 3 * plane
            for p in 0..<plane {
                let y = 0.299 * Double(pixels[base + p]) + 0.587 * Double(pixels[base + plane + p]) + 0.114 * Double(pixels[base + 2 * plane + p])
                out[i * plane + p] = UInt8(min(255, y.rounded()))
            }
        }
        return DatasetSplit(channels: 1, height: height, width: width, pixels: out, labels: labels)
    }
}
