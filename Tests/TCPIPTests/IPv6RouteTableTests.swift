import Testing
@testable import TCPIP
import NetCore

@Suite("IPv6RouteTable")
struct IPv6RouteTableTests {
    static func prefix(_ text: String) -> IPv6Prefix { IPv6Prefix(text)! }
    static func address(_ text: String) -> IPv6Address { IPv6Address(text)! }

    static let routerA = address("fe80::a")
    static let routerB = address("fe80::b")
    static let t0 = Instant(nanoseconds: 1_000_000_000_000)

    /// A chain of nested prefixes inside 2001:db8:8000::/33, one per length,
    /// each on the interface numbered after its length, plus a default
    /// route. The lengths sit on the boundaries that a bitmap over 128 bits
    /// and a split into two 64-bit halves could get wrong: 0, 33, 63/64/65,
    /// 127/128.
    static let chain: [IPv6Route] = [
        IPv6Route(destination: prefix("::/0"), nextHop: routerA, interfaceIndex: 0),
        IPv6Route(destination: prefix("2001:db8:8000::/33"), interfaceIndex: 33),
        IPv6Route(destination: prefix("2001:db8:8001::/48"), interfaceIndex: 48),
        IPv6Route(destination: prefix("2001:db8:8001::/63"), interfaceIndex: 63),
        IPv6Route(destination: prefix("2001:db8:8001:1::/64"), interfaceIndex: 64),
        IPv6Route(destination: prefix("2001:db8:8001:1::/65"), interfaceIndex: 65),
        IPv6Route(destination: prefix("2001:db8:8001:1::/96"), interfaceIndex: 96),
        IPv6Route(destination: prefix("2001:db8:8001:1::a:0/112"), interfaceIndex: 112),
        IPv6Route(destination: prefix("2001:db8:8001:1::a:0/127"), interfaceIndex: 127),
        IPv6Route(destination: prefix("2001:db8:8001:1::a:1/128"), interfaceIndex: 128),
    ]

