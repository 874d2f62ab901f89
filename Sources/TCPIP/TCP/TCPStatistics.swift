/// TCP counters, stack-wide: the MIB_TCPSTATS fields GetTcpStatisticsEx
/// reports, and a counter for every reason a segment is dropped.
public struct TCPStatistics: Sendable, Equatable {
    /// dwActiveOpens: SYN-SENT entered from CLOSED.
    public var activeOpens: UInt64 = 0
    /// dwPassiveOpens: SYN-RECEIVED entered from LISTEN (and connections made from SYN cookies).
    public var passiveOpens: UInt64 = 0
    /// dwAttemptFails: opens that ended before ESTABLISHED.
    public var attemptFails: UInt64 = 0
    /// dwEstabResets: ESTABLISHED or CLOSE-WAIT connections reset.
    public var establishedResets: UInt64 = 0
    /// dwInSegs: segments received (valid or not).
    public var segmentsIn: UInt64 = 0
    /// dwOutSegs: segments sent, retransmissions excluded.
    public var segmentsOut: UInt64 = 0
    /// dwRetransSegs: segments retransmitted.
    public var segmentsRetransmitted: UInt64 = 0
    /// dwInErrs: segments received in error (malformed, bad checksum, bad option).
    public var inErrors: UInt64 = 0
    /// dwOutRsts: segments sent with RST.
    public var resetsOut: UInt64 = 0

    /// Shorter than a header, or a data offset that does not fit.
    public var malformed: UInt64 = 0
    /// The checksum did not verify.
    public var badChecksum: UInt64 = 0
    /// An option with an illegal length.
    public var badOption: UInt64 = 0
    /// No connection and no listener: answered with RST.
    public var noConnection: UInt64 = 0
    /// Outside the receive window (RFC 9293 §3.10.7.4 first check).
    public var outOfWindow: UInt64 = 0
    /// Rejected by PAWS (RFC 7323 §5).
    public var pawsRejected: UInt64 = 0
    /// Acknowledged data never sent (ACK beyond SND.NXT) or too old (RFC 5961 §5).
    public var badACK: UInt64 = 0
    /// Challenge ACKs sent (RFC 5961 §3, §4, §5).
    public var challengeACKs: UInt64 = 0
    /// Challenge ACKs not sent because the stack-wide limit was reached (RFC 5961 §7).
    public var challengeACKsSuppressed: UInt64 = 0
    /// RSTs ignored: outside the window, or inside it but not exactly at RCV.NXT (then a challenge ACK goes out).
    public var resetsIgnored: UInt64 = 0
    /// RSTs that ended a connection.
    public var resetsAccepted: UInt64 = 0
    /// Segments without ACK in a synchronized state.
    public var noACKFlag: UInt64 = 0
    /// SYN-ACKs sent from SYN cookies because the SYN queue was full.
    public var synCookiesSent: UInt64 = 0
    /// Connections made from a valid SYN cookie.
    public var synCookiesValid: UInt64 = 0
    /// ACKs to a listener with a cookie that did not verify (answered with RST).
    public var synCookiesInvalid: UInt64 = 0
    /// SYNs dropped because the SYN queue was full and cookies are off.
    public var synQueueOverflows: UInt64 = 0
    /// Connections reset because the accept queue was full.
    public var acceptQueueOverflows: UInt64 = 0
    /// SYNs rejected by a conditional-accept listener (answered with RST).
    public var synsRejected: UInt64 = 0
    /// Data bytes received that were already held or read (duplicate or overlapping).
    public var duplicateBytes: UInt64 = 0
    /// Data bytes dropped because they lay beyond the window or the out-of-order ranges were full.
    public var outOfOrderBytesDropped: UInt64 = 0
    /// Segments that arrived out of order and were kept.
    public var outOfOrderSegments: UInt64 = 0
    /// Fast recoveries entered (SACK, RACK or three duplicate ACKs).
    public var fastRecoveries: UInt64 = 0
    /// Retransmission timeouts.
    public var retransmissionTimeouts: UInt64 = 0
    /// Tail loss probes sent (RFC 8985 §7).
    public var tailLossProbes: UInt64 = 0
    /// Losses found by RACK's reordering timer (RFC 8985 §6.3).
    public var reorderTimeouts: UInt64 = 0
    /// D-SACKs received: a retransmission was spurious or the network duplicated.
    public var duplicateSACKsReceived: UInt64 = 0
    /// Zero-window probes sent (RFC 9293 §3.8.6.1).
    public var zeroWindowProbes: UInt64 = 0
    /// Keep-alive probes sent.
    public var keepAliveProbes: UInt64 = 0
    /// Connections dropped after unanswered keep-alive probes.
    public var keepAliveTimeouts: UInt64 = 0
    /// Connections dropped after too many retransmissions.
    public var retransmissionLimitDrops: UInt64 = 0
    /// TIME-WAIT connections ended early by a new SYN (RFC 6191).
    public var timeWaitReused: UInt64 = 0
    /// Segments that could not be sent for want of a buffer.
    public var noBuffer: UInt64 = 0

    public init() {}
}
