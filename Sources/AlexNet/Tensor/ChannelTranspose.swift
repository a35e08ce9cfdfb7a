/// Moving pixels between a channel-last layout (each pixel's channels contiguous) and
/// channel-first planes (each channel's pixels contiguous): how Winograd's path packs its input
/// and writes its output (``WinogradTiling``, ``WinogradKernels``). A layer's planes are
/// channel-first; its tiles are transformed channel-last.
///
/// Both directions go 16 pixels × 16 channels at a time through registers: 16 loads of one
/// layout, a 16 × 16 transpose, 16 stores of the other, every load and store 16 contiguous
/// scalars. Element by element, one side of the copy strides a whole plane or a whole pixel
/// per element, one cache line per scalar. Past the last whole block, the last block overlaps
/// the one before it (see `inBlocks`); only with fewer than 16 pixels or channels in all do
/// elements go one by one. Only copies, and in ``channelsToPlanes`` one addition per element, so
/// the results equal those of the plain loops to the last bit.
///
/// Pixel i's channels start at `pixel(i)` scalars past the channel-last base; in the planes,
/// channel c's pixel i is at `c·planeStride + i`.

/// planes[c·planeStride + i] = base[pixel(i) + c] (+ offsets[c] when given), for i < count, c < channels.
@inline(__always)
func channelsToPlanes<Scalar: TensorScalar>(count: Int, channels: Int, _ base: UnsafePointer<Scalar>, pixel: (Int) -> Int,
                                            into planes: UnsafeMutablePointer<Scalar>, planeStride: Int,
                                            adding offsets: UnsafePointer<Scalar>? = nil) {
    inBlocks(count: count, channels: channels, pixel: pixel, block: { i0, at, c0 in
        var rows = InlineArray<16, SIMD16<Scalar>> { k in loadVector(base + (at[k] &+ c0)) }
        if let offsets {
            let offset = loadVector(offsets + c0)
            for k in 0..<16 { rows[k] += offset }
        }
        transpose16(&rows)
        for c in 0..<16 { storeVector(rows[c], planes + ((c0 &+ c) &* planeStride &+ i0)) }
    }, single: { i, p, c in
        planes[c &* planeStride &+ i] = offsets.map { base[p &+ c] + $0[c] } ?? base[p &+ c]
    })
}

/// base[pixel(i) + c] = planes[c·planeStride + i], for i < count, c < channels: the inverse of
/// ``channelsToPlanes(count:channels:_:pixel:into:planeStride:adding:)`` without offsets.
@inline(__always)
func planesToChannels<Scalar: TensorScalar>(count: Int, channels: Int, _ planes: UnsafePointer<Scalar>, planeStride: Int,
                                            into base: UnsafeMutablePointer<Scalar>, pixel: (Int) -> Int) {
    inBlocks(count: count, channels: channels, pixel: pixel, block: { i0, at, c0 in
        var rows = InlineArray<16, SIMD16<Scalar>> { c in loadVector(planes + ((c0 &+ c) &* planeStride &+ i0)) }
        transpose16(&rows)
        for k in 0..<16 { storeVector(rows[k], base + (at[k] &+ c0)) }
    }, single: { i, p, c in
        base[p &+ c] = planes[c &* planeStride &+ i]
    })
}

/// The walk both directions share: `block(i0, at, c0)` for blocks of 16 pixels from i0
/// (at[k] = pixel(i0 + k)) and 16 channels from c0, and `single(i, pixel(i), c)` one element at
/// a time where there are fewer than 16 pixels or channels in all. Past the last whole block the
/// next one starts at count − 16 (channels − 16), overlapping the one before: both moves only
/// write, so an element moved twice ends as it was moved once, and the leftovers go through
/// registers too instead of one scalar (or one scatter) at a time.
@inline(__always)
private func inBlocks(count: Int, channels: Int, pixel: (Int) -> Int,
                      block: (_ i0: Int, _ at: UnsafePointer<Int>, _ c0: Int) -> Void,
                      single: (_ i: Int, _ p: Int, _ c: Int) -> Void) {
    guard count >= 16 else {
        for i in 0..<count {
            let p = pixel(i)
            for c in 0..<channels { single(i, p, c) }
        }
        return
    }
    // The 16 offsets in memory, not a value handed to `block`: as a value they were copied to
    // the stack again before every load that read one.
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 16) { buffer in
        let at = buffer.baseAddress!
        forEachBlock(of: count) { i0 in
            for k in 0..<16 { at[k] = pixel(i0 &+ k) }
            if channels >= 16 {
                forEachBlock(of: channels) { c0 in block(i0, at, c0) }
            } else {
                for c in 0..<channels { for k in 0..<16 { single(i0 &+ k, at[k], c) } }
            }
        }
    }
}

/// body(0), body(16), … for each whole block of 16 in 0..<count (count ≥ 16), then
/// body(count − 16) if a part is left.
@inline(__always)
private func forEachBlock(of count: Int, _ body: (Int) -> Void) {
    var start = 0
    while start &+ 16 <= count {
        body(start)
        start &+= 16
    }
    if start < count { body(count &- 16) }
}

/// rows[j][i] ← rows[i][j]: four rounds of splitting every pair of rows into their even and odd
/// lanes (rows 2k and 2k + 1 give row k their even lanes and row k + 8 their odd ones). A round
/// moves the element at (row i, lane j) to row (j mod 2)·8 + ⌊i/2⌋, lane (i mod 2)·8 + ⌊j/2⌋:
/// in 4-bit indices, a rotation of the bits of (i, j) by one place, so four rounds bring it to
/// (row j, lane i). Each split is one shuffle of two registers.
@inline(__always)
func transpose16<Scalar: TensorScalar>(_ rows: inout InlineArray<16, SIMD16<Scalar>>) {
    for _ in 0..<4 {
        var next = rows
        for k in 0..<8 {
            let (a, b) = (rows[2 &* k], rows[2 &* k &+ 1])
            next[k] = SIMD16(lowHalf: a.evenHalf, highHalf: b.evenHalf)
            next[k &+ 8] = SIMD16(lowHalf: a.oddHalf, highHalf: b.oddHalf)
        }
        rows = next
    }
}

@inline(__always)
private func loadVector<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>) -> SIMD16<Scalar> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Scalar>.self)
}

@inline(__always)
private func storeVector<Scalar: TensorScalar>(_ v: SIMD16<Scalar>, _ p: UnsafeMutablePointer<Scalar>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Scalar>.self)
}
