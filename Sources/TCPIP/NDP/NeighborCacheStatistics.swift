/// Neighbor Cache counters, each by its reason, in the spirit of the
/// per-interface neighbour counters of `netsh interface ipv6 show`.
public struct NeighborCacheStatistics: Sendable, Equatable {
    /// Multicast Neighbor Solicitations asked for (address resolution, RFC 4861 §7.2.2).
    public var multicastSolicitations: UInt64 = 0
    /// Unicast Neighbor Solicitations asked for (Neighbor Unreachability Detection probes, §7.3.3).
    public var unicastSolicitations: UInt64 = 0
    /// INCOMPLETE entries that got a link-layer address.
    public var resolutionsSucceeded: UInt64 = 0
    /// INCOMPLETE entries deleted after MAX_MULTICAST_SOLICIT unanswered solicitations.
    public var resolutionFailures: UInt64 = 0
    /// PROBE entries deleted after MAX_UNICAST_SOLICIT unanswered solicitations.
    public var probeFailures: UInt64 = 0
    /// Packets put in an INCOMPLETE entry's queue.
    public var packetsQueued: UInt64 = 0
    /// Queued packets released for transmission once the address was resolved.
    public var queuedPacketsSent: UInt64 = 0
    /// Packets discarded because a queue limit (per entry or total) was reached.
    public var droppedQueueLimit: UInt64 = 0
    /// Packets discarded because the cache was full and nothing could be evicted.
    public var droppedCacheFull: UInt64 = 0
    /// Queued packets handed back in `.unreachable` because resolution failed.
    public var droppedUnresolved: UInt64 = 0
    /// Entries created.
    public var entriesCreated: UInt64 = 0
    /// Entries evicted to make room for a new one.
    public var entriesEvicted: UInt64 = 0
    /// STALE entries deleted after `staleLifetime` unused.
    public var entriesGarbageCollected: UInt64 = 0
    /// Neighbor Advertisements for which no entry exists, or that carried
    /// nothing usable for an INCOMPLETE entry, silently discarded (§7.2.5).
    public var advertisementsIgnored: UInt64 = 0
    /// Routers whose IsRouter flag a Neighbor Advertisement cleared.
    public var routersBecameHosts: UInt64 = 0
    /// Transitions into REACHABLE.
    public var toReachable: UInt64 = 0
    /// Transitions into STALE (from any state, or entries created STALE).
    public var toStale: UInt64 = 0
    /// Transitions into DELAY.
    public var toDelay: UInt64 = 0
    /// Transitions into PROBE.
    public var toProbe: UInt64 = 0

    /// All zero.
    public init() {}
}
