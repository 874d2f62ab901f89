import NDIS
import NetCore

/// A datagram an endpoint kept past its indication: either the received
/// frame itself, held back from its miniport until released (no copy), or,
/// when the frame could not be held, one copy in a stack buffer. Either way
/// it goes back with `TCPIPStack.release(_:)`, exactly once.
public struct UDPDatagram {
    /// The buffer holding the bytes.
    let list: NetBufferList
    /// The binding to return the frame through, or nil for a stack buffer.
    let binding: ProtocolBinding?
    /// Where the payload starts in the buffer's data.
    let offset: Int
    /// Payload bytes.
    public let length: Int
    /// Who sent it.
    public let remote: TransportAddress
    /// Where it was sent.
    public let local: TransportAddress
    /// MSG_BCAST.
    public let isBroadcast: Bool
    /// MSG_MCAST.
    public let isMulticast: Bool

    /// The payload, valid until the datagram is released.
    public var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(list.firstNetBuffer.data).slice(offset, length)
    }
}
