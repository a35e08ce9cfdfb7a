import CTurboJPEG

/// JPEG files through libjpeg-turbo's TurboJPEG API: ImageNet's photographs (Section 2 of the
/// paper) and the pictures `alexnet predict` is given.
///
/// Decoding always yields 8-bit RGB, row by row, three bytes a pixel (H × W × 3). The odd files of
/// real collections are converted, not refused: a greyscale JPEG is repeated into R, G and B; a
/// CMYK or YCCK JPEG (as Photoshop writes them, with the inks stored inverted) becomes
/// R = C·K/255, G = M·K/255, B = Y·K/255 — a plain conversion, not a colour-managed one. A file
/// whose data ends early or is damaged but still decodes (libjpeg-turbo's warnings) comes back
/// with the ``Decoded/warning``; the caller decides whether to keep it. Anything else — not a
/// JPEG, a header that does not parse, more pixels than the limit (``maximumPixels`` unless the
/// caller names another) — is a ``JPEGError``.
public enum JPEG {
    /// The default guard against a hostile header: 2²⁸ pixels (16,384 × 16,384), 768 MiB of RGB.
    /// The PNG reader (Plotting's `Image.readPNG`) has the same default; the tools' `--max-pixels`
    /// sets another.
    public static let maximumPixels = 1 << 28

    /// What a file held before conversion to RGB.
    public enum ColourSpace: String, Sendable {
        case rgb, grey, cmyk
    }

    public struct Decoded: Sendable, Equatable {
        public var width: Int, height: Int
        /// H × W × 3 bytes, row-major, R G B.
        public var rgb: [UInt8]
        public var colourSpace: ColourSpace
        /// libjpeg-turbo's complaint about a damaged file that still decoded (e.g. "Premature end
        /// of JPEG file"), or nil.
        public var warning: String?
    }

    /// Whether `bytes` start as a JPEG file does (the SOI marker FF D8 and the next marker's FF).
    public static func isJPEG(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// Decodes `bytes`; a header claiming more than `limit` pixels is refused before anything is
    /// allocated.
    public static func decode(_ bytes: [UInt8], path: String = "image", maximumPixels limit: Int = maximumPixels) throws -> Decoded {
        guard isJPEG(bytes) else { throw JPEGError.notAJPEG(path: path) }
        guard bytes.count <= Int(Int32.max) else { throw JPEGError.unreadable(path: path, problem: "larger than 2 GiB") }
        guard let handle = tjInitDecompress() else { throw JPEGError.unreadable(path: path, problem: "libjpeg-turbo could not start") }
        defer { tjDestroy(handle) }
        func problem() -> String { tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error" }
        var (width, height, subsampling, colourspace): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        let header = bytes.withUnsafeBufferPointer { b in
            tjDecompressHeader3(handle, b.baseAddress, UInt(b.count), &width, &height, &subsampling, &colourspace)
        }
        guard header == 0 else { throw JPEGError.unreadable(path: path, problem: problem()) }
        guard width > 0, height > 0 else { throw JPEGError.unreadable(path: path, problem: "the header gives no image size") }
        guard Int(width) * Int(height) <= limit else {
            throw JPEGError.tooLarge(path: path, width: Int(width), height: Int(height), limit: limit)
        }
        let (w, h) = (Int(width), Int(height))
        let cmyk = colourspace == Int32(TJCS_CMYK.rawValue) || colourspace == Int32(TJCS_YCCK.rawValue)
        let format = cmyk ? TJPF_CMYK : TJPF_RGB
        let channels = cmyk ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: w * h * channels)
        let status = bytes.withUnsafeBufferPointer { b in
            pixels.withUnsafeMutableBufferPointer { p in
                tjDecompress2(handle, b.baseAddress, UInt(b.count), p.baseAddress, width, Int32(w * channels), height,
                              Int32(format.rawValue), TJFLAG_ACCURATEDCT)
            }
        }
        var warning: String?
        if status != 0 {
            guard tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) else {
                throw JPEGError.unreadable(path: path, problem: problem())
            }
            warning = problem()
        }
        let space: ColourSpace = cmyk ? .cmyk : colourspace == Int32(TJCS_GRAY.rawValue) ? .grey : .rgb
        guard cmyk else { return Decoded(width: w, height: h, rgb: pixels, colourSpace: space, warning: warning) }
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            let k = UInt32(pixels[4 * i + 3])
            for c in 0..<3 { rgb[3 * i + c] = UInt8((UInt32(pixels[4 * i + c]) * k + 127) / 255) }
        }
        return Decoded(width: w, height: h, rgb: rgb, colourSpace: space, warning: warning)
    }

    /// Encodes H × W × 3 RGB bytes (or H × W grey bytes, or H × W × 4 inverted CMYK bytes) at
    /// `quality` (1–100) with 4:2:0 chroma subsampling (grey: none): the tests' and generated
    /// data sets' photographs.
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, colourSpace: ColourSpace = .rgb,
                              quality: Int = 90) throws -> [UInt8] {
        let channels = [ColourSpace.rgb: 3, .grey: 1, .cmyk: 4][colourSpace]!
        precondition(width >= 1 && height >= 1 && pixels.count == width * height * channels && (1...100).contains(quality),
                     "JPEG.encode: \(pixels.count) bytes for \(width)×\(height)×\(channels), quality \(quality)")
        guard let handle = tjInitCompress() else { throw JPEGError.unreadable(path: "(encoding)", problem: "libjpeg-turbo could not start") }
        defer { tjDestroy(handle) }
        let format = [ColourSpace.rgb: TJPF_RGB, .grey: TJPF_GRAY, .cmyk: TJPF_CMYK][colourSpace]!
        let subsampling = colourSpace == .grey ? TJSAMP_GRAY : TJSAMP_420
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = pixels.withUnsafeBufferPointer { p in
            tjCompress2(handle, p.baseAddress, Int32(width), Int32(width * channels), Int32(height), Int32(format.rawValue),
                        &output, &size, Int32(subsampling.rawValue), Int32(quality), TJFLAG_ACCURATEDCT)
        }
        defer { tjFree(output) }
        guard status == 0, let output else {
            throw JPEGError.unreadable(path: "(encoding)", problem: tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}

/// A picture file that cannot be decoded, with the reason.
public enum JPEGError: Error, CustomStringConvertible, Equatable {
    case notAJPEG(path: String)
    case unreadable(path: String, problem: String)
    case tooLarge(path: String, width: Int, height: Int, limit: Int)

    public var description: String {
        switch self {
        case .notAJPEG(let path): "\(path): not a JPEG file (it does not start with FF D8 FF)"
        case .unreadable(let path, let problem): "\(path): cannot decode the JPEG (\(problem))"
        case .tooLarge(let path, let width, let height, let limit):
            "\(path): \(width)×\(height) pixels, more than the \(limit) this reader accepts"
        }
    }
}
