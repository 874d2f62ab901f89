import Testing
@testable import TCPIP
import NDIS
import NetCore

/// SplitMix64: a small seeded generator, local to these tests so the
/// differential test does not depend on the generator under test elsewhere.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RouteTableTests {
    static func prefix(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ length: Int) -> IPv4Prefix {
        IPv4Prefix(address: IPv4Address(a, b, c, d), length: length)!
    }

    static let gateway = IPv4Address(192, 0, 2, 254)

    /// A default route, a /24, a /25 inside it and a /32 inside that, each on its own interface.
    static func nested() -> RouteTable {
        var table = RouteTable()
        table.add(Route(destination: prefix(0, 0, 0, 0, 0), nextHop: gateway, interfaceIndex: 1))
        table.add(Route(destination: prefix(192, 0, 2, 0, 24), interfaceIndex: 2))
        table.add(Route(destination: prefix(192, 0, 2, 128, 25), interfaceIndex: 3))
        table.add(Route(destination: prefix(192, 0, 2, 200, 32), nextHop: IPv4Address(192, 0, 2, 129), interfaceIndex: 4))
        return table
    }

    @Test func emptyTableHasNoRoute() {
        let table = RouteTable()
        #expect(table.lookup(IPv4Address(192, 0, 2, 1)) == nil)
        #expect(table.count == 0)
        #expect(table.routes.isEmpty)
    }

    @Test func longestPrefixMatch() {
        let table = Self.nested()
        #expect(table.count == 4)
        // Outside 192.0.2.0/24: the default route.
        #expect(table.lookup(IPv4Address(198, 51, 100, 7))?.interfaceIndex == 1)
        #expect(table.lookup(IPv4Address(198, 51, 100, 7))?.nextHop == Self.gateway)
        #expect(table.lookup(IPv4Address(192, 0, 3, 0))?.interfaceIndex == 1)
        // The lower half of the /24.
        #expect(table.lookup(IPv4Address(192, 0, 2, 0))?.interfaceIndex == 2)
        #expect(table.lookup(IPv4Address(192, 0, 2, 127))?.interfaceIndex == 2)
        #expect(table.lookup(IPv4Address(192, 0, 2, 127))?.nextHop == nil)
        // The upper half: the /25.
        #expect(table.lookup(IPv4Address(192, 0, 2, 128))?.interfaceIndex == 3)
        #expect(table.lookup(IPv4Address(192, 0, 2, 199))?.interfaceIndex == 3)
        #expect(table.lookup(IPv4Address(192, 0, 2, 201))?.interfaceIndex == 3)
        #expect(table.lookup(IPv4Address(192, 0, 2, 255))?.interfaceIndex == 3)
        // The host route.
        let host = table.lookup(IPv4Address(192, 0, 2, 200))
        #expect(host?.interfaceIndex == 4)
        #expect(host?.destination == Self.prefix(192, 0, 2, 200, 32))
        #expect(host?.nextHop == IPv4Address(192, 0, 2, 129))
    }

    @Test func withoutDefaultRouteNothingElseMatches() {
        var table = RouteTable()
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 2))
        #expect(table.lookup(IPv4Address(192, 0, 2, 9)) != nil)
        #expect(table.lookup(IPv4Address(192, 0, 1, 255)) == nil)
        #expect(table.lookup(IPv4Address(192, 0, 3, 0)) == nil)
    }

    @Test func hostBitsOfTheDestinationAreIgnored() {
        // 192.0.2.77/24 names the network 192.0.2.0/24.
        var table = RouteTable()
        table.add(Route(destination: Self.prefix(192, 0, 2, 77, 24), interfaceIndex: 5))
        #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.interfaceIndex == 5)
        #expect(table.remove(Self.prefix(192, 0, 2, 0, 24)) == 1)
        #expect(table.lookup(IPv4Address(192, 0, 2, 1)) == nil)
    }

    @Test func lowestMetricWinsAmongEqualPrefixes() {
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let candidates = [
                Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 1, metric: 20),
                Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 2, metric: 5),
                Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 3, metric: 10),
            ]
            var table = RouteTable()
            for i in order { table.add(candidates[i]) }
            #expect(table.count == 3)
            #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.interfaceIndex == 2, "insertion order \(order)")
        }
    }

    @Test func longerPrefixBeatsLowerMetric() {
        var table = RouteTable()
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 1, metric: 1))
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 25), interfaceIndex: 2, metric: 9000))
        #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.interfaceIndex == 2)
        #expect(table.lookup(IPv4Address(192, 0, 2, 129))?.interfaceIndex == 1)
    }

    @Test func addingTheSameRouteReplacesIt() {
        var table = RouteTable()
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 1, metric: 50))
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 2, metric: 40))
        // Same prefix, next hop and interface: the metric is updated, not a second route added.
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 1, metric: 10))
        #expect(table.count == 2)
        #expect(table.routes.count == 2)
        #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.interfaceIndex == 1)
        #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.metric == 10)
        // A different next hop is a different route.
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), nextHop: Self.gateway, interfaceIndex: 1, metric: 10))
        #expect(table.count == 3)
    }

    @Test func removeFallsBackToShorterPrefix() {
        var table = Self.nested()
        #expect(table.remove(Self.prefix(192, 0, 2, 200, 32)) == 1)
        #expect(table.count == 3)
        #expect(table.lookup(IPv4Address(192, 0, 2, 200))?.interfaceIndex == 3)
        #expect(table.remove(Self.prefix(192, 0, 2, 128, 25)) == 1)
        #expect(table.lookup(IPv4Address(192, 0, 2, 200))?.interfaceIndex == 2)
        #expect(table.remove(Self.prefix(192, 0, 2, 0, 24)) == 1)
        #expect(table.lookup(IPv4Address(192, 0, 2, 200))?.interfaceIndex == 1)
        #expect(table.remove(Self.prefix(0, 0, 0, 0, 0)) == 1)
        #expect(table.lookup(IPv4Address(192, 0, 2, 200)) == nil)
        #expect(table.count == 0)
        #expect(table.routes.isEmpty)
    }

    @Test func removeOfAbsentRouteChangesNothing() {
        var table = Self.nested()
        #expect(table.remove(Self.prefix(198, 51, 100, 0, 24)) == 0)
        // Same network, other length.
        #expect(table.remove(Self.prefix(192, 0, 2, 0, 23)) == 0)
        // Right prefix, wrong interface or next hop.
        #expect(table.remove(Self.prefix(192, 0, 2, 0, 24), interfaceIndex: 9) == 0)
        #expect(table.remove(Self.prefix(192, 0, 2, 0, 24), nextHop: .some(Self.gateway)) == 0)
        #expect(table.count == 4)
        #expect(table.lookup(IPv4Address(192, 0, 2, 5))?.interfaceIndex == 2)
    }

    @Test func removeFiltersByNextHopAndInterface() {
        var table = RouteTable()
        let p = Self.prefix(192, 0, 2, 0, 24)
        table.add(Route(destination: p, interfaceIndex: 1, metric: 1))
        table.add(Route(destination: p, nextHop: Self.gateway, interfaceIndex: 1, metric: 2))
        table.add(Route(destination: p, interfaceIndex: 2, metric: 3))
        // Only on-link routes (next hop nil) over interface 1.
        #expect(table.remove(p, nextHop: .some(nil), interfaceIndex: 1) == 1)
        #expect(table.count == 2)
        #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.nextHop == Self.gateway)
        // Every route over interface 2.
        #expect(table.remove(p, interfaceIndex: 2) == 1)
        #expect(table.count == 1)
        // Whatever remains of the prefix.
        #expect(table.remove(p) == 1)
        #expect(table.count == 0)
        #expect(table.lookup(IPv4Address(192, 0, 2, 1)) == nil)
    }

    @Test func removeAllOfAnInterface() {
        var table = Self.nested()
        table.add(Route(destination: Self.prefix(198, 51, 100, 0, 24), interfaceIndex: 3))
        table.add(Route(destination: Self.prefix(192, 0, 2, 0, 24), nextHop: Self.gateway, interfaceIndex: 3, metric: 1))
        #expect(table.count == 6)
        table.removeAll(interfaceIndex: 3)
        #expect(table.count == 3)
        #expect(table.routes.allSatisfy { $0.interfaceIndex != 3 })
        #expect(table.lookup(IPv4Address(192, 0, 2, 130))?.interfaceIndex == 2)
        #expect(table.lookup(IPv4Address(192, 0, 2, 1))?.interfaceIndex == 2)
        #expect(table.lookup(IPv4Address(198, 51, 100, 1))?.interfaceIndex == 1)
        #expect(table.lookup(IPv4Address(192, 0, 2, 200))?.interfaceIndex == 4)
        table.removeAll(interfaceIndex: 42)
        #expect(table.count == 3)
    }

    @Test func routesListsLongestFirst() {
        let lengths = Self.nested().routes.map(\.destination.length)
        #expect(lengths == [32, 25, 24, 0])
    }

    // MARK: - Differential

    /// The reference: every route in an array, scanned in full.
    struct NaiveTable {
        var routes: [Route] = []

        mutating func add(_ route: Route) {
            if let i = routes.firstIndex(where: {
                $0.destination.network == route.destination.network && $0.destination.length == route.destination.length
                    && $0.nextHop == route.nextHop && $0.interfaceIndex == route.interfaceIndex
            }) {
                routes[i] = route
            } else {
                routes.append(route)
            }
        }

        mutating func remove(_ route: Route) {
            routes.removeAll {
                $0.destination.network == route.destination.network && $0.destination.length == route.destination.length
                    && $0.nextHop == route.nextHop && $0.interfaceIndex == route.interfaceIndex
            }
        }

        /// Every route that is as good as the best: longest prefix, then lowest metric.
        func best(_ address: IPv4Address) -> [Route] {
            let matching = routes.filter { $0.destination.contains(address) }
            guard let length = matching.map(\.destination.length).max() else { return [] }
            let longest = matching.filter { $0.destination.length == length }
            let metric = longest.map(\.metric).min()!
            return longest.filter { $0.metric == metric }
        }
    }

    /// An address from a small space (four /8s, mostly one /16) so random
    /// prefixes overlap and long ones get hit.
    static func randomAddress(_ rng: inout SplitMix64) -> IPv4Address {
        let firsts: [UInt32] = [10, 172, 192, 198]
        let first = firsts[Int.random(in: 0..<firsts.count, using: &rng)]
        let second = Bool.random(using: &rng) ? 0 : UInt32.random(in: 0...3, using: &rng)
        let low = UInt32.random(in: 0...0xFFFF, using: &rng)
        return IPv4Address(rawValue: first << 24 | second << 16 | low)
    }

    static func randomRoute(_ rng: inout SplitMix64) -> Route {
        // Lengths spread over all of 0...32, weighted to the common ones.
        let length = Int.random(in: 0..<4, using: &rng) == 0
            ? Int.random(in: 0...32, using: &rng)
            : [8, 16, 20, 24, 25, 28, 30, 32][Int.random(in: 0..<8, using: &rng)]
        let nextHop: IPv4Address? = Bool.random(using: &rng) ? nil : IPv4Address(192, 0, 2, UInt8.random(in: 1...3, using: &rng))
        return Route(destination: IPv4Prefix(address: randomAddress(&rng), length: length)!, nextHop: nextHop,
                     interfaceIndex: UInt32.random(in: 1...4, using: &rng), metric: UInt32.random(in: 0...5, using: &rng))
    }

    static func compare(_ table: RouteTable, _ naive: NaiveTable, lookups: Int, _ rng: inout SplitMix64) -> Int {
        var mismatches = 0
        for _ in 0..<lookups {
            let address = randomAddress(&rng)
            let expected = naive.best(address)
            let got = table.lookup(address)
            if let got {
                if !expected.contains(got) { mismatches += 1 }
            } else if !expected.isEmpty {
                mismatches += 1
            }
        }
        return mismatches
    }

    @Test func matchesLinearScanOnRandomRoutes() {
        var rng = SplitMix64(seed: 0x5EED_0001)
        var table = RouteTable()
        var naive = NaiveTable()
        for _ in 0..<2_000 {
            let route = Self.randomRoute(&rng)
            table.add(route)
            naive.add(route)
        }
        #expect(table.count == naive.routes.count)
        #expect(Set(table.routes) == Set(naive.routes))
        // The generator must make lookups that exercise every kind of answer.
        var hits = 0, longHits = 0
        var check = rng
        for _ in 0..<1_000 {
            let best = naive.best(Self.randomAddress(&check))
            if !best.isEmpty { hits += 1 }
            if let length = best.first?.destination.length, length >= 24 { longHits += 1 }
        }
        #expect(hits > 100)
        #expect(longHits > 10)
        #expect(Self.compare(table, naive, lookups: 10_000, &rng) == 0)

        // Remove a quarter of the routes one by one, and an interface wholesale.
        let victims = naive.routes.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        for route in victims {
            #expect(table.remove(route.destination, nextHop: .some(route.nextHop), interfaceIndex: route.interfaceIndex) == 1)
            naive.remove(route)
        }
        table.removeAll(interfaceIndex: 2)
        naive.routes.removeAll { $0.interfaceIndex == 2 }
        #expect(table.count == naive.routes.count)
        #expect(Set(table.routes) == Set(naive.routes))
        #expect(Self.compare(table, naive, lookups: 10_000, &rng) == 0)
    }
}
