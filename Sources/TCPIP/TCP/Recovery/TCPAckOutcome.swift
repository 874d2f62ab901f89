/// What one ACK told the sender, as `TCPRetransmissionQueue.acknowledge`
/// found it: the connection feeds it to its RTT estimator, its congestion
/// controller and its recovery logic.
public struct TCPAckOutcome: Sendable, Equatable {
    /// Bytes (sequence numbers) newly below SND.UNA.
    public var cumulativelyAcked: Int
    /// Bytes newly SACKed.
    public var newlySACKed: Int
    /// An RTT measurement safe under Karn's rule (RFC 6298 §3): the
    /// timestamp echo's (RFC 7323 §4) when there is one, otherwise from the
    /// most recently sent newly delivered segment never retransmitted.
    public var rttSample: Duration?
    /// The first SACK block was a D-SACK (RFC 2883 §4): below the
    /// cumulative ACK, or inside the second block.
    public var isDuplicateSACK: Bool
    /// RACK.xmit_ts moved forward (RFC 8985 §6.2 Step 2), so loss detection is worth running.
    public var rackAdvanced: Bool

    /// An outcome; nothing learnt by default.
    public init(cumulativelyAcked: Int = 0, newlySACKed: Int = 0, rttSample: Duration? = nil,
                isDuplicateSACK: Bool = false, rackAdvanced: Bool = false) {
        self.cumulativelyAcked = cumulativelyAcked
        self.newlySACKed = newlySACKed
        self.rttSample = rttSample
        self.isDuplicateSACK = isDuplicateSACK
        self.rackAdvanced = rackAdvanced
    }
}
