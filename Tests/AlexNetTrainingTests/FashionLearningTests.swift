import Foundation
import Testing
@testable import AlexNet
@testable import AlexNetData
@testable import AlexNetTraining
import TestSupport

/// The whole loop on real data: a small net learns Fashion-MNIST to under 15% test error in one
/// short epoch (Debian's dataset-fashion-mnist must be installed; .ci/run installs it).
///
/// The net is the paper's four-layer side-experiment net, narrowed to 16 kernels, with He's
/// initialisation and pixels scaled to [−1, 1]: with the paper's N(0, 0.01²) a short run stays
/// near chance (see chapter 9), and this test is about the loop, not the recipe.
@Suite struct FashionLearningTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory)))
    func aSmallNetLearnsFashionMNIST() throws {
        let data = try FashionMNIST.load().limited(train: 60_000, test: 10_000)
        var configuration = FourLayerNetConfiguration(inputChannels: 1, inputSize: 28, classes: 10)
        configuration.convolutionKernels = 16
        configuration.localKernels = 16
        configuration.weightInitialization = .he
        var options = TrainingOptions(epochs: 1)
        options.batchSize = 64
        options.schedule = .constant(0.02)
        options.showsProgress = false
        let trainer = try Trainer(specification: .fourLayer(configuration), dataset: data, options: options,
                                  normalization: .meanImage(of: data.train, scale: 1.0 / 255))
        let record = try #require(try trainer.run().last)
        print("Fashion-MNIST, one epoch of 60,000 images: training error \(record.trainingError), test error \(record.testTop1), \(record.wallSeconds) s")
        #expect(record.testTop1 < 0.15)
    }
}
