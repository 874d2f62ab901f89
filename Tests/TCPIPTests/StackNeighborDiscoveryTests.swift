import Testing
@testable import TCPIP
import NDIS
import NetCore

/// Neighbor Discovery (RFC 4861) and Duplicate Address Detection (RFC 4862
/// §5.4) at one stack: hand-built solicitations, advertisements and
/// redirects from the sniffer, and what the host answers and counts.
@Suite struct StackNeighborDiscoveryTests {
    typealias L = V6Link

    // MARK: - Link-local address and DAD

    /// RFC 4862 §5.3, §5.4.2: fe80:: plus the modified EUI-64 of the MAC,
    /// tentative, its solicited-node group and all-nodes joined before the
    /// probe; one NS from :: to the solicited-node group, without a Source
    /// Link-Layer Address option, hop limit 255; preferred RetransTimer later.
    @Test func linkLocalAddressIsFormedProbedAndPreferred() throws {
        let link = try V6Link()
        let entry = try #require(link.assigned(L.linkLocal))
        #expect(entry.origin == .linkLocal)
        #expect(entry.prefixLength == 64)
        #expect(entry.dadState == .tentative)
        #expect(!link.interface.owns(L.linkLocal))
        #expect(link.interface.linkLocalAddress == nil)
        #expect(link.interface.hasJoined(.allNodes))
        #expect(link.interface.hasJoined(L.solicitedNode))
        // The adapter was told too (OID_802_3_MULTICAST_LIST), or it would filter the groups' frames out.
        let groups = link.host.miniport.core.multicastList
        #expect(groups.contains(L.allNodesMAC))
        #expect(groups.contains(L.solicitedNodeMAC))

        var probes: [Sniffed6] = []
        for _ in 0..<150 where probes.isEmpty {
            link.net.run(for: .milliseconds(10))
            probes = link.sent(type: 135, since: .zero)
        }
        let probe = try #require(probes.first)
        let sentAt = probe.time - TestNetwork.delay
        // Within MAX_RTR_SOLICITATION_DELAY of the interface starting.
        #expect(sentAt < Instant.zero + .seconds(1))
        #expect(probe.destinationMAC == L.solicitedNodeMAC)
        #expect(probe.source == .unspecified)
        #expect(probe.destination == L.solicitedNode)
        #expect(probe.hopLimit == 255)
        #expect(probe.icmpCode == 0)
        #expect(probe.checksumIsRight)
        #expect(probe.ndpTarget == L.linkLocal)
        #expect(probe.payloadLength == 24, "no Source Link-Layer Address option from ::")
        #expect(probe.ndpOptions(after: 24).isEmpty)

        link.net.run(until: sentAt + .milliseconds(999))
        #expect(link.assigned(L.linkLocal)?.dadState == .tentative)
        link.net.run(until: sentAt + .seconds(1))
        #expect(link.assigned(L.linkLocal)?.dadState == .preferred)
        #expect(link.interface.owns(L.linkLocal))
        #expect(link.interface.linkLocalAddress == L.linkLocal)
        #expect(link.stack.statistics.ndp.dadSucceeded == 1)

        // DupAddrDetectTransmits is 1: one probe, ever.
        link.net.run(for: .seconds(5))
        #expect(link.sent(type: 135, since: .zero).count == 1)
        #expect(link.stack.statistics.ndp.neighborSolicitationsOut == 1)
        link.net.expectPoolsClean()
    }

    /// RFC 4861 §6.3.7 and RFC 4862 §5.4: a Router Solicitation waits for
    /// the link-local address to be unique, then carries it and the MAC.
    @Test func routerSolicitationWaitsForTheLinkLocalAddress() throws {
        let link = try V6Link(routerSolicitations: 1)
        link.net.run(for: .seconds(4))
        let probe = try #require(link.sent(type: 135, since: .zero).first)
        let solicitations = link.sent(type: 133, since: .zero)
        try #require(solicitations.count == 1)
        let rs = solicitations[0]
        #expect(rs.time >= probe.time + .seconds(1))
        #expect(rs.source == L.linkLocal)
        #expect(rs.destination == .allRouters)
        #expect(rs.destinationMAC == MACAddress(0x33, 0x33, 0, 0, 0, 2))
        #expect(rs.hopLimit == 255)
        #expect(rs.checksumIsRight)
        let options = rs.ndpOptions(after: 8)
        #expect(options.count == 1)
        #expect(options.first?.bytes == V6Frames.sourceLinkLayer(link.host.mac))
        link.net.expectPoolsClean()
    }

