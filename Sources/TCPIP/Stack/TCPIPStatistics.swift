/// Ethernet-level counters of the stack (what its bindings received).
public struct EthernetStatistics: Sendable, Equatable {
    /// Frames received from the adapters.
    public var framesIn: UInt64 = 0
    /// Frames sent to the adapters.
    public var framesOut: UInt64 = 0
    /// Frames shorter than an Ethernet header.
    public var runts: UInt64 = 0
    /// Frames addressed to another station (seen in promiscuous mode).
    public var notForUs: UInt64 = 0
    /// Frames of an EtherType no protocol here handles.
    public var unknownEtherType: UInt64 = 0
    /// Frames the adapter failed to send (completed with an error status).
    public var sendFailures: UInt64 = 0
}

/// ARP counters, each drop by its reason.
public struct ARPStatistics: Sendable, Equatable {
    public var requestsIn: UInt64 = 0
    public var repliesIn: UInt64 = 0
    public var requestsOut: UInt64 = 0
    public var repliesOut: UInt64 = 0
    public var gratuitousOut: UInt64 = 0
    /// Packets that are not Ethernet/IPv4 ARP, or are truncated.
    public var malformed: UInt64 = 0
    /// ARP claiming a sender address that cannot be a host (broadcast, multicast, zero MAC).
    public var invalidSender: UInt64 = 0
    /// Resolutions, and re-confirmations of Stale entries, that ran out of retries.
    public var resolutionFailures: UInt64 = 0
    /// Packets dropped because resolution failed.
    public var droppedUnresolved: UInt64 = 0
    /// Packets dropped because the queue waiting for resolution was full.
    public var droppedQueueFull: UInt64 = 0
    /// Packets dropped because the cache was full of entries in use.
    public var droppedCacheFull: UInt64 = 0
    /// Entries evicted because the cache was full.
    public var evictions: UInt64 = 0
}

/// IPv4 counters (like `netstat -s`), each drop by its reason.
public struct IPv4Statistics: Sendable, Equatable {
    /// Datagrams received.
    public var received: UInt64 = 0
    /// Datagrams handed to a transport (ICMP here).
    public var delivered: UInt64 = 0
    /// Datagrams shorter than a header.
    public var truncated: UInt64 = 0
    /// Datagrams whose version is not 4.
    public var badVersion: UInt64 = 0
    /// Datagrams whose header length is under 20 or beyond the data.
    public var badHeaderLength: UInt64 = 0
    /// Datagrams whose total length is under the header or beyond the data.
    public var badTotalLength: UInt64 = 0
    /// Datagrams whose header checksum is wrong.
    public var badChecksum: UInt64 = 0
    /// Datagrams whose options are malformed (answered with Parameter Problem).
    public var badOptions: UInt64 = 0
    /// Datagrams with a source that no host may use (multicast, broadcast).
    public var badSource: UInt64 = 0
    /// Datagrams for another host (forwarding is off).
    public var notForUs: UInt64 = 0
    /// Fragments received for this host.
    public var fragmentsReceived: UInt64 = 0
    /// Fragments the reassembler refused (duplicates, overlaps, limits: see `reassembler.statistics`).
    public var fragmentsDropped: UInt64 = 0
    /// Datagrams put back together.
    public var reassembled: UInt64 = 0
    /// Datagrams whose fragments did not all arrive in time.
    public var reassemblyTimeouts: UInt64 = 0
    /// Datagrams of a protocol nothing here handles.
    public var unknownProtocol: UInt64 = 0
    /// Datagrams the stack asked to send.
    public var sendRequests: UInt64 = 0
    /// Sends with no route to the destination.
    public var noRoute: UInt64 = 0
    /// Sends no datagram can hold (over 65,535 bytes), or with no address to send from.
    public var tooBig: UInt64 = 0
    /// Sends dropped for want of a buffer.
    public var noBuffer: UInt64 = 0
    /// Datagrams split into fragments (RFC 791), sent or forwarded.
    public var fragmented: UInt64 = 0
    /// Fragments made.
    public var fragmentsCreated: UInt64 = 0
    /// Datagrams too big for the path with Don't Fragment set.
    public var cannotFragment: UInt64 = 0
    /// Datagrams forwarded to another host.
    public var forwarded: UInt64 = 0
    /// Datagrams not forwarded because their TTL ran out.
    public var timeToLiveExceeded: UInt64 = 0
    /// Datagrams not forwarded for want of a route.
    public var forwardNoRoute: UInt64 = 0
}

/// ICMPv4 counters.
public struct ICMPv4Statistics: Sendable, Equatable {
    public var received: UInt64 = 0
    public var echoRequestsIn: UInt64 = 0
    public var echoRepliesIn: UInt64 = 0
    public var echoRequestsOut: UInt64 = 0
    public var echoRepliesOut: UInt64 = 0
    /// Echo requests to a broadcast or multicast address, ignored by policy.
    public var broadcastEchoIgnored: UInt64 = 0
    public var truncated: UInt64 = 0
    public var badChecksum: UInt64 = 0
    /// Messages of a type this stack does not act on.
    public var otherTypes: UInt64 = 0
    public var destinationUnreachableIn: UInt64 = 0
    public var timeExceededIn: UInt64 = 0
    public var parameterProblemIn: UInt64 = 0
    public var destinationUnreachableOut: UInt64 = 0
    public var timeExceededOut: UInt64 = 0
    public var parameterProblemOut: UInt64 = 0
    /// Errors not sent because RFC 1122 forbids them (about an error, a
    /// broadcast, a non-first fragment, an impossible source).
    public var errorsSuppressed: UInt64 = 0
    /// Errors not sent because the token bucket was empty.
    public var errorsRateLimited: UInt64 = 0
    /// Errors received that quote a datagram too short to use.
    public var errorsMalformed: UInt64 = 0
    /// Path MTU reductions learnt from "fragmentation needed".
    public var pathMTUUpdates: UInt64 = 0
}

/// Every counter of the stack.
public struct TCPIPStatistics: Sendable, Equatable {
    public var ethernet = EthernetStatistics()
    public var arp = ARPStatistics()
    public var ipv4 = IPv4Statistics()
    public var icmpv4 = ICMPv4Statistics()
    public var ipv6 = IPv6Statistics()
    public var icmpv6 = ICMPv6Statistics()
    public var ndp = NDPStatistics()
    public var udp = UDPStatistics()
    /// TCP.
    public var tcp = TCPStatistics()
}
