import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
import TestSupport

@Suite struct AugmentationTests {
    /// Two 1×4×4 images: 0…15 and 100…115.
    let split = DatasetSplit(channels: 1, height: 4, width: 4, pixels: (0..<16).map(UInt8.init) + (100..<116).map(UInt8.init),
                             labels: [3, 7])
    var zeroMean: Normalization { Normalization(mean: Tensor(shape: [1, 4, 4])) }

    @Test func aCropsPixels() {
        let view = Augmentation.View(x: 1, y: 2, size: 2)
        let t = Augmentation.tensor(view: view, of: split, index: 0, normalization: zeroMean)
        #expect(t.scalars == [9, 10, 13, 14])
    }

    @Test func aFlip() {
        let view = Augmentation.View(x: 0, y: 0, size: 4, flipped: true)
        let t = Augmentation.tensor(view: view, of: split, index: 1, normalization: zeroMean)
        #expect(Array(t.scalars[0..<4]) == [103, 102, 101, 100])
    }

    @Test func meanSubtractionUsesTheSameWindowAndScale() {
        let normalization = Normalization.meanImage(of: split, scale: 0.5)
        #expect(normalization.mean.scalars[0] == 50 && normalization.mean.scalars[15] == 65)
        let t = Augmentation.tensor(view: .init(x: 2, y: 2, size: 2, shift: [4]), of: split, index: 1, normalization: normalization)
        // (pixel − mean + shift) · scale = (110 − 60 + 4) / 2 at (2, 2)
        #expect(t.scalars == [27, 27, 27, 27])
    }

    @Test func theTenViews() {
        let views = Augmentation(cropSize: 2).tenViews(height: 4, width: 4)
        #expect(views.count == 10)
        #expect(views.prefix(5).map { [$0.x, $0.y] } == [[0, 0], [2, 0], [0, 2], [2, 2], [1, 1]])
        #expect(views.prefix(5).allSatisfy { !$0.flipped } && views.suffix(5).allSatisfy(\.flipped))
        #expect(Array(views.suffix(5).map { [$0.x, $0.y] }) == views.prefix(5).map { [$0.x, $0.y] })
        let batches = Augmentation(cropSize: 2).tenViewBatches(of: split, indices: [0, 1], normalization: zeroMean)
        #expect(batches.count == 10 && batches[0].shape == [2, 1, 2, 2])
        #expect(batches[3].scalars[0..<4] == [10, 11, 14, 15])     // bottom-right corner of image 0
        #expect(batches[8].scalars[0..<4] == [11, 10, 15, 14])     // its mirror
    }