    /// RFC 4862 §5.4.3: another node's probe (from ::) for our tentative
    /// address means it is taken. It is marked duplicate, its group left,
    /// and it never receives or sources anything.
    @Test func aProbeFromTheUnspecifiedAddressMakesTheTentativeAddressDuplicate() throws {
        let link = try V6Link()
        #expect(link.assigned(L.linkLocal)?.dadState == .tentative)
        let t0 = link.now
        link.inject(V6Frames.icmpv6(from: .unspecified, to: L.solicitedNode,
                                    V6Frames.neighborSolicitation(target: L.linkLocal)),
                    to: L.solicitedNodeMAC)
        let entry = try #require(link.assigned(L.linkLocal))
        #expect(entry.dadState == .duplicate)
        #expect(entry.dadState.description == "IpDadStateDuplicate")
        #expect(link.stack.statistics.ndp.dadFailed == 1)
        #expect(!link.interface.hasJoined(L.solicitedNode))
        #expect(!link.host.miniport.core.multicastList.contains(L.solicitedNodeMAC))

        link.net.run(for: .seconds(5))
        #expect(link.assigned(L.linkLocal)?.dadState == .duplicate)
        #expect(link.stack.statistics.ndp.dadSucceeded == 0)
        #expect(link.interface.linkLocalAddress == nil)
        #expect(!link.interface.owns(L.linkLocal))
        #expect(link.stack.selectSourceAddress(for: L.peer, outgoing: link.interface) == nil)
        #expect(link.stack.sendEchoRequest(to: L.peer, identifier: 1, sequenceNumber: 1, interface: link.interface)
                == .invalidAddressComponent)

