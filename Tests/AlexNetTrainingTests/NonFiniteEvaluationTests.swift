import Foundation
import Testing
import AlexNet
import AlexNetData
import AlexNetTraining
import TestSupport

/// A network whose outputs are NaN or infinite is wrong on every image, never right: every
/// comparison with NaN is false, so a rule that counts rivals above the label would give a
/// diverged network no rival and 0% error.
@Suite struct NonFiniteEvaluationTests {
    @Test func aRowWithANonFiniteScoreIsWrongAtEveryK() {
        let scores = Tensor<Float>(shape: [4, 3], scalars: [.nan, .nan, .nan,       // a diverged network
                                                            0.9, .nan, 0.1,        // NaN beside the label
                                                            0.2, .infinity, 0.1,   // an infinite rival
                                                            0.7, 0.2, 0.1])        // a healthy row
        #expect(TopK.mistakes(scores, labels: [0, 0, 0, 0], k: 1) == 3)
        #expect(TopK.mistakes(scores, labels: [0, 0, 0, 0], k: 3) == 3)           // even where every class is in the top k
        #expect(TopK.nonFiniteRows(scores) == 3)
        let e = Evaluation(probabilities: scores, labels: [0, 0, 0, 0])
        #expect(e.top1 == 0.75 && e.top5 == 0.75 && e.nonFinite == 3)
    }

    /// Centre view, ten views and an ensemble with a healthy network: 100% error, every image non-finite.
    @Test func aNaNNetworkScoresAHundredPercentOnEveryPath() throws {
        let data = syntheticDataset(count: 24)
        let normalization = Normalization.meanImage(of: data.train)
        var c = tinyAlexNetConfiguration()          // on 13×13 crops of the 15×15 images, so that ten views exist
        (c.inputSize, c.poolingWindow, c.poolingStride) = (13, 2, 2)
        let broken = try AlexNetModel<Float>(c)
        broken.fc8.bias.value = Tensor(shape: broken.fc8.bias.value.shape, repeating: .nan)
        let healthy = try AlexNetModel<Float>(c)
        let crop = Augmentation(cropSize: 13)
        for views in Evaluation.Views.allCases {
            let e = Evaluation(network: broken, split: data.test, normalization: normalization, augmentation: crop, views: views)
            #expect(e.top1 == 1 && e.top5 == 1 && e.nonFinite == data.test.count, "\(views): \(e)")
            if views == .centre {
                let pair = [broken, healthy].map {
                    Evaluation.probabilities(of: $0, on: data.test, normalization: normalization, augmentation: crop)
                }
                let ensemble = Evaluation(probabilities: Evaluation.ensemble(pair), labels: data.test.labels)
                #expect(ensemble.top1 == 1 && ensemble.nonFinite == data.test.count)
                #expect(Evaluation(probabilities: pair[1], labels: data.test.labels).nonFinite == 0)
            }
        }
    }
}
