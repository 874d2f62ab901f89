import NetCore

/// WSK_CLIENT_CONNECTION_DISPATCH: the callbacks a connection socket's
/// client provides (any may be nil). Each runs only while enabled with
/// SO_WSK_EVENT_CALLBACK (or inherited from the listener through
/// WskAcceptEvent), and the callbacks of one socket never overlap.
public struct WskClientConnectionDispatch {
    /// WskReceiveEvent(SocketContext, Flags, DataIndication, BytesIndicated,
    /// BytesAccepted): data arrived and no WskReceive was waiting for it.
    /// The chain is lent for the call. Return STATUS_SUCCESS having taken
    /// it all, or having lowered `bytesAccepted` (it starts at
    /// `bytesIndicated`) to take a part — then no event comes until a
    /// WskReceive completes; STATUS_PENDING to keep the whole chain until
    /// WskRelease; or STATUS_DATA_NOT_ACCEPTED to take nothing and pause the
    /// events the same way (a zero-length WskReceive resumes them). Any
    /// other answer counts as STATUS_DATA_NOT_ACCEPTED, so no byte is lost.
    public var receiveEvent: ((_ socketContext: AnyObject?, _ flags: WskEventFlags, _ indication: WskDataIndication?,
                               _ bytesIndicated: Int, _ bytesAccepted: inout Int) -> NTStatus)?

    /// WskDisconnectEvent(SocketContext, Flags): the peer closed its side —
    /// gracefully (no more data will come; sending may go on), or with
    /// WSK_FLAG_ABORTIVE when it reset the connection or the connection
    /// timed out (nothing works any more). Must return STATUS_SUCCESS.
    public var disconnectEvent: ((_ socketContext: AnyObject?, _ flags: WskEventFlags) -> NTStatus)?

    /// WskSendBacklogEvent(SocketContext, IdealBacklogSize): the bytes of
    /// sends to keep outstanding to fill the path changed. Must return
    /// STATUS_SUCCESS.
    public var sendBacklogEvent: ((_ socketContext: AnyObject?, _ idealBacklogSize: Int) -> NTStatus)?

    /// A dispatch with the given callbacks.
    public init(
        receiveEvent: ((AnyObject?, WskEventFlags, WskDataIndication?, Int, inout Int) -> NTStatus)? = nil,
        disconnectEvent: ((AnyObject?, WskEventFlags) -> NTStatus)? = nil,
        sendBacklogEvent: ((AnyObject?, Int) -> NTStatus)? = nil
    ) {
        self.receiveEvent = receiveEvent
        self.disconnectEvent = disconnectEvent
        self.sendBacklogEvent = sendBacklogEvent
    }
}
