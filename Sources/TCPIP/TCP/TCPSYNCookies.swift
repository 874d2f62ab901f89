import NetCore

/// SYN cookies (RFC 4987 §3.6): when a listener's SYN queue is full, it
/// answers a SYN without keeping any state, encoding what it must remember
/// into the initial sequence number of its SYN-ACK, and rebuilds the
/// connection from the ACK that echoes that number back. A flood of SYNs
/// from forged addresses then costs the listener nothing it has to hold.
///
/// The 32 bits of a cookie, most significant first:
///
///     31–30  the period counter modulo 4 (periods of 64 s)
///     29–27  index of the peer's MSS in `mssTable`
///     26–23  the peer's window shift, 0–14; 15 when the SYN had none
///     22     SACK-Permitted
///     21–0   MAC: SipHash-2-4 keyed with the secret over the 4-tuple,
///            the SYN's sequence number, the whole 32-bit period counter
///            and bits 29–22, truncated to 22 bits
///
/// The two counter bits tell the decoder which of the three acceptable
/// periods (the current and the two before) the cookie claims, so checking
/// an ACK costs one hash; an attacker guessing a cookie for a given 4-tuple
/// and SYN sequence number succeeds with probability 2⁻²² per try. A cookie
/// lives between 128 and 192 s, depending on where in its period it was
/// made — far longer than a handshake's round trip, short enough that a
/// captured cookie is soon useless.
public struct TCPSYNCookies: Sendable {
    /// SipHash-2-4 already keyed with the secret: copying it starts a hash.
    @usableFromInline let keyed: SipHash24

    /// Cookies under the 128-bit secret key (k0, k1), drawn once per stack
    /// and never shared with the ISN generator's.
    @inlinable
    public init(k0: UInt64, k1: UInt64) {
        keyed = SipHash24(k0: k0, k1: k1)
    }

    /// The 8 MSS values a cookie can carry (3 bits), ascending: the IPv4 and
    /// IPv6 minimums (536, 1220), common tunnel and PPPoE sizes, Ethernet's
    /// 1460, and the FDDI and 9000-byte jumbo-frame sizes.
    public static let mssTable: [UInt16] = [536, 1220, 1300, 1440, 1452, 1460, 4312, 8960]

    /// How long one period of the counter lasts.
    @usableFromInline static let periodNanoseconds: Int64 = 64_000_000_000
    /// The most periods a cookie may have aged: the current and the two before are accepted.
    @usableFromInline static let maximumAge: UInt32 = 2
    /// Bits 21–0.
    @usableFromInline static let macMask: UInt32 = 0x003F_FFFF
    /// The window-scale field's value for "the SYN had no Window Scale option".
    @usableFromInline static let noWindowScale: UInt32 = 15
    /// RFC 7323 §2.3: the largest shift; a larger one is taken as 14.
    @usableFromInline static let maximumWindowScale: UInt8 = 14

    /// The ISN for a SYN-ACK sent without keeping state for the SYN (SYN
    /// queue full). `peerSequence` is the SYN's sequence number.
    ///
    /// The MSS is rounded down to the table entry at or below it; an MSS
    /// below the smallest entry is carried as 536, the size every IPv4 host
    /// must accept (RFC 9293 §3.7.1), as Linux does. A window shift above 14
    /// is carried as 14 (RFC 7323 §2.3).
    @inlinable
    public func encode(local: TransportAddress, remote: TransportAddress, peerSequence: TCPSeq,
                       parameters: TCPSYNCookieParameters, now: Instant) -> TCPSeq {
        var mssIndex = 0
        for (index, entry) in TCPSYNCookies.mssTable.enumerated() where entry <= parameters.maximumSegmentSize {
            mssIndex = index
        }
        let windowScale = parameters.windowScale.map { UInt32(Swift.min($0, TCPSYNCookies.maximumWindowScale)) }
            ?? TCPSYNCookies.noWindowScale
        let parameterBits = UInt32(mssIndex) << 5 | windowScale << 1 | (parameters.sackPermitted ? 1 : 0)
        let counter = TCPSYNCookies.counter(now)
        let mac = self.mac(local: local, remote: remote, peerSequence: peerSequence, counter: counter,
                           parameterBits: parameterBits)
        return TCPSeq((counter & 3) << 30 | parameterBits << 22 | mac)
    }

    /// Checks the ACK that completes a cookie handshake: `cookie` is
    /// SEG.ACK − 1, `peerSequence` is SEG.SEQ − 1. Returns the parameters
    /// when the cookie is authentic and at most 2 periods of 64 s old (the
    /// current period and the two before), else nil.
    @inlinable
    public func decode(cookie: TCPSeq, local: TransportAddress, remote: TransportAddress, peerSequence: TCPSeq,
                       now: Instant) -> TCPSYNCookieParameters? {
        let current = TCPSYNCookies.counter(now)
        let age = (current &- (cookie.rawValue >> 30)) & 3
        guard age <= TCPSYNCookies.maximumAge else { return nil }
        let parameterBits = (cookie.rawValue >> 22) & 0xFF
        let expected = mac(local: local, remote: remote, peerSequence: peerSequence, counter: current &- age,
                           parameterBits: parameterBits)
        guard cookie.rawValue & TCPSYNCookies.macMask == expected else { return nil }
        let windowScale = (parameterBits >> 1) & 0xF
        return TCPSYNCookieParameters(
            maximumSegmentSize: TCPSYNCookies.mssTable[Int(parameterBits >> 5)],
            windowScale: windowScale == TCPSYNCookies.noWindowScale ? nil : UInt8(windowScale),
            sackPermitted: parameterBits & 1 != 0)
    }

    /// The 64-second period `now` falls in, counted from the clock's epoch
    /// (rounding down, also before it) and truncated to 32 bits.
    @inlinable
    static func counter(_ now: Instant) -> UInt32 {
        var periods = now.nanoseconds / periodNanoseconds
        if now.nanoseconds % periodNanoseconds < 0 { periods -= 1 }
        return UInt32(truncatingIfNeeded: periods)
    }

    /// The 22-bit MAC over everything the cookie vouches for.
    @inlinable
    func mac(local: TransportAddress, remote: TransportAddress, peerSequence: TCPSeq, counter: UInt32,
             parameterBits: UInt32) -> UInt32 {
        var hasher = keyed
        hasher.combine(local.address.high)
        hasher.combine(local.address.low)
        hasher.combine(local.port)
        hasher.combine(remote.address.high)
        hasher.combine(remote.address.low)
        hasher.combine(remote.port)
        hasher.combine(peerSequence.rawValue)
        hasher.combine(counter)
        hasher.combine(parameterBits)
        return UInt32(truncatingIfNeeded: hasher.finalize()) & TCPSYNCookies.macMask
    }
}
