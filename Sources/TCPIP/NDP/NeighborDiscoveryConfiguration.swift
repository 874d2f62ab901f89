/// The Neighbor Discovery protocol constants and host variables of RFC 4861
/// §10 and §6.3.2 that the Neighbor Cache uses, with Windows-like defaults
/// (`netsh interface ipv6 show interface`: Base Reachable Time 30000 ms,
/// Retransmission Interval 1000 ms; `show global`: Neighbor Cache Limit 256).
public struct NeighborDiscoveryConfiguration: Sendable, Equatable {
    /// BaseReachableTime (RFC 4861 §6.3.2, REACHABLE_TIME of §10): the mean
    /// of the randomized ReachableTime; a Router Advertisement may change it.
    public var baseReachableTime: Duration = .seconds(30)
    /// MIN_RANDOM_FACTOR (§10): the lower bound of ReachableTime as a
    /// fraction of BaseReachableTime. Randomizing keeps neighbours that
    /// started together from probing in lockstep.
    public var minRandomFactor: Double = 0.5
    /// MAX_RANDOM_FACTOR (§10): the upper bound of ReachableTime as a
    /// fraction of BaseReachableTime.
    public var maxRandomFactor: Double = 1.5
    /// How often ReachableTime is drawn again even when BaseReachableTime
    /// does not change: §6.3.4 asks for "at least every few hours" so that a
    /// node does not stay with one unlucky draw for ever.
    public var reachableTimeRecomputeInterval: Duration = .seconds(2 * 3600)
    /// RetransTimer (§6.3.2, RETRANS_TIMER of §10): the wait between
    /// retransmitted Neighbor Solicitations; a Router Advertisement may change it.
    public var retransTimer: Duration = .seconds(1)
    /// DELAY_FIRST_PROBE_TIME (§10): how long DELAY waits for an upper-layer
    /// confirmation before probing.
    public var delayFirstProbeTime: Duration = .seconds(5)
    /// MAX_MULTICAST_SOLICIT (§10): multicast Neighbor Solicitations sent
    /// while INCOMPLETE before address resolution fails.
    public var maxMulticastSolicit: Int = 3
    /// MAX_UNICAST_SOLICIT (§10): unicast Neighbor Solicitations sent in
    /// PROBE before the entry is deleted.
    public var maxUnicastSolicit: Int = 3
    /// Packets one INCOMPLETE entry may queue (§7.2.2 leaves the limit to
    /// the implementation): enough for the fragments of one 64 KiB datagram,
    /// as the ARP cache allows. On overflow the oldest is replaced.
    public var queueLimitPerEntry: Int = 48
    /// Packets all INCOMPLETE entries together may queue, so that a scan of
    /// many dead addresses cannot tie up the send pool.
    public var queueLimitTotal: Int = 512
    /// Neighbor Cache entries held at most (Windows' Neighbor Cache Limit).
    /// A new entry first evicts a STALE one (§7.3.1 lets unused entries go).
    public var cacheLimit: Int = 256
    /// How long an entry may sit unused in STALE before it is garbage
    /// collected (RFC 4861 §7.3.1 leaves this to the implementation).
    public var staleLifetime: Duration = .seconds(600)

    /// The defaults above.
    public init() {}
}
