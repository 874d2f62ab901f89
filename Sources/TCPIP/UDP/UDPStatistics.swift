/// UDP counters (MIB_UDPSTATS), per drop reason.
public struct UDPStatistics: Sendable, Equatable {
    /// Datagrams delivered to an endpoint (dwInDatagrams).
    public var datagramsIn: UInt64 = 0
    /// For a port nobody holds (dwNoPorts): answered with port unreachable when unicast.
    public var noPort: UInt64 = 0
    /// Shorter than the header, or a Length field that does not fit.
    public var malformed: UInt64 = 0
    /// Wrong checksum, or a zero one over IPv6.
    public var badChecksum: UInt64 = 0
    /// Datagrams sent (dwOutDatagrams).
    public var datagramsOut: UInt64 = 0
    /// Datagrams kept by holding the received frame, without a copy.
    public var framesHeld: UInt64 = 0
    /// Datagrams kept by copying them once into a stack buffer.
    public var datagramsCopied: UInt64 = 0
    /// Datagrams that could not be kept: no buffer to copy into.
    public var keepFailures: UInt64 = 0
    /// ICMP errors passed to the endpoint that sent the datagram.
    public var errorsReported: UInt64 = 0
}
