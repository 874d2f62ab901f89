/// A fast, seedable pseudo-random generator (xoshiro256** by Blackman and
/// Vigna, seeded through splitmix64) so a simulation run can be replayed
/// exactly from one 64-bit seed: loss, jitter, ISNs and ports all come out
/// the same every time.
///
/// Not cryptographically secure; never use it where an attacker must not
/// predict values. A value type: copying it copies the stream position, so
/// hand each component its own stream with `fork()` rather than sharing one.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The 256-bit xoshiro state; never all zero, which is its one fixed point.
    @usableFromInline
    internal var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole sequence is determined by `seed`. The state is
    /// filled from splitmix64 as the xoshiro authors recommend, so similar
    /// seeds (0, 1, 2…) still give unrelated, well-mixed streams.
    public init(seed: UInt64) {
        var x = seed
        s0 = SeededRandom.splitMix64(&x)
        s1 = SeededRandom.splitMix64(&x)
        s2 = SeededRandom.splitMix64(&x)
        s3 = SeededRandom.splitMix64(&x)
        // splitmix64 is a bijection of distinct inputs, so at most one of
        // the four words is zero and the state is never all zero.
    }

    /// The next 64 random bits (xoshiro256**); the `RandomNumberGenerator`
    /// entry point, so `Int.random(in:using:)` and friends work with it.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits: the top bits of
    /// `next()`, which are xoshiro's strongest.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`: a loss or corruption decision. `p <= 0`
    /// is never, `p >= 1` always, and each call uses exactly one draw so
    /// replay stays aligned whatever `p` is.
    @inlinable
    public mutating func chance(_ p: Double) -> Bool {
        nextDouble() < p
    }

    /// A new generator for a sub-component, derived deterministically from
    /// this one (which advances by one draw). The child is seeded through
    /// splitmix64 from a fresh draw, so its stream is unrelated to the
    /// parent's continuation and adding draws in one component does not
    /// shift another's.
    public mutating func fork() -> SeededRandom {
        SeededRandom(seed: next())
    }

    @inlinable @inline(__always)
    internal func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }

    /// splitmix64 (Steele, Lea and Flood): advances `state` and returns the next output.
    internal static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
