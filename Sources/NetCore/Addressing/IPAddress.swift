/// An IPv4 or IPv6 address, for the places where either may appear: socket
/// addresses, configuration, and dual-stack lookups.
public enum IPAddress: Hashable, Sendable, LosslessStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// The family, to pick the protocol and address length without a switch.
    @inlinable
    public var family: AddressFamily {
        switch self {
        case .v4: return .inet
        case .v6: return .inet6
        }
    }

    /// Whether this is the family's wildcard address (0.0.0.0 or ::).
    @inlinable
    public var isUnspecified: Bool {
        switch self {
        case .v4(let a): return a.isUnspecified
        case .v6(let a): return a.isUnspecified
        }
    }

    /// Whether this is a loopback address (127/8 or ::1).
    @inlinable
    public var isLoopback: Bool {
        switch self {
        case .v4(let a): return a.isLoopback
        case .v6(let a): return a.isLoopback
        }
    }

    /// Whether this is a multicast address (224/4 or ff00::/8).
    @inlinable
    public var isMulticast: Bool {
        switch self {
        case .v4(let a): return a.isMulticast
        case .v6(let a): return a.isMulticast
        }
    }

    /// Parses a dotted quad or any IPv6 text form; a colon decides which,
    /// since no IPv4 form contains one.
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, IPAddress.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if AddressText.firstIndex(of: UInt8(ascii: ":"), in: text) != nil {
            return IPv6Address.parse(text).map(IPAddress.v6)
        }
        return IPv4Address.parse(text).map(IPAddress.v4)
    }

    /// The address in its family's canonical form.
    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }
}
