/// MIB_ICMP_EX: one family's ICMP counters as IP Helper's
/// GetIcmpStatisticsEx returns them, from
/// `TCPIPStack.getIcmpStatistics(family:)`; for AF_INET6 they are ICMPv6's,
/// Neighbor Discovery included.
public struct MIBICMPStatsEx: Sendable, Equatable {
    /// icmpInStats: messages received.
    public var icmpInStats: MIBICMPStats
    /// icmpOutStats: messages sent.
    public var icmpOutStats: MIBICMPStats
}
