// --fully-connected: the paper's fc6, fc7 and fc8 against bare GEMMs of the same shapes.
import AlexNet
import Foundation
import ToolSupport

/// fc6 (9216 → 4096), fc7 (4096 → 4096) and fc8 (4096 → 1000) of the paper at the batch: each
/// layer's forward and backward pass, and beside them the same three GEMMs called directly on the
/// same buffers with the same shapes and transposes (y += x·Wᵀ; dW += dyᵀ·x; dx = dy·W), `steps`
/// times in turn, medians. The difference is what the layer costs beyond its GEMMs (the bias rows
/// copied in, the bias gradient summed, the tensors made); the GEMMs' own rate at these skinny
/// shapes (one side is the batch) is set against the same run's square sgemm.
func fullyConnectedBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    var g = RandomGenerator(seed: 1)
    let n = options.batch
    print("layer  layer fwd ms  GEMM fwd ms  layer bwd ms  GEMMs bwd ms  layer/GEMMs  GEMMs GFLOP/s")
    for (name, inputs, outputs) in [("fc6", 9216, 4096), ("fc7", 4096, 4096), ("fc8", 4096, 1000)] {
        let layer = FullyConnected<Float>(name: name, inputs: inputs, outputs: outputs, generator: &g)
        let x = Tensor<Float>.normal(shape: [n, inputs], standardDeviation: 1, generator: &g)
        let dy = Tensor<Float>.normal(shape: [n, outputs], standardDeviation: 1, generator: &g)
        var y = [Float](repeating: 0, count: n * outputs), dx = [Float](repeating: 0, count: n * inputs)
        var dw = [Float](repeating: 0, count: outputs * inputs)
        let w = Array(layer.weight.value.scalars), xs = Array(x.scalars), gs = Array(dy.scalars)
        func gemmForward() {
            matrixMultiply(transposeA: false, transposeB: true, m: n, n: outputs, k: inputs, alpha: 1, a: xs, lda: inputs,
                           b: w, ldb: inputs, beta: 1, c: &y, ldc: outputs)
        }
        func gemmBackward() {
            matrixMultiply(transposeA: true, transposeB: false, m: outputs, n: inputs, k: n, alpha: 1, a: gs, lda: outputs,
                           b: xs, ldb: inputs, beta: 1, c: &dw, ldc: inputs)
            matrixMultiply(transposeA: false, transposeB: false, m: n, n: inputs, k: outputs, alpha: 1, a: gs, lda: outputs,
                           b: w, ldb: inputs, beta: 0, c: &dx, ldc: inputs)
        }
        _ = layer.forward(x); _ = layer.backward(dy); gemmForward(); gemmBackward()      // warm
        var lf: [Double] = [], lb: [Double] = [], gf: [Double] = [], gb: [Double] = []
        for _ in 0..<options.steps {
            lf.append(seconds { _ = layer.forward(x) })
            lb.append(seconds { _ = layer.backward(dy) })
            gf.append(seconds { gemmForward() })
            gb.append(seconds { gemmBackward() })
        }
        let flops = 2.0 * Double(n * inputs * outputs)
        let (a, b, c, d) = (median(lf), median(gf), median(lb), median(gb))
        print(String(format: "%@  %12.1f  %11.1f  %12.1f  %12.1f  %11.2f  %13.0f", name, 1e3 * a, 1e3 * b, 1e3 * c, 1e3 * d,
                     (a + c) / (b + d), 3 * flops / (b + d) / 1e9))
    }
    print(String(format: "sgemm (2048³, %d threads, %@ kernel): %.1f GFLOP/s", options.threads, BLASKernel.current, sgemmRate(threads: options.threads)))
}
