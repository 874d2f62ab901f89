/// The Timestamps option (RFC 7323 §3): kind 8, length 10. The stack uses it
/// to measure round trips on every acknowledged segment (RTTM, §4) and to
/// reject old duplicates after the sequence space wraps (PAWS, §5).
public struct TCPTimestampOption: Hashable, Sendable {
    /// TSval: the sender's timestamp clock when it sent the segment.
    public var value: UInt32
    /// TSecr: the most recent TSval the sender received from its peer
    /// (TS.Recent), meaningful only when ACK is set.
    public var echoReply: UInt32

    @inlinable
    public init(value: UInt32, echoReply: UInt32) {
        self.value = value
        self.echoReply = echoReply
    }
}
