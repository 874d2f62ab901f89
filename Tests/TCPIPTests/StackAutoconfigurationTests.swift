import Testing
@testable import TCPIP
import NDIS
import NetCore

/// Router discovery (RFC 4861 §6.3.4) and stateless address
/// autoconfiguration (RFC 4862 §5.5) at one stack: hand-built Router
/// Advertisements from the sniffer, playing a router at fe80::1.
@Suite struct StackAutoconfigurationTests {
    typealias L = V6Link

    /// Everything one advertisement carries, applied: the prefix on-link
    /// for its valid lifetime, the router as default router for its router
    /// lifetime, an EUI-64 address in the prefix (tentative, then preferred
    /// after DAD), Cur Hop Limit, the MTU, and the router's link-layer address.
    @Test func aRouterAdvertisementConfiguresTheHost() throws {
        let link = try V6Link()
        link.settle()
        #expect(link.interface.currentHopLimit == 128)
        #expect(link.stack.routes.lookup(L.remote, now: link.now) == nil)
        let t0 = link.now
        link.advertise(currentHopLimit: 64, routerLifetime: 1_800,
                       options: V6Frames.mtuOption(1_400)
                        + V6Frames.prefixOption(L.prefix, valid: 86_400, preferred: 14_400))
        let arrival = t0 + TestNetwork.delay
        #expect(link.stack.statistics.ndp.routerAdvertisementsIn == 1)

        let onLink = try #require(link.stack.routes.lookup(IPv6Address("2001:db8:1::42")!, now: link.now))
        #expect(onLink.destination == L.prefix)
        #expect(onLink.nextHop == nil)
        #expect(onLink.interfaceIndex == link.interface.index)
        #expect(onLink.expires == arrival + .seconds(86_400))
        let defaultRoute = try #require(link.stack.routes.lookup(L.remote, now: link.now))
        #expect(defaultRoute.destination == .defaultRoute)
        #expect(defaultRoute.nextHop == L.router)
        #expect(defaultRoute.expires == arrival + .seconds(1_800))

        let address = try #require(link.assigned(L.slaacAddress))
        #expect(address.origin == .slaac)
        #expect(address.prefixLength == 64)
        #expect(address.dadState == .tentative)
        #expect(address.validUntil == arrival + .seconds(86_400))
        #expect(address.preferredUntil == arrival + .seconds(14_400))
        #expect(link.stack.statistics.ndp.autoconfiguredAddresses == 1)
        #expect(!link.interface.owns(L.slaacAddress))
        #expect(link.interface.currentHopLimit == 64)
        #expect(link.interface.ipv6MTU == 1_400)
        let router = try #require(link.interface.neighbor(L.router))
        #expect(router.mac == L.routerMAC)
        #expect(router.isRouter)
        #expect(router.state == .stale)

        let probes = link.sent(type: 135, since: t0).filter { $0.ndpTarget == L.slaacAddress }
        try #require(probes.count == 1)
        #expect(probes[0].source == .unspecified)
        #expect(probes[0].destination == IPv6Address("ff02::1:ff00:1")!)
        #expect(probes[0].hopLimit == 255)
        #expect(probes[0].checksumIsRight)
        let probedAt = probes[0].time - TestNetwork.delay
        link.net.run(until: probedAt + .milliseconds(999))
        #expect(link.assigned(L.slaacAddress)?.dadState == .tentative)
        link.net.run(until: probedAt + .seconds(1))
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
        #expect(link.stack.statistics.ndp.dadSucceeded == 2)

        // Traffic off the link: from the new address, to the router's MAC, at the advertised hop limit.
        let t1 = link.now
        #expect(link.stack.sendEchoRequest(to: L.remote, identifier: 4, sequenceNumber: 1) == .success)
        link.net.run(for: .milliseconds(10))
        let echo = try #require(link.sent(type: 128, since: t1).first)
        #expect(echo.destinationMAC == L.routerMAC)
        #expect(echo.source == L.slaacAddress)
        #expect(echo.destination == L.remote)
        #expect(echo.hopLimit == 64)
        #expect(echo.checksumIsRight)

        // Cur Hop Limit 0 leaves the hop limit as it was (RFC 4861 §6.3.4).
        link.advertise(currentHopLimit: 0)
        #expect(link.interface.currentHopLimit == 64)
    }

