import Testing
@testable import AlexNetData

/// JPEG through libjpeg-turbo: round trips of RGB, grey and CMYK files, the odd files of real
/// collections converted, damaged and hostile ones reported, never a crash.
@Suite struct JPEGTests {
    /// A smooth 40 × 24 picture: R rises to the right, G downwards, B is constant.
    static func picture() -> [UInt8] {
        (0..<24).flatMap { y in (0..<40).flatMap { x in [UInt8(x * 6), UInt8(y * 10), 90] } }
    }

    static func errors(_ a: [UInt8], _ b: [UInt8]) -> (mean: Double, max: Int) {
        let d = zip(a, b).map { abs(Int($0) - Int($1)) }
        return (Double(d.reduce(0, +)) / Double(d.count), d.max()!)
    }

    @Test func rgbRoundTrip() throws {
        let bytes = try JPEG.encode(Self.picture(), width: 40, height: 24, quality: 95)
        #expect(JPEG.isJPEG(bytes))
        let decoded = try JPEG.decode(bytes)
        #expect(decoded.width == 40 && decoded.height == 24 && decoded.colourSpace == .rgb && decoded.warning == nil)
        let e = Self.errors(decoded.rgb, Self.picture())
        #expect(e.mean < 2 && e.max < 24, "\(e)")
    }

    /// A grey file is repeated into R, G and B.
    @Test func greyBecomesRGB() throws {
        let grey = (0..<(16 * 16)).map { UInt8($0) }
        let decoded = try JPEG.decode(try JPEG.encode(grey, width: 16, height: 16, colourSpace: .grey, quality: 95))
        #expect(decoded.colourSpace == .grey && decoded.rgb.count == 16 * 16 * 3)
        for i in 0..<(16 * 16) {
            #expect(decoded.rgb[3 * i] == decoded.rgb[3 * i + 1] && decoded.rgb[3 * i] == decoded.rgb[3 * i + 2])
        }
        #expect(Self.errors(stride(from: 0, to: decoded.rgb.count, by: 3).map { decoded.rgb[$0] }, grey).mean < 2)
    }

    /// Inverted CMYK, as Photoshop stores it: (200, 100, 50, 255) is RGB (200, 100, 50), and
    /// (255, 255, 255, 128) is grey 128.
    @Test func cmykIsConverted() throws {
        let inks: [UInt8] = (0..<64).flatMap { i in i < 32 ? [200, 100, 50, 255] : [255, 255, 255, 128] }
        let decoded = try JPEG.decode(try JPEG.encode(inks, width: 8, height: 8, colourSpace: .cmyk, quality: 100))
        #expect(decoded.colourSpace == .cmyk)
        let top = Array(decoded.rgb[0..<3]), bottom = Array(decoded.rgb[(63 * 3)..<(64 * 3)])
        #expect(Self.errors(top, [200, 100, 50]).max <= 3 && Self.errors(bottom, [128, 128, 128]).max <= 3, "\(top) \(bottom)")
    }

    /// A file cut short still decodes, with libjpeg-turbo's warning; the caller decides.
    @Test func aTruncatedFileDecodesWithAWarning() throws {
        var large = [UInt8](repeating: 0, count: 160 * 96 * 3)
        for y in 0..<96 {
            for x in 0..<160 { (large[(y * 160 + x) * 3], large[(y * 160 + x) * 3 + 1], large[(y * 160 + x) * 3 + 2]) = (UInt8(x), UInt8(2 * y), UInt8(x * y % 256)) }
        }
        let bytes = try JPEG.encode(large, width: 160, height: 96)
        let decoded = try JPEG.decode(Array(bytes.prefix(bytes.count * 3 / 4)), path: "cut.jpg")
        #expect(decoded.width == 160 && decoded.height == 96)
        #expect(decoded.warning?.contains("Premature end") == true, "\(decoded.warning ?? "no warning")")
    }

    @Test func whatIsNotAJPEGIsAClearError() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        #expect(throws: JPEGError.notAJPEG(path: "x.JPEG")) { try JPEG.decode(png, path: "x.JPEG") }
        #expect(throws: JPEGError.notAJPEG(path: "empty")) { try JPEG.decode([], path: "empty") }
        do {
            _ = try JPEG.decode([0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02], path: "junk.jpg")
            Issue.record("decoded junk")
        } catch let error as JPEGError {
            #expect(error.description.hasPrefix("junk.jpg: cannot decode the JPEG ("), "\(error)")
        }
        // A header claiming 30,000 × 30,000 pixels is refused before anything is allocated.
        var huge = try JPEG.encode(Self.picture(), width: 40, height: 24)
        let sof = try #require((0..<(huge.count - 1)).first { huge[$0] == 0xFF && huge[$0 + 1] == 0xC0 })
        for k in [5, 7] { (huge[sof + k], huge[sof + k + 1]) = (0x75, 0x30) }
        #expect(throws: JPEGError.tooLarge(path: "huge.jpg", width: 30_000, height: 30_000)) { try JPEG.decode(huge, path: "huge.jpg") }
    }
}
