/// The ai_flags of the ADDRINFOEXW hints WskGetAddressInfo takes, and of
/// the entries it returns (ws2def.h AI_*).
public struct WskAddressInfoFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// AI_PASSIVE: with no node name, the wildcard addresses (0.0.0.0, ::)
    /// to bind to instead of the loopback addresses to connect to.
    public static let passive = WskAddressInfoFlags(rawValue: 0x1)
    /// AI_CANONNAME: the first entry carries the canonical name in ai_canonname.
    public static let canonicalName = WskAddressInfoFlags(rawValue: 0x2)
    /// AI_NUMERICHOST: the node name must be a numeric address; no name is looked up.
    public static let numericHost = WskAddressInfoFlags(rawValue: 0x4)
    /// AI_ADDRCONFIG: IPv4 results only if the host has an IPv4 address, IPv6
    /// results only if it has a global (not link-local) IPv6 address; loopback
    /// addresses do not count.
    public static let addressConfiguration = WskAddressInfoFlags(rawValue: 0x400)
}
