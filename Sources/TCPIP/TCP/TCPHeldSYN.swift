/// What a listener keeps of a SYN it has not answered yet (a conditional
/// accept waiting on its owner): enough to answer it later exactly as at once.
struct TCPHeldSYN {
    let sequenceNumber: TCPSeq
    let window: UInt16
    let flags: TCPFlags
    let options: TCPOptions
    let local: TransportAddress
    let remote: TransportAddress

    init(_ segment: TCPHeader, local: TransportAddress, remote: TransportAddress) {
        sequenceNumber = segment.sequenceNumber
        window = segment.window
        flags = segment.flags
        options = segment.options
        self.local = local
        self.remote = remote
    }
}
