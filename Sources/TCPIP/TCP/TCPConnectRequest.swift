/// A SYN held by a conditional-accept listener (the WSK_INSPECT_ID and the
/// addresses WskInspectEvent reports).
public struct TCPConnectRequest: Hashable, Sendable {
    /// Which held SYN this is, for `completeInspect`.
    public var id: UInt64
    /// The local address the SYN was sent to.
    public var local: TransportAddress
    /// Who sent it.
    public var remote: TransportAddress
}
