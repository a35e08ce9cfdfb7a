// --conv1: the paper's first convolution alone.
import AlexNet
import Foundation
import ToolSupport

/// conv1 of the paper's net, 96 kernels of 11×11×3 at stride 4 on (N, 3, 227, 227), through im2col:
/// its forward pass and its backward pass without an input gradient (the first layer needs none),
/// timed `steps` times in turn (median), with the effective rate in direct multiply-adds against
/// the same run's sgemm.
func firstConvolutionBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    var g = RandomGenerator(seed: 1)
    let conv = Convolution<Float>(name: "conv1", inputChannels: 3, outputChannels: 96, kernelSize: 11, stride: 4, generator: &g)
    let x = Tensor<Float>.normal(shape: [options.batch, 3, 227, 227], standardDeviation: 1, generator: &g)
    let dy = Tensor<Float>.normal(shape: [options.batch, 96, 55, 55], standardDeviation: 1, generator: &g)
    _ = conv.forward(x)
    conv.backwardParametersOnly(dy)                                   // warm: buffers reserved, threads up
    var forward: [Double] = [], backward: [Double] = []
    for _ in 0..<options.steps {
        forward.append(seconds { _ = conv.forward(x) })
        backward.append(seconds { conv.backwardParametersOnly(dy) })
    }
    let flops = 2.0 * Double(options.batch * 96 * 55 * 55 * 3 * 11 * 11)
    let (f, b) = (median(forward), median(backward))
    print(String(format: "conv1, batch %d, %d threads, median of %d: forward %.1f ms (%.0f GFLOP/s), backward without dx %.1f ms (%.0f GFLOP/s)",
                 options.batch, options.threads, options.steps, 1e3 * f, flops / f / 1e9, 1e3 * b, flops / b / 1e9))
}
