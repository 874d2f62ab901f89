import NetCore

/// Helpers for 64-bit IPv6 interface identifiers (RFC 4291 §2.5.1).
public enum InterfaceIdentifier {
    /// The modified EUI-64 identifier of a MAC address (RFC 4291 appendix A):
    /// ff:fe inserted in the middle and the universal/local bit inverted, so
    /// a burned-in MAC gives an identifier marked as globally unique. The
    /// same derivation as `IPv6Address.linkLocal(eui64From:)`, for prefixes
    /// other than fe80::/64.
    @inlinable
    public static func modifiedEUI64(_ mac: MACAddress) -> UInt64 {
        let oui = mac.rawValue >> 24
        let nic = mac.rawValue & 0xFF_FFFF
        return (oui << 40 | 0xFF_FE00_0000 | nic) ^ (0x02 << 56)
    }

    /// Whether `identifier` is one of the reserved interface identifiers of
    /// RFC 5453 and the IANA registry it set up, which a generated
    /// identifier must not take (RFC 7217 §5, RFC 8981 §3.3.1):
    ///
    /// - 0000:0000:0000:0000, the Subnet-Router anycast address (RFC 4291 §2.6.1);
    /// - 0200:5eff:fe00:0000–0200:5eff:feff:ffff, the modified EUI-64 form of
    ///   IANA's own Ethernet block (RFC 4291, RFC 7042), 0200:5eff:fe00:5213
    ///   being Proxy Mobile IPv6's (RFC 6543);
    /// - fdff:ffff:ffff:ff80–fdff:ffff:ffff:ffff, the reserved subnet anycast
    ///   addresses (RFC 2526).
    @inlinable
    public static func isReserved(_ identifier: UInt64) -> Bool {
        identifier == 0
            || identifier >> 24 == 0x0200_5EFF_FE
            || identifier >= 0xFDFF_FFFF_FFFF_FF80 && identifier <= 0xFDFF_FFFF_FFFF_FFFF
    }
}
