import NetCore

/// RFC 7217 stable, semantically opaque interface identifiers: the same
/// address every time a host attaches to the same network with the same
/// interface, a different and unlinkable one on every other network — what
/// Windows forms for SLAAC instead of exposing its MAC through EUI-64.
///
/// RFC 7217 §5 computes RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter,
/// secret_key) with F a pseudorandom function, and takes the identifier from
/// its leftmost bits. F here is SipHash-2-4 with `secret_key` as its 128-bit
/// key, for three reasons: it is a PRF (the property §5 asks of F, which
/// names SHA-1 and SHA-256 only as examples), its 64-bit output is exactly
/// one interface identifier, so nothing is truncated, and it is already in
/// NetCore, whereas a SHA-2 would be the stack's first cryptographic
/// dependency. A key of at least 128 bits is what §5 requires of
/// `secret_key`. A Windows host therefore gets the same identifiers as this
/// one only by chance: the construction is RFC 7217's, the function is not
/// Microsoft's (which is undocumented).
public struct StableInterfaceIdentifierGenerator: Sendable {
    /// secret_key, as the SipHash key halves: drawn once per host and kept
    /// across restarts, or the addresses would not be stable. Not public: the
    /// key is what keeps the identifiers unpredictable to others.
    let k0: UInt64
    let k1: UInt64

    /// A generator with the 128-bit secret key (k0, k1).
    public init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// The identifier for `prefix` on the interface `netIface` and the
    /// network `networkID`, and the DAD counter it was finally made with.
    ///
    /// - Parameters:
    ///   - prefix: the Prefix Information option's prefix (Prefix).
    ///   - netIface: a stable name for the interface (Net_Iface): the
    ///     interface's NET_LUID serves, being 64 bits and persistent across
    ///     reboots, where the interface index is not.
    ///   - networkID: an optional network name (Network_ID), e.g. a Wi-Fi
    ///     SSID, so that two networks using the same prefix still differ.
    ///   - dadCounter: DAD_Counter: 0 at first, one more after each address
    ///     DAD found to be a duplicate (RFC 7217 §6, at most IDGEN_RETRIES).
    /// - Returns: the identifier, and the counter after any bumps: a result
    ///   that falls on a reserved identifier (RFC 5453) is discarded and the
    ///   counter incremented, as RFC 7217 §5 prescribes, so a later DAD retry
    ///   must continue from the counter returned, not the one passed.
    public func identifier(prefix: IPv6Prefix, netIface: UInt64, networkID: [UInt8] = [],
                           dadCounter: UInt32 = 0) -> (identifier: UInt64, dadCounter: UInt32) {
        Self.firstAcceptable(from: dadCounter) { counter in
            rid(prefix: prefix, netIface: netIface, networkID: networkID, dadCounter: counter)
        }
    }

    /// The full address for `prefix` (RFC 4862 §5.5.3 with an RFC 7217
    /// identifier), with the DAD counter used; nil for a prefix longer than 64.
    public func address(prefix: IPv6Prefix, netIface: UInt64, networkID: [UInt8] = [],
                        dadCounter: UInt32 = 0) -> (address: IPv6Address, dadCounter: UInt32)? {
        guard prefix.length <= 64 else { return nil }
        let (iid, counter) = identifier(prefix: prefix, netIface: netIface, networkID: networkID, dadCounter: dadCounter)
        return (IPv6Address(prefix: prefix, interfaceIdentifier: iid)!, counter)
    }

    /// F itself. Every field goes in at a fixed width, and Network_ID with
    /// its length, so no two different inputs feed the same bytes.
    func rid(prefix: IPv6Prefix, netIface: UInt64, networkID: [UInt8], dadCounter: UInt32) -> UInt64 {
        var hasher = SipHash24(k0: k0, k1: k1)
        hasher.combine(prefix.network.high)
        hasher.combine(prefix.network.low)
        hasher.combine(UInt8(prefix.length))
        hasher.combine(netIface)
        hasher.combine(UInt32(networkID.count))
        for byte in networkID { hasher.combine(byte) }
        hasher.combine(dadCounter)
        return hasher.finalize()
    }

    /// The first of `hash(counter)`, `hash(counter + 1)`, … that is not a
    /// reserved identifier. Separate from the hash so that tests can force
    /// reserved values, which SipHash yields with probability about 2⁻⁵⁷.
    static func firstAcceptable(from counter: UInt32, _ hash: (UInt32) -> UInt64) -> (identifier: UInt64, dadCounter: UInt32) {
        var counter = counter
        while true {
            let candidate = hash(counter)
            if !InterfaceIdentifier.isReserved(candidate) { return (candidate, counter) }
            counter &+= 1
        }
    }
}
