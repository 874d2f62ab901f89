import NetCore

/// What a connection's owner (a WSK connection or stream socket)
/// implements: the stack calls it on the engine thread as the connection's
/// state changes, as tcpip.sys calls up into afd or WSK.
public protocol TCPConnectionOwner: AnyObject {
    /// The active open completed: the connection is ESTABLISHED (WskConnect completes).
    func tcpConnected(_ connection: TCPConnection)
    /// In-order data arrived while nothing was buffered: the owner copies
    /// what a posted receive takes, or indicates the bytes to its client
    /// (lent for the call only), and says how many it took; the rest is
    /// buffered for a later `read(into:)`.
    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int
    /// Data was buffered and can be read with `read(into:)`.
    func tcpDataAvailable(_ connection: TCPConnection)
    /// A send finished: every byte of it acknowledged (STATUS_SUCCESS), or
    /// the connection ended first (its status).
    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus)
    /// The peer sent its FIN: no more data will arrive (a graceful disconnect indication).
    func tcpPeerClosed(_ connection: TCPConnection)
    /// This side's FIN was acknowledged (WskDisconnect completes).
    func tcpDisconnectCompleted(_ connection: TCPConnection)
    /// The connection is over for its owner: STATUS_SUCCESS after both
    /// FINs, or why it failed — STATUS_CONNECTION_REFUSED, STATUS_CONNECTION_RESET,
    /// STATUS_CONNECTION_ABORTED, STATUS_IO_TIMEOUT, STATUS_HOST_UNREACHABLE.
    /// Called once; nothing is called after it.
    func tcpClosed(_ connection: TCPConnection, status: NTStatus)
    /// The ideal amount of data to keep outstanding changed (WskSendBacklogEvent).
    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int)
}
