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
        #expect(throws: JPEGError.tooLarge(path: "huge.jpg", width: 30_000, height: 30_000, limit: JPEG.maximumPixels)) { try JPEG.decode(huge, path: "huge.jpg") }
        // A caller's own limit: the 40 × 24 picture's 960 pixels pass 960 and are refused by 959.
        let small = try JPEG.encode(Self.picture(), width: 40, height: 24)
        #expect(try JPEG.decode(small, maximumPixels: 960).width == 40)
        #expect(throws: JPEGError.tooLarge(path: "s.jpg", width: 40, height: 24, limit: 959)) { try JPEG.decode(small, path: "s.jpg", maximumPixels: 959) }
    }
}

/// From decoded pixels to the network's input: planar RGB, grey, torchvision's normalisation.
@Suite struct PictureInputTests {
    @Test func interleavedBecomesPlanarAndGrey() {
        let split = DatasetSplit(rgb: [10, 20, 30, 200, 100, 0], width: 2, height: 1, label: 4)
        #expect(split.channels == 3 && split.pixels == [10, 200, 20, 100, 30, 0] && split.labels == [4])
        let first: Double = 0.299 * 10 + 0.587 * 20 + 0.114 * 30, second: Double = 0.299 * 200 + 0.587 * 100
        #expect(split.grey().pixels == [UInt8(first.rounded()), UInt8(second.rounded())])
        #expect(split.grey().grey() == split.grey())
    }

    /// x = (pixel/255 − m_c)/s_c with ImageNet's means and deviations, channel by channel.
    @Test func torchvisionsNormalisation() {
        let split = DatasetSplit(rgb: [UInt8](repeating: 0, count: 9) + [255, 128, 0], width: 2, height: 2)
        let n = Normalization.torchvision(size: 2)
        let whole = Augmentation.tensor(view: Augmentation.View(x: 0, y: 0, size: 2), of: split, index: 0, normalization: n).scalars
        let (first, last) = ([whole[0], whole[4], whole[8]], [whole[3], whole[7], whole[11]])    // pixels (0, 0) and (1, 1)
        let expectedFirst: [Double] = [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225]
        let expectedLast: [Double] = [(1 - 0.485) / 0.229, (128.0 / 255 - 0.456) / 0.224, -0.406 / 0.225]
        #expect(zip(first + last, expectedFirst + expectedLast).allSatisfy { abs(Double($0) - $1) < 1e-5 }, "\(whole)")
    }
}

@Suite struct ImageNetClassNameTests {
    @Test func oneThousandInClassIndexOrder() {
        let names = ImageNetClassNames.all
        #expect(names.count == 1000 && names[0] == "tench" && names[1] == "goldfish" && names[999] == "toilet tissue")
        #expect(names.allSatisfy { !$0.isEmpty })
    }
}
