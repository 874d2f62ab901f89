import NetCore

/// The IPv4 route table: longest prefix match, then the lowest metric.
///
/// Routes are kept per prefix length, each length in a dictionary keyed by
/// the masked destination, and a bitmap of the lengths in use lets a lookup
/// try only those, longest first: at most 33 hash probes whatever the size.
public struct RouteTable: Sendable {
    var byLength: [[UInt32: [Route]]] = Array(repeating: [:], count: 33)
    var lengthsInUse: UInt64 = 0
    /// How many routes the table holds.
    public private(set) var count = 0

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
            bucket.remove(at: i)
        } else {
            count += 1
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
        count -= removed
        byLength[length][key] = bucket.isEmpty ? nil : bucket
        if byLength[length].isEmpty { lengthsInUse &= ~(1 << UInt64(length)) }
        return removed
    }

    /// Removes every route over an interface (when it goes away).
    public mutating func removeAll(interfaceIndex: UInt32) {
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
