/// SipHash-2-4 (Aumasson and Bernstein): a keyed 64-bit hash, fast on short
/// inputs and unpredictable without the key. The stack derives values an
/// attacker must not guess from it — IP identifications (RFC 7739), and
/// later initial sequence numbers (RFC 6528) and ephemeral ports (RFC 6056)
/// — from a key drawn once per stack, so a seeded simulation stays
/// reproducible where Swift's per-process `Hasher` would not.
public struct SipHash24: Sendable {
    @usableFromInline var v0: UInt64
    @usableFromInline var v1: UInt64
    @usableFromInline var v2: UInt64
    @usableFromInline var v3: UInt64
    @usableFromInline var tail: UInt64 = 0
    @usableFromInline var length: Int = 0

    /// A hasher keyed by the 128-bit key (k0, k1).
    @inlinable
    public init(k0: UInt64, k1: UInt64) {
        v0 = k0 ^ 0x736f_6d65_7073_6575
        v1 = k1 ^ 0x646f_7261_6e64_6f6d
        v2 = k0 ^ 0x6c79_6765_6e65_7261
        v3 = k1 ^ 0x7465_6462_7974_6573
    }

    @inlinable
    mutating func round() {
        v0 &+= v1; v1 = v1.rotated(13); v1 ^= v0; v0 = v0.rotated(32)
        v2 &+= v3; v3 = v3.rotated(16); v3 ^= v2
        v0 &+= v3; v3 = v3.rotated(21); v3 ^= v0
        v2 &+= v1; v1 = v1.rotated(17); v1 ^= v2; v2 = v2.rotated(32)
    }

    @inlinable
    mutating func compress(_ m: UInt64) {
        v3 ^= m
        round()
        round()
        v0 ^= m
    }

    /// Feeds one byte.
    @inlinable
    public mutating func combine(_ byte: UInt8) {
        tail |= UInt64(byte) << UInt64((length & 7) * 8)
        length += 1
        if length & 7 == 0 {
            compress(tail)
            tail = 0
        }
    }

    /// Feeds bytes in order.
    @inlinable
    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { combine(byte) }
    }

    /// Feeds an integer's bytes, little-endian, as the reference code reads words.
    @inlinable
    public mutating func combine<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { combine($0) }
    }

    /// The 64-bit hash of everything fed so far.
    @inlinable
    public func finalize() -> UInt64 {
        var copy = self
        copy.compress(copy.tail | UInt64(truncatingIfNeeded: copy.length) << 56)
        copy.v2 ^= 0xFF
        copy.round()
        copy.round()
        copy.round()
        copy.round()
        return copy.v0 ^ copy.v1 ^ copy.v2 ^ copy.v3
    }
}

extension UInt64 {
    @inlinable
    func rotated(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
