/// IPv6 counters (MIB_IPSTATS for AF_INET6), one per drop reason.
public struct IPv6Statistics: Sendable, Equatable {
    /// Packets handed up by Ethernet.
    public var received: UInt64 = 0
    /// Packets delivered to an upper layer on this host.
    public var delivered: UInt64 = 0
    /// Shorter than the fixed header or than its payload length says.
    public var truncated: UInt64 = 0
    /// Version field not 6.
    public var badVersion: UInt64 = 0
    /// Source multicast, or unspecified on a packet to forward (RFC 4291
    /// §2.5.2), or a destination no node may receive (RFC 4291 §2.7).
    public var badAddress: UInt64 = 0
    /// An extension header chain that could not be walked.
    public var badExtensionHeaders: UInt64 = 0
    /// Dropped by an extension header's verdict (unknown option, routing type, header order).
    public var headerErrors: UInt64 = 0
    /// An upper-layer protocol with no handler.
    public var unknownNextHeader: UInt64 = 0
    /// For an address this host does not hold, with forwarding off.
    public var notForUs: UInt64 = 0
    /// To a tentative address: only Neighbor Discovery may use one (RFC 4862 §5.4).
    public var toTentativeAddress: UInt64 = 0
    /// Fragments received for reassembly.
    public var fragmentsReceived: UInt64 = 0
    /// Fragments the reassembler refused (its statistics say why).
    public var fragmentsDropped: UInt64 = 0
    /// Datagrams put back together.
    public var reassembled: UInt64 = 0
    /// Datagrams that timed out in reassembly.
    public var reassemblyTimeouts: UInt64 = 0
    /// Packets the stack was asked to send.
    public var sendRequests: UInt64 = 0
    /// No route to the destination.
    public var noRoute: UInt64 = 0
    /// No source address may be used toward the destination.
    public var noSourceAddress: UInt64 = 0
    /// Larger than any datagram, or than the path with fragmentation refused.
    public var tooBig: UInt64 = 0
    /// No send buffer.
    public var noBuffer: UInt64 = 0
    /// Datagrams this host fragmented (as the source; routers never do).
    public var fragmented: UInt64 = 0
    /// Fragments built.
    public var fragmentsCreated: UInt64 = 0
    /// Packets forwarded to another interface.
    public var forwarded: UInt64 = 0
    /// Hop limit would reach zero.
    public var hopLimitExceeded: UInt64 = 0
    /// No route while forwarding.
    public var forwardNoRoute: UInt64 = 0
    /// Too big for the next link while forwarding: answered with Packet Too Big.
    public var forwardTooBig: UInt64 = 0
    /// A link-local source or destination that would leave its link.
    public var beyondScope: UInt64 = 0
}
