/// What a listener's owner (a WSK listening or stream socket) implements.
public protocol TCPListenerOwner: AnyObject {
    /// Conditional accept (SO_CONDITIONAL_ACCEPT): a SYN arrived and no
    /// SYN-ACK goes out until the owner decides (WskInspectEvent).
    func tcpInspect(_ listener: TCPListener, request: TCPConnectRequest) -> TCPInspectDecision
    /// The peer of a held SYN gave up (reset) before a decision (WskAbortEvent).
    func tcpInspectAborted(_ listener: TCPListener, request: TCPConnectRequest)
    /// A connection completed its handshake and waits on the accept queue: take it with `accept()`.
    func tcpConnectionReady(_ listener: TCPListener)
}
