/// The ARP tunables, with Windows-like defaults.
public struct ARPConfiguration: Sendable, Equatable {
    /// How long a confirmed entry stays Reachable (Windows' ReachableTime, ~30 s).
    public var reachableTime: Duration = .seconds(30)
    /// The wait between requests while resolving (RetransmitTime, 1 s).
    public var retransmitInterval: Duration = .seconds(1)
    /// Requests sent before resolution fails.
    public var maxRequests: Int = 3
    /// How long an unused Stale entry is kept.
    public var staleLifetime: Duration = .seconds(600)
    /// Packets one unresolved neighbour may hold: enough for the fragments
    /// of one 64 KiB datagram, as Linux's unres_qlen_bytes allows.
    public var queueLimitPerEntry: Int = 48
    /// Packets all unresolved neighbours together may hold.
    public var queueLimitTotal: Int = 512
    /// Entries the cache may hold.
    public var cacheLimit: Int = 1024

    public init() {}
}
