import NetCore

/// What a stack timer is for.
enum TCPIPTimer {
    /// An ARP entry's timer: retransmit while Incomplete, age while Reachable, expire while Stale.
    case arp(IPv4Address)
    /// The reassembler's earliest datagram deadline.
    case reassembly
}
