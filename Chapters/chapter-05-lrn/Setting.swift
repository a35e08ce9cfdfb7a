import AlexNet
import AlexNetData
import AlexNetExperiments

/// The data and the network every arm shares.
struct LRNSetting {
    var data: Dataset
    var crop: Int
    var kernels: Int
    var normalization: Normalization

    /// The four-layer net on `crop`×`crop` crops, weights N(0, 0.01²), LRN with the paper's
    /// constants (k = 2, n = 5, α = 1e-4, β = 0.75) in the given convention, or none.
    func configuration(_ convention: AlphaConvention?, seed: UInt64) -> FourLayerNetConfiguration {
        var c = FourLayerNetConfiguration(inputChannels: data.train.channels, inputSize: crop, classes: data.classes)
        (c.convolutionKernels, c.localKernels, c.seed) = (kernels, 32, seed)
        if let convention {
            var spec = AlexNetConfiguration.NormalizationSpec()
            spec.convention = convention
            c.normalization = spec
        }
        return c
    }

    func arm(_ convention: AlphaConvention?) -> Arm {
        let name = switch convention { case nil: "no LRN"; case .paper: "LRN"; case .dividedBySize: "LRN, alpha over n" }
        return Arm(name, normalization: normalization) { seed in try FourLayerNet<Float>(configuration(convention, seed: seed)) }
    }

    /// The centre crops of the first `count` test images, normalised: what the statistics are measured on.
    func testBatch(_ count: Int) -> Tensor<Float> {
        let view = Augmentation(cropSize: crop).centreView(height: data.test.height, width: data.test.width)
        let n = min(count, data.test.count)
        return Augmentation.batch(views: Array(repeating: view, count: n), of: data.test, indices: Array(0..<n), normalization: normalization)
    }
}
