/// One connection's counters (what GetPerTcpConnectionEStats reports, in part).
public struct TCPConnectionCounters: Sendable, Equatable {
    /// Data bytes sent for the first time.
    public var bytesSent: UInt64 = 0
    /// Data bytes acknowledged by the peer.
    public var bytesAcknowledged: UInt64 = 0
    /// Data bytes received in order.
    public var bytesReceived: UInt64 = 0
    /// Segments sent, retransmissions included.
    public var segmentsSent: UInt64 = 0
    /// Segments received.
    public var segmentsReceived: UInt64 = 0
    /// Segments retransmitted.
    public var retransmittedSegments: UInt64 = 0
    /// Data bytes retransmitted.
    public var retransmittedBytes: UInt64 = 0
    /// Fast recoveries entered.
    public var fastRecoveries: UInt64 = 0
    /// Recoveries in which SACK information drove the retransmissions (RFC 6675).
    public var sackRecoveries: UInt64 = 0
    /// Losses RACK declared by time (RFC 8985), from an ACK or the reordering timer.
    public var rackLossMarks: UInt64 = 0
    /// Tail loss probes sent.
    public var tailLossProbes: UInt64 = 0
    /// Retransmission timeouts.
    public var retransmissionTimeouts: UInt64 = 0
    /// D-SACK blocks received.
    public var duplicateSACKs: UInt64 = 0
    /// Segments received marked Congestion Experienced (ECN).
    public var congestionExperienced: UInt64 = 0
    /// ECN-Echoes the sender answered by reducing its window.
    public var ecnReductions: UInt64 = 0
    /// Segments received out of order and kept.
    public var outOfOrderSegments: UInt64 = 0

    public init() {}
}
