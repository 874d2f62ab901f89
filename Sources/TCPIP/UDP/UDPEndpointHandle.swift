/// A UDP endpoint's claim in the stack's demultiplexer: what `udpBind`
/// returns and every later UDP call names.
public struct UDPEndpointHandle: Hashable, Sendable {
    /// The binding's handle in the demultiplexer.
    public let id: UInt32
    /// The local port it holds.
    public let port: UInt16
}
