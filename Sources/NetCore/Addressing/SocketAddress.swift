/// A transport endpoint: SOCKADDR_IN / SOCKADDR_IN6.
///
/// An enum rather than a raw sockaddr so that an IPv6 scope or flow label can
/// never be attached to an IPv4 endpoint, and so that endpoints hash and
/// compare by value in connection tables.
public enum SocketAddress: Hashable, Sendable, LosslessStringConvertible {
    /// SOCKADDR_IN: an IPv4 address and port.
    case v4(IPv4Address, port: UInt16)
    /// SOCKADDR_IN6: an IPv6 address and port, plus the scope id (interface
    /// index) that a link-local address needs to be unambiguous, and the
    /// flow information carried in the header.
    case v6(IPv6Address, port: UInt16, scopeID: UInt32 = 0, flowInfo: UInt32 = 0)

    /// The endpoint `ip`:`port`, with no scope or flow information.
    @inlinable
    public init(_ ip: IPAddress, port: UInt16) {
        switch ip {
        case .v4(let a): self = .v4(a, port: port)
        case .v6(let a): self = .v6(a, port: port)
        }
    }

    /// The transport port; settable so a bind can fill in an ephemeral port.
    @inlinable
    public var port: UInt16 {
        get {
            switch self {
            case .v4(_, let port): return port
            case .v6(_, let port, _, _): return port
            }
        }
        set {
            switch self {
            case .v4(let a, _): self = .v4(a, port: newValue)
            case .v6(let a, _, let scope, let flow): self = .v6(a, port: newValue, scopeID: scope, flowInfo: flow)
            }
        }
    }

    /// The address without port, scope or flow information.
    @inlinable
    public var ip: IPAddress {
        switch self {
        case .v4(let a, _): return .v4(a)
        case .v6(let a, _, _, _): return .v6(a)
        }
    }

    /// The family, as the `sin_family` / `sin6_family` field would hold it.
    @inlinable
    public var family: AddressFamily {
        switch self {
        case .v4: return .inet
        case .v6: return .inet6
        }
    }

    /// The IPv6 scope id (interface index); 0 for IPv4 and for unscoped addresses.
    @inlinable
    public var scopeID: UInt32 {
        switch self {
        case .v4: return 0
        case .v6(_, _, let scope, _): return scope
        }
    }

    /// The IPv6 flow information; 0 for IPv4.
    @inlinable
    public var flowInfo: UInt32 {
        switch self {
        case .v4: return 0
        case .v6(_, _, _, let flow): return flow
        }
    }

    /// Parses `a.b.c.d:port`, `[ipv6]:port` or `[ipv6%scope]:port`.
    ///
    /// The port is required, decimal 0–65535 without leading zeros. The scope
    /// must be a numeric interface index: interface names would need the
    /// interface table, which this layer does not have. Flow information has
    /// no text form and is always 0.
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, SocketAddress.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> SocketAddress? {
        let n = text.count
        guard n > 0 else { return nil }
        if text[0] == UInt8(ascii: "[") {
            guard let close = AddressText.firstIndex(of: UInt8(ascii: "]"), in: text),
                  close + 1 < n, text[close + 1] == UInt8(ascii: ":"),
                  let port = AddressText.parseDecimal(AddressText.slice(text, close + 2, n), max: 65535)
            else { return nil }
            let inside = AddressText.slice(text, 1, close)
            var scope: UInt32 = 0
            var addressEnd = inside.count
            if let percent = AddressText.firstIndex(of: UInt8(ascii: "%"), in: inside) {
                guard let parsedScope = AddressText.parseDecimal(
                    AddressText.slice(inside, percent + 1, inside.count), max: UInt32.max)
                else { return nil }
                scope = parsedScope
                addressEnd = percent
            }
            guard let address = IPv6Address.parse(AddressText.slice(inside, 0, addressEnd)) else { return nil }
            return .v6(address, port: UInt16(port), scopeID: scope)
        }
        guard let colon = AddressText.firstIndex(of: UInt8(ascii: ":"), in: text),
              let address = IPv4Address.parse(AddressText.slice(text, 0, colon)),
              let port = AddressText.parseDecimal(AddressText.slice(text, colon + 1, n), max: 65535)
        else { return nil }
        return .v4(address, port: UInt16(port))
    }

    /// `a.b.c.d:port`, or `[ipv6]:port` with `%scope` inside the brackets
    /// when the scope id is non-zero, the forms `init?(_:)` accepts.
    public var description: String {
        switch self {
        case .v4(let a, let port):
            return "\(a):\(port)"
        case .v6(let a, let port, let scope, _):
            return scope == 0 ? "[\(a)]:\(port)" : "[\(a)%\(scope)]:\(port)"
        }
    }
}
