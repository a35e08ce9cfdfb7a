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
