import NetCore

/// An address assigned to an interface with its on-link prefix
/// (MIB_UNICASTIPADDRESS_ROW: Address and OnLinkPrefixLength).
public struct UnicastAddress: Hashable, Sendable, CustomStringConvertible {
    /// Address.
    public var address: IPv4Address
    /// The on-link prefix it was assigned with.
    public var prefix: IPv4Prefix

    /// An address with its prefix length, or nil for a length over 32.
    public init?(_ address: IPv4Address, prefixLength: Int) {
        guard let prefix = IPv4Prefix(address: address, length: prefixLength) else { return nil }
        self.address = address
        self.prefix = prefix
    }

    /// The subnet's directed broadcast address, or nil for /31 and /32, which have none.
    public var broadcast: IPv4Address? {
        prefix.length < 31 ? IPv4Address(rawValue: prefix.network.rawValue | ~prefix.mask.rawValue) : nil
    }

    public var description: String { "\(address)/\(prefix.length)" }
}
