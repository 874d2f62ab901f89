import NetCore

/// One entry of the IPv6 route table (MIB_IPFORWARD_ROW2 with an AF_INET6
/// DestinationPrefix): a prefix reached on-link or through a next hop, over
/// an interface, possibly only until a Router Advertisement's lifetime runs out.
public struct IPv6Route: Hashable, Sendable, CustomStringConvertible {
    /// DestinationPrefix.
    public var destination: IPv6Prefix
    /// NextHop: nil when the destination is on-link. A learnt default route's
    /// next hop is the router's link-local address (RFC 4861 §6.1.2), so it
    /// only means something together with `interfaceIndex`.
    public var nextHop: IPv6Address?
    /// InterfaceIndex.
    public var interfaceIndex: UInt32
    /// Metric: among routes of equal prefix length, the lowest wins.
    public var metric: UInt32
    /// When the route stops being valid (ValidLifetime as a deadline): set for
    /// routes learnt from Router Advertisements — the default router
    /// lifetime (RFC 4861 §6.3.4), an on-link prefix's valid lifetime
    /// (§6.3.4) or a Route Information option (RFC 4191) — so that they
    /// vanish when the router stops advertising them. Nil is infinite, as
    /// for manual routes.
    public var expires: Instant?

    /// A route; `expires` nil keeps it until it is removed.
    public init(destination: IPv6Prefix, nextHop: IPv6Address? = nil, interfaceIndex: UInt32,
                metric: UInt32 = 256, expires: Instant? = nil) {
        self.destination = destination
        self.nextHop = nextHop
        self.interfaceIndex = interfaceIndex
        self.metric = metric
        self.expires = expires
    }

    /// Whether the route's lifetime has run out at `now`: a deadline is the
    /// first instant at which the route is no longer valid.
    @inlinable
    public func isExpired(at now: Instant) -> Bool {
        expires.map { $0 <= now } ?? false
    }

    /// `route print` style, with the deadline when there is one.
    public var description: String {
        let via = nextHop.map { "\($0)" } ?? "on-link"
        let until = expires.map { " until \($0)" } ?? ""
        return "\(destination) via \(via) if \(interfaceIndex) metric \(metric)\(until)"
    }
}
