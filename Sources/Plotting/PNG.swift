import CPNG
import Foundation
import AlexNet
import AlexNetData

/// An 8-bit image: `channels` interleaved samples per pixel (1 grey, 3 RGB, 4 RGBA), rows top
/// to bottom. This is the pixel format the figures are drawn in and PNG files are read into.
public struct Image: Sendable, Equatable {
    public let width: Int, height: Int, channels: Int
    /// Row-major: the sample of channel k at (x, y) is `pixels[(y·width + x)·channels + k]`.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition([1, 3, 4].contains(channels), "Image: channels must be 1, 3 or 4, got \(channels)")
        precondition(pixels.count == width * height * channels, "Image: \(pixels.count) samples for \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A blank image filled with one sample value.
    public init(width: Int, height: Int, channels: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: fill, count: width * height * channels))
    }

    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + channel] }
        set { pixels[(y * width + x) * channels + channel] = newValue }
    }
}

/// A PNG file that could not be read or written, with the path and libpng's reason.
public struct PNGError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

extension Image {
    private static func format(forChannels channels: Int) -> UInt32 {
        switch channels {
        case 1: UInt32(PNG_FORMAT_GRAY)
        case 3: UInt32(PNG_FORMAT_RGB)
        default: UInt32(PNG_FORMAT_RGB) | UInt32(PNG_FORMAT_FLAG_ALPHA)
        }
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Writes the image as an 8-bit PNG (libpng's simplified API). The bytes depend only on
    /// the pixels: the same image always gives the same file.
    public func writePNG(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = Self.format(forChannels: channels)
        let ok = pixels.withUnsafeBufferPointer { buffer in
            png_image_write_to_file(&image, path, 0, buffer.baseAddress, Int32(width * channels), nil)
        }
        if ok == 0 {
            let reason = Self.message(&image)
            png_image_free(&image)
            throw PNGError(path: path, reason: "cannot write PNG: \(reason.isEmpty ? "unknown libpng error" : reason)")
        }
    }

    /// Reads a PNG file, converted to `channels` 8-bit samples per pixel (1, 3 or 4), or to the
    /// file's own channel count if nil. A header claiming more than `limit` pixels (by default
    /// ``JPEG/maximumPixels``, the JPEG reader's guard) is refused before any allocation.
    public static func readPNG(from path: String, channels: Int? = nil, maximumPixels limit: Int = JPEG.maximumPixels) throws -> Image {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PNGError(path: path, reason: "no such file")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let reason = message(&image)
            png_image_free(&image)
            throw PNGError(path: path, reason: "not a readable PNG file (\(reason))")
        }
        let fileChannels = (image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1)
            + (image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0)
        let wanted = channels ?? (fileChannels == 2 ? 4 : fileChannels)    // grey+alpha is read as RGBA
        precondition([1, 3, 4].contains(wanted), "readPNG: channels must be 1, 3 or 4")
        image.format = format(forChannels: wanted)
        let (width, height) = (Int(image.width), Int(image.height))
        // The header's size is checked before anything is allocated: a file of a few dozen bytes
        // may claim a million by a million pixels (libpng's own limit), terabytes of samples.
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixelCount <= limit else {
            png_image_free(&image)
            throw PNGError(path: path, reason: "\(width)×\(height) pixels, more than the \(limit) this reader accepts")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * wanted)
        let ok = pixels.withUnsafeMutableBufferPointer { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * wanted), nil)
        }
        guard ok != 0 else {
            let reason = message(&image)
            png_image_free(&image)
            throw PNGError(path: path, reason: "corrupt PNG data (\(reason))")
        }
        return Image(width: width, height: height, channels: wanted, pixels: pixels)
    }
}

extension ImageNetPreparation {
    /// Reads a PNG file as RGB for ``ImageNetPreparation/decodeOther`` (ILSVRC-2012's training set
    /// has a PNG named .JPEG).
    public static let readPNG = readPNG(maximumPixels: JPEG.maximumPixels)

    /// The same, refusing a header that claims more than `limit` pixels.
    public static func readPNG(maximumPixels limit: Int) -> @Sendable ([UInt8], String) throws -> (rgb: [UInt8], width: Int, height: Int) {
        { _, path in
            let image = try Image.readPNG(from: path, channels: 3, maximumPixels: limit)
            return (image.pixels, image.width, image.height)
        }
    }
}
