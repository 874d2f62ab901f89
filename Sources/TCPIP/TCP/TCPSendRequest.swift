/// One client buffer lent to a connection (a WskSend's WSK_BUF, or one MDL
/// of it): sent and retransmitted from, never copied aside, and given back
/// when the peer has acknowledged its last byte.
struct TCPSendRequest {
    /// The client's bytes.
    let bytes: UnsafeRawBufferPointer
    /// The connection's data stream offset of the first byte.
    let start: Int64
    /// Reported to the owner when the whole buffer is acknowledged; nil for
    /// all but the last part of a multi-part send.
    let tag: UInt64?
    /// WSK_FLAG_NODELAY: this send is not held back by Nagle.
    let noDelay: Bool

    /// The stream offset just past the last byte.
    var end: Int64 { start + Int64(bytes.count) }
}
