import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

@Suite struct LocallyConnectedTests {
    /// The definition, as plain loops: every output position has its own kernel and bias.
    func direct(_ layer: LocallyConnected<Double>, _ x: Tensor<Double>) -> Tensor<Double> {
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (M, K, S, P) = (layer.outputChannels, layer.kernelSize, layer.stride, layer.padding)
        let (Ho, Wo) = (layer.outputHeight, layer.outputWidth)
        let w = layer.weight.value, b = layer.bias.value
        var y = Tensor<Double>(shape: [N, M, Ho, Wo])
        for n in 0..<N { for m in 0..<M { for oy in 0..<Ho { for ox in 0..<Wo {
            var sum = b[m, oy, ox]
            for c in 0..<C { for i in 0..<K { for j in 0..<K {
                let iy = oy * S - P + i, ix = ox * S - P + j
                if iy >= 0 && iy < H && ix >= 0 && ix < W { sum += w[oy, ox, m, c, i, j] * x[n, c, iy, ix] }
            }}}
            y[n, m, oy, ox] = sum
        }}}}
        return y
    }

    @Test func matchesTheDefinition() {
        var g = RandomGenerator(seed: 1)
        let layer = LocallyConnected<Double>(inputChannels: 3, outputChannels: 4, inputHeight: 5, inputWidth: 6,
                                             kernelSize: 3, stride: 2, padding: 1, weightStandardDeviation: 1,
                                             biasValue: 0.3, generator: &g)
        let x: Tensor<Double> = randomTensor([2, 3, 5, 6], seed: 2)
        expectClose(layer.forward(x), direct(layer, x), tolerance: 1e-12)
    }

    @Test func gradientCheck() {
        var g = RandomGenerator(seed: 3)
        let layer = LocallyConnected<Double>(inputChannels: 2, outputChannels: 3, inputHeight: 4, inputWidth: 4,
                                             kernelSize: 3, padding: 1, weightStandardDeviation: 0.5,
                                             generator: &g)
        expectGradientsCorrect(layer, input: randomTensor([2, 2, 4, 4], seed: 4))
    }
}
