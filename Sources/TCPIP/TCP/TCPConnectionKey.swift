/// A connection's 4-tuple: the key the stack finds it by for each segment.
struct TCPConnectionKey: Hashable {
    let local: TransportAddress
    let remote: TransportAddress
}