    /// Each probe lies in exactly the prefixes of `chain` up to the expected length.
    static let chainProbes: [(String, UInt32)] = [
        ("2001:db8::1", 0), // the lower half of 2001:db8::/32 is outside the /33
        ("2001:db8:8000::1", 33),
        ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 33),
        ("2001:db8:8001:2::1", 48),
        ("2001:db8:8001::1", 63),
        ("2001:db8:8001:1:8000::", 64),
        ("2001:db8:8001:1:0:1::1", 65),
        ("2001:db8:8001:1::b:0", 96),
        ("2001:db8:8001:1::a:2", 112),
        ("2001:db8:8001:1::a:0", 127),
        ("2001:db8:8001:1::a:1", 128),
    ]

    @Test("An empty table has no route, no routes and no expiry")
    func emptyTable() {
        let table = IPv6RouteTable()
        #expect(table.lookup(Self.address("2001:db8::1")) == nil)
        #expect(table.lookup(.unspecified) == nil)
        #expect(table.count == 0)
        #expect(table.routes.isEmpty)
        #expect(table.nextExpiry == nil)
    }

    @Test("Longest prefix match across lengths 0 to 128, whatever the insertion order",
          arguments: [false, true])
    func longestPrefixMatch(reversed: Bool) {
        var table = IPv6RouteTable()
        for route in reversed ? Self.chain.reversed() : Self.chain { table.add(route) }
        #expect(table.count == Self.chain.count)
        for (text, expected) in Self.chainProbes {
            let found = table.lookup(Self.address(text))
            #expect(found?.interfaceIndex == expected, "\(text)")
            #expect(found?.destination.contains(Self.address(text)) == true, "\(text)")
        }
    }

    @Test("Removing the longest prefixes one at a time falls back to the next shorter one")
    func removalFallsBack() {
        var table = IPv6RouteTable()
        for route in Self.chain { table.add(route) }
        let probe = Self.address("2001:db8:8001:1::a:1")
        for route in Self.chain.reversed() {
            #expect(table.lookup(probe)?.interfaceIndex == route.interfaceIndex)
            #expect(table.remove(route.destination) == 1)
        }
        #expect(table.lookup(probe) == nil)
        #expect(table.count == 0)
        // No length may stay marked in use once its last route is gone, or
        // lookups would keep probing it; lookups cannot show that, so look inside.
        #expect(table.lengthsInUse == 0)
        #expect(!table.hasDefault)
    }

    @Test("Without a default route, an address outside every prefix has no route")
    func noDefaultRoute() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/48"), interfaceIndex: 1))
        #expect(table.lookup(Self.address("2001:db8:1:ffff::1"))?.interfaceIndex == 1)
        #expect(table.lookup(Self.address("2001:db8:2::1")) == nil)
        #expect(table.lookup(Self.address("2001:db8:0:ffff:ffff:ffff:ffff:ffff")) == nil)
    }

    @Test("A /0 route matches every address, the extremes included")
    func defaultRouteMatchesEverything() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerA, interfaceIndex: 7))
        for text in ["::", "2001:db8::1", "::ffff:192.0.2.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"] {
            #expect(table.lookup(Self.address(text))?.nextHop == Self.routerA, "\(text)")
        }
    }

    @Test("A /128 host route matches its own address and neither neighbour")
    func hostRoute() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("2001:db8::/64"), interfaceIndex: 1))
        table.add(IPv6Route(destination: Self.prefix("2001:db8::8/128"), nextHop: Self.routerB, interfaceIndex: 2))
        #expect(table.lookup(Self.address("2001:db8::8"))?.interfaceIndex == 2)
        #expect(table.lookup(Self.address("2001:db8::7"))?.interfaceIndex == 1)
        #expect(table.lookup(Self.address("2001:db8::9"))?.interfaceIndex == 1)
    }

    @Test("Host bits of an added prefix are ignored, for lookup and for removal")
    func hostBitsIgnored() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::77/48"), interfaceIndex: 5))
        #expect(table.lookup(Self.address("2001:db8:1:2::1"))?.interfaceIndex == 5)
        #expect(table.remove(Self.prefix("2001:db8:1::/48")) == 1)
        #expect(table.count == 0)
    }

    @Test("Within a prefix the lowest metric wins, whatever the insertion order")
    func lowestMetricWins() {
        let routes = [
            IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 1, metric: 20),
            IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 2, metric: 5),
            IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 3, metric: 10),
        ]
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            var table = IPv6RouteTable()
            for i in order { table.add(routes[i]) }
            #expect(table.lookup(Self.address("2001:db8:1::1"))?.interfaceIndex == 2, "\(order)")
            #expect(table.routes.map(\.metric) == [5, 10, 20], "\(order)")
        }
    }

    @Test("A longer prefix beats a lower metric")
    func longerPrefixBeatsMetric() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/48"), interfaceIndex: 1, metric: 1))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 2, metric: 9000))
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.interfaceIndex == 2)
        #expect(table.lookup(Self.address("2001:db8:1:1::1"))?.interfaceIndex == 1)
    }

    @Test("Among equal metrics the route added first wins")
    func tiesGoToFirstAdded() {
        let a = IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerA, interfaceIndex: 1)
        let b = IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerB, interfaceIndex: 1)
        var ab = IPv6RouteTable()
        ab.add(a)
        ab.add(b)
        #expect(ab.lookup(Self.address("2001:db8::1"))?.nextHop == Self.routerA)
        var ba = IPv6RouteTable()
        ba.add(b)
        ba.add(a)
        #expect(ba.lookup(Self.address("2001:db8::1"))?.nextHop == Self.routerB)
        // A third route of the same metric goes behind both, a better one ahead.
        let c = IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.address("fe80::c"), interfaceIndex: 1)
        ab.add(c)
        #expect(ab.routes.map(\.nextHop) == [Self.routerA, Self.routerB, c.nextHop])
        ab.add(IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.address("fe80::d"), interfaceIndex: 1, metric: 255))
        #expect(ab.lookup(Self.address("2001:db8::1"))?.nextHop == Self.address("fe80::d"))
    }

    @Test("Re-adding the same prefix, next hop and interface replaces the route")
    func identicalRouteIsReplaced() {
        var table = IPv6RouteTable()
        let prefix = Self.prefix("::/0")
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerA, interfaceIndex: 1, expires: Self.t0))
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerA, interfaceIndex: 1, expires: Self.t0 + .seconds(1800)))
        #expect(table.count == 1)
        #expect(table.routes.count == 1)
        #expect(table.routes.first?.expires == Self.t0 + .seconds(1800))
        #expect(table.nextExpiry == Self.t0 + .seconds(1800))
        // The old deadline is gone with the old route, so it is no longer expired at it.
        #expect(table.removeExpired(now: Self.t0).isEmpty)
        #expect(table.lookup(Self.address("2001:db8::1"), now: Self.t0)?.nextHop == Self.routerA)

        // Another next hop or another interface is another route.
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerB, interfaceIndex: 1))
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerA, interfaceIndex: 2))
        table.add(IPv6Route(destination: prefix, interfaceIndex: 1))
        #expect(table.count == 4)
        #expect(table.routes.count == 4)
    }

    @Test("Re-adding with a new metric moves the route to its new place")
    func replacementResorts() {
        var table = IPv6RouteTable()
        let prefix = Self.prefix("2001:db8:1::/64")
        table.add(IPv6Route(destination: prefix, interfaceIndex: 1, metric: 50))
        table.add(IPv6Route(destination: prefix, interfaceIndex: 2, metric: 40))
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.interfaceIndex == 2)
        table.add(IPv6Route(destination: prefix, interfaceIndex: 1, metric: 10))
        #expect(table.count == 2)
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.interfaceIndex == 1)
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.metric == 10)
        #expect(table.routes.map(\.interfaceIndex) == [1, 2])
    }

    @Test("Refreshing a route's lifetime keeps its place among equal metrics")
    func refreshKeepsPlace() {
        // Two default routers of equal metric, as two RAs install them. Each
        // router refreshes its own route with every RA; if a refresh sent the
        // route behind its peer, the chosen router would flip on every RA.
        var table = IPv6RouteTable()
        let prefix = Self.prefix("::/0")
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerA, interfaceIndex: 1, expires: Self.t0 + .seconds(1800)))
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerB, interfaceIndex: 1, expires: Self.t0 + .seconds(1800)))
        let destination = Self.address("2001:db8::1")
        #expect(table.lookup(destination)?.nextHop == Self.routerA)

        table.add(IPv6Route(destination: prefix, nextHop: Self.routerA, interfaceIndex: 1, expires: Self.t0 + .seconds(2400)))
        #expect(table.lookup(destination)?.nextHop == Self.routerA)
        #expect(table.lookup(destination)?.expires == Self.t0 + .seconds(2400))
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerB, interfaceIndex: 1, expires: Self.t0 + .seconds(2400)))
        #expect(table.lookup(destination)?.nextHop == Self.routerA)
        #expect(table.routes.map(\.nextHop) == [Self.routerA, Self.routerB])
        #expect(table.count == 2)
    }

    /// One prefix with an on-link route and routes through two routers over
    /// two interfaces, plus a route of another length on the same network.
    static func mixed() -> IPv6RouteTable {
        var table = IPv6RouteTable()
        let p = prefix("2001:db8:1::/64")
        table.add(IPv6Route(destination: p, interfaceIndex: 1, metric: 1))
        table.add(IPv6Route(destination: p, nextHop: routerA, interfaceIndex: 1, metric: 2))
        table.add(IPv6Route(destination: p, nextHop: routerB, interfaceIndex: 2, metric: 3))
        table.add(IPv6Route(destination: p, interfaceIndex: 2, metric: 4))
        // Same network address, different length: no removal of the /64 may touch it.
        table.add(IPv6Route(destination: prefix("2001:db8:1::/48"), interfaceIndex: 3))
        return table
    }

    @Test("remove() without filters takes every route of exactly that prefix")
    func removeWholePrefix() {
        var table = Self.mixed()
        #expect(table.remove(Self.prefix("2001:db8:1::/64")) == 4)
        #expect(table.count == 1)
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.interfaceIndex == 3)
        #expect(table.remove(Self.prefix("2001:db8:1::/64")) == 0)
        #expect(table.remove(Self.prefix("2001:db8:2::/48")) == 0)
        #expect(table.count == 1)
    }

    @Test("remove() with a next hop takes only the routes through it")
    func removeByNextHop() {
        var table = Self.mixed()
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), nextHop: Self.routerA) == 1)
        #expect(table.count == 4)
        #expect(!table.routes.contains { $0.nextHop == Self.routerA })
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), nextHop: Self.address("fe80::99")) == 0)
        #expect(table.count == 4)
    }

    @Test("remove() with nextHop .some(nil) takes only on-link routes")
    func removeOnLinkOnly() {
        var table = Self.mixed()
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), nextHop: .some(nil)) == 2)
        #expect(table.count == 3)
        let left = table.routes.filter { $0.destination.length == 64 }
        #expect(left.map(\.nextHop) == [Self.routerA, Self.routerB])
        // The /48 on the same network is on-link too, but another prefix.
        #expect(table.routes.contains { $0.destination.length == 48 })
    }

    @Test("remove() with an interface takes only the routes over it")
    func removeByInterface() {
        var table = Self.mixed()
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), interfaceIndex: 2) == 2)
        #expect(table.count == 3)
        #expect(table.routes.filter { $0.destination.length == 64 }.map(\.interfaceIndex) == [1, 1])
    }

    @Test("remove() with both filters takes only routes matching both")
    func removeByBoth() {
        var table = Self.mixed()
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), nextHop: .some(nil), interfaceIndex: 2) == 1)
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), nextHop: Self.routerB, interfaceIndex: 1) == 0)
        #expect(table.count == 4)
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.metric == 1)
        #expect(table.remove(Self.prefix("2001:db8:1::/64"), nextHop: .some(nil), interfaceIndex: 1) == 1)
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.metric == 2)
    }

    @Test("removeAll(interfaceIndex:) clears an interface across every length, /0 and /128 included")
    func removeAllOnInterface() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerA, interfaceIndex: 1))
        table.add(IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerB, interfaceIndex: 2, metric: 500))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 1))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::5/128"), interfaceIndex: 1))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:2::/64"), interfaceIndex: 2))
        table.removeAll(interfaceIndex: 1)
        #expect(table.count == 2)
        #expect(table.routes.allSatisfy { $0.interfaceIndex == 2 })
        #expect(table.lookup(Self.address("2001:db8:1::5"))?.nextHop == Self.routerB)
        #expect(table.lookup(Self.address("2001:db8:2::5"))?.interfaceIndex == 2)
        table.removeAll(interfaceIndex: 2)
        #expect(table.count == 0)
        #expect(table.lookup(Self.address("2001:db8:2::5")) == nil)
        #expect(table.lengthsInUse == 0)
        #expect(!table.hasDefault)
    }

    @Test("removeExpired(now:) removes and returns exactly the routes whose deadline has come")
    func removeExpired() {
        var table = IPv6RouteTable()
        let early = IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerA, interfaceIndex: 1, expires: Self.t0 - .seconds(1))
        let due = IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 1, expires: Self.t0)
        let later = IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 2, expires: Self.t0 + .nanoseconds(1))
        let permanent = IPv6Route(destination: Self.prefix("2001:db8:2::/128"), interfaceIndex: 1)
        let alsoDue = IPv6Route(destination: Self.prefix("2001:db8:3::/48"), nextHop: Self.routerB, interfaceIndex: 2, expires: Self.t0)
        for route in [early, due, later, permanent, alsoDue] { table.add(route) }

        #expect(table.removeExpired(now: Self.t0 - .seconds(2)).isEmpty)
        #expect(table.count == 5)

        // A deadline is the first instant the route is invalid, so `due` goes at t0 itself.
        let removed = table.removeExpired(now: Self.t0)
        #expect(removed.count == 3)
        #expect(Set(removed) == [early, due, alsoDue])
        #expect(table.count == 2)
        #expect(Set(table.routes) == [later, permanent])
        #expect(table.lookup(Self.address("2001:db8:1::1"))?.interfaceIndex == 2)
        #expect(table.lookup(Self.address("2001:db8:3::1")) == nil)
        #expect(table.nextExpiry == later.expires)
        #expect(!table.hasDefault)

        #expect(table.removeExpired(now: .distantFuture) == [later])
        #expect(table.routes == [permanent])
        #expect(table.nextExpiry == nil)
    }

    @Test("lookup(now:) skips an expired route and falls back to a shorter prefix")
    func lookupSkipsExpired() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerA, interfaceIndex: 1))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/48"), nextHop: Self.routerB, interfaceIndex: 1, expires: Self.t0 + .seconds(60)))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 2, expires: Self.t0))
        let destination = Self.address("2001:db8:1::1")

        #expect(table.lookup(destination, now: Self.t0 - .nanoseconds(1))?.interfaceIndex == 2)
        #expect(table.lookup(destination, now: Self.t0)?.nextHop == Self.routerB)
        #expect(table.lookup(destination, now: Self.t0 + .seconds(60))?.nextHop == Self.routerA)
        // Without `now` the timer's view holds: nothing is removed yet.
        #expect(table.lookup(destination)?.interfaceIndex == 2)
        #expect(table.count == 3)
    }

    @Test("lookup(now:) skips an expired route for the next one of the same prefix")
    func lookupSkipsExpiredWithinPrefix() {
        var table = IPv6RouteTable()
        let prefix = Self.prefix("::/0")
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerA, interfaceIndex: 1, metric: 10, expires: Self.t0))
        table.add(IPv6Route(destination: prefix, nextHop: Self.routerB, interfaceIndex: 1, metric: 20, expires: Self.t0 + .seconds(5)))
        let destination = Self.address("2001:db8::1")
        #expect(table.lookup(destination, now: Self.t0 - .seconds(1))?.nextHop == Self.routerA)
        #expect(table.lookup(destination, now: Self.t0)?.nextHop == Self.routerB)
        #expect(table.lookup(destination, now: Self.t0 + .seconds(5)) == nil)
    }

    @Test("nextExpiry is the earliest deadline over every length")
    func nextExpiry() {
        var table = IPv6RouteTable()
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 1))
        #expect(table.nextExpiry == nil)
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::/64"), nextHop: Self.routerA, interfaceIndex: 1, expires: Self.t0 + .seconds(30)))
        #expect(table.nextExpiry == Self.t0 + .seconds(30))
        table.add(IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerB, interfaceIndex: 1, expires: Self.t0 + .seconds(10)))
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::9/128"), interfaceIndex: 1, expires: Self.t0 + .seconds(20)))
        #expect(table.nextExpiry == Self.t0 + .seconds(10))
        table.removeExpired(now: Self.t0 + .seconds(10))
        #expect(table.nextExpiry == Self.t0 + .seconds(20))
        // Refreshing a route with a later deadline moves the expiry with it.
        table.add(IPv6Route(destination: Self.prefix("2001:db8:1::9/128"), interfaceIndex: 1, expires: Self.t0 + .seconds(90)))
        #expect(table.nextExpiry == Self.t0 + .seconds(30))
    }

    @Test("routes lists longest prefixes first, then by network, then in lookup order")
    func routesOrder() {
        let expected = [
            IPv6Route(destination: Self.prefix("2001:db8:1::1/128"), interfaceIndex: 1),
            IPv6Route(destination: Self.prefix("2001:db8:1::2/128"), interfaceIndex: 1),
            IPv6Route(destination: Self.prefix("2001:db8:1::/64"), interfaceIndex: 1, metric: 1),
            IPv6Route(destination: Self.prefix("2001:db8:1::/64"), nextHop: Self.routerA, interfaceIndex: 1, metric: 2),
            IPv6Route(destination: Self.prefix("2001:db8:2::/64"), interfaceIndex: 2),
            IPv6Route(destination: Self.prefix("2001:db8:ffff::/64"), interfaceIndex: 2),
            IPv6Route(destination: Self.prefix("2001:db8::/32"), interfaceIndex: 3),
            IPv6Route(destination: Self.prefix("::/0"), nextHop: Self.routerB, interfaceIndex: 1),
        ]
        // The listing must depend neither on insertion order nor on how the
        // dictionaries behind it happen to hash.
        let orders = [
            Array(expected.indices),
            Array(expected.indices.reversed()),
            Array(expected.indices.dropFirst(3)) + Array(expected.indices.prefix(3)),
            [5, 0, 7, 3, 1, 6, 2, 4],
        ]
        for order in orders {
            var table = IPv6RouteTable()
            for i in order { table.add(expected[i]) }
            #expect(table.routes == expected, "\(order)")
        }
    }

    @Test("count follows every add, replace and remove")
    func countStaysConsistent() {
        var table = IPv6RouteTable()
        for route in Self.chain { table.add(route) }
        for route in Self.chain { table.add(route) }
        #expect(table.count == Self.chain.count)
        table.add(IPv6Route(destination: Self.prefix("2001:db8:8001:1::/64"), nextHop: Self.routerB, interfaceIndex: 64))
        #expect(table.count == Self.chain.count + 1)
        #expect(table.remove(Self.prefix("2001:db8:8001:1::/64")) == 2)
        table.removeAll(interfaceIndex: 128)
        #expect(table.count == Self.chain.count - 2)
        #expect(table.count == table.routes.count)
    }
}
