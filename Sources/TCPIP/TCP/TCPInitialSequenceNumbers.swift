import NetCore

/// Initial sequence numbers as RFC 6528 §3 recommends: ISN = M + F(localip,
/// localport, remoteip, remoteport, secretkey), with M a timer ticking every
/// 4 microseconds and F a keyed hash of the connection's 4-tuple. Each
/// 4-tuple gets its own sequence space that still advances with time, as
/// RFC 9293 §3.4.1 needs to keep old duplicates out of a new incarnation,
/// while an off-path attacker who sees the ISNs of its own connections
/// learns nothing about another 4-tuple's (RFC 6528 §2).
public struct TCPInitialSequenceNumbers: Sendable {
    /// SipHash-2-4 already keyed with the secret: copying it starts a hash.
    @usableFromInline let keyed: SipHash24

    /// A generator with the 128-bit secret key (k0, k1), drawn once per stack
    /// (RFC 6528 §3 asks for a key chosen at boot, not derivable by others).
    @inlinable
    public init(k0: UInt64, k1: UInt64) {
        keyed = SipHash24(k0: k0, k1: k1)
    }

    /// ISN = M + F(localip, localport, remoteip, remoteport, secretkey): M a
    /// 4-microsecond timer (now.nanoseconds / 4000, truncated to 32 bits), F
    /// = SipHash-2-4 keyed with the secret over the 4-tuple (addresses as
    /// 16-byte IPv6/IPv4-mapped), truncated to 32 bits.
    @inlinable
    public func next(local: TransportAddress, remote: TransportAddress, now: Instant) -> TCPSeq {
        var hasher = keyed
        hasher.combine(local.address.high)
        hasher.combine(local.address.low)
        hasher.combine(local.port)
        hasher.combine(remote.address.high)
        hasher.combine(remote.address.low)
        hasher.combine(remote.port)
        let timer = UInt32(truncatingIfNeeded: now.nanoseconds / 4_000)
        return TCPSeq(timer &+ UInt32(truncatingIfNeeded: hasher.finalize()))
    }
}
