import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct MaxPoolingTests {
    let ramp4 = Tensor<Double>(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))
    let ramp5 = Tensor<Double>(shape: [1, 1, 5, 5], scalars: (1...25).map(Double.init))

    @Test func fourByFourTwoByTwo() {
        let pool = MaxPooling<Double>(windowSize: 2, stride: 2)
        let y = pool.forward(ramp4)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [6, 8, 14, 16])
        let dx = pool.backward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        #expect(dx.scalars == [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4])
    }

    @Test func overlappingThreeByTwo() {
        // Windows start at rows/columns 0 and 2 and share row 2 and column 2.
        let pool = MaxPooling<Double>(windowSize: 3, stride: 2)
        #expect(pool.forward(ramp5).scalars == [13, 15, 23, 25])
        #expect(pool.outputShape(for: [1, 96, 55, 55]) == [1, 96, 27, 27])   // the paper's sizes
        #expect(pool.outputShape(for: [1, 256, 27, 27]) == [1, 256, 13, 13])
        #expect(pool.outputShape(for: [1, 256, 13, 13]) == [1, 256, 6, 6])
    }

    @Test func aPixelSharedByOverlappingWindowsCollectsAllTheirGradients() {
        var x = Tensor<Double>(shape: [1, 1, 5, 5])
        x[0, 0, 2, 2] = 9                      // the centre lies in all four 3×3 windows
        let pool = MaxPooling<Double>(windowSize: 3, stride: 2)
        #expect(pool.forward(x).scalars == [9, 9, 9, 9])
        let dx = pool.backward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        #expect(dx[0, 0, 2, 2] == 10)
        #expect(dx.scalars.reduce(0, +) == 10)
    }

    /// The written-out 3 × 3 window against the loop, on windows full of ties (entries drawn
    /// from three values), inside rows of 7: same maximum, same first winner.
    @Test func theThreeByThreeWindowMatchesTheLoop() {
        var g = RandomGenerator(seed: 21)
        var plane = [Double](repeating: 0, count: 7 * 3)
        for _ in 0..<2000 {
            for k in plane.indices { plane[k] = Double(g.next() % 3) }
            plane.withUnsafeBufferPointer { p in
                for x in 0..<5 {
                    let fast = MaxPooling<Double>.maximum3x3(p.baseAddress! + x, rowLength: 7)
                    let loop = MaxPooling<Double>.maximum(p.baseAddress! + x, window: 3, rowLength: 7)
                    #expect(fast == loop)
                }
            }
        }
    }

    @Test func tiesGoToTheFirstMaximumInRowMajorOrder() {
        let pool = MaxPooling<Double>(windowSize: 2, stride: 2)
        let x = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [5, 5, 5, 5])
        #expect(pool.forward(x).scalars == [5])
        #expect(pool.backward(Tensor(shape: [1, 1, 1, 1], scalars: [1])).scalars == [1, 0, 0, 0])
    }

    @Test(arguments: [(3, 2), (2, 2), (3, 1)])
    func gradientCheck(window: Int, stride: Int) {
        // Distinct values 0.05 apart: a step of 6e-6 never changes which element wins.
        expectGradientsCorrect(MaxPooling<Double>(windowSize: window, stride: stride),
                               input: distinctTensor([2, 3, 7, 7], seed: 2))
    }
}
