import NetCore

/// WSK_CLIENT_LISTEN_DISPATCH: the callbacks a listening socket's client
/// provides (any may be nil).
public struct WskClientListenDispatch {
    /// WskAcceptEvent(SocketContext, Flags, LocalAddress, RemoteAddress,
    /// AcceptSocket, AcceptSocketContext, AcceptSocketDispatch): a
    /// connection completed its handshake and no WskAccept was waiting for
    /// it. The client sets the two out parameters — the new socket's
    /// context and callbacks — and returns STATUS_SUCCESS to keep it, or
    /// STATUS_REQUEST_NOT_ACCEPTED to have it reset (the socket is then
    /// gone and must not be touched). The addresses are valid during the
    /// call only. A nil socket means the listener no longer works.
    public var acceptEvent: ((_ socketContext: AnyObject?, _ flags: WskEventFlags, _ localAddress: SocketAddress,
                              _ remoteAddress: SocketAddress, _ acceptSocket: WskConnectionSocket?,
                              _ acceptSocketContext: inout AnyObject?,
                              _ acceptSocketDispatch: inout WskClientConnectionDispatch?) -> NTStatus)?

    /// WskInspectEvent(SocketContext, LocalAddress, RemoteAddress, InspectID):
    /// with SO_CONDITIONAL_ACCEPT, a SYN arrived and nothing has answered
    /// it yet. Return WskInspectAccept, WskInspectReject (a RST answers), or
    /// WskInspectPend and call WskInspectComplete later with a copy of the id.
    public var inspectEvent: ((_ socketContext: AnyObject?, _ localAddress: SocketAddress,
                               _ remoteAddress: SocketAddress, _ inspectID: WskInspectID?) -> WskInspectAction)?

    /// WskAbortEvent(SocketContext, InspectID): a request the client
    /// accepted or pended went away (the peer reset it) before it was
    /// established. Must return STATUS_SUCCESS.
    public var abortEvent: ((_ socketContext: AnyObject?, _ inspectID: WskInspectID) -> NTStatus)?

    /// A dispatch with the given callbacks.
    public init(
        acceptEvent: ((AnyObject?, WskEventFlags, SocketAddress, SocketAddress, WskConnectionSocket?, inout AnyObject?,
                       inout WskClientConnectionDispatch?) -> NTStatus)? = nil,
        inspectEvent: ((AnyObject?, SocketAddress, SocketAddress, WskInspectID?) -> WskInspectAction)? = nil,
        abortEvent: ((AnyObject?, WskInspectID) -> NTStatus)? = nil
    ) {
        self.acceptEvent = acceptEvent
        self.inspectEvent = inspectEvent
        self.abortEvent = abortEvent
    }
}
