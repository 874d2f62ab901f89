import NetCore

/// One datagram as the async overlay returns it: its own copy of the bytes,
/// who sent it, and the MSG_* flags.
public struct WskReceivedDatagram: Sendable, Equatable {
    /// The payload (cut to the requested maximum; see `flags`).
    public var bytes: [UInt8]
    /// The sender.
    public var remoteAddress: SocketAddress
    /// MSG_TRUNC, MSG_BCAST, MSG_MCAST.
    public var flags: WskReceiveFlags
}
