/// MIB_IPSTATS_FORWARDING: whether a family forwards datagrams, as
/// `MIBIPStats.forwarding` reports it.
public enum MIBIPStatsForwarding: UInt32, Sendable, Equatable {
    /// MIB_IP_FORWARDING: this host forwards datagrams for others.
    case forwarding = 1
    /// MIB_IP_NOT_FORWARDING: this host forwards nothing.
    case notForwarding = 2
}
