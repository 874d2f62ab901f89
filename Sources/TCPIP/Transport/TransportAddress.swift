import NetCore

/// A local or remote transport address as the demultiplexer keeps it: one
/// IPv6-shaped address for both families, IPv4 as IPv4-mapped
/// (::ffff:a.b.c.d), so that a dual-stack IPv6 socket and an IPv4 socket
/// are compared in one address space, as Windows' dual IP layer does.
public struct TransportAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address; IPv4 as IPv4-mapped.
    public var address: IPv6Address
    /// The port.
    public var port: UInt16

    /// An address and port as they are kept.
    @inlinable
    public init(address: IPv6Address, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// An IPv4 address and port, mapped.
    @inlinable
    public init(_ address: IPv4Address, port: UInt16) {
        self.init(address: IPv6Address(ipv4Mapped: address), port: port)
    }

    /// A socket address: IPv4 mapped, IPv6 as it is.
    @inlinable
    public init(_ socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let address, let port): self.init(address, port: port)
        case .v6(let address, let port, _, _): self.init(address: address, port: port)
        }
    }

    /// The IPv4 wildcard (0.0.0.0) as kept: ::ffff:0.0.0.0.
    public static let ipv4Wildcard = IPv6Address(ipv4Mapped: .any)

    /// Whether the address is a wildcard of either family.
    @inlinable
    public var isWildcard: Bool { address.isUnspecified || address == TransportAddress.ipv4Wildcard }

    /// Whether this is an IPv4 address (mapped).
    @inlinable
    public var isIPv4: Bool { address.isIPv4Mapped }

    /// The address as a socket address of `family`: an IPv4 address is
    /// reported to an IPv6 socket in its mapped form (WSK §7).
    @inlinable
    public func socketAddress(for family: AddressFamily) -> SocketAddress {
        if family == .inet, let v4 = address.ipv4Mapped { return .v4(v4, port: port) }
        return .v6(address, port: port)
    }

    public var description: String { "\(socketAddress(for: isIPv4 ? .inet : .inet6))" }
}
