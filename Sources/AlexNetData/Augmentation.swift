import Dispatch
import AlexNet
/// The paper's data augmentation (Section 4.1), each part switchable and testable alone:
/// random `cropSize`×`cropSize` patches (the paper: 224 of 256; for small images e.g. 24 of 28),
/// horizontal reflections, and PCA lighting. At test time the centre patch, or the ten views.
///
/// Every random choice for an image comes from a generator seeded by (seed, epoch, position in
/// the epoch), so a batch is the same whichever thread prepares it and whenever training resumes.
public struct Augmentation: Sendable, Equatable {
    /// The side of the square patch fed to the network; nil: the whole image.
    public var cropSize: Int?
    /// true: each training view is cut at a random position; false: always the centre patch
    /// (the "no augmentation" arm of chapter 7, which sees the same pixels as the test views).
    public var randomCrops: Bool
    public var flips: Bool
    public var lighting: PCALighting?

    public init(cropSize: Int? = nil, randomCrops: Bool = true, flips: Bool = false, lighting: PCALighting? = nil) {
        self.cropSize = cropSize
        self.randomCrops = randomCrops
        self.flips = flips
        self.lighting = lighting
    }

    /// No augmentation: the whole image (or the centre crop, if `cropSize` is set).
    public static let none = Augmentation()

    /// Where one view of an image comes from.
    public struct View: Sendable, Equatable {
        public var x: Int, y: Int, size: Int
        public var flipped: Bool
        /// Added to every pixel of each channel, in 0…255 units.
        public var shift: [Float]

        public init(x: Int, y: Int, size: Int, flipped: Bool = false, shift: [Float] = []) {
            self.x = x
            self.y = y
            self.size = size
            self.flipped = flipped
            self.shift = shift
        }
    }

    /// A random training view of an image of `height`×`width` with `channels` channels.
    public func randomView(height: Int, width: Int, channels: Int, generator g: inout RandomGenerator) -> View {
        let size = cropSize ?? min(height, width)
        precondition(size <= height && size <= width, "Augmentation: crop \(size) larger than the \(height)×\(width) image")
        let centre = centreView(height: height, width: width)
        let x = randomCrops ? Int(g.next() % UInt64(width - size + 1)) : centre.x
        let y = randomCrops ? Int(g.next() % UInt64(height - size + 1)) : centre.y
        let flipped = flips && g.next() & 1 == 1
        let shift = lighting?.shift(using: &g) ?? []
        return View(x: x, y: y, size: size, flipped: flipped, shift: shift)
    }

    /// The centre view, used for evaluation on one view.
    public func centreView(height: Int, width: Int) -> View {
        let size = cropSize ?? min(height, width)
        return View(x: (width - size) / 2, y: (height - size) / 2, size: size)
    }

    /// The paper's ten test views: the four corner patches, the centre patch, and their mirror images.
    public func tenViews(height: Int, width: Int) -> [View] {
        let size = cropSize ?? min(height, width)
        let corners = [(0, 0), (width - size, 0), (0, height - size), (width - size, height - size),
                       ((width - size) / 2, (height - size) / 2)]
        return [false, true].flatMap { flipped in corners.map { View(x: $0.0, y: $0.1, size: size, flipped: flipped) } }
    }

    /// Writes one view of image `index` of `split` as Floats (C, size, size) at `out`:
    ///
    ///     out[c, v, u] = (pixel[c, y + v, x + u′] − mean[c, y + v, x + u′] + shift[c]) · scale,
    ///     u′ = size − 1 − u if flipped, else u
    ///
    /// The mean image is at full size, cropped with the same window, as in the paper, where the
    /// mean 256×256 image is subtracted before the 224×224 patch is cut.
    public static func write(view: View, of split: some LabelledImages, index: Int, normalization: Normalization,
                             into out: UnsafeMutablePointer<Float>) {
        let (C, H, W, S) = (split.channels, split.height, split.width, view.size)
        precondition(normalization.mean.count == split.imageSize, "Augmentation: the mean image is \(normalization.mean.shape), the images \([C, H, W])")
        split.withImage(index) { image in
            normalization.mean.withUnsafeBufferPointer { mean in
                for c in 0..<C {
                    let shift = view.shift.isEmpty ? 0 : view.shift[c]
                    let scale = normalization.scale * (normalization.channelScales?[c] ?? 1)
                    for v in 0..<S {
                        let row = (c * H + view.y + v) * W + view.x      // offset of (c, y + v, x)
                        let target = out + (c * S + v) * S
                        for u in 0..<S {
                            let source = row + (view.flipped ? S - 1 - u : u)
                            target[u] = (Float(image[source]) - mean[source] + shift) * scale
                        }
                    }
                }
            }
        }
    }

    /// One view as a (C, size, size) tensor (for tests and figures).
    public static func tensor(view: View, of split: some LabelledImages, index: Int, normalization: Normalization) -> Tensor<Float> {
        var t = Tensor<Float>(shape: [split.channels, view.size, view.size])
        t.withUnsafeMutableBufferPointer { write(view: view, of: split, index: index, normalization: normalization, into: $0.baseAddress!) }
        return t
    }

    /// Views of images `indices` stacked into a batch (B, C, size, size), the images shared out
    /// among `workers` threads (each writes its own images; the result does not depend on it).
    public static func batch(views: [View], of split: some LabelledImages, indices: [Int], normalization: Normalization,
                             workers: Int = 1) -> Tensor<Float> {
        precondition(views.count == indices.count && !views.isEmpty, "Augmentation.batch: one view per image")
        let size = views[0].size, per = split.channels * size * size
        var t = Tensor<Float>(shape: [indices.count, split.channels, size, size])
        t.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            let parts = max(1, min(workers, indices.count))
            DispatchQueue.concurrentPerform(iterations: parts) { w in
                for k in (indices.count * w / parts)..<(indices.count * (w + 1) / parts) {
                    write(view: views[k], of: split, index: indices[k], normalization: normalization, into: out.base + k * per)
                }
            }
        }
        return t
    }

    /// The ten-view batches of images `indices`: ten tensors (B, C, size, size), view by view.
    public func tenViewBatches(of split: some LabelledImages, indices: [Int], normalization: Normalization) -> [Tensor<Float>] {
        tenViews(height: split.height, width: split.width).map { view in
            Self.batch(views: Array(repeating: view, count: indices.count), of: split, indices: indices, normalization: normalization)
        }
    }
}
