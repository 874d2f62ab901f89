/// The ControlFlags WskReceiveFrom reports and the Flags of
/// WskReceiveFromEvent (ws2def.h MSG_* and wsk.h WSK_FLAG_*).
public struct WskReceiveFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// MSG_TRUNC: the datagram was larger than the buffer; the rest is lost.
    public static let truncated = WskReceiveFlags(rawValue: 0x0100)
    /// MSG_CTRUNC: the control information did not fit.
    public static let controlTruncated = WskReceiveFlags(rawValue: 0x0200)
    /// MSG_BCAST: sent to a broadcast address.
    public static let broadcast = WskReceiveFlags(rawValue: 0x0400)
    /// MSG_MCAST: sent to a multicast group.
    public static let multicast = WskReceiveFlags(rawValue: 0x0800)
    /// WSK_FLAG_AT_DISPATCH_LEVEL: the callback runs on the engine thread,
    /// where it must not block — always set here.
    public static let atDispatchLevel = WskReceiveFlags(rawValue: 0x8)
}
