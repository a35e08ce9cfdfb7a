import AlexNet

/// Helpers the assignments may use; they are not part of any assignment.
public enum Helpers {
    /// C = op(A) · op(B) for matrices (rank-2 tensors), op = transpose when asked:
    ///
    ///     C[i, j] = Σ_k op(A)[i, k] · op(B)[k, j]
    ///
    /// Plain loops in Double: slow, clear, and what the library's GEMM computes.
    /// Throws ``ShapeError`` when the inner sizes differ.
    public static func matmul(_ a: Tensor<Double>, _ b: Tensor<Double>,
                              transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor<Double> {
        guard a.rank == 2, b.rank == 2 else { throw ShapeError("matmul: needs matrices, got \(a.shape) and \(b.shape)") }
        let (m, kA) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kB, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard kA == kB else {
            throw ShapeError("matmul: op(A) is \(m)×\(kA), op(B) is \(kB)×\(n): the inner sizes differ")
        }
        var c = Tensor<Double>(shape: [m, n])
        for i in 0..<m {
            for k in 0..<kA {
                let aik = transposeA ? a.scalars[k * a.shape[1] + i] : a.scalars[i * a.shape[1] + k]
                if aik == 0 { continue }
                for j in 0..<n {
                    c.scalars[i * n + j] += aik * (transposeB ? b.scalars[j * b.shape[1] + k] : b.scalars[k * b.shape[1] + j])
                }
            }
        }
        return c
    }
}
