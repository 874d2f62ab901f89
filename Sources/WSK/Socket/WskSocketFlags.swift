/// The Flags argument of WskSocket: the socket's category. Zero is a basic
/// socket; the others are single bits, and exactly one may be given.
public struct WskSocketFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// WSK_FLAG_BASIC_SOCKET (0): options and IOCTLs only.
    public static let basicSocket: WskSocketFlags = []
    /// WSK_FLAG_LISTEN_SOCKET.
    public static let listenSocket = WskSocketFlags(rawValue: 0x1)
    /// WSK_FLAG_CONNECTION_SOCKET.
    public static let connectionSocket = WskSocketFlags(rawValue: 0x2)
    /// WSK_FLAG_DATAGRAM_SOCKET.
    public static let datagramSocket = WskSocketFlags(rawValue: 0x4)
    /// WSK_FLAG_STREAM_SOCKET.
    public static let streamSocket = WskSocketFlags(rawValue: 0x8)
}
