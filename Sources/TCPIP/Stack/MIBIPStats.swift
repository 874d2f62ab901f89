/// MIB_IPSTATS (MIB_IPSTATS_LH): one family's IP counters as IP Helper's
/// GetIpStatisticsEx returns them, from `TCPIPStack.getIpStatistics(family:)`.
///
/// The fields are DWORDs, as in Windows: each counter keeps the low 32 bits
/// of the stack's 64-bit count and wraps as a Counter32 does (RFC 2578).
/// Each field means what its object in MIB-II's ip group (RFC 2011) means,
/// the group MIB_IPSTATS carries over, for either family; which of the
/// stack's counters make it up is told at `getIpStatistics(family:)`.
public struct MIBIPStats: Sendable, Equatable {
    /// dwForwarding (Forwarding): whether the family forwards datagrams.
    public var forwarding: MIBIPStatsForwarding
    /// dwDefaultTTL: the TTL, or hop limit, of datagrams this host originates.
    public var defaultTTL: UInt32
    /// dwInReceives: datagrams received, those in error included.
    public var inReceives: UInt32
    /// dwInHdrErrors: datagrams discarded for errors in their headers
    /// (format, version, checksum, options, TTL or hop limit exceeded).
    public var inHdrErrors: UInt32
    /// dwInAddrErrors: datagrams discarded for an address this host will not
    /// accept: a destination that is not its own when it does not forward,
    /// an address no datagram may carry, or one taken beyond its scope.
    public var inAddrErrors: UInt32
    /// dwForwDatagrams: datagrams this host tried to forward.
    public var forwDatagrams: UInt32
    /// dwInUnknownProtos: datagrams for this host of a protocol nothing here handles.
    public var inUnknownProtos: UInt32
    /// dwInDiscards: sound datagrams received but discarded, for want of
    /// resources. Always 0: the stack handles each datagram as it arrives,
    /// with no receive queue to overflow, so it has no counter to report here.
    public var inDiscards: UInt32
    /// dwInDelivers: datagrams handed to an upper-layer protocol.
    public var inDelivers: UInt32
    /// dwOutRequests: datagrams this host asked IP to send (forwarded ones not included).
    public var outRequests: UInt32
    /// dwRoutingDiscards: valid routing entries discarded, to make room for
    /// others (RFC 2011's ipRoutingDiscards). Always 0: the route table has
    /// no size limit and never discards a valid route, so there is no counter.
    public var routingDiscards: UInt32
    /// dwOutDiscards: sound outgoing datagrams, forwarded ones included,
    /// discarded for want of resources.
    public var outDiscards: UInt32
    /// dwOutNoRoutes: datagrams, sent or forwarded, discarded for want of a route.
    public var outNoRoutes: UInt32
    /// dwReasmTimeout: the seconds fragments are held awaiting reassembly
    /// (a setting, not a counter).
    public var reasmTimeout: UInt32
    /// dwReasmReqds: fragments received that needed reassembly.
    public var reasmReqds: UInt32
    /// dwReasmOks: datagrams reassembled.
    public var reasmOks: UInt32
    /// dwReasmFails: failures of reassembly, whatever the reason (a count of
    /// failures, not necessarily of datagrams).
    public var reasmFails: UInt32
    /// dwFragOks: datagrams fragmented.
    public var fragOks: UInt32
    /// dwFragFails: datagrams discarded because they needed fragmenting and could not be.
    public var fragFails: UInt32
    /// dwFragCreates: fragments made.
    public var fragCreates: UInt32
    /// dwNumIf: interfaces.
    public var numIf: UInt32
    /// dwNumAddr: unicast addresses assigned.
    public var numAddr: UInt32
    /// dwNumRoutes: routes in the route table.
    public var numRoutes: UInt32
}
