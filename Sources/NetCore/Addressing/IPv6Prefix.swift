/// An IPv6 network prefix such as 2001:db8::/32: a route-table, on-link or
/// SLAAC prefix key.
///
/// The address is masked when the prefix is made, so two spellings of the
/// same network are equal, hash alike and print alike, and `contains` needs
/// no masking of the prefix's own side.
public struct IPv6Prefix: Hashable, Sendable, LosslessStringConvertible {
    /// The network address: the given address with its host bits cleared.
    public let network: IPv6Address
    @usableFromInline let storedLength: UInt8

    /// The prefix of `length` bits containing `address`, or nil if `length`
    /// is outside 0…128.
    @inlinable
    public init?(address: IPv6Address, length: Int) {
        guard length >= 0 && length <= 128 else { return nil }
        storedLength = UInt8(length)
        let (maskHigh, maskLow) = IPv6Prefix.maskValues(length)
        network = IPv6Address(high: address.high & maskHigh, low: address.low & maskLow)
    }

    /// The number of leading bits that are fixed (0 matches everything: a default route).
    @inlinable
    public var length: Int { Int(storedLength) }

    /// The mask as an address (ffff:ffff:ffff:ffff:: for /64).
    @inlinable
    public var mask: IPv6Address {
        let (maskHigh, maskLow) = IPv6Prefix.maskValues(length)
        return IPv6Address(high: maskHigh, low: maskLow)
    }

    /// ::/0, the default route's destination.
    public static let defaultRoute = IPv6Prefix(address: .unspecified, length: 0)!
    /// fe80::/64, the link-local prefix every interface is on (RFC 4291 §2.5.6).
    public static let linkLocal = IPv6Prefix(address: IPv6Address(high: 0xFE80_0000_0000_0000, low: 0), length: 64)!
    /// ff00::/8, every multicast group.
    public static let multicast = IPv6Prefix(address: IPv6Address(high: 0xFF00_0000_0000_0000, low: 0), length: 8)!

    @inlinable
    static func maskValues(_ length: Int) -> (UInt64, UInt64) {
        // Shifts of 64 or more give 0 under Swift's smart-shift semantics.
        let all = ~UInt64(0)
        if length <= 64 { return (all << UInt64(64 - length), 0) }
        return (all, all << UInt64(128 - length))
    }

    /// Whether `address` lies in this prefix: two ANDs and two compares, as
    /// route lookup needs.
    @inlinable
    public func contains(_ address: IPv6Address) -> Bool {
        let (maskHigh, maskLow) = IPv6Prefix.maskValues(length)
        return address.high & maskHigh == network.high && address.low & maskLow == network.low
    }

    /// Whether every address of `other` lies in this prefix, i.e. `other` is
    /// the same or a more specific route.
    @inlinable
    public func contains(_ other: IPv6Prefix) -> Bool {
        other.storedLength >= storedLength && contains(other.network)
    }

    /// Parses CIDR text `addr/n` with any IPv6 text form before the slash.
    /// Host bits are accepted and cleared; the length is decimal 0–128
    /// without leading zeros, and is required.
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, IPv6Prefix.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPv6Prefix? {
        guard let slash = AddressText.firstIndex(of: UInt8(ascii: "/"), in: text),
              let address = IPv6Address.parse(AddressText.slice(text, 0, slash)),
              let length = AddressText.parseDecimal(AddressText.slice(text, slash + 1, text.count), max: 128)
        else { return nil }
        return IPv6Prefix(address: address, length: Int(length))
    }

    /// CIDR text of the network address in RFC 5952 form, e.g. `2001:db8::/32`.
    public var description: String { "\(network)/\(length)" }
}
