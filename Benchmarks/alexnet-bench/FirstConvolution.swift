// --conv1: the paper's first convolution alone, by each algorithm, beside conv3.
import AlexNet
import Foundation
import ToolSupport

/// conv1 of the paper's net, 96 kernels of 11×11×3 at stride 4 on (N, 3, 227, 227), by im2col
/// and by Winograd over the folded stride (``Convolution/Algorithm``): its forward pass and its
/// backward pass without an input gradient (the first layer needs none); then conv3, 256 → 384
/// channels, 3×3 on 13×13 (its input gradient included), the yardstick the issue names. Each
/// pass timed `steps` times in turn (median); rates in the direct convolution's multiply-adds
/// (2 flops each per pass: forward; weight gradient; input gradient), so that a Winograd layer,
/// which does fewer, shows as a higher rate.
func firstConvolutionBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    var g = RandomGenerator(seed: 1)
    let N = options.batch
    let x1 = Tensor<Float>.normal(shape: [N, 3, 227, 227], standardDeviation: 1, generator: &g)
    let dy1 = Tensor<Float>.normal(shape: [N, 96, 55, 55], standardDeviation: 1, generator: &g)
    let x3 = Tensor<Float>.normal(shape: [N, 256, 13, 13], standardDeviation: 1, generator: &g)
    let dy3 = Tensor<Float>.normal(shape: [N, 384, 13, 13], standardDeviation: 1, generator: &g)
    print("batch \(N), \(options.threads) threads, median of \(options.steps); GFLOP/s in the direct convolution's multiply-adds")

    /// Times one layer's passes and prints them; returns forward + backward's rate.
    func run(_ name: String, _ conv: Convolution<Float>, _ x: Tensor<Float>, _ dy: Tensor<Float>, inputGradient: Bool) -> Double {
        let macs = Double(conv.multiplyAdds(for: x.shape))
        let backwardPass = { if inputGradient { _ = conv.backward(dy) } else { conv.backwardParametersOnly(dy) } }
        _ = conv.forward(x)
        backwardPass()                                                 // warm: buffers reserved, threads up
        var forward: [Double] = [], backward: [Double] = []
        for _ in 0..<options.steps {
            forward.append(seconds { _ = conv.forward(x) })
            backward.append(seconds { backwardPass() })
        }
        let (f, b) = (median(forward), median(backward))
        let (fFlops, bFlops) = (2 * macs, (inputGradient ? 4 : 2) * macs)
        let rate = (fFlops + bFlops) / (f + b) / 1e9
        print(String(format: "%@: forward %.1f ms (%.0f GFLOP/s), backward %@ %.1f ms (%.0f GFLOP/s); both %.0f GFLOP/s",
                     name, 1e3 * f, fFlops / f / 1e9, inputGradient ? "with dx" : "without dx", 1e3 * b, bFlops / b / 1e9, rate))
        return rate
    }

    var rates: [String: Double] = [:]
    for algorithm in [Convolution<Float>.Algorithm.im2col, .winograd] {
        var generator = RandomGenerator(seed: 2)
        let conv1 = Convolution<Float>(name: "conv1", inputChannels: 3, outputChannels: 96, kernelSize: 11, stride: 4,
                                       generator: &generator)
        conv1.algorithm = algorithm
        let name = algorithm == .im2col ? "conv1 im2col" : "conv1 Winograd over the folded stride"
        rates[name] = run(name, conv1, x1, dy1, inputGradient: false)
    }
    var generator = RandomGenerator(seed: 3)
    let conv3 = Convolution<Float>(name: "conv3", inputChannels: 256, outputChannels: 384, kernelSize: 3, padding: 1,
                                   generator: &generator)
    let conv3Rate = run("conv3 (\(conv3.algorithm))", conv3, x3, dy3, inputGradient: true)
    for (name, rate) in rates.sorted(by: { $0.key < $1.key }) {
        print(String(format: "%@ at %.2f× conv3's rate", name, rate / conv3Rate))
    }
}
