/// The Protocol argument of WskSocket (IPPROTO_* of ws2def.h).
public enum WskProtocol {
    /// IPPROTO_TCP.
    public static let tcp: UInt32 = 6
    /// IPPROTO_UDP.
    public static let udp: UInt32 = 17
}
