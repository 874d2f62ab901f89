/// The Flags of WskReceiveEvent, WskDisconnectEvent and WskAcceptEvent
/// (wsk.h WSK_FLAG_*). One set serves all three: the bits each callback
/// uses do not collide.
public struct WskEventFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// WSK_FLAG_ABORTIVE (WskDisconnectEvent): the peer reset the
    /// connection, or it timed out; without it the peer sent its FIN.
    public static let abortive = WskEventFlags(rawValue: 0x1)
    /// WSK_FLAG_RELEASE_ASAP (WskReceiveEvent): the provider is short of
    /// buffers; keep the indication briefly if at all.
    public static let releaseASAP = WskEventFlags(rawValue: 0x2)
    /// WSK_FLAG_ENTIRE_MESSAGE (WskReceiveEvent): the data ends a message.
    public static let entireMessage = WskEventFlags(rawValue: 0x4)
    /// WSK_FLAG_AT_DISPATCH_LEVEL: the callback runs on the engine thread,
    /// where it must not block — always set here.
    public static let atDispatchLevel = WskEventFlags(rawValue: 0x8)
}
