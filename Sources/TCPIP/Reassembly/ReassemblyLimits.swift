/// The bounds on what reassembly may hold, so that fragments nobody
/// completes (lost, or sent to exhaust memory) cost a fixed, known amount.
///
/// Policy when a bound is reached: the fragment that would exceed it is
/// refused, never an older datagram evicted. A fragment that would start a
/// new datagram is dropped alone; a fragment of a datagram already held that
/// would push it past a bound drops that datagram too, since a datagram
/// missing a fragment can only time out and its space is better freed now.
/// Refusing new work keeps every datagram already in progress able to
/// finish, and makes the table's contents depend only on arrivals and time,
/// not on the order in which an attacker's datagrams happened to be evicted.
public struct ReassemblyLimits: Sendable, Equatable {
    /// Datagrams held at once, each in one pool slot. This also sizes the
    /// pool, so the number of slots reassembly can use is fixed up front.
    public var maxDatagrams: Int
    /// Bytes held at once, summed over the datagrams: every distinct payload
    /// byte received plus the header kept for each. A lower budget than
    /// `maxDatagrams` full slots lets many small datagrams be in progress
    /// while bounding how much of the pool big ones may fill.
    public var maxBytes: Int
    /// Distinct fragments one datagram may have (exact duplicates are not
    /// counted). 64 carries a 65,535-byte datagram over any link of
    /// 1,280 bytes or more, while keeping each datagram's range list in a
    /// small fixed table and bounding the work per fragment.
    public var maxFragmentsPerDatagram: Int
    /// How long an IPv4 datagram may wait for its fragments from the first
    /// one's arrival (60 s, as Windows uses).
    public var ipv4Timeout: Duration
    /// How long an IPv6 datagram may wait (60 s, RFC 8200 §4.5).
    public var ipv6Timeout: Duration
    /// Extra pool slots beyond `maxDatagrams`, for completed datagrams the
    /// caller has not yet freed: while it holds up to this many, every
    /// in-progress datagram still finds a slot.
    public var deliveryReserve: Int

    /// Limits with the defaults: 64 datagrams, 2 MiB, 64 fragments each,
    /// 60 s timeouts and 4 slots of delivery reserve (about 4.5 MB of pool).
    public init(maxDatagrams: Int = 64, maxBytes: Int = 2 << 20, maxFragmentsPerDatagram: Int = 64,
                ipv4Timeout: Duration = .seconds(60), ipv6Timeout: Duration = .seconds(60),
                deliveryReserve: Int = 4) {
        self.maxDatagrams = maxDatagrams
        self.maxBytes = maxBytes
        self.maxFragmentsPerDatagram = maxFragmentsPerDatagram
        self.ipv4Timeout = ipv4Timeout
        self.ipv6Timeout = ipv6Timeout
        self.deliveryReserve = deliveryReserve
    }
}
