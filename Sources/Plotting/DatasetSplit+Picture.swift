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
