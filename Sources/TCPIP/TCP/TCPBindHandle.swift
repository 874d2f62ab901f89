/// An address a TCP socket holds in the stack's demultiplexer (WskBind on a
/// listen, connection or stream socket), before it listens or connects.
public struct TCPBindHandle: Sendable {
    /// The demultiplexer entry.
    let id: UInt32
    /// What was bound, the port resolved when 0 was asked for.
    public let binding: TransportBinding
}
