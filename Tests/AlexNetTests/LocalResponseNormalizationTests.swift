import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

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

    /// The blocked layer (its pixels taken 64 at a time, s recomputed in the backward pass)
    /// against the formulas as plain loops, on planes of 81 pixels (a full block and a partial
    /// one), two groups of 12 channels (the one-pass loops of whole five-channel windows inside,
    /// the general ones at the edges), both the square-root path (β = 0.75) and `pow`, odd and
    /// even windows.
    @Test(arguments: [(5, 0.75), (5, 0.6), (4, 0.75)])
    func blockedLayerMatchesTheFormulas(_ size: Int, _ beta: Double) {
        let (k, alpha, groups) = (2.0, 0.05, 2)
        let lrn = LocalResponseNormalization<Double>(size: size, k: k, alpha: alpha, beta: beta, groups: groups)
        let x: Tensor<Double> = randomTensor([2, 24, 9, 9], seed: 8, standardDeviation: 3)
        let dy: Tensor<Double> = randomTensor(x.shape, seed: 9)
        let (N, C, HW, Cg) = (2, 24, 81, 12)
        func window(_ c: Int) -> ClosedRange<Int> {       // within c's group
            let c0 = c / Cg * Cg, local = c % Cg
            return (c0 + max(0, local - size / 2))...(c0 + min(Cg - 1, local + (size - 1) / 2))
        }
        var s = Tensor<Double>(shape: x.shape), y = s, dx = s
        for n in 0..<N { for c in 0..<C { for p in 0..<HW {
            s.scalars[(n * C + c) * HW + p] = k + alpha * window(c).reduce(0) { $0 + Foundation.pow(x.scalars[(n * C + $1) * HW + p], 2) }
            y.scalars[(n * C + c) * HW + p] = x.scalars[(n * C + c) * HW + p] / Foundation.pow(s.scalars[(n * C + c) * HW + p], beta)
        }}}
        for n in 0..<N { for j in 0..<C { for p in 0..<HW {
            let at = { (c: Int) in (n * C + c) * HW + p }
            var sum = 0.0
            for i in 0..<C where window(i).contains(j) {
                sum += dy.scalars[at(i)] * x.scalars[at(i)] * Foundation.pow(s.scalars[at(i)], -beta - 1)
            }
            dx.scalars[at(j)] = dy.scalars[at(j)] * Foundation.pow(s.scalars[at(j)], -beta) - 2 * alpha * beta * x.scalars[at(j)] * sum
        }}}
        expectClose(lrn.forward(x), y, tolerance: 1e-13)
        expectClose(lrn.backward(dy), dx, tolerance: 1e-13)
    }

    @Test func gradientCheckEvenWindow() {
        let lrn = LocalResponseNormalization<Double>(size: 4, k: 1, alpha: 0.8, beta: 0.6)
        expectGradientsCorrect(lrn, input: randomTensor([1, 6, 2, 3], seed: 5))
    }
}

import Foundation