    @Test func randomViewsAreSeededAndCoverTheRange() {
        let augmentation = Augmentation(cropSize: 2, flips: true)
        var g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5)
        let a = (0..<200).map { _ in augmentation.randomView(height: 4, width: 4, channels: 1, generator: &g1) }
        let b = (0..<200).map { _ in augmentation.randomView(height: 4, width: 4, channels: 1, generator: &g2) }
        #expect(a == b)
        #expect(Set(a.map(\.x)) == [0, 1, 2] && Set(a.map(\.y)) == [0, 1, 2])
        #expect(a.contains(where: \.flipped) && a.contains(where: { !$0.flipped }))
    }

    @Test func withoutRandomCropsEveryTrainingViewIsTheCentrePatch() {
        let augmentation = Augmentation(cropSize: 2, randomCrops: false, flips: true)
        var g = RandomGenerator(seed: 5)
        let views = (0..<100).map { _ in augmentation.randomView(height: 5, width: 4, channels: 1, generator: &g) }
        let centre = augmentation.centreView(height: 5, width: 4)
        #expect(views.allSatisfy { $0.x == centre.x && $0.y == centre.y && $0.size == 2 })
        #expect(views.contains(where: \.flipped) && views.contains(where: { !$0.flipped }))   // flips still drawn
    }

    @Test func pcaOfAKnownCovariance() {
        // Grey-ish RGB: every channel equal gives rank one, eigenvector (1, 1, 1)/√3, eigenvalue 3·var.
        let pca = PCALighting(covariance: [[2, 2, 2], [2, 2, 2], [2, 2, 2]])
        #expect(abs(pca.eigenvalues[0] - 6) < 1e-12 && abs(pca.eigenvalues[1]) < 1e-12)
        #expect(pca.eigenvectors[0].allSatisfy { abs(abs($0) - 1 / 3.0.squareRoot()) < 1e-12 })
        // A diagonal covariance: eigenvalues are the variances, sorted.
        let diagonal = PCALighting(covariance: [[1, 0, 0], [0, 4, 0], [0, 0, 2]])
        #expect(diagonal.eigenvalues.map { ($0 * 1e12).rounded() / 1e12 } == [4, 2, 1])
        // A general symmetric matrix: A·p = λ·p for each pair.
        let a: [[Double]] = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 1]]
        let general = PCALighting(covariance: a)
        for (λ, p) in zip(general.eigenvalues, general.eigenvectors) {
            for r in 0..<3 { #expect(abs((0..<3).reduce(0) { $0 + a[r][$1] * p[$1] } - λ * p[r]) < 1e-10) }
        }
        // The shift for α = (1, 0, 0): 255 · λ₁ · p₁.
        let shift = pca.shift(alphas: [1, 0, 0])
        #expect(shift.allSatisfy { abs(abs($0) - Float(255 * 6 / 3.0.squareRoot())) < 1e-3 })
    }

    @Test func pcaOfASyntheticRGBSetRecoversItsCovariance() {
        // Pixels (r, g, b) = (t, t, 255 − t) for t uniform over 0…255: one principal direction (1, 1, −1)/√3.
        // Planar layout: one image of 1×256 pixels, the red plane, then green, then blue.
        let r = (0..<256).map(UInt8.init), b = r.map { 255 - $0 }
        let split = DatasetSplit(channels: 3, height: 1, width: 256, pixels: r + r + b, labels: [0])
        let pca = PCALighting.fit(split)
        let variance = (0..<256).reduce(0.0) { $0 + pow(Double($1) / 255 - 0.5, 2) } / 256
        #expect(abs(pca.eigenvalues[0] - 3 * variance) < 1e-9)
        #expect(pca.eigenvalues[1] < 1e-12)
        let p = pca.eigenvectors[0]
        #expect(abs(p[0] - p[1]) < 1e-9 && abs(p[0] + p[2]) < 1e-9)
    }
}

@Suite struct BatchLoaderTests {
    let split = DatasetSplit(channels: 1, height: 6, width: 6, pixels: (0..<(10 * 36)).map { UInt8($0 % 251) },
                             labels: (0..<10).map { $0 % 3 })

    func loader(seed: UInt64 = 1) -> BatchLoader {
        BatchLoader(split: split, batchSize: 4, augmentation: Augmentation(cropSize: 4, flips: true),
                    normalization: .meanImage(of: split), seed: seed)
    }

    @Test func epochsAreSeededShufflesOfEveryImage() {
        let l = loader()
        #expect(l.batchesPerEpoch == 3)
        #expect(l.order(epoch: 0).sorted() == Array(0..<10))
        #expect(l.order(epoch: 0) == loader().order(epoch: 0))
        #expect(l.order(epoch: 0) != l.order(epoch: 1))
        #expect(l.order(epoch: 0) != loader(seed: 2).order(epoch: 0))
        let sizes = (0..<3).map { l.batch(epoch: 0, index: $0).labels.count }
        #expect(sizes == [4, 4, 2])
    }

    @Test func aBatchIsAPureFunctionOfSeedEpochAndIndex() {
        let a = loader().batch(epoch: 2, index: 1), b = loader().batch(epoch: 2, index: 1)
        #expect(a.images == b.images && a.labels == b.labels)
        #expect(a.images.shape == [4, 1, 4, 4])
        #expect(loader().batch(epoch: 3, index: 1).images != a.images)
    }

    @Test func thePrefetcherYieldsExactlyTheDirectBatches() {
        let l = loader()
        let prefetched = Array(l.batches(epoch: 1))
        #expect(prefetched.count == 3)
        for (i, batch) in prefetched.enumerated() {
            let direct = l.batch(epoch: 1, index: i)
            #expect(batch.images == direct.images && batch.labels == direct.labels && batch.index == i)
        }
        let resumed = Array(l.batches(epoch: 1, startingAt: 2))
        #expect(resumed.count == 1 && resumed[0].images == prefetched[2].images)
    }

    @Test func holdingOutAValidationSplit() throws {
        let data = Dataset(name: "t", classNames: ["a", "b", "c"], train: split, test: split.prefix(2))
        let held = data.holdingOutValidation(3, seed: 4)
        #expect(held.train.count == 7 && held.validation?.count == 3)
        let all = (held.train.pixels + held.validation!.pixels)
        #expect(all.count == split.pixels.count)
        #expect(data.holdingOutValidation(3, seed: 4).validation == held.validation)
    }
}
