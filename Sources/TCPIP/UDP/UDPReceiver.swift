import NetCore

/// What a UDP endpoint's owner (a WSK datagram socket) implements: the
/// stack calls it on the engine thread for each datagram and each ICMP
/// error meant for the endpoint, as the transport calls up into WSK.
public protocol UDPReceiver: AnyObject {
    /// A datagram arrived. Its bytes are lent for the call only; to keep
    /// them, call `TCPIPStack.keep(_:)`, which holds on to the frame or
    /// copies it once, and later `release(_:)`.
    func udpDatagramArrived(_ datagram: UDPIndication)
    /// An ICMP or ICMPv6 error about a datagram this endpoint sent to
    /// `remote`, as the status the socket reports (port, host or network
    /// unreachable).
    func udpErrorArrived(_ status: NTStatus, remote: TransportAddress)
}
