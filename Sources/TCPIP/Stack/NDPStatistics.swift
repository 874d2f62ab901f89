/// Neighbor Discovery and autoconfiguration counters, for all interfaces
/// together. The neighbour caches' own counters (resolutions, NUD state
/// changes) are in each interface's `neighborCacheStatistics`.
public struct NDPStatistics: Sendable, Equatable {
    public var neighborSolicitationsIn: UInt64 = 0
    public var neighborAdvertisementsIn: UInt64 = 0
    public var routerSolicitationsIn: UInt64 = 0
    public var routerAdvertisementsIn: UInt64 = 0
    public var redirectsIn: UInt64 = 0
    public var neighborSolicitationsOut: UInt64 = 0
    public var neighborAdvertisementsOut: UInt64 = 0
    public var routerSolicitationsOut: UInt64 = 0
    public var routerAdvertisementsOut: UInt64 = 0
    /// A message that failed its RFC 4861 validity checks (hop limit not
    /// 255, bad code, malformed options, wrong addresses).
    public var invalid: UInt64 = 0
    /// A Router Advertisement ignored: this host forwards, or does not listen to them.
    public var routerAdvertisementsIgnored: UInt64 = 0
    /// A Redirect not from the current first-hop router toward its destination (RFC 4861 §8.1).
    public var redirectsRejected: UInt64 = 0
    /// Redirects applied.
    public var redirectsAccepted: UInt64 = 0
    /// Addresses that passed Duplicate Address Detection.
    public var dadSucceeded: UInt64 = 0
    /// Addresses found to be duplicates.
    public var dadFailed: UInt64 = 0
    /// An address this host holds (not tentative) defended against another node.
    public var addressesDefended: UInt64 = 0
    /// Addresses formed by stateless autoconfiguration.
    public var autoconfiguredAddresses: UInt64 = 0
    /// Prefix Information options ignored (link-local prefix, bad lengths, preferred > valid).
    public var prefixesIgnored: UInt64 = 0
    /// Addresses removed when their valid lifetime ran out.
    public var addressesExpired: UInt64 = 0
    /// Default routers whose lifetime ran out, or that said they stopped being routers.
    public var routersExpired: UInt64 = 0
    /// Packets dropped because their next hop did not answer (address unreachable).
    public var unreachableDrops: UInt64 = 0
}
