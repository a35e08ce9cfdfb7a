// --winograd-tiles: 3×3 and 5×5 convolutions by im2col and by each Winograd tile, at several sizes.
import AlexNet
import Foundation
import ToolSupport

/// Two tables, each layer by each algorithm in turn, forward and backward (with dx), medians of
/// `steps`, the rate in direct multiply-adds:
/// - a 3×3 convolution of 256 channels to 256 (padding 1) by im2col, F(2×2, 3×3) and F(4×4, 3×3)
///   on maps of 13, 27 and 55 pixels, the batch chosen so that every size has about the same
///   number of outputs (128, 32 and 8 images). Which tile pays depends on how much of the last
///   row and column of tiles falls outside the map (13 = 3·4 + 1 wastes most of a 4×4 row);
/// - a 5×5 convolution (padding 2) by im2col, F(2×2, 5×5) and F(3×3, 5×5): the four-layer net's
///   conv2 (64 → 64 on 11×11, batch 128) and one tower of the paper's conv2 (48 → 128 on 27×27,
///   batch 32).
func winogradTilesBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    print("3×3 convolution, \(options.threads) threads, median of \(options.steps)")
    print("map  batch  C → M      algorithm      forward ms  backward ms  GFLOP/s (fwd+bwd)")
    for (size, batch) in [(13, 128), (27, 32), (55, 8)] {
        for (name, algorithm) in [("im2col", Convolution<Float>.Algorithm.im2col), ("F(2×2, 3×3)", .winograd2x2), ("F(4×4, 3×3)", .winograd4x4),
                                  ("F(5×5, 3×3)", .winograd5x5)] {
            timeLayer(size: size, batch: batch, channels: (256, 256), kernelSize: 3, name: name, algorithm: algorithm, options)
        }
    }
    print("5×5 convolution, \(options.threads) threads, median of \(options.steps)")
    print("map  batch  C → M      algorithm      forward ms  backward ms  GFLOP/s (fwd+bwd)")
    for (size, batch, channels) in [(11, 128, (64, 64)), (27, 32, (48, 128))] {
        for (name, algorithm) in [("im2col", Convolution<Float>.Algorithm.im2col), ("F(2×2, 5×5)", .winograd2x2), ("F(3×3, 5×5)", .winograd3x3)] {
            timeLayer(size: size, batch: batch, channels: channels, kernelSize: 5, name: name, algorithm: algorithm, options)
        }
    }
}

/// One row of a table: a stride-1 K×K layer, C → M channels with padding K/2 on size×size maps,
/// by `algorithm`; warmed once (buffers reserved), then forward and backward timed `steps` times.
private func timeLayer(size: Int, batch: Int, channels: (C: Int, M: Int), kernelSize K: Int,
                       name: String, algorithm: Convolution<Float>.Algorithm, _ options: Options) {
    let (C, M) = channels
    var g = RandomGenerator(seed: 1)
    let x = Tensor<Float>.normal(shape: [batch, C, size, size], standardDeviation: 1, generator: &g)
    let dy = Tensor<Float>.normal(shape: [batch, M, size, size], standardDeviation: 1, generator: &g)
    let flops = 3 * 2.0 * Double(batch * M * size * size * C * K * K)     // forward, dW and dx
    var h = RandomGenerator(seed: 2)
    let conv = Convolution<Float>(inputChannels: C, outputChannels: M, kernelSize: K, padding: K / 2, generator: &h)
    conv.algorithm = algorithm
    _ = conv.forward(x)
    _ = conv.backward(dy)
    var forward: [Double] = [], backward: [Double] = []
    for _ in 0..<options.steps {
        forward.append(seconds { _ = conv.forward(x) })
        backward.append(seconds { _ = conv.backward(dy) })
    }
    let (f, b) = (median(forward), median(backward))
    print(String(format: "%3d  %5d  %3d → %3d  ", size, batch, C, M) + name.padding(toLength: 13, withPad: " ", startingAt: 0)
          + String(format: "%10.1f  %11.1f  %8.0f", 1e3 * f, 1e3 * b, flops / (f + b) / 1e9))
}