        // Packets for it are not taken either.
        let toDuplicate = link.stack.statistics.ipv6.toTentativeAddress
        link.inject(V6Frames.icmpv6(from: L.peer, to: L.linkLocal, hopLimit: 64,
                                    V6Frames.echoRequest(identifier: 2, sequenceNumber: 1)))
        #expect(link.stack.statistics.ipv6.toTentativeAddress == toDuplicate + 1)
        #expect(link.stack.statistics.icmpv6.echoRequestsIn == 0)
        #expect(link.sent(since: t0).allSatisfy { $0.source != L.linkLocal })
        #expect(link.sent(since: t0).allSatisfy { $0.icmpType != 136 && $0.icmpType != 129 })
        link.net.expectPoolsClean()
    }

    /// RFC 4862 §5.4.4: an advertisement for the tentative address (the
    /// owner defending it) makes it duplicate as well.
    @Test func anAdvertisementForTheTentativeAddressMakesItDuplicate() throws {
        let link = try V6Link()
        #expect(link.assigned(L.linkLocal)?.dadState == .tentative)
        let t0 = link.now
        let defence = V6Frames.neighborAdvertisement(target: L.linkLocal, solicited: false, override: true,
                                                     options: V6Frames.targetLinkLayer(TestNetwork.snifferMAC))
        link.inject(V6Frames.icmpv6(from: L.linkLocal, to: .allNodes, defence), to: L.allNodesMAC)
        #expect(link.assigned(L.linkLocal)?.dadState == .duplicate)
        #expect(link.stack.statistics.ndp.neighborAdvertisementsIn == 1)
        #expect(link.stack.statistics.ndp.dadFailed == 1)
        // The advertisement did not become a neighbour entry for our own address.
        #expect(link.interface.neighbor(L.linkLocal) == nil)
        link.net.run(for: .seconds(5))
        #expect(link.assigned(L.linkLocal)?.dadState == .duplicate)
        #expect(link.stack.selectSourceAddress(for: L.peer, outgoing: link.interface) == nil)
        #expect(link.sent(since: t0).allSatisfy { $0.source != L.linkLocal })
        link.net.expectPoolsClean()
    }

    /// RFC 4862 §5.4.3: a probe for an address we hold is answered to all
    /// nodes (the prober has no address yet) with S=0 and O=1.
    @Test func aProbeForAPreferredAddressIsDefended() throws {
        let link = try V6Link()
        link.settle()
        #expect(link.assigned(L.linkLocal)?.dadState == .preferred)
        let t0 = link.now
        link.inject(V6Frames.icmpv6(from: .unspecified, to: L.solicitedNode,
                                    V6Frames.neighborSolicitation(target: L.linkLocal)),
                    to: L.solicitedNodeMAC)
        let answers = link.sent(type: 136, since: t0)
        try #require(answers.count == 1)
        let na = answers[0]
        #expect(na.destinationMAC == L.allNodesMAC)
        #expect(na.destination == .allNodes)
        #expect(na.source == L.linkLocal)
        #expect(na.hopLimit == 255)
        #expect(na.icmpCode == 0)
        #expect(na.checksumIsRight)
        #expect(na.icmp?[4] == 0x20, "R=0 S=0 O=1")
        #expect(na.ndpTarget == L.linkLocal)
        let options = na.ndpOptions(after: 24)
        #expect(options.count == 1)
        #expect(options.first?.bytes == V6Frames.targetLinkLayer(link.host.mac))
        #expect(link.stack.statistics.ndp.addressesDefended == 1)
        #expect(link.stack.statistics.ndp.dadFailed == 0)
        #expect(link.assigned(L.linkLocal)?.dadState == .preferred)
        // Nobody to remember: the prober had no address.
        #expect(link.interface.neighborEntries.isEmpty)
        link.net.expectPoolsClean()
    }

    /// RFC 4862 §5.4.5: a duplicate SLAAC address (EUI-64, so not retried)
    /// stays listed and unused; the solicited-node group it shares with the
    /// link-local address stays joined for that one, and a later
    /// advertisement neither forms nor probes it again.
    @Test func aDuplicateSLAACAddressLeavesTheSharedGroupToTheLinkLocalAddress() throws {
        let link = try V6Link()
        link.settle()
        let t0 = link.now
        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 86_400, preferred: 14_400))
        #expect(link.assigned(L.slaacAddress)?.dadState == .tentative)
        #expect(link.interface.ipv6Groups[L.solicitedNode] == 2)
        link.inject(V6Frames.icmpv6(from: .unspecified, to: L.solicitedNode,
                                    V6Frames.neighborSolicitation(target: L.slaacAddress)),
                    to: L.solicitedNodeMAC)
        #expect(link.assigned(L.slaacAddress)?.dadState == .duplicate)
        #expect(link.interface.hasJoined(L.solicitedNode))
        #expect(link.host.miniport.core.multicastList.contains(L.solicitedNodeMAC))
        // Still deaf to nothing: the link-local address is defended as before.
        let t1 = link.now
        link.inject(V6Frames.icmpv6(from: .unspecified, to: L.solicitedNode,
                                    V6Frames.neighborSolicitation(target: L.linkLocal)),
                    to: L.solicitedNodeMAC)
        #expect(link.sent(type: 136, since: t1).map(\.ndpTarget) == [L.linkLocal])

        link.advertise(options: V6Frames.prefixOption(L.prefix, valid: 86_400, preferred: 14_400))
        link.net.run(for: .seconds(2))
        #expect(link.assigned(L.slaacAddress)?.dadState == .duplicate)
        #expect(link.interface.ipv6Addresses.count == 2)
        #expect(link.stack.statistics.ndp.autoconfiguredAddresses == 1)
        #expect(link.sent(type: 135, since: t0).count == 1, "the duplicate is never probed again")
        #expect(link.stack.selectSourceAddress(for: L.remote, outgoing: link.interface) != L.slaacAddress)
        link.net.expectPoolsClean()
    }

    // MARK: - Address resolution

    /// RFC 4861 §7.2.3, §7.2.4: a solicitation with a Source Link-Layer
    /// Address option is answered unicast, S=1 O=1, with our Target
    /// Link-Layer Address; the solicitor's entry is created STALE. Sending
    /// the advertisement is the first packet to a STALE entry, which moves
    /// it on to DELAY (§7.3.3).
    @Test func aSolicitationIsAnsweredAndItsSourceLearnt() throws {
        let link = try V6Link()
        link.settle()
        let before = link.interface.neighborCacheStatistics
        let t0 = link.now
        link.introduce()
        let answers = link.sent(type: 136, since: t0)
        try #require(answers.count == 1)
        let na = answers[0]
        #expect(na.destinationMAC == TestNetwork.snifferMAC)
        #expect(na.destination == L.peer)
        #expect(na.source == L.linkLocal)
        #expect(na.hopLimit == 255)
        #expect(na.checksumIsRight)
        #expect(na.icmp?[4] == 0x60, "R=0 S=1 O=1")
        #expect(na.ndpTarget == L.linkLocal)
        #expect(na.ndpOptions(after: 24).map(\.bytes) == [V6Frames.targetLinkLayer(link.host.mac)])
        #expect(link.stack.statistics.ndp.neighborSolicitationsIn == 1)
        #expect(link.stack.statistics.ndp.neighborAdvertisementsOut == 1)

        let neighbor = try #require(link.interface.neighbor(L.peer))
        #expect(neighbor.mac == TestNetwork.snifferMAC)
        #expect(!neighbor.isRouter)
        #expect(neighbor.queued == 0)
        let after = link.interface.neighborCacheStatistics
        #expect(after.entriesCreated == before.entriesCreated + 1)
        #expect(after.toStale == before.toStale + 1)
        #expect(after.toDelay == before.toDelay + 1)
        #expect(neighbor.state == .delay)
        // No resolution was needed to answer: no multicast solicitation went out.
        #expect(link.sent(type: 135, since: t0).isEmpty)

        // A probe to our unicast address (NUD) is answered the same way.
        let t1 = link.now
        link.inject(V6Frames.icmpv6(from: L.peer, to: L.linkLocal,
                                    V6Frames.neighborSolicitation(target: L.linkLocal,
                                                                  options: V6Frames.sourceLinkLayer(TestNetwork.snifferMAC))))
        #expect(link.sent(type: 136, since: t1).map(\.destination) == [L.peer])
        link.net.expectPoolsClean()
    }

    /// RFC 4861 §7.2.2, §7.2.5: packets wait while the neighbour is
    /// resolved; a solicited advertisement with its link-layer address makes
    /// it REACHABLE and sends them, in order, to that address.
    @Test func addressResolutionSendsTheQueueWhenAnswered() throws {
        let link = try V6Link()
        let local = IPv6Address("2001:db8:1::1")!
        let neighbor = IPv6Address("2001:db8:1::42")!
        let neighborMAC = MACAddress(0x02, 0, 0, 0, 0, 0x42)
        #expect(link.stack.addAddress(local, prefixLength: 64, to: link.interface) == .success)
        link.settle()
        let t0 = link.now
        for sequence in 1...3 {
            #expect(link.stack.sendEchoRequest(to: neighbor, identifier: 5, sequenceNumber: UInt16(sequence)) == .success)
        }
        link.net.run(for: .milliseconds(10))
        #expect(link.sent(type: 135, since: t0).map(\.ndpTarget) == [neighbor])
        #expect(link.sent(type: 128, since: t0).isEmpty)
        #expect(link.interface.neighbor(neighbor)?.queued == 3)
        let t1 = link.now
        link.inject(V6Frames.icmpv6(from: neighbor, to: local,
                                    V6Frames.neighborAdvertisement(target: neighbor, solicited: true, override: true,
                                                                   options: V6Frames.targetLinkLayer(neighborMAC))),
                    from: neighborMAC)
        let echoes = link.sent(type: 128, since: t1)
        #expect(echoes.map { $0.icmp?.uint16(at: 6) } == [1, 2, 3])
        #expect(echoes.allSatisfy { $0.destinationMAC == neighborMAC && $0.source == local })
        let entry = try #require(link.interface.neighbor(neighbor))
        #expect(entry.state == .reachable)
        #expect(entry.mac == neighborMAC)
        #expect(entry.queued == 0)
        // No more solicitations once answered.
        link.net.run(for: .seconds(3))
        #expect(link.sent(type: 135, since: t0).count == 1)
        link.net.expectPoolsClean()
    }

    /// RFC 4861 §7.2.2: a neighbour that never answers gets
    /// MAX_MULTICAST_SOLICIT (3) solicitations RetransTimer (1 s) apart; then
    /// the queued packets are dropped and each is reported with Destination
    /// Unreachable, code 3 (address unreachable) — here to the host itself,
    /// which sent them.
    @Test func addressResolutionFailureDropsTheQueueWithAddressUnreachable() throws {
        let link = try V6Link()
        let local = IPv6Address("2001:db8:1::1")!
        let silent = IPv6Address("2001:db8:1::77")!
        #expect(link.stack.addAddress(local, prefixLength: 64, to: link.interface) == .success)
        link.settle()
        #expect(link.assigned(local)?.dadState == .preferred)

        let t0 = link.now
        #expect(link.stack.sendEchoRequest(to: silent, identifier: 7, sequenceNumber: 1) == .success)
        #expect(link.stack.sendEchoRequest(to: silent, identifier: 7, sequenceNumber: 2) == .success)
        #expect(link.interface.neighbor(silent)?.state == .incomplete)
        #expect(link.interface.neighbor(silent)?.queued == 2)

        link.net.run(until: t0 + .milliseconds(2_999))
        let solicitations = link.sent(type: 135, since: t0)
        #expect(solicitations.map { $0.time - t0 } == [.milliseconds(1), .milliseconds(1_001), .milliseconds(2_001)])
        let group = IPv6Address("ff02::1:ff00:77")!
        for ns in solicitations {
            #expect(ns.destinationMAC == MACAddress(0x33, 0x33, 0xFF, 0x00, 0x00, 0x77))
            #expect(ns.destination == group)
            #expect(ns.source == local)
            #expect(ns.hopLimit == 255)
            #expect(ns.checksumIsRight)
            #expect(ns.ndpTarget == silent)
            #expect(ns.ndpOptions(after: 24).map(\.bytes) == [V6Frames.sourceLinkLayer(link.host.mac)])
        }
        #expect(link.interface.neighbor(silent)?.queued == 2)
        #expect(link.stack.statistics.ndp.unreachableDrops == 0)

        link.net.run(until: t0 + .seconds(3))
        #expect(link.interface.neighbor(silent) == nil)
        #expect(link.interface.neighborCacheStatistics.resolutionFailures == 1)
        #expect(link.interface.neighborCacheStatistics.droppedUnresolved == 2)
        #expect(link.stack.statistics.ndp.unreachableDrops == 2)
        #expect(link.stack.statistics.icmpv6.destinationUnreachableOut == 2)
        // Delivered to the host itself: its own packets were the ones dropped.
        #expect(link.stack.statistics.icmpv6.destinationUnreachableIn == 2)
        #expect(link.stack.statistics.icmpv6.echoRequestsOut == 2)
        // Nothing but the solicitations ever reached the wire.
        #expect(link.sent(since: t0).allSatisfy { $0.icmpType == 135 })

        link.net.run(for: .seconds(5))
        #expect(link.sent(type: 135, since: t0).count == 3)
        link.net.expectPoolsClean()
    }

    /// RFC 4861 §7.2.5: an advertisement that clears the Router flag of a
    /// default router removes it from the Default Router List.
    @Test func aRouterThatBecomesAHostIsNoLongerADefaultRouter() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure()
        #expect(link.interface.neighbor(L.router)?.isRouter == true)
        #expect(link.stack.routes.lookup(L.remote, now: link.now)?.nextHop == L.router)
        link.inject(V6Frames.icmpv6(from: L.router, to: .allNodes,
                                    V6Frames.neighborAdvertisement(target: L.router, router: false, solicited: false,
                                                                   override: true,
                                                                   options: V6Frames.targetLinkLayer(L.routerMAC))),
                    to: L.allNodesMAC, from: L.routerMAC)
        #expect(link.interface.neighbor(L.router)?.isRouter == false)
        #expect(link.stack.routes.lookup(L.remote, now: link.now) == nil)
        #expect(link.stack.statistics.ndp.routersExpired == 1)
        #expect(link.interface.neighborCacheStatistics.routersBecameHosts == 1)
    }

    // MARK: - Redirect

    /// RFC 4861 §8.3: a Redirect from the current first hop toward its
    /// destination makes a host route through the better router (target ≠
    /// destination) or straight on-link (target = destination), and teaches
    /// the target's link-layer address; traffic follows at once.
    @Test func aRedirectFromTheFirstHopInstallsAHostRoute() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure()
        #expect(link.assigned(L.slaacAddress)?.dadState == .preferred)
        #expect(link.stack.routes.lookup(L.remote, now: link.now)?.nextHop == L.router)

        // Target ≠ destination: fe80::2 is the better first hop.
        var t0 = link.now
        let redirect = V6Frames.redirect(target: L.otherRouter, destination: L.remote,
                                         options: V6Frames.targetLinkLayer(L.otherRouterMAC)
                                            + V6Frames.redirectedHeader(Array(repeating: 0x60, count: 48)))
        link.inject(V6Frames.icmpv6(from: L.router, to: L.slaacAddress, redirect), from: L.routerMAC)
        #expect(link.stack.statistics.ndp.redirectsIn == 1)
        #expect(link.stack.statistics.ndp.redirectsAccepted == 1)
        let route = try #require(link.stack.routes.lookup(L.remote, now: link.now))
        #expect(route.destination == IPv6Prefix(address: L.remote, length: 128))
        #expect(route.nextHop == L.otherRouter)
        #expect(route.interfaceIndex == link.interface.index)
        let target = try #require(link.interface.neighbor(L.otherRouter))
        #expect(target.mac == L.otherRouterMAC)
        #expect(target.isRouter)
        #expect(target.state == .stale)
        // Only that destination moves.
        #expect(link.stack.routes.lookup(IPv6Address("2001:db8:2::9")!, now: link.now)?.nextHop == L.router)
        t0 = link.now
        #expect(link.stack.sendEchoRequest(to: L.remote, identifier: 3, sequenceNumber: 1) == .success)
        link.net.run(for: .milliseconds(10))
        let echo = try #require(link.sent(type: 128, since: t0).first)
        #expect(echo.destinationMAC == L.otherRouterMAC)
        #expect(echo.destination == L.remote)

        // Target = destination: the destination is on the link itself.
        let onLink = IPv6Address("2001:db8:2::6")!
        let onLinkMAC = MACAddress(0x02, 0, 0, 0, 0, 0xFC)
        link.inject(V6Frames.icmpv6(from: L.router, to: L.slaacAddress,
                                    V6Frames.redirect(target: onLink, destination: onLink,
                                                      options: V6Frames.targetLinkLayer(onLinkMAC))),
                    from: L.routerMAC)
        #expect(link.stack.statistics.ndp.redirectsAccepted == 2)
        let direct = try #require(link.stack.routes.lookup(onLink, now: link.now))
        #expect(direct.destination == IPv6Prefix(address: onLink, length: 128))
        #expect(direct.nextHop == nil)
        #expect(link.interface.neighbor(onLink)?.mac == onLinkMAC)
        #expect(link.interface.neighbor(onLink)?.isRouter == false)
        t0 = link.now
        #expect(link.stack.sendEchoRequest(to: onLink, identifier: 3, sequenceNumber: 2) == .success)
        link.net.run(for: .milliseconds(10))
        let direct2 = try #require(link.sent(type: 128, since: t0).first)
        #expect(direct2.destinationMAC == onLinkMAC)
        #expect(direct2.destination == onLink)
    }

    /// RFC 4861 §8.1: a Redirect from anyone but the current first hop for
    /// its destination is dropped and counted, and changes nothing.
    @Test func aRedirectFromAnotherNodeIsRejected() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure()
        let victim = IPv6Address("2001:db8:2::7")!
        let hijacker = IPv6Address("fe80::3")!
        let hijackerMAC = MACAddress(0x02, 0, 0, 0, 0, 0xFB)
        let forged = V6Frames.redirect(target: hijacker, destination: victim,
                                       options: V6Frames.targetLinkLayer(hijackerMAC))
        // From a link-local address that is not the router toward the victim.
        for source in [L.otherRouter, L.peer] {
            link.inject(V6Frames.icmpv6(from: source, to: L.slaacAddress, forged), from: hijackerMAC)
        }
        #expect(link.stack.statistics.ndp.redirectsIn == 2)
        #expect(link.stack.statistics.ndp.redirectsRejected == 2)
        #expect(link.stack.statistics.ndp.redirectsAccepted == 0)
        #expect(link.stack.routes.lookup(victim, now: link.now)?.nextHop == L.router)
        #expect(link.stack.routes.lookup(victim, now: link.now)?.destination == .defaultRoute)
        #expect(link.interface.neighbor(hijacker) == nil)

        // Once the router redirected a destination to fe80::2, it is no longer its first hop.
        link.inject(V6Frames.icmpv6(from: L.router, to: L.slaacAddress,
                                    V6Frames.redirect(target: L.otherRouter, destination: victim)),
                    from: L.routerMAC)
        #expect(link.stack.statistics.ndp.redirectsAccepted == 1)
        link.inject(V6Frames.icmpv6(from: L.router, to: L.slaacAddress, forged), from: L.routerMAC)
        #expect(link.stack.statistics.ndp.redirectsRejected == 3)
        #expect(link.stack.routes.lookup(victim, now: link.now)?.nextHop == L.otherRouter)
        #expect(link.interface.neighbor(hijacker) == nil)

        // And one from a global source fails validation before any of that (§8.1).
        link.inject(V6Frames.icmpv6(from: IPv6Address("2001:db8:1::fe")!, to: L.slaacAddress, forged),
                    from: L.routerMAC)
        #expect(link.stack.statistics.ndp.invalid == 1)
        #expect(link.stack.statistics.ndp.redirectsRejected == 3)
        #expect(link.interface.neighbor(hijacker) == nil)
    }
}
