import NetCore

/// Stack-wide TCP settings: the knobs `netsh int tcp set global` and the
/// MSFT_NetTCPSetting template expose, with Windows' Internet-template
/// defaults where they exist and the RFCs' elsewhere.
public struct TCPConfiguration: Sendable {
    /// Offer RFC 7323 timestamps on active opens (`netsh … timestamps=`). A
    /// peer's offer is answered whatever this says.
    public var offerTimestamps = true
    /// Offer SACK-permitted on active opens (SackOpts). A peer's offer is answered whatever this says.
    public var offerSACK = true
    /// Offer ECN (RFC 3168) on active opens and answer an ECN-setup SYN (`ecncapability=`; off by default).
    public var ecn = false
    /// The congestion provider (CUBIC by default, as in Windows 10 1709 and later).
    public var congestionControl: TCPCongestionAlgorithm = .cubic
    /// InitialCongestionWindow, in segments (RFC 6928).
    public var initialWindowSegments = 10
    /// InitialRtoMs: the SYN retransmission timer before any RTT sample.
    public var initialRTO: Duration = .seconds(1)
    /// MinRtoMs.
    public var minimumRTO: Duration = .milliseconds(300)
    /// The largest RTO backoff reaches.
    public var maximumRTO: Duration = .seconds(60)
    /// MaxSynRetransmissions: SYN or SYN-ACK retransmissions before the open fails.
    public var maximumSYNRetransmissions = 4
    /// TcpMaxDataRetransmissions: retransmissions of one segment before the connection is dropped.
    public var maximumDataRetransmissions = 8
    /// TcpTimedWaitDelay: how long TIME-WAIT lasts (2·MSL).
    public var timeWaitDuration: Duration = .seconds(120)
    /// How long FIN-WAIT-2 waits for the peer's FIN once the application closed (Linux tcp_fin_timeout).
    public var finWait2Timeout: Duration = .seconds(60)
    /// The delayed-ACK timer (RFC 9293 §3.8.6.3 allows at most 500 ms).
    public var delayedACKTimeout: Duration = .milliseconds(200)
    /// DelayedAckFrequency: full-sized segments received before an ACK is sent at once.
    public var delayedACKFrequency = 2
    /// KeepAliveTime: idle time before the first keep-alive probe.
    public var keepAliveIdle: Duration = .seconds(7200)
    /// KeepAliveInterval: time between unanswered probes.
    public var keepAliveInterval: Duration = .seconds(1)
    /// Unanswered probes before the connection is dropped (TCP_KEEPCNT).
    public var keepAliveProbes = 10
    /// A connection's receive buffer before auto-tuning grows it (SO_RCVBUF default).
    public var receiveBuffer = 65_536
    /// How far auto-tuning may grow a receive buffer (the "normal" level's window-scale shift 8 allows 16 MB).
    public var maximumReceiveBuffer = 4 << 20
    /// Out-of-order ranges a connection holds before it drops further holes.
    public var maximumOutOfOrderRanges = 32
    /// Half-open connections a listener holds before it answers with SYN cookies.
    public var synQueueLimit = 256
    /// Answer SYNs statelessly (RFC 4987 §3.6) when the SYN queue is full.
    public var synCookies = true
    /// Challenge ACKs sent per second, stack-wide (RFC 5961 §7).
    public var challengeACKsPerSecond = 1000
    /// The idle connection's default keep-alive setting (SO_KEEPALIVE off).
    public var keepAliveByDefault = false

    public init() {}
}
