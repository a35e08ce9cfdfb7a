import COpenBLAS
import Dispatch
import Foundation

/// How the library uses the machine's cores.
///
/// Matrix multiplies run on OpenBLAS's threads; the few loops that are not matrix multiplies
/// (im2col, pooling, normalisation) run over the batch with ``parallelFor(_:_:)`` on the same
/// number of threads. The two never run at the same time, so the cores are never
/// oversubscribed. OpenBLAS's thread count is process-wide, and so, honestly, is this.
public enum Threading {
    /// Sets the number of threads for OpenBLAS and for the library's own parallel loops.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "Threading: thread count must be at least 1, got \(count)")
        openblas_set_num_threads(Int32(count))
        storage.withLock { $0 = count }
    }

    /// The current thread count (OpenBLAS's default, the core count, until set).
    public static var threadCount: Int { storage.withLock { $0 } }

    private static let storage = Locked(Int(openblas_get_num_threads()))
}

/// A tiny mutex-protected box, for the one piece of process-wide state above.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(&value)
    }
}

/// A pointer that may be captured by the `@Sendable` closures of ``parallelFor(_:_:)``.
///
/// Each parallel iteration must touch a disjoint part of the memory; that promise, not the
/// compiler, is what makes sharing it safe. This is the one such wrapper in the library.
public struct SendablePointer<Pointee>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Pointee>
    @inlinable public init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
    @inlinable public init(_ base: UnsafePointer<Pointee>) {
        self.base = UnsafeMutablePointer(mutating: base)
    }
}

/// Runs `body(i)` for every i in 0..<count, split over ``Threading/threadCount`` threads in
/// contiguous ranges. Iterations must be independent.
@inlinable
public func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
    let workers = min(Threading.threadCount, count)
    if workers <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let start = count * w / workers, end = count * (w + 1) / workers
        for i in start..<end { body(i) }
    }
}
