import NetCore

/// What an interface advertises when this host acts as an IPv6 router
/// (RFC 4861 §6.2.1, the AdvSendAdvertisements family of variables;
/// Windows: `netsh interface ipv6 set interface … advertise=enabled`).
public struct RouterAdvertiserConfiguration: Sendable {
    /// One Prefix Information option.
    public struct Prefix: Sendable {
        /// The prefix; SLAAC needs a /64.
        public var prefix: IPv6Prefix
        /// AdvOnLinkFlag.
        public var onLink = true
        /// AdvAutonomousFlag.
        public var autonomous = true
        /// AdvValidLifetime in seconds (default 30 days).
        public var validLifetime: UInt32 = 2_592_000
        /// AdvPreferredLifetime in seconds (default 7 days).
        public var preferredLifetime: UInt32 = 604_800

        /// A prefix advertised on-link and for autoconfiguration.
        public init(_ prefix: IPv6Prefix) { self.prefix = prefix }
    }

    /// The prefixes advertised.
    public var prefixes: [Prefix] = []
    /// MinRtrAdvInterval and MaxRtrAdvInterval: unsolicited advertisements
    /// go out at a uniformly random point between them (RFC 4861 §6.2.4).
    public var minInterval: Duration = .seconds(200)
    public var maxInterval: Duration = .seconds(600)
    /// AdvDefaultLifetime in seconds (default 3 × MaxRtrAdvInterval); 0
    /// advertises prefixes without offering to be a default router.
    public var routerLifetime: UInt16 = 1_800
    /// AdvCurHopLimit; 0 leaves hosts' own.
    public var currentHopLimit: UInt8 = 64
    /// AdvReachableTime in milliseconds; 0 is unspecified.
    public var reachableTime: UInt32 = 0
    /// AdvRetransTimer in milliseconds; 0 is unspecified.
    public var retransTimer: UInt32 = 0
    /// AdvLinkMTU; nil sends no MTU option.
    public var linkMTU: UInt32?

    /// Advertises nothing until prefixes are added.
    public init() {}
}
