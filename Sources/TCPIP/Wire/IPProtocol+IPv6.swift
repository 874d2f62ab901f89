/// The IPv6 extension-header numbers (RFC 8200 §4), which share the
/// Next Header space with upper-layer protocols; kept apart from the IPv4
/// list because only an IPv6 walker treats them as headers to step over.
extension IPProtocol {
    /// Hop-by-Hop Options (IPPROTO_HOPOPTS): examined by every node on the
    /// path, so RFC 8200 §4.3 allows it only straight after the fixed header.
    public static let hopByHopOptions = IPProtocol(rawValue: 0)
    /// Routing header (IPPROTO_ROUTING, RFC 8200 §4.4).
    public static let routing = IPProtocol(rawValue: 43)
    /// Fragment header (IPPROTO_FRAGMENT, RFC 8200 §4.5).
    public static let fragment = IPProtocol(rawValue: 44)
    /// No Next Header (IPPROTO_NONE, RFC 8200 §4.7): whatever follows is ignored.
    public static let noNextHeader = IPProtocol(rawValue: 59)
    /// Destination Options (IPPROTO_DSTOPTS, RFC 8200 §4.6).
    public static let destinationOptions = IPProtocol(rawValue: 60)

    /// Whether this number names an extension header the IPv6 walker steps
    /// over (hop-by-hop, routing, fragment, destination options) rather than
    /// a protocol that ends the chain.
    @inlinable
    public var isIPv6ExtensionHeader: Bool {
        self == .hopByHopOptions || self == .routing || self == .fragment || self == .destinationOptions
    }
}
