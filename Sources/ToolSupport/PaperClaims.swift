import Foundation

/// The paper's numbers that the chapters print beside their own and write into their CSVs, each
/// once, with the section it comes from (`../shared/PAPER.md` lists them all). Errors are
/// fractions, differences in error are points.
package enum PaperClaims {
    // Section 3.2: the one-GPU net with half the kernels, against the two-GPU net (ILSVRC-2012).
    package static let oneTowerTop1Points = 1.7, oneTowerTop5Points = 1.2
    // Section 3.3: local response normalisation. CIFAR-10 test error of the four-layer net
    // without and with it; ImageNet's change with it.
    package static let cifar10ErrorWithoutLRN = 0.13, cifar10ErrorWithLRN = 0.11
    package static let lrnTop1Points = -1.4, lrnTop5Points = -1.2
    // Section 3.4: plain 2/2 pooling against overlapping 3/2.
    package static let plainPoolingTop1Points = 0.4, plainPoolingTop5Points = 0.3
    // Section 4.1: 2048 times more training views; ILSVRC-2010 top-1 and top-5 error of the centre
    // patch and of the ten views; PCA lighting lowers top-1 by over a point.
    package static let trainingViewsFactor = 2048.0
    package static let centreViewTop1 = 0.390, tenViewsTop1 = 0.375, centreViewTop5 = 0.183, tenViewsTop5 = 0.170
    package static var tenMinusCentreTop1: Double { rounded(tenViewsTop1 - centreViewTop1) }
    package static var tenMinusCentreTop5: Double { rounded(tenViewsTop5 - centreViewTop5) }
    package static let lightingTop1GainPoints = 1.0
    // Section 4.2: dropout roughly doubles the iterations to converge.
    package static let dropoutIterationsRatio = 2.0
    // Section 5: the learning recipe.
    package static let momentum = 0.9, weightDecay = 0.0005, initialLearningRate = 0.01, rateReductions = 3.0, epochs = 90.0
    // Section 6, Table 2 (ILSVRC-2012 validation, and the seven nets' test top-5).
    package static let oneNetTop1 = 0.407, oneNetTop5 = 0.182, fiveNetsTop1 = 0.381, fiveNetsTop5 = 0.164
    package static let sevenNetsTop1 = 0.367, sevenNetsTestTop5 = 0.153

    /// A claim as a CSV cell: the shortest form of the number ("0.39", "2048", "-1.4").
    package static func text(_ value: Double) -> String { String(format: "%g", value) }

    /// A difference of two three-decimal errors, free of the binary remainder (−0.015, not −0.0150000…13).
    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
