/// The SocketType argument of WskSocket (ws2def.h SOCK_*).
public enum WskSocketType: UInt16, Sendable {
    /// SOCK_STREAM.
    case stream = 1
    /// SOCK_DGRAM.
    case datagram = 2
    /// SOCK_RAW.
    case raw = 3
}
