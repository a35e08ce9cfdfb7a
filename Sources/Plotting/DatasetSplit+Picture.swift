import AlexNetData

extension DatasetSplit {
    /// Image `i` as a displayable ``Image``.
    public func picture(_ i: Int) -> Image {
        let plane = height * width
        var out = Image(width: width, height: height, channels: channels == 1 ? 1 : 3)
        let bytes = image(i)
        for c in 0..<out.channels {
            for p in 0..<plane { out.pixels[p * out.channels + c] = bytes[bytes.startIndex + c * plane + p] }
        }
        return out
    }
}

extension DatasetSplit {
    /// A one-image split of `picture` (planar channels), RGBA dropped to RGB.
    public init(picture: Image, label: Int = 0) {
        let c = picture.channels == 4 ? 3 : picture.channels
        var planar = [UInt8](repeating: 0, count: c * picture.width * picture.height)
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                for k in 0..<c { planar[(k * picture.height + y) * picture.width + x] = picture[x, y, k] }
            }
        }
        self.init(channels: c, height: picture.height, width: picture.width, pixels: planar, labels: [label])
    }
}
