import NetCore

/// Path MTUs learnt from ICMP "fragmentation needed" (RFC 1191) and ICMPv6
/// "packet too big" (RFC 8201), per destination, forgotten after `lifetime`
/// so a path that grew is found again. IPv4 destinations are kept as
/// IPv4-mapped addresses, so one cache type serves either family.
public struct PathMTUCache: Sendable {
    struct Entry: Sendable {
        var mtu: Int
        var expires: Instant
    }

    /// Below this an advertised MTU is raised to it, as Linux's min_pmtu does,
    /// so forged ICMP cannot shrink a path to absurdly small packets.
    public let minimum: Int
    /// How long a learnt MTU holds (RFC 1191 suggests 10 minutes).
    public let lifetime: Duration
    /// Destinations remembered at most.
    public let capacity: Int
    var entries: [IPv6Address: Entry] = [:]

    public init(minimum: Int = 552, lifetime: Duration = .seconds(600), capacity: Int = 1024) {
        self.minimum = minimum
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The path MTU to an IPv4 `destination`, or nil when none was learnt (or it expired).
    public func mtu(to destination: IPv4Address, now: Instant) -> Int? {
        mtu(to: IPv6Address(ipv4Mapped: destination), now: now)
    }

    /// Records a smaller MTU towards an IPv4 `destination`; see the IPv6 form.
    @discardableResult
    public mutating func lower(to destination: IPv4Address, mtu advertised: Int, linkMTU: Int, now: Instant) -> Int {
        lower(to: IPv6Address(ipv4Mapped: destination), mtu: advertised, linkMTU: linkMTU, now: now)
    }

    /// The path MTU to `destination`, or nil when none was learnt (or it expired).
    public func mtu(to destination: IPv6Address, now: Instant) -> Int? {
        guard let entry = entries[destination], entry.expires > now else { return nil }
        return entry.mtu
    }

    /// Records a smaller MTU towards `destination`; a larger one than known is ignored.
    /// Returns the MTU now in force.
    @discardableResult
    public mutating func lower(to destination: IPv6Address, mtu advertised: Int, linkMTU: Int, now: Instant) -> Int {
        let mtu = min(max(advertised, minimum), linkMTU)
        if let known = self.mtu(to: destination, now: now), known <= mtu { return known }
        if entries[destination] == nil && entries.count >= capacity {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.expires < $1.value.expires }) {
                entries.removeValue(forKey: oldest.key)
            }
        }
        entries[destination] = Entry(mtu: mtu, expires: now + lifetime)
        return mtu
    }

    /// The RFC 1191 §7 plateau below `length`, for a router that sent no MTU.
    public static func plateau(below length: Int) -> Int {
        let plateaus = [65_535, 32_000, 17_914, 8_166, 4_352, 2_002, 1_492, 1_006, 508, 296, 68]
        return plateaus.first { $0 < length } ?? 68
    }

    /// Destinations with a learnt MTU.
    public var count: Int { entries.count }
}
