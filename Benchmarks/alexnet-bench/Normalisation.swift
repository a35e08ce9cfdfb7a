// --lrn: the paper's two local response normalisations alone.
import AlexNet
import Foundation
import ToolSupport

/// norm1 (N, 96, 55, 55) and norm2 (N, 256, 27, 27) of the paper's net, each within its two towers:
/// the forward and the backward pass timed `steps` times in turn (median), with the ratio of
/// backward to forward that issue 30 holds to 1.5, and the effective rate of each pass in
/// elements per nanosecond.
func normalisationBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    print("LRN of the paper's net, batch \(options.batch), \(options.threads) thread\(options.threads == 1 ? "" : "s"), median of \(options.steps)")
    print("layer  shape               forward ms  backward ms  backward/forward  forward Gelem/s  backward Gelem/s")
    for (name, shape) in [("norm1", [options.batch, 96, 55, 55]), ("norm2", [options.batch, 256, 27, 27])] {
        var g = RandomGenerator(seed: 1)
        // ReLU outputs: half zeros, the rest of the activations' scale.
        let x = Tensor<Float>(shape: shape, scalars: Tensor<Float>.normal(shape: shape, standardDeviation: 4, generator: &g).scalars.map { max(0, $0) })
        let dy = Tensor<Float>.normal(shape: shape, standardDeviation: 1, generator: &g)
        let layer = LocalResponseNormalization<Float>(groups: 2)
        _ = layer.forward(x)
        _ = layer.backward(dy)                                  // warm: pages touched, threads up
        var forward: [Double] = [], backward: [Double] = []
        for _ in 0..<options.steps {
            forward.append(seconds { _ = layer.forward(x) })
            backward.append(seconds { _ = layer.backward(dy) })
        }
        let (f, b) = (median(forward), median(backward))
        let elements = Double(x.count)
        print(String(format: "%-6@ %-19@ %10.1f  %11.1f  %16.2f  %15.2f  %16.2f", name, "\(shape)", 1e3 * f, 1e3 * b, b / f,
                     elements / f / 1e9, elements / b / 1e9))
    }
}
