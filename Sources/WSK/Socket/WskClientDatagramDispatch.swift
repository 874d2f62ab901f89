import NetCore

/// WSK_CLIENT_DATAGRAM_DISPATCH: the callbacks a datagram socket's client
/// provides.
public struct WskClientDatagramDispatch {
    /// WskReceiveFromEvent(SocketContext, Flags, DataIndication): datagrams
    /// arrived. Return STATUS_SUCCESS when done with them,
    /// STATUS_PENDING to keep the whole chain until WskRelease, or
    /// STATUS_DATA_NOT_ACCEPTED to leave them queued for WskReceiveFrom —
    /// which also disables the event until it is enabled again. A nil
    /// indication means the socket no longer works and should be closed.
    public var receiveFromEvent: ((_ socketContext: AnyObject?, _ flags: WskReceiveFlags,
                                   _ indication: WskDatagramIndication?) -> NTStatus)?

    /// A dispatch with the given callback.
    public init(receiveFromEvent: ((AnyObject?, WskReceiveFlags, WskDatagramIndication?) -> NTStatus)? = nil) {
        self.receiveFromEvent = receiveFromEvent
    }
}
