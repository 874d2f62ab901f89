import NetCore

/// What a stack timer is for.
enum TCPIPTimer {
    /// An ARP entry's timer: retransmit while Incomplete, age while Reachable, expire while Stale.
    case arp(IPv4Address)
    /// The reassembler's earliest datagram deadline.
    case reassembly
    /// A Duplicate Address Detection probe or verdict for a tentative address.
    case duplicateAddressDetection(interface: UInt32, address: IPv6Address)
    /// The next Router Solicitation of an interface.
    case routerSolicitation(interface: UInt32)
    /// The next unsolicited Router Advertisement of an advertising interface.
    case routerAdvertisement(interface: UInt32)
    /// The earliest IPv6 address or route lifetime.
    case ipv6Lifetimes
    /// A TCP connection's earliest deadline (it keeps its own several timers behind this one).
    case tcp(TCPConnection)
}
