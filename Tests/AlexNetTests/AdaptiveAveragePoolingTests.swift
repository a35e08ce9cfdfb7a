import Testing
@testable import AlexNet
import TestSupport

/// torchvision's `AdaptiveAvgPool2d`: PyTorch's bins, known values for a smaller, an equal and a
/// larger input, and the gradient (the layer is linear, so the check is exact to rounding).
@Suite struct AdaptiveAveragePoolingTests {
    @Test func binsArePyTorchs() {
        // 5 → 3: rows 0..<2, 1..<4, 3..<5 (neighbouring bins share a row); 1 → 6: row 0 six times.
        #expect((0..<3).map { AdaptiveAveragePooling<Double>.bin($0, 3, 5) } == [0..<2, 1..<4, 3..<5])
        #expect((0..<6).map { AdaptiveAveragePooling<Double>.bin($0, 6, 1) } == Array(repeating: 0..<1, count: 6))
        #expect((0..<6).map { AdaptiveAveragePooling<Double>.bin($0, 6, 13) } == [0..<3, 2..<5, 4..<7, 6..<9, 8..<11, 10..<13])
    }

    @Test func knownValues() {
        let pool = AdaptiveAveragePooling<Double>(outputSize: 2)
        let ramp = Tensor<Double>(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))
        #expect(pool.forward(ramp).scalars == [3.5, 5.5, 11.5, 13.5])          // 2×2 means
        let same = AdaptiveAveragePooling<Double>(outputSize: 4)
        #expect(same.forward(ramp) == ramp)                                    // equal sizes: nothing changes
        let up = AdaptiveAveragePooling<Double>(outputSize: 3)
        let one = Tensor<Double>(shape: [1, 2, 1, 1], scalars: [7, -1])
        #expect(up.forward(one).scalars == Array(repeating: 7, count: 9) + Array(repeating: -1, count: 9))
        // Backward of a pixel repeated nine times gathers all nine gradients.
        #expect(up.backward(Tensor(shape: [1, 2, 3, 3], repeating: 1)).scalars == [9, 9])
    }

    @Test func gradientCheck() {
        expectGradientsCorrect(AdaptiveAveragePooling<Double>(outputSize: 3), input: randomTensor([2, 3, 5, 4], seed: 3))
        expectGradientsCorrect(AdaptiveAveragePooling<Double>(outputSize: 6), input: randomTensor([1, 2, 2, 2], seed: 4))
    }
}
