import NetCore
import TCPIP

/// WSK_DATAGRAM_INDICATION: one received datagram lent to the client by
/// WskReceiveFromEvent, chained by `next`. `buffer` describes the bytes in
/// place — the received frame itself — so indicating copies nothing.
///
/// Indications are recycled by their socket (a free list), so the receive
/// path allocates none once warm. They are only valid during the callback,
/// unless the client returned STATUS_PENDING: then it keeps the whole chain
/// until it hands it to WskRelease.
public final class WskDatagramIndication {
    /// Next: the following datagram of the same indication, or nil.
    public internal(set) var next: WskDatagramIndication?
    /// Buffer: the datagram's bytes, one MDL.
    public internal(set) var buffer: WSKBuf
    /// RemoteAddress: the sender, IPv4-mapped on a dual-stack IPv6 socket.
    public internal(set) var remoteAddress: SocketAddress
    /// ControlInfo: no control information is produced (no IP_PKTINFO yet).
    public var controlInfoLength: Int { 0 }

    /// The MDL `buffer` points at, re-aimed for each datagram.
    let mdl: MDL
    /// The datagram the stack kept for a retained indication.
    var kept: UDPDatagram?
    /// Whether the client holds it (returned STATUS_PENDING).
    var retained = false

    init() {
        mdl = MDL(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        buffer = WSKBuf(mdl: nil, offset: 0, length: 0)
        remoteAddress = .v4(.any, port: 0)
    }

    /// Points the indication at `bytes` from `remote`.
    func aim(at bytes: UnsafeRawBufferPointer, remote: SocketAddress) {
        mdl.rebind(UnsafeMutableRawBufferPointer(mutating: bytes))
        buffer = WSKBuf(mdl: mdl, offset: 0, length: bytes.count)
        remoteAddress = remote
        next = nil
    }

    /// The payload as the client reads it.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(mdl.buffer) }
}
