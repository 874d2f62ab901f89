import NetCore

/// The IPv6 route table: longest prefix match, then the lowest metric, ties
/// going to the route added first — the same rules as the IPv4 `RouteTable`.
///
/// Routes are kept per prefix length, each length in a dictionary keyed by
/// the masked destination, and a bitmap of the lengths in use lets a lookup
/// probe only those, longest first. IPv6 tables in practice hold a handful
/// of lengths (/128 host routes, /64 on-link prefixes, RFC 4191 routes, /0),
/// so a lookup costs a few hash probes rather than 129.
public struct IPv6RouteTable: Sendable {
    var byLength: [[IPv6Address: [IPv6Route]]] = Array(repeating: [:], count: 129)
    /// Bit `n - 1` is set while some route has prefix length `n` (1…128);
    /// length 0, the default route, is tracked by `hasDefault` because 129
    /// lengths do not fit one 128-bit word.
    var lengthsInUse: UInt128 = 0
    var hasDefault = false
    /// How many routes the table holds.
    public private(set) var count = 0

    /// An empty table.
    public init() {}

    /// Every route, longest prefixes first; within a length by network
    /// address, and within a prefix in lookup order, so listings are
    /// reproducible from run to run.
    public var routes: [IPv6Route] {
        (0...128).reversed().flatMap { length in
            byLength[length].sorted { $0.key < $1.key }.flatMap(\.value)
        }
    }

    /// The earliest deadline among the routes, for arming the timer that
    /// calls `removeExpired(now:)`; nil when every route is permanent.
    public var nextExpiry: Instant? {
        var earliest: Instant?
        for buckets in byLength {
            for bucket in buckets.values {
                for route in bucket {
                    if let expires = route.expires, earliest.map({ expires < $0 }) ?? true { earliest = expires }
                }
            }
        }
        return earliest
    }

    /// Adds a route; an identical one (same prefix, next hop and interface)
    /// is replaced, which is how a Router Advertisement refreshes a lifetime.
    public mutating func add(_ route: IPv6Route) {
        let length = route.destination.length
        let key = route.destination.network
        var bucket = byLength[length][key] ?? []
        if let i = bucket.firstIndex(where: { $0.nextHop == route.nextHop && $0.interfaceIndex == route.interfaceIndex }) {
            // A refresh at the same metric keeps the route's place: sending
            // it behind its equal-metric peers would hand the tie to another
            // route, so two default routers would swap on every RA.
            if bucket[i].metric == route.metric {
                bucket[i] = route
                byLength[length][key] = bucket
                return
            }
            bucket.remove(at: i)
        } else {
            count += 1
        }
        // Lowest metric first; among equal metrics the route added first wins.
        let position = bucket.firstIndex { $0.metric > route.metric } ?? bucket.endIndex
        bucket.insert(route, at: position)
        byLength[length][key] = bucket
        markInUse(length)
    }

    /// Removes routes matching `prefix` (and, if given, next hop and
    /// interface; `nextHop: .some(nil)` selects on-link routes only).
    /// Returns how many were removed.
    @discardableResult
    public mutating func remove(_ prefix: IPv6Prefix, nextHop: IPv6Address?? = nil, interfaceIndex: UInt32? = nil) -> Int {
        let length = prefix.length
        let key = prefix.network
        guard var bucket = byLength[length][key] else { return 0 }
        let before = bucket.count
        bucket.removeAll { route in
            (nextHop == nil || route.nextHop == nextHop!) && (interfaceIndex == nil || route.interfaceIndex == interfaceIndex!)
        }
        let removed = before - bucket.count
        count -= removed
        byLength[length][key] = bucket.isEmpty ? nil : bucket
        if byLength[length].isEmpty { markUnused(length) }
        return removed
    }

    /// Removes every route over an interface (when it goes away).
    public mutating func removeAll(interfaceIndex: UInt32) {
        removeAll { $0.interfaceIndex == interfaceIndex }
    }

    /// Removes every route whose lifetime has run out at `now` and returns
    /// them, so the caller can log them or tell the neighbour cache that a
    /// router is no longer a default router.
    @discardableResult
    public mutating func removeExpired(now: Instant) -> [IPv6Route] {
        removeAll { $0.isExpired(at: now) }
    }

    /// The best route to `destination`: the longest matching prefix, then the
    /// lowest metric. With `now`, routes whose lifetime has run out are
    /// skipped even if the expiry timer has not yet removed them, so a stale
    /// default router is not used between its deadline and the timer.
    public func lookup(_ destination: IPv6Address, now: Instant? = nil) -> IPv6Route? {
        var lengths = lengthsInUse
        while lengths != 0 {
            let bit = 127 - lengths.leadingZeroBitCount
            lengths &= ~(1 << UInt128(bit))
            if let best = Self.best(in: byLength[bit + 1][IPv6Prefix(address: destination, length: bit + 1)!.network], now: now) {
                return best
            }
        }
        if hasDefault { return Self.best(in: byLength[0][.unspecified], now: now) }
        return nil
    }

    static func best(in bucket: [IPv6Route]?, now: Instant?) -> IPv6Route? {
        guard let bucket else { return nil }
        guard let now else { return bucket.first }
        return bucket.first { !$0.isExpired(at: now) }
    }

    /// Removes and returns the routes `predicate` selects, one bucket at a time.
    @discardableResult
    mutating func removeAll(where predicate: (IPv6Route) -> Bool) -> [IPv6Route] {
        var removed: [IPv6Route] = []
        for length in 0...128 where !byLength[length].isEmpty {
            // Sorted, so what is returned comes in the same order every run.
            for (key, bucket) in byLength[length].sorted(by: { $0.key < $1.key }) {
                let kept = bucket.filter { !predicate($0) }
                guard kept.count != bucket.count else { continue }
                removed += bucket.filter(predicate)
                byLength[length][key] = kept.isEmpty ? nil : kept
            }
            if byLength[length].isEmpty { markUnused(length) }
        }
        count -= removed.count
        return removed
    }

    mutating func markInUse(_ length: Int) {
        if length == 0 { hasDefault = true } else { lengthsInUse |= 1 << UInt128(length - 1) }
    }

    mutating func markUnused(_ length: Int) {
        if length == 0 { hasDefault = false } else { lengthsInUse &= ~(1 << UInt128(length - 1)) }
    }
}
