import NetCore

/// What one socket claims in the demultiplexer: its local transport address
/// in its own family, whether an IPv6 socket also takes IPv4 (IPV6_V6ONLY
/// off), how it shares the address, and, for a socket with a fixed peer
/// (a connected socket, or SIO_WSK_SET_REMOTE_ADDRESS), the only remote
/// address it receives from.
public struct TransportBinding: Sendable, Equatable {
    /// The socket's address family.
    public var family: AddressFamily
    /// The local address and port; a wildcard address for all local addresses.
    public var local: TransportAddress
    /// IPV6_V6ONLY: an IPv6 socket with it off also takes IPv4 traffic,
    /// which it sees from IPv4-mapped addresses.
    public var v6Only: Bool
    /// SO_REUSEADDR or SO_EXCLUSIVEADDRUSE.
    public var sharing: AddressSharing
    /// The fixed peer, if any: datagrams from anyone else are not for this socket.
    public var remote: TransportAddress?

    /// A binding; `v6Only` is on by default, as in Windows.
    public init(family: AddressFamily, local: TransportAddress, v6Only: Bool = true,
                sharing: AddressSharing = .none, remote: TransportAddress? = nil) {
        self.family = family
        self.local = local
        self.v6Only = v6Only
        self.sharing = sharing
        self.remote = remote
    }

    /// What the binding covers in one address family's space: nothing,
    /// every address (wildcard), or one address.
    enum Coverage: Equatable {
        case none
        case wildcard
        case address(IPv6Address)
    }

    /// The binding's coverage of the IPv4 space.
    var ipv4Coverage: Coverage {
        switch family {
        case .inet:
            return local.isWildcard ? .wildcard : .address(local.address)
        case .inet6:
            if local.address.isUnspecified { return v6Only ? .none : .wildcard }
            return local.isIPv4 && !v6Only ? .address(local.address) : .none
        }
    }

    /// The binding's coverage of the IPv6 space.
    var ipv6Coverage: Coverage {
        guard family == .inet6, !local.isIPv4 else { return .none }
        return local.address.isUnspecified ? .wildcard : .address(local.address)
    }
}
