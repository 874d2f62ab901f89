import NetCore

/// One datagram as it arrives, lent to a `UDPReceiver` for the duration of
/// the call: the payload points into the received frame (or the reassembly
/// slot) and must not be used afterwards unless kept.
public struct UDPIndication {
    /// The payload, in the frame's own memory.
    public let payload: UnsafeRawBufferPointer
    /// Who sent it (IPv4 as IPv4-mapped).
    public let remote: TransportAddress
    /// The address and port it was sent to.
    public let local: TransportAddress
    /// Sent to a broadcast address (MSG_BCAST).
    public let isBroadcast: Bool
    /// Sent to a multicast group (MSG_MCAST).
    public let isMulticast: Bool
    /// The interface it arrived on.
    public let interfaceIndex: UInt32
}