    /// RFC 4861 §6.3.4: Retrans Timer in an advertisement becomes
    /// RetransTimer, which spaces address resolution's solicitations.
    @Test func theRetransTimerOfAnAdvertisementSpacesSolicitations() throws {
        let link = try V6Link()
        link.settle()
        let advertisement = V6Frames.routerAdvertisement(retransTimer: 2_500,
                                                         options: V6Frames.prefixOption(L.prefix, valid: 86_400,
                                                                                        preferred: 14_400))
        link.inject(V6Frames.icmpv6(from: L.router, to: .allNodes, advertisement), to: L.allNodesMAC, from: L.routerMAC)
        link.net.run(for: .seconds(3))
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
        let silent = IPv6Address("2001:db8:1::77")!
        let t0 = link.now
        #expect(link.stack.sendEchoRequest(to: silent, identifier: 1, sequenceNumber: 1) == .success)
        link.net.run(for: .seconds(10))
        let solicitations = link.sent(type: 135, since: t0)
        #expect(solicitations.map { $0.time - t0 } == [.milliseconds(1), .milliseconds(2_501), .milliseconds(5_001)])
        #expect(link.stack.statistics.ndp.unreachableDrops == 1)
    }

    /// RFC 4861 §6.3.4: an MTU option is taken only between the IPv6
    /// minimum (1,280) and the link's own MTU; packets then fit it.
    @Test func theMTUOptionIsBoundedByTheMinimumAndTheLink() throws {
        let link = try V6Link()
        link.settle()
        #expect(link.interface.ipv6MTU == 1_500)
        for (advertised, expected) in [(1_400, 1_400), (1_279, 1_400), (9_000, 1_400), (1_501, 1_400), (0, 1_400),
                                       (1_500, 1_500), (1_280, 1_280)] {
            link.advertise(options: V6Frames.mtuOption(UInt32(advertised)))
            #expect(link.interface.ipv6MTU == expected, "MTU option \(advertised)")
        }
        // At 1,280 a 1,288-byte packet to a neighbour goes in fragments.
        link.introduce()
        let t0 = link.now
        #expect(link.stack.sendEchoRequest(to: L.peer, identifier: 1, sequenceNumber: 1, payloadLength: 1_240,
                                           interface: link.interface) == .success)
        link.net.run(for: .milliseconds(10))
        let sent = link.sent(since: t0)
        #expect(sent.count == 2)
        #expect(sent.allSatisfy { $0.nextHeader == 44 && $0.packet.count <= 1_280 })
        #expect(link.stack.statistics.ipv6.fragmented == 1)
    }

    /// RFC 4862 §5.5.3: a prefix whose preferred lifetime exceeds its valid
    /// lifetime (c), one not a /64 (d) and a link-local one (b) make no address.
    @Test func unusablePrefixesAreIgnored() throws {
        let link = try V6Link()
        link.settle()
        let longer = IPv6Prefix("2001:db8:3::/64")!
        let short = IPv6Prefix("2001:db8:4::/48")!
        link.advertise(options: V6Frames.prefixOption(longer, valid: 100, preferred: 200)
                        + V6Frames.prefixOption(short, valid: 100, preferred: 50)
                        + V6Frames.prefixOption(.linkLocal, valid: 100, preferred: 50))
        link.net.run(for: .seconds(2))
        #expect(link.interface.ipv6Addresses.map(\.address) == [L.linkLocal])
        #expect(link.stack.statistics.ndp.prefixesIgnored == 3)
        #expect(link.stack.statistics.ndp.autoconfiguredAddresses == 0)
        #expect(link.sent(type: 135, since: .zero).count == 1, "only the link-local address was ever probed")
        // The router itself is still taken.
        #expect(link.stack.routes.lookup(L.remote, now: link.now)?.nextHop == L.router)
    }

    /// RFC 4861 §6.3.4, RFC 4862 §5.5.3 a, RFC 5942: the L and A flags act
    /// apart — an on-link-only prefix makes a route and no address, an
    /// autonomous-only one an address and no on-link route.
    @Test func onLinkAndAutonomousFlagsActApart() throws {
        let link = try V6Link()
        link.settle()
        let onLinkOnly = IPv6Prefix("2001:db8:5::/64")!
        let autonomousOnly = IPv6Prefix("2001:db8:6::/64")!
        link.advertise(options: V6Frames.prefixOption(onLinkOnly, onLink: true, autonomous: false, valid: 600, preferred: 300)
                        + V6Frames.prefixOption(autonomousOnly, onLink: false, autonomous: true, valid: 600, preferred: 300))
        link.net.run(for: .seconds(2))
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:5::9")!, now: link.now)?.destination == onLinkOnly)
        #expect(!link.interface.ipv6Addresses.contains { onLinkOnly.contains($0.address) })
        let address = IPv6Address("2001:db8:6::ff:fe00:1")!
        #expect(link.assigned(address)?.dadState == .preferred)
        // Its neighbours in the prefix are reached through the router.
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:6::9")!, now: link.now)?.nextHop == L.router)
        // An on-link prefix with valid lifetime 0 is no longer on-link.
        link.advertise(options: V6Frames.prefixOption(onLinkOnly, onLink: true, autonomous: false, valid: 0, preferred: 0))
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:5::9")!, now: link.now)?.destination == .defaultRoute)
    }

    /// RFC 4862 §5.5.3 e: a shorter valid lifetime cannot bring the
    /// remainder under two hours; one over two hours, or longer than the
    /// remainder, is taken as is. The preferred lifetime is always taken.
    @Test func theTwoHourRuleGuardsTheValidLifetime() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure(valid: 86_400, preferred: 14_400)
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)

        var t = link.now
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 60, preferred: 30))
        let cut = t + TestNetwork.delay + .seconds(7_200)
        #expect(link.assigned(L.slaacAddress)?.validUntil == cut)
        #expect(link.assigned(L.slaacAddress)?.preferredUntil == t + TestNetwork.delay + .seconds(30))
        // Two hours remain: a short lifetime is ignored for the valid lifetime.
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 600, preferred: 30))
        #expect(link.assigned(L.slaacAddress)?.validUntil == cut)
        // Over two hours: taken.
        t = link.now
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 9_000, preferred: 30))
        #expect(link.assigned(L.slaacAddress)?.validUntil == t + TestNetwork.delay + .seconds(9_000))
        #expect(link.stack.statistics.ndp.autoconfiguredAddresses == 1)

        // The preferred lifetime was taken each time: 30 s on, deprecated.
        link.net.run(for: .seconds(31))
        #expect(link.assigned(L.slaacAddress)?.dadState == .deprecated)
        #expect(link.interface.owns(L.slaacAddress))
        // A later advertisement with a preferred lifetime brings it back.
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 9_000, preferred: 3_000))
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
    }

    /// RFC 4862 §5.5.3 e, the other branches: with two hours or less
    /// remaining, a shorter lifetime is ignored and a longer one taken.
    @Test func aShortRemainderOnlyGrows() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure(valid: 3_600, preferred: 1_800)
        let address = try #require(link.assigned(L.slaacAddress))
        let original = try #require(address.validUntil)
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 60, preferred: 30))
        #expect(link.assigned(L.slaacAddress)?.validUntil == original)
        let t = link.now
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 5_000, preferred: 30))
        #expect(link.assigned(L.slaacAddress)?.validUntil == t + TestNetwork.delay + .seconds(5_000))
    }

    /// RFC 4861 §6.3.4: Router Lifetime 0 means the router is no longer a
    /// default router; its route goes at once, the on-link prefix stays.
    @Test func routerLifetimeZeroRemovesTheDefaultRoute() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure()
        #expect(link.stack.routes.lookup(L.remote, now: link.now)?.nextHop == L.router)
        link.advertise(routerLifetime: 0)
        #expect(link.stack.routes.lookup(L.remote, now: link.now) == nil)
        #expect(link.stack.statistics.ndp.routersExpired == 1)
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:1::42")!, now: link.now)?.destination == L.prefix)
        #expect(link.stack.sendEchoRequest(to: L.remote, identifier: 1, sequenceNumber: 1) == .networkUnreachable)
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
    }

    /// RFC 4862 §5.5.4, RFC 4861 §6.3.5: the address is deprecated when its
    /// preferred lifetime ends and removed when its valid lifetime ends; the
    /// default route and the on-link prefix expire with their lifetimes too.
    @Test func lifetimesRunOutInVirtualTime() throws {
        let link = try V6Link()
        link.settle()
        let t0 = link.now
        link.advertise(routerLifetime: 90, options: V6Frames.prefixOption(L.prefix, valid: 120, preferred: 60))
        let arrival = t0 + TestNetwork.delay
        link.net.run(until: arrival + .seconds(2))
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
        #expect(link.stack.selectSourceAddress(for: L.remote, outgoing: link.interface) == L.slaacAddress)

        link.net.run(until: arrival + .milliseconds(59_999))
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
        link.net.run(until: arrival + .seconds(60))
        #expect(link.assigned(L.slaacAddress)?.dadState == .deprecated)
        #expect(link.assigned(L.slaacAddress)?.dadState.description == "IpDadStateDeprecated")
        // Deprecated still receives, and is still a source when it is the only one of its scope
        // (RFC 6724 rule 2, scope, comes before rule 3, avoid deprecated).
        #expect(link.interface.owns(L.slaacAddress))
        #expect(link.stack.selectSourceAddress(for: L.remote, outgoing: link.interface) == L.slaacAddress)

        link.net.run(until: arrival + .milliseconds(89_999))
        #expect(link.stack.routes.lookup(L.remote, now: link.now)?.nextHop == L.router)
        link.net.run(until: arrival + .seconds(90))
        #expect(link.stack.routes.lookup(L.remote, now: link.now) == nil)
        #expect(link.stack.statistics.ndp.routersExpired == 1)
        #expect(!link.stack.routes.ipv6.routes.contains { $0.destination == .defaultRoute })

        link.net.run(until: arrival + .milliseconds(119_999))
        #expect(link.assigned(L.slaacAddress)?.dadState == .deprecated)
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:1::42")!, now: link.now)?.destination == L.prefix)
        link.net.run(until: arrival + .seconds(120))
        #expect(link.assigned(L.slaacAddress) == nil)
        #expect(link.stack.statistics.ndp.addressesExpired == 1)
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:1::42")!, now: link.now) == nil)
        #expect(!link.stack.routes.ipv6.routes.contains { $0.destination == L.prefix })
        // The link-local address shares the solicited-node group and keeps it.
        #expect(link.interface.hasJoined(L.solicitedNode))
        #expect(link.assigned(L.linkLocal)?.dadState == .preferred)
    }

    /// RFC 7217 §6: with stable privacy addresses a SLAAC address found
    /// duplicate is formed again with the next DAD_Counter, probed, and used.
    @Test func aDuplicateStablePrivacyAddressIsReplaced() throws {
        let link = try V6Link { $0.ipv6.stablePrivacyAddresses = true }
        link.settle()
        let linkLocal = try #require(link.interface.linkLocalAddress)
        #expect(linkLocal != L.linkLocal, "RFC 7217 identifiers for the link-local address too")
        let t0 = link.now
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 86_400, preferred: 14_400))
        let first = try #require(link.interface.ipv6Addresses.first { L.prefix.contains($0.address) })
        #expect(first.origin == .stablePrivacy)
        #expect(first.dadState == .tentative)
        #expect(first.address != L.slaacAddress)
        #expect(link.sent(type: 135, since: t0).map(\.ndpTarget) == [first.address])

        // Another node probes the same address at the same time.
        let group = V6Frames.solicitedNode(first.address)
        #expect(link.interface.hasJoined(group))
        link.inject(V6Frames.icmpv6(from: .unspecified, to: group, V6Frames.neighborSolicitation(target: first.address)),
                    to: V6Frames.multicastMAC(group))
        #expect(link.assigned(first.address)?.dadState == .duplicate)
        #expect(link.stack.statistics.ndp.dadFailed == 1)
        let retries = link.interface.ipv6Addresses.filter { L.prefix.contains($0.address) && $0.address != first.address }
        try #require(retries.count == 1)
        let second = retries[0]
        #expect(second.origin == .stablePrivacy)
        #expect(second.dadState == .tentative)
        #expect(second.validUntil == first.validUntil)
        #expect(second.preferredUntil == first.preferredUntil)

        link.net.run(for: .seconds(2))
        #expect(link.sent(type: 135, since: t0).compactMap(\.ndpTarget) == [first.address, second.address])
        #expect(link.assigned(second.address)?.dadState == .preferred)
        #expect(link.assigned(first.address)?.dadState == .duplicate)
        #expect(link.stack.selectSourceAddress(for: L.remote, outgoing: link.interface) == second.address)
        // A later advertisement refreshes the replacement rather than forming a third address.
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 86_400, preferred: 14_400))
        #expect(link.interface.ipv6Addresses.filter { L.prefix.contains($0.address) }.count == 2)
        #expect(link.stack.statistics.ndp.autoconfiguredAddresses == 1)
    }
}
