import NetCore

/// An ICMP or ICMPv6 echo reply as a ping client sees it.
public struct EchoReply: Sendable, Equatable {
    /// Who answered.
    public var source: IPAddress
    /// The echo identifier.
    public var identifier: UInt16
    /// The echo sequence number.
    public var sequenceNumber: UInt16
    /// The reply's TTL (IPv4) or Hop Limit (IPv6) on arrival.
    public var timeToLive: UInt8
    /// Bytes of ICMP data after the 8-byte header.
    public var payloadLength: Int
    /// When the request left, read back from the first 8 bytes of the data
    /// (as `sendEchoRequest` writes them), or nil for a shorter payload.
    public var sentAt: Instant?
    /// When the reply arrived.
    public var receivedAt: Instant

    /// The round-trip time, when the send time travelled in the payload.
    public var roundTripTime: Duration? { sentAt.map { receivedAt - $0 } }
}
