/// Small helpers on raw scalar buffers, shared by the layers' hot loops.

/// Makes `buffer` hold exactly `count` scalars, reallocating only when the count changes: the
/// layers' working buffers live from one step to the next instead of being allocated each time.
func resize<Scalar: TensorScalar>(_ buffer: inout [Scalar], to count: Int) {
    if buffer.count != count { buffer = [Scalar](repeating: 0, count: count) }
}

/// Σ x[0..<count], in 16 interleaved partial sums: a single running sum is a chain of
/// dependent additions that no compiler may reorder, four cycles each, and the bias gradients
/// are sums over whole output planes.
@inline(__always)
func sum<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
    var partial = SIMD16<Scalar>.zero, k = 0
    while k + 16 <= count {
        partial += UnsafeRawPointer(x + k).loadUnaligned(as: SIMD16<Scalar>.self)
        k += 16
    }
    var total = partial.sum()
    while k < count { total += x[k]; k += 1 }
    return total
}

/// A kernel's working memory: a block of scalars owned by one layer, grown when a pass needs
/// more and freed with the layer. Its contents are undefined after it grows; the kernels write
/// before they read. Handing out a pointer (``reserve(_:)``) keeps the hot code free of nested
/// `withUnsafe…` closures.
final class ScratchBuffer<Scalar: TensorScalar> {
    private var base: UnsafeMutablePointer<Scalar>
    private var capacity: Int

    init() {
        capacity = 1
        base = .allocate(capacity: capacity)
    }

    /// The block, holding at least `count` scalars, valid until the next call.
    func reserve(_ count: Int) -> SendablePointer<Scalar> {
        if count > capacity {
            base.deallocate()
            capacity = count
            base = .allocate(capacity: capacity)
        }
        return SendablePointer(base)
    }

    deinit { base.deallocate() }
}
