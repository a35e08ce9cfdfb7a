import AlexNet

/// The nearest vectors in Euclidean distance: Figure 4, right, of the paper (Section 6.1), where
/// a test image's neighbours among the training images are found by the distance between their
/// last hidden layer's (fc7) activation vectors — and, for contrast, between their pixels.
///
/// The fast path computes squared distances for a block of references at a time with one matrix
/// product,
///
///     ‖q − x‖² = ‖q‖² + ‖x‖² − 2 q·x          (queries Q×D, references R×D, products Q×block)
///
/// so the whole training set is searched at the speed of a GEMM, in memory Q × `blockSize`. The
/// expansion loses precision when two vectors are much closer than they are long; the squared
/// distance is clamped at 0. ``naive(queries:references:k:)`` computes every distance directly
/// in Double: the twin the tests hold the fast path to. Ties go to the smaller index.
public enum NearestNeighbours {
    /// One neighbour: its row in the references and its Euclidean distance to the query.
    public struct Neighbour: Sendable, Equatable {
        public var index: Int
        public var distance: Float

        public init(index: Int, distance: Float) {
            self.index = index
            self.distance = distance
        }
    }

    /// The `k` references nearest to each query, nearest first. `queries` (Q, …) and
    /// `references` (R, …) hold one vector per row, with the same number of values per row.
    public static func search(queries: Tensor<Float>, references: Tensor<Float>, k: Int, blockSize: Int = 4096) -> [[Neighbour]] {
        let (Q, R, D) = shapes(queries, references, k: k)
        precondition(blockSize >= 1, "NearestNeighbours: block size \(blockSize)")
        let queryNorms = squaredNorms(queries, rows: Q, width: D), referenceNorms = squaredNorms(references, rows: R, width: D)
        var best = [[(index: Int, squared: Float)]](repeating: [], count: Q)
        var products = [Float](repeating: 0, count: Q * min(blockSize, R))
        queries.withUnsafeBufferPointer { q in
            references.withUnsafeBufferPointer { x in
                for start in stride(from: 0, to: R, by: blockSize) {
                    let width = min(blockSize, R - start)
                    products.withUnsafeMutableBufferPointer { c in
                        // c[i, j] = −2 · q_i · x_(start + j)
                        matrixMultiply(transposeA: false, transposeB: true, m: Q, n: width, k: D, alpha: -2,
                                       a: q.baseAddress!, lda: D, b: x.baseAddress! + start * D, ldb: D,
                                       beta: 0, c: c.baseAddress!, ldc: width)
                    }
                    for i in 0..<Q {
                        for j in 0..<width {
                            let squared = max(0, queryNorms[i] + referenceNorms[start + j] + products[i * width + j])
                            insert((start + j, squared), into: &best[i], keeping: k)
                        }
                    }
                }
            }
        }
        return best.map { $0.map { Neighbour(index: $0.index, distance: $0.squared.squareRoot()) } }
    }

    /// Every distance computed directly, Σ (q − x)², in Double: slow and exact.
    public static func naive(queries: Tensor<Float>, references: Tensor<Float>, k: Int) -> [[Neighbour]] {
        let (Q, R, D) = shapes(queries, references, k: k)
        return (0..<Q).map { i in
            var best: [(index: Int, squared: Double)] = []
            for j in 0..<R {
                var sum = 0.0
                for d in 0..<D {
                    let difference = Double(queries.scalars[i * D + d]) - Double(references.scalars[j * D + d])
                    sum += difference * difference
                }
                insert((j, sum), into: &best, keeping: k)
            }
            return best.map { Neighbour(index: $0.index, distance: Float($0.squared.squareRoot())) }
        }
    }

    private static func shapes(_ queries: Tensor<Float>, _ references: Tensor<Float>, k: Int) -> (Int, Int, Int) {
        precondition(k >= 1, "NearestNeighbours: k must be at least 1, got \(k)")
        precondition(queries.rank >= 2 && references.rank >= 2, "NearestNeighbours: one vector per row, got \(queries.shape) and \(references.shape)")
        let (Q, R) = (queries.shape[0], references.shape[0])
        let D = queries.count / max(1, Q)
        precondition(Q > 0 && R > 0 && references.count / R == D, "NearestNeighbours: queries \(queries.shape) and references \(references.shape) differ in length")
        return (Q, R, D)
    }

    /// ‖row‖² of each row, accumulated in Double.
    private static func squaredNorms(_ t: Tensor<Float>, rows: Int, width: Int) -> [Float] {
        t.withUnsafeBufferPointer { p in
            (0..<rows).map { r in
                var sum = 0.0
                for d in 0..<width { let v = Double(p[r * width + d]); sum += v * v }
                return Float(sum)
            }
        }
    }

    /// Inserts a candidate into a list kept sorted by distance (then index), at most `k` long.
    private static func insert<D: Comparable>(_ candidate: (index: Int, squared: D), into list: inout [(index: Int, squared: D)],
                                              keeping k: Int) {
        if list.count == k, let last = list.last, (candidate.squared, candidate.index) >= (last.squared, last.index) { return }
        let position = list.firstIndex { (candidate.squared, candidate.index) < ($0.squared, $0.index) } ?? list.count
        list.insert(candidate, at: position)
        if list.count > k { list.removeLast() }
    }
}
