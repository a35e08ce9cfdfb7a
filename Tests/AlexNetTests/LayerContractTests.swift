import Testing
@testable import AlexNet
@testable import AlexNetChecks
import TestSupport

/// Every layer refuses a backward pass that has no forward pass before it, with a message,
/// instead of reading stale or empty state (run in a child process: the refusal stops it).
@Suite struct BackwardNeedsForwardTests {
    @Test func everyLayerRefusesABackwardPassWithoutItsForwardPass() async {
        await #expect(processExitsWith: .failure) {
            var g = RandomGenerator(seed: 1)
            _ = Convolution<Float>(inputChannels: 2, outputChannels: 2, kernelSize: 3, generator: &g).backward(Tensor(shape: [1, 2, 3, 3]))
        }
        await #expect(processExitsWith: .failure) {
            var g = RandomGenerator(seed: 1)
            _ = FullyConnected<Float>(inputs: 4, outputs: 2, generator: &g).backward(Tensor(shape: [1, 2]))
        }
        await #expect(processExitsWith: .failure) {
            var g = RandomGenerator(seed: 1)
            _ = LocallyConnected<Float>(inputChannels: 1, outputChannels: 1, inputHeight: 3, inputWidth: 3, kernelSize: 3,
                                        generator: &g).backward(Tensor(shape: [1, 1, 1, 1]))
        }
        await #expect(processExitsWith: .failure) { _ = Activation<Float>(.relu).backward(Tensor(shape: [2])) }
        await #expect(processExitsWith: .failure) { _ = MaxPooling<Float>(windowSize: 3, stride: 2).backward(Tensor(shape: [1, 1, 1, 1])) }
        await #expect(processExitsWith: .failure) { _ = LocalResponseNormalization<Float>().backward(Tensor(shape: [1, 1, 1, 1])) }
        await #expect(processExitsWith: .failure) { _ = Dropout<Float>(probability: 0.5, seed: 1).backward(Tensor(shape: [2])) }
    }
}

/// Every layer predicts its output shape, which the description and the profiling use, and
/// the forward pass agrees with the prediction.
@Suite struct OutputShapeTests {
    @Test func everyLayerKnowsItsOutputShape() {
        var g = RandomGenerator(seed: 1)
        let layers: [(any Layer<Float>, [Int])] = [
            (Convolution<Float>(inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: 2, padding: 1, groups: 2, generator: &g), [2, 4, 9, 8]),
            (Convolution<Float>(inputChannels: 16, outputChannels: 4, kernelSize: 5, padding: 2, generator: &g), [2, 16, 7, 7]),
            (FullyConnected<Float>(inputs: 12, outputs: 5, generator: &g), [3, 3, 2, 2]),
            (LocallyConnected<Float>(inputChannels: 2, outputChannels: 3, inputHeight: 5, inputWidth: 4, kernelSize: 3,
                                     padding: 1, generator: &g), [2, 2, 5, 4]),
            (MaxPooling<Float>(windowSize: 3, stride: 2), [2, 3, 7, 8]),
            (Activation<Float>(.tanh), [2, 3]),
            (LocalResponseNormalization<Float>(), [1, 6, 2, 2]),
            (Dropout<Float>(probability: 0.5, seed: 1), [4, 5]),
        ]
        for (layer, shape) in layers {
            #expect(layer.forward(Tensor(shape: shape, repeating: 1)).shape == layer.outputShape(for: shape), "\(layer)")
        }
        // Multiply-adds: (2·6·5·4)·(2·9) for the grouped convolution, 3·12·5 for the fully connected layer.
        #expect(layers[0].0.multiplyAdds(for: [2, 4, 9, 8]) == 2 * 6 * 5 * 4 * 2 * 9)
        #expect(layers[2].0.multiplyAdds(for: [3, 3, 2, 2]) == 3 * 12 * 5)
        #expect(layers[4].0.multiplyAdds(for: [2, 3, 7, 8]) == 0)
    }
}
