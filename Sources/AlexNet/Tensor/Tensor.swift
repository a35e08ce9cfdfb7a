/// A dense, contiguous, row-major array of scalars with a shape.
///
/// **Layout.** Every image-like tensor in this library is stored NCHW: batch `N`, channels `C`,
/// height `H`, width `W`, with the last index varying fastest, so element (n, c, y, x) sits at
///
///     offset = ((n·C + c)·H + y)·W + x
///
/// Matrices are (rows, columns) in the same row-major order; a fully connected layer's weight
/// is (outputs, inputs). Nothing else in the library describes memory layout: this is the one
/// place.
///
/// `Tensor` is a value type (copy-on-write through its `Array` storage). Hot loops borrow the
/// storage once with ``withUnsafeBufferPointer(_:)`` or ``withUnsafeMutableBufferPointer(_:)``
/// and run on raw pointers.
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
    /// The extent of each dimension, outermost first, e.g. `[N, C, H, W]`.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Scalar]

    /// A tensor of the given shape filled with `value` (zero by default).
    ///
    /// Zeros are written as bytes (an IEEE zero is all zero bits): in code that runs generically,
    /// unspecialised, filling element by element costs a witness call per element.
    public init(shape: [Int], repeating value: Scalar = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.shape = shape
        let count = shape.reduce(1, *)
        if value == 0 {
            self.scalars = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
                initialized = count
            }
        } else {
            self.scalars = Array(repeating: value, count: count)
        }
    }

    /// A tensor of the given shape whose elements are not set: for a layer that writes every
    /// element of its output before anything reads it, and so need not pay for zero-filling
    /// tens of megabytes first. Reading an element before writing it gives an arbitrary value
    /// in release builds; debug builds (the tests) fill the tensor with NaN, all bits set, so
    /// an element a layer forgets to write shows up in every comparison.
    public init(uninitializedShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.shape = shape
        let count = shape.reduce(1, *)
        self.scalars = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            #if DEBUG
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0xFF)
            #endif
            initialized = count
        }
    }

    /// A tensor holding `scalars`, which must have exactly `shape.reduce(1, *)` elements.
    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: \(scalars.count) scalars do not fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of elements.
    @inlinable public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(to newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// The row-major offset of a multi-index. Meant for tests and small tools, not hot loops.
    public func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var offset = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "Tensor: index \(index) out of shape \(shape)")
            offset = offset * extent + i
        }
        return offset
    }

    /// Element access by multi-index, e.g. `t[n, c, y, x]`.
    public subscript(_ index: Int...) -> Scalar {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Sets every element to zero, keeping the shape and the storage. Specialised: called from
    /// generic code (``Network/zeroGradients()``), the unspecialised loop copied one element at a
    /// time through the scalar type's value witness, about 1% of the paper net's step.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func zero() {
        withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Adds `other` element-wise; the shapes must match.
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "Tensor.add: shapes \(shape) and \(other.shape)")
        withUnsafeMutableBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
    }

    /// The same values converted to another scalar type (Float ↔ Double).
    public func converted<Other: TensorScalar>(to: Other.Type = Other.self) -> Tensor<Other> {
        Tensor<Other>(shape: shape, scalars: scalars.map { Other($0) })
    }

    /// A copy of the sub-tensor at first-axis indices `range` (rows of a matrix, kernels of a
    /// convolution's weight: one tower's, for a figure).
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "Tensor.rows: \(range) of \(shape)")
        let width = count / Swift.max(1, shape[0])
        return Tensor(shape: [range.count] + shape.dropFirst(), scalars: Array(scalars[(range.lowerBound * width)..<(range.upperBound * width)]))
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 8 ? ", …" : "")]"
    }
}
