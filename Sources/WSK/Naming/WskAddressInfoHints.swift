import NetCore

/// The Hints argument of WskGetAddressInfo: the ai_flags, ai_family,
/// ai_socktype and ai_protocol of an ADDRINFOEXW whose other fields are
/// zero, as Windows requires of hints.
public struct WskAddressInfoHints: Sendable, Hashable {
    /// ai_flags.
    public var flags: WskAddressInfoFlags
    /// ai_family: the family wanted, or nil for AF_UNSPEC (both).
    public var family: AddressFamily?
    /// ai_socktype: copied into every entry; nil (0) for any. It also picks
    /// which protocol a service name is looked up under (SOCK_STREAM → tcp,
    /// SOCK_DGRAM → udp).
    public var socketType: WskSocketType?
    /// ai_protocol: copied into every entry; 0 for any.
    public var protocolNumber: UInt32

    /// Hints; the defaults are those of no hints at all.
    public init(flags: WskAddressInfoFlags = [], family: AddressFamily? = nil, socketType: WskSocketType? = nil,
                protocolNumber: UInt32 = 0) {
        self.flags = flags
        self.family = family
        self.socketType = socketType
        self.protocolNumber = protocolNumber
    }
}
