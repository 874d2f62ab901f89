/// An IPv4 network prefix such as 192.0.2.0/24: a route-table or on-link key.
///
/// The address is masked when the prefix is made, so two spellings of the
/// same network (192.0.2.7/24 and 192.0.2.0/24) are equal, hash alike and
/// print alike, and `contains` needs no masking of the prefix's own side.
public struct IPv4Prefix: Hashable, Sendable, LosslessStringConvertible {
    /// The network address: the given address with its host bits cleared.
    public let network: IPv4Address
    @usableFromInline let storedLength: UInt8

    /// The prefix of `length` bits containing `address`, or nil if `length`
    /// is outside 0…32.
    @inlinable
    public init?(address: IPv4Address, length: Int) {
        guard length >= 0 && length <= 32 else { return nil }
        storedLength = UInt8(length)
        network = IPv4Address(rawValue: address.rawValue & IPv4Prefix.maskValue(length))
    }

    /// The number of leading bits that are fixed (0 matches everything: a default route).
    @inlinable
    public var length: Int { Int(storedLength) }

    /// The netmask, e.g. 255.255.255.0 for /24, as a Windows-style tool shows it.
    @inlinable
    public var mask: IPv4Address { IPv4Address(rawValue: IPv4Prefix.maskValue(length)) }

    @inlinable
    static func maskValue(_ length: Int) -> UInt32 {
        // A shift by 32 gives 0 under Swift's smart-shift semantics: /0 masks nothing in.
        ~UInt32(0) << UInt32(32 - length)
    }

    /// Whether `address` lies in this prefix: one AND and one compare, as
    /// route lookup needs.
    @inlinable
    public func contains(_ address: IPv4Address) -> Bool {
        address.rawValue & IPv4Prefix.maskValue(length) == network.rawValue
    }

    /// Whether every address of `other` lies in this prefix, i.e. `other` is
    /// the same or a more specific route.
    @inlinable
    public func contains(_ other: IPv4Prefix) -> Bool {
        other.storedLength >= storedLength && contains(other.network)
    }

    /// Parses CIDR text `a.b.c.d/n`. Host bits in the address are accepted
    /// and cleared; the length is decimal 0–32 without leading zeros, and is
    /// required.
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, IPv4Prefix.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPv4Prefix? {
        guard let slash = AddressText.firstIndex(of: UInt8(ascii: "/"), in: text),
              let address = IPv4Address.parse(AddressText.slice(text, 0, slash)),
              let length = AddressText.parseDecimal(AddressText.slice(text, slash + 1, text.count), max: 32)
        else { return nil }
        return IPv4Prefix(address: address, length: Int(length))
    }

    /// CIDR text of the network address, e.g. `192.0.2.0/24`.
    public var description: String { "\(network)/\(length)" }
}
