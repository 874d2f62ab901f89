/// WSK subsystem counters.
public struct WskStatistics: Sendable, Equatable {
    /// Sockets created and not yet closed.
    public var socketsOpen = 0
    /// Sockets created since start.
    public var socketsCreated: UInt64 = 0
    /// Datagrams dropped because the socket's receive buffer (SO_RCVBUF) was full.
    public var receiveBufferOverflows: UInt64 = 0
    /// Datagram indications the client kept (returned STATUS_PENDING).
    public var indicationsRetained: UInt64 = 0
    /// Datagram indications the client refused (STATUS_DATA_NOT_ACCEPTED), queued instead.
    public var indicationsNotAccepted: UInt64 = 0
}
