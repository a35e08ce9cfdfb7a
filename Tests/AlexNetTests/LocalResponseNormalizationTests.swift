import Testing
@testable import AlexNet

@Suite struct LocalResponseNormalizationTests {
    /// Five channels at one pixel, n = 3, k = 2, α = 0.1, β = 0.75, the paper's convention.
    /// The windows are {0,1}, {0,1,2}, {1,2,3}, {2,3,4}, {3,4}: clipped at both edges.
    @Test func fiveChannelsByHand() {
        let lrn = LocalResponseNormalization<Double>(size: 3, k: 2, alpha: 0.1, beta: 0.75)
        let y = lrn.forward(Tensor(shape: [1, 5, 1, 1], scalars: [1, 2, 3, 4, 5]))
        let sums: [Double] = [1 + 4, 1 + 4 + 9, 4 + 9 + 16, 9 + 16 + 25, 16 + 25]
        let inputs: [Double] = [1, 2, 3, 4, 5]
        let expected = (0..<5).map { c in inputs[c] / Foundation.pow(2 + 0.1 * sums[c], 0.75) }
        for c in 0..<5 { #expect(abs(y.scalars[c] - expected[c]) < 1e-14) }
        #expect(abs(y.scalars[0] - 1 / Foundation.pow(2.5, 0.75)) < 1e-14)   // s = 2 + 0.1·5 = 2.5
    }

    /// The cuda-convnet/Caffe/PyTorch convention divides α by n: with n = 5 the same input
    /// normalised under both conventions differs exactly as α and α/5.
    @Test func conventionsDifferByTheWindowSize() {
        let x: Tensor<Double> = randomTensor([1, 7, 2, 2], seed: 3, standardDeviation: 10)
        let paper = LocalResponseNormalization<Double>(alpha: 5e-3, convention: .paper)
        let divided = LocalResponseNormalization<Double>(alpha: 5 * 5e-3, convention: .dividedBySize)
        #expect(paper.effectiveAlpha == 5e-3)
        #expect(abs(divided.effectiveAlpha - 5e-3) < 1e-18)
        expectClose(paper.forward(x), divided.forward(x), tolerance: 1e-15)
        let plain = LocalResponseNormalization<Double>(alpha: 5e-3, convention: .dividedBySize)
        #expect(maxDifference(paper.forward(x), plain.forward(x)) > 1e-3)
    }

    @Test func groupsKeepTheSumInsideEachTower() {
        // Channels 0-2 and 3-5 in two groups: changing group 2 must not change group 1's output.
        let lrn = LocalResponseNormalization<Double>(size: 5, k: 2, alpha: 0.1, beta: 0.75, groups: 2)
        var x = Tensor<Double>(shape: [1, 6, 1, 1], scalars: [1, 2, 3, 4, 5, 6])
        let before = lrn.forward(x)
        x.scalars[3] = 100
        let after = lrn.forward(x)
        #expect(Array(before.scalars[0..<3]) == Array(after.scalars[0..<3]))
        #expect(before.scalars[4] != after.scalars[4])
    }

    @Test(arguments: AlphaConvention.allCases, [1, 2])
    func gradientCheckAtTheChannelEdges(_ convention: AlphaConvention, groups: Int) {
        // A large α so that the normalisation, not the identity, dominates the gradient.
        let lrn = LocalResponseNormalization<Double>(size: 5, k: 2, alpha: 0.5, beta: 0.75,
                                                     convention: convention, groups: groups)
        expectGradientsCorrect(lrn, input: randomTensor([2, 8, 3, 3], seed: 4))
    }

    @Test func gradientCheckEvenWindow() {
        let lrn = LocalResponseNormalization<Double>(size: 4, k: 1, alpha: 0.8, beta: 0.6)
        expectGradientsCorrect(lrn, input: randomTensor([1, 6, 2, 3], seed: 5))
    }
}

import Foundation
