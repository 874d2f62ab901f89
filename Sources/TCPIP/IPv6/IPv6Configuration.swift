import NetCore

/// The stack's IPv6 settings: the RFC 4861 and RFC 4862 host constants,
/// with the values Windows uses (`netsh interface ipv6 show global` and
/// `show interface`), and how interface identifiers are formed.
public struct IPv6Configuration: Sendable {
    /// Neighbor Discovery timing and the neighbour cache's bounds.
    public var neighborDiscovery = NeighborDiscoveryConfiguration()
    /// Default Hop Limit for packets this host originates (Windows: 128),
    /// until a Router Advertisement's Cur Hop Limit says otherwise.
    public var defaultHopLimit: UInt8 = 128
    /// DupAddrDetectTransmits (RFC 4862 §5.1; Windows: 1): Neighbor
    /// Solicitations sent for a tentative address before it is assigned; 0
    /// turns Duplicate Address Detection off.
    public var dupAddrDetectTransmits = 1
    /// MAX_RTR_SOLICITATION_DELAY (RFC 4861 §10): the random wait before the
    /// first solicitation and the first DAD probe when an interface starts,
    /// so hosts powered on together do not all speak at once.
    public var maxRouterSolicitationDelay: Duration = .seconds(1)
    /// RTR_SOLICITATION_INTERVAL (RFC 4861 §10).
    public var routerSolicitationInterval: Duration = .seconds(4)
    /// MAX_RTR_SOLICITATIONS (RFC 4861 §10); 0 sends none.
    public var maxRouterSolicitations = 3
    /// Form SLAAC addresses with RFC 7217 stable, opaque identifiers (as
    /// Windows does, `RandomizeIdentifiers`) rather than the MAC's modified
    /// EUI-64. Link-local addresses follow the same choice.
    public var stablePrivacyAddresses = false
    /// RFC 7217's secret_key: the same key gives the same addresses on the
    /// same network across restarts. Nil draws one from the stack's seed.
    public var secretKey: (UInt64, UInt64)?
    /// IDGEN_RETRIES (RFC 7217 §6): new stable identifiers tried after DAD
    /// finds a duplicate, before giving up on the prefix.
    public var stableIdentifierRetries: UInt32 = 3
    /// Accept Router Advertisements on interfaces that do not forward
    /// (Windows: RouterDiscovery enabled).
    public var acceptRouterAdvertisements = true
    /// How long a route learnt from a Redirect holds (Windows keeps it in
    /// the destination cache until the path is next validated).
    public var redirectLifetime: Duration = .seconds(600)
    /// Path MTUs learnt from Packet Too Big (RFC 8201), never below 1,280.
    public var pathMTU = PathMTUCache(minimum: IPv6Header.minimumMTU)

    /// The defaults above.
    public init() {}
}
