// --neighbours: Figure 4's nearest-neighbour search.
import AlexNet
import Foundation
import ToolSupport
import AlexNetData
import AlexNetTraining
import AlexNetExperiments
import AlexNetDistributed

/// Figure 4's search: 16 queries among 55,000 vectors as long as an fc7 layer (512, 4096) or a
/// Fashion-MNIST image (784), by the blocked GEMM search and by its naive twin (on a tenth of the
/// references, scaled up), with the two checked to agree there.
func neighbourBenchmark(_ options: Options) {
    Threading.setThreadCount(options.threads)
    for line in BLASKernelSelection.report { print(line) }
    for width in [512, 784, 4096] {
        var g = RandomGenerator(seed: 1)
        let references = Tensor<Float>.normal(shape: [55_000, width], standardDeviation: 1, generator: &g)
        let queries = Tensor<Float>.normal(shape: [16, width], standardDeviation: 1, generator: &g)
        var fast: [Double] = []
        for _ in 0..<options.steps { fast.append(seconds { _ = NearestNeighbours.search(queries: queries, references: references, k: 8) }) }
        let tenth = Tensor<Float>(shape: [5_500, width], scalars: Array(references.scalars.prefix(5_500 * width)))
        var agree = false
        let naive = seconds {
            agree = NearestNeighbours.naive(queries: queries, references: tenth, k: 8).map { $0.map(\.index) }
                == NearestNeighbours.search(queries: queries, references: tenth, k: 8).map { $0.map(\.index) }
        } * 10
        print(String(format: "neighbours, %d-long vectors: blocked GEMM %.3f s (median of %d), naive ≈ %.1f s (%.0f× slower); same neighbours on 5,500: %@",
                     width, median(fast), options.steps, naive, naive / median(fast), agree ? "yes" : "NO"))
    }
}
