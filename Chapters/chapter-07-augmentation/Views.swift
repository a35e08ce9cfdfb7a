import AlexNet
import AlexNetData
import AlexNetTraining
import Foundation
import Plotting
import ToolSupport

/// What the pictures of the augmentations show, in numbers.
struct ShownAugmentations {
    /// Crop positions × 2 reflections: the distinct training views of one image, and the paper's
    /// way of counting them, (side − crop)² · 2 (its "factor of 2048" is (256 − 224)² · 2).
    var distinctViews: Int, paperCount: Int
    var lighting: PCALighting
    /// The standard deviation of the lighting shift per channel, in grey levels (0…255), from
    /// the eigen-decomposition: √(Σᵢ (255 · pᵢ[c] · σ · λᵢ)²).
    var shiftDeviation: [Double]
}

/// Draws `-views.png` (a few training images, each beside random crops and reflections of it)
/// and `-lighting.png` (one image under PCA lighting draws at the paper's σ = 0.1 and at 10×).
func drawAugmentations(_ train: DatasetSplit, crop: Int, lighting: PCALighting, options: ChapterOptions) throws -> ShownAugmentations {
    let (C, H, W) = (train.channels, train.height, train.width)
    let raw = Normalization(mean: Tensor(shape: [C, H, W]), scale: 1)     // pixel values as they are
    func picture(_ view: Augmentation.View, _ index: Int) -> Image {
        ImageGrid.image(Augmentation.tensor(view: view, of: train, index: index, normalization: raw), range: 0...255)
    }
    let augmentation = Augmentation(cropSize: crop, flips: true)
    var g = RandomGenerator(seed: options.seed)
    let examples = [0, 1, 2, 3].map { $0 * train.count / 4 }
    let rows = examples.map { index in
        [train.picture(index), picture(augmentation.centreView(height: H, width: W), index)]
            + (0..<6).map { _ in picture(augmentation.randomView(height: H, width: W, channels: C, generator: &g), index) }
    }
    try ImageGrid.rows(rows, scale: 4, captions: ["image", "centre"] + (1...6).map { "draw \($0)" },
                       title: "Random \(crop)x\(crop) crops and reflections (the image, its test view, six training views)")
        .writePNG(to: options.path("chapter-07-augmentation-views.png"))

    var items: [(image: Image, caption: String)] = []
    for σ in [lighting.standardDeviation, 10 * lighting.standardDeviation] {
        var drawn = lighting
        drawn.standardDeviation = σ
        let shaded = Augmentation(cropSize: W, randomCrops: false, lighting: drawn)
        for _ in 0..<6 {
            let view = shaded.randomView(height: H, width: W, channels: C, generator: &g)
            let shift = view.shift.map { String(format: "%+.0f", $0) }.joined(separator: " ")
            items.append((picture(view, examples[1]), "s=\(σ): \(shift)"))
        }
    }
    try ImageGrid.captioned(items, columns: 6, scale: 4,
                            title: "PCA lighting, one image: six draws at the paper's s = 0.1 (top) and at 1.0 (below); shift in grey levels")
        .writePNG(to: options.path("chapter-07-augmentation-lighting.png"))

    let deviation = (0..<C).map { c in
        (0..<C).map { i in pow(255 * lighting.eigenvectors[i][c] * lighting.standardDeviation * lighting.eigenvalues[i], 2) }
            .reduce(0, +).squareRoot()
    }
    return ShownAugmentations(distinctViews: (H - crop + 1) * (W - crop + 1) * 2, paperCount: (H - crop) * (W - crop) * 2,
                              lighting: lighting, shiftDeviation: deviation)
}

/// One trained network on the test split: the centre view against the ten views averaged.
struct TenViewResult {
    var arm: String, seed: UInt64
    var centre: Evaluation, ten: Evaluation

    init(arm: String, seed: UInt64, network: any Network<Float>, test: DatasetSplit, normalization: Normalization,
         augmentation: Augmentation) {
        (self.arm, self.seed) = (arm, seed)
        centre = Evaluation(network: network, split: test, normalization: normalization, augmentation: augmentation, views: .centre, batchSize: 256)
        ten = Evaluation(network: network, split: test, normalization: normalization, augmentation: augmentation, views: .ten, batchSize: 256)
    }

    var line: String {
        String(format: "%@, seed %d: centre view %.2f%%, ten views %.2f%% top-1", arm, Int(seed), centre.top1 * 100, ten.top1 * 100)
    }
}
