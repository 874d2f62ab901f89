import NetCore

/// The route table of both families (GetIpForwardTable2 with AF_UNSPEC):
/// longest prefix match, then the lowest metric. IPv4 routes are held here;
/// IPv6 routes in `ipv6`, reached through the same methods by address type.
///
/// Routes are kept per prefix length, each length in a dictionary keyed by
/// the masked destination, and a bitmap of the lengths in use lets a lookup
/// try only those, longest first: at most 33 hash probes whatever the size.
public struct RouteTable: Sendable {
    var byLength: [[UInt32: [Route]]] = Array(repeating: [:], count: 33)
    var lengthsInUse: UInt64 = 0
    /// How many IPv4 routes the table holds.
    public private(set) var ipv4Count = 0
    /// The IPv6 routes.
    public internal(set) var ipv6 = IPv6RouteTable()

    /// How many routes the table holds, both families.
    public var count: Int { ipv4Count + ipv6.count }

    public init() {}

    /// Every route, longest prefixes first.
    public var routes: [Route] {
        (0...32).reversed().flatMap { length in
            byLength[length].values.flatMap { $0 }.sorted { ($0.metric, $0.interfaceIndex) < ($1.metric, $1.interfaceIndex) }
        }
    }

    /// Adds a route; an identical one (same prefix, next hop and interface) is replaced.
    public mutating func add(_ route: Route) {
        let length = route.destination.length
        let key = route.destination.network.rawValue
        var bucket = byLength[length][key] ?? []
        if let i = bucket.firstIndex(where: { $0.nextHop == route.nextHop && $0.interfaceIndex == route.interfaceIndex }) {
            // Same metric: replaced where it stands, so a refresh does not
            // lose its place to an equal route added after it.
            if bucket[i].metric == route.metric {
                bucket[i] = route
                byLength[length][key] = bucket
                return
            }
            bucket.remove(at: i)
        } else {
            ipv4Count += 1
        }
        // Lowest metric first; among equal metrics the route added first wins.
        let position = bucket.firstIndex { $0.metric > route.metric } ?? bucket.endIndex
        bucket.insert(route, at: position)
        byLength[length][key] = bucket
        lengthsInUse |= 1 << UInt64(length)
    }

    /// Removes routes matching `prefix` (and, if given, next hop and interface).
    /// Returns how many were removed.
    @discardableResult
    public mutating func remove(_ prefix: IPv4Prefix, nextHop: IPv4Address?? = nil, interfaceIndex: UInt32? = nil) -> Int {
        let length = prefix.length
        let key = prefix.network.rawValue
        guard var bucket = byLength[length][key] else { return 0 }
        let before = bucket.count
        bucket.removeAll { route in
            (nextHop == nil || route.nextHop == nextHop!) && (interfaceIndex == nil || route.interfaceIndex == interfaceIndex!)
        }
        let removed = before - bucket.count
        ipv4Count -= removed
        byLength[length][key] = bucket.isEmpty ? nil : bucket
        if byLength[length].isEmpty { lengthsInUse &= ~(1 << UInt64(length)) }
        return removed
    }

    /// Adds an IPv6 route; see `IPv6RouteTable.add`.
    public mutating func add(_ route: IPv6Route) { ipv6.add(route) }

    /// Removes IPv6 routes; see `IPv6RouteTable.remove`.
    @discardableResult
    public mutating func remove(_ prefix: IPv6Prefix, nextHop: IPv6Address?? = nil, interfaceIndex: UInt32? = nil) -> Int {
        ipv6.remove(prefix, nextHop: nextHop, interfaceIndex: interfaceIndex)
    }

    /// The best IPv6 route to `destination`, skipping routes expired at `now`.
    public func lookup(_ destination: IPv6Address, now: Instant? = nil) -> IPv6Route? {
        ipv6.lookup(destination, now: now)
    }

    /// Removes every route over an interface (when it goes away), both families.
    public mutating func removeAll(interfaceIndex: UInt32) {
        ipv6.removeAll(interfaceIndex: interfaceIndex)
        for route in routes where route.interfaceIndex == interfaceIndex {
            remove(route.destination, nextHop: .some(route.nextHop), interfaceIndex: interfaceIndex)
        }
    }

    /// The best route to `destination`: the longest matching prefix, then the lowest metric.
    public func lookup(_ destination: IPv4Address) -> Route? {
        var lengths = lengthsInUse
        while lengths != 0 {
            let length = 63 - lengths.leadingZeroBitCount
            lengths &= ~(1 << UInt64(length))
            let mask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
            if let bucket = byLength[length][destination.rawValue & mask], let best = bucket.first {
                return best
            }
        }
        return nil
    }
}
