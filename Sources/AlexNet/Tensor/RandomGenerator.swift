/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in the library — initial weights, dropout masks, shuffles,
/// augmentation — draws from one of these, in a fixed order on one thread, so a run is
/// reproduced exactly by its seed whatever the thread count. The four state words are public
/// so that a checkpoint can store and restore the generator mid-run.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool {
        a.state == b.state
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    @inlinable
    func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform draw from [0, 1) with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A draw from N(mean, standardDeviation²) by the Box–Muller transform.
    ///
    /// z = √(−2 ln u₁) · cos(2π u₂) with u₁ ∈ (0, 1], u₂ ∈ [0, 1). Each call consumes two
    /// uniforms and keeps nothing back, so the state alone describes the generator.
    public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        let u1 = 1 - uniform()
        let u2 = uniform()
        let z = (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
        return mean + standardDeviation * z
    }

    /// A Bernoulli draw: `true` with probability `probability`.
    @inlinable
    public mutating func bernoulli(_ probability: Double) -> Bool {
        uniform() < probability
    }
}

import Foundation
private func _log(_ x: Double) -> Double { Foundation.log(x) }
private func _cos(_ x: Double) -> Double { Foundation.cos(x) }

extension Tensor {
    /// A tensor of independent N(mean, standardDeviation²) draws, in row-major order.
    public static func normal(
        shape: [Int], mean: Double = 0, standardDeviation: Double,
        generator: inout RandomGenerator
    ) -> Tensor {
        var t = Tensor(shape: shape)
        for i in 0..<t.count {
            t.scalars[i] = Scalar(generator.normal(mean: mean, standardDeviation: standardDeviation))
        }
        return t
    }

    /// A tensor of independent uniform draws from [low, high).
    public static func uniform(
        shape: [Int], low: Double = 0, high: Double = 1, generator: inout RandomGenerator
    ) -> Tensor {
        var t = Tensor(shape: shape)
        for i in 0..<t.count {
            t.scalars[i] = Scalar(low + (high - low) * generator.uniform())
        }
        return t
    }
}
