import AlexNet
/// Input preprocessing (Section 2 of the paper): subtract the mean training image, pixel by
/// pixel and channel by channel, from raw pixel values, then multiply by `scale`.
///
///     x[c, y, x] = (pixel[c, y, x] − mean[c, y, x]) · scale
///
/// The paper uses raw 0…255 values (scale 1). The mean belongs with the model: a checkpoint
/// stores it so that evaluation subtracts the same image.
///
/// torchvision's networks expect x = (pixel/255 − m_c)/s_c instead, a mean and a standard
/// deviation per channel: ``torchvision(size:)`` gives that with `channelScales` (which only it
/// uses, and checkpoints do not store).
public struct Normalization: Sendable, Equatable {
    /// The mean image, (C, H, W) at the data set's full image size.
    public var mean: Tensor<Float>
    public var scale: Float
    /// A further factor per channel, or nil (every channel × 1).
    public var channelScales: [Float]?

    public init(mean: Tensor<Float>, scale: Float = 1, channelScales: [Float]? = nil) {
        precondition(mean.rank == 3, "Normalization: the mean image must be (C, H, W), got \(mean.shape)")
        precondition(channelScales == nil || channelScales!.count == mean.shape[0], "Normalization: one scale per channel")
        self.mean = mean
        self.scale = scale
        self.channelScales = channelScales
    }

    /// torchvision's ImageNet preprocessing for `size` × `size` RGB images: means 0.485, 0.456,
    /// 0.406 and standard deviations 0.229, 0.224, 0.225 of pixel/255.
    public static func torchvision(size: Int) -> Normalization {
        let (means, deviations): ([Float], [Float]) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
        let plane = size * size
        return Normalization(mean: Tensor(shape: [3, size, size], scalars: means.flatMap { Array(repeating: 255 * $0, count: plane) }),
                             scale: 1 / 255, channelScales: deviations.map { 1 / $0 })
    }

    /// The mean image of `split`, accumulated in Double.
    public static func meanImage(of split: DatasetSplit, scale: Float = 1) -> Normalization {
        var sum = [Double](repeating: 0, count: split.imageSize)
        split.pixels.withUnsafeBufferPointer { pixels in
            for i in 0..<split.count {
                let image = pixels.baseAddress! + i * split.imageSize
                for p in 0..<split.imageSize { sum[p] += Double(image[p]) }
            }
        }
        let n = Double(max(1, split.count))
        return Normalization(mean: Tensor(shape: [split.channels, split.height, split.width], scalars: sum.map { Float($0 / n) }),
                             scale: scale)
    }

    /// The mean image of `split`, with `scale` = 1/σ, σ the standard deviation of all its pixel
    /// values: inputs of unit variance, which the book's small nets with He's or LeCun's
    /// initialisation expect (the paper feeds raw 0…255 values to weights of N(0, 0.01²)).
    public static func standardizing(_ split: DatasetSplit) -> Normalization {
        var sum = 0.0, squares = 0.0
        for p in split.pixels { let v = Double(p); sum += v; squares += v * v }
        let n = Double(max(1, split.pixels.count))
        let variance = max(squares / n - (sum / n) * (sum / n), 1e-12)
        return meanImage(of: split, scale: Float(1 / variance.squareRoot()))
    }
}

extension Augmentation {
    /// torchvision's ImageNet preprocessing of image `index` of `split` (RGB): the shorter side
    /// scaled to `resize`, the central `crop` × `crop` kept, each channel normalised
    /// (``Normalization/torchvision(size:)``); (1, 3, crop, crop).
    public static func torchvisionInput(_ split: DatasetSplit, index: Int = 0, resize: Int = 256, crop: Int = 224) -> Tensor<Float> {
        precondition(split.channels == 3 && crop <= resize, "torchvisionInput: RGB images, crop \(crop) ≤ resize \(resize)")
        let scaled = split.subset([index]).resizedAndCentreCropped(to: resize)
        let view = Augmentation(cropSize: crop).centreView(height: resize, width: resize)
        return batch(views: [view], of: scaled, indices: [0], normalization: .torchvision(size: resize))
    }
}
