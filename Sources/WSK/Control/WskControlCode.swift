/// The option levels, socket options, IOCTLs and event flags of
/// WskControlSocket and WskControlClient, with their Windows values
/// (ws2def.h, ws2ipdef.h, wsk.h).
public enum WskControlCode {
    /// SOL_SOCKET: the level of socket and WSK options.
    public static let solSocket: UInt32 = 0xFFFF
    /// IPPROTO_IPV6: the level of IPv6 options.
    public static let ipprotoIPv6: UInt32 = 41
    /// IPPROTO_TCP: the level of TCP options.
    public static let ipprotoTCP: UInt32 = 6

    /// SO_REUSEADDR.
    public static let reuseAddress: UInt32 = 0x0004
    /// SO_EXCLUSIVEADDRUSE (~SO_REUSEADDR).
    public static let exclusiveAddressUse: UInt32 = 0xFFFF_FFFB
    /// SO_BROADCAST.
    public static let broadcast: UInt32 = 0x0020
    /// SO_RCVBUF.
    public static let receiveBuffer: UInt32 = 0x1002
    /// SO_SNDBUF: held for the client to read back; WSK sends from the
    /// client's own buffers, so there is no send buffer to size.
    public static let sendBuffer: UInt32 = 0x1001
    /// SO_KEEPALIVE (RFC 1122 §4.2.3.6).
    public static let keepAlive: UInt32 = 0x0008
    /// SO_LINGER: a `linger` {u_short l_onoff; u_short l_linger}.
    public static let linger: UInt32 = 0x0080
    /// SO_CONDITIONAL_ACCEPT: before bind, a listening socket sees each SYN
    /// (WskInspectEvent) before any SYN-ACK goes out.
    public static let conditionalAccept: UInt32 = 0x3002
    /// TCP_NODELAY at IPPROTO_TCP: Nagle's algorithm off (RFC 896).
    public static let tcpNoDelay: UInt32 = 1
    /// SO_WSK_EVENT_CALLBACK (WSK_SO_BASE + 2).
    public static let eventCallback: UInt32 = 0x4002
    /// IPV6_V6ONLY at IPPROTO_IPV6: 27 on Windows (26 on Linux).
    public static let ipv6V6Only: UInt32 = 27

    /// SIO_WSK_SET_REMOTE_ADDRESS.
    public static let setRemoteAddress: UInt32 = 0x8F00_0001
    /// SIO_WSK_REGISTER_EXTENSION.
    public static let registerExtension: UInt32 = 0xCF00_0002
    /// SIO_WSK_QUERY_IDEAL_SEND_BACKLOG: the SIZE_T a connection should keep in flight.
    public static let queryIdealSendBacklog: UInt32 = 0x4F00_0003
    /// SIO_WSK_QUERY_RECEIVE_BACKLOG.
    public static let queryReceiveBacklog: UInt32 = 0x4F00_0004
    /// SIO_WSK_QUERY_INSPECT_ID: the WSK_INSPECT_ID of a connection accepted
    /// on a conditional-accept listener (no IRP).
    public static let queryInspectID: UInt32 = 0x4F00_0005
    /// SIO_WSK_SET_SENDTO_ADDRESS.
    public static let setSendToAddress: UInt32 = 0x8F00_0006

    /// WSK_TRANSPORT_LIST_QUERY (WskControlClient).
    public static let transportListQuery: UInt32 = 2
    /// WSK_TRANSPORT_LIST_CHANGE (WskControlClient).
    public static let transportListChange: UInt32 = 3
    /// WSK_SET_STATIC_EVENT_CALLBACKS (WskControlClient).
    public static let setStaticEventCallbacks: UInt32 = 7
}
