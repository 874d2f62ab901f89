import NetCore

/// The sender's bookkeeping for one segment sent and not yet cumulatively
/// acknowledged: what the RFC 6675 scoreboard and RACK (RFC 8985 §5.2) keep
/// per segment. The data itself is not here: the client's buffer is
/// retransmitted from.
public struct TCPSentSegment: Sendable, Equatable {
    /// The first sequence number the segment carries. A SYN or FIN occupies one number of its own.
    public var start: TCPSeq
    /// The sequence number after the segment's last.
    public var end: TCPSeq
    /// When the segment was first sent.
    public var firstSent: Instant
    /// When it was last sent (RACK's Segment.xmit_ts).
    public var lastSent: Instant
    /// How many times it was sent again; a retransmitted segment gives no
    /// RTT sample (Karn's rule, RFC 6298 §3).
    public var retransmissions: Int
    /// The receiver reported it in a SACK block (RFC 2018).
    public var isSACKed: Bool
    /// Loss detection deemed it lost and it has not been sent again since.
    public var isLost: Bool

    /// A segment record; a first transmission by default.
    public init(start: TCPSeq, end: TCPSeq, firstSent: Instant, lastSent: Instant? = nil,
                retransmissions: Int = 0, isSACKed: Bool = false, isLost: Bool = false) {
        self.start = start
        self.end = end
        self.firstSent = firstSent
        self.lastSent = lastSent ?? firstSent
        self.retransmissions = retransmissions
        self.isSACKed = isSACKed
        self.isLost = isLost
    }

    /// Sequence numbers the segment occupies.
    public var length: Int { Swift.max(0, end - start) }
}
