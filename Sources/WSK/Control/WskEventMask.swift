/// The EventMask bits of WSK_EVENT_CALLBACK_CONTROL.
public struct WskEventMask: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// WSK_EVENT_RECEIVE_FROM: WskReceiveFromEvent, datagram sockets.
    public static let receiveFrom = WskEventMask(rawValue: 0x0000_0100)
    /// WSK_EVENT_ACCEPT: WskAcceptEvent, listening sockets.
    public static let accept = WskEventMask(rawValue: 0x0000_0200)
    /// WSK_EVENT_SEND_BACKLOG: WskSendBacklogEvent.
    public static let sendBacklog = WskEventMask(rawValue: 0x0000_0010)
    /// WSK_EVENT_RECEIVE: WskReceiveEvent.
    public static let receive = WskEventMask(rawValue: 0x0000_0040)
    /// WSK_EVENT_DISCONNECT: WskDisconnectEvent.
    public static let disconnect = WskEventMask(rawValue: 0x0000_0080)
    /// WSK_EVENT_DISABLE: disables the one event it is combined with.
    public static let disable = WskEventMask(rawValue: 0x8000_0000)
}
