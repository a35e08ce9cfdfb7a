/// C ← α·op(A)·op(B) + β·C for row-major matrices: the one matrix multiply every layer calls.
///
/// OpenBLAS runs single-threaded; large products are split here into ``Threading/threadCount``
/// bands — of columns of C when C is wider than tall, else of rows — each computed by its own
/// single-threaded OpenBLAS call on a ``parallelFor`` worker. One kind of thread does all the
/// parallel work, so OpenBLAS's idle threads never spin against the library's own loops.
///
/// **Reproducibility.** A run is bit-identical to another at the same thread count. Across thread
/// counts the last bits differ (two one-epoch runs at 1 and 2 threads end with different
/// weights): OpenBLAS tiles a band of columns differently from the whole matrix.
///
/// op(A) is M×K, op(B) is K×N; `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
@inlinable
public func matrixMultiply<Scalar: TensorScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    let workers = Threading.threadCount
    // Below about a million multiply-adds a split costs more than it saves.
    guard workers > 1, m * n * k >= 1 << 20, max(m, n) >= 2 * workers else {
        Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    let (pa, pb, pc) = (SendablePointer(a), SendablePointer(b), SendablePointer(c))
    let splitColumns = n >= m
    let extent = splitColumns ? n : m
    parallelFor(workers) { w in
        // Band w: columns (or rows) [start, end), boundaries rounded to multiples of 16.
        let start = (extent * w / workers) & ~15, end = w == workers - 1 ? extent : (extent * (w + 1) / workers) & ~15
        guard end > start else { return }
        if splitColumns {
            // C[:, start..<end] = op(A) · op(B)[:, start..<end]
            let bBand = transposeB ? pb.base + start * ldb : pb.base + start
            Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha,
                        a: pa.base, lda: lda, b: bBand, ldb: ldb, beta: beta, c: pc.base + start, ldc: ldc)
        } else {
            // C[start..<end, :] = op(A)[start..<end, :] · op(B)
            let aBand = transposeA ? pa.base + start : pa.base + start * lda
            Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k, alpha: alpha,
                        a: aBand, lda: lda, b: pb.base, ldb: ldb, beta: beta, c: pc.base + start * ldc, ldc: ldc)
        }
    }
}
