import Testing
@testable import TCPIP
import NDIS
import NetCore

/// GetIpStatisticsEx and GetIcmpStatisticsEx: MIB_IPSTATS and MIB_ICMP_EX
/// read after real traffic, and each field traced back to the stack's
/// counters by setting those directly.
@Suite struct IPHelperStatisticsTests {
    static let ipA = TestNetwork.address(0)
    static let ipB = TestNetwork.address(1)
    static let v6A = IPv6Address("2001:db8::a")!
    static let v6B = IPv6Address("2001:db8::b")!

    /// rgdwTypeCount with `counts` at their types and 0 everywhere else.
    static func typeCount(_ counts: [UInt8: UInt32]) -> [UInt32] {
        (0..<256).map { counts[UInt8($0)] ?? 0 }
    }

    // MARK: - Through traffic

    @Test func ipv4PingsAndBadDatagrams() throws {
        let net = try TestNetwork(hosts: 2) { $0.arp.queueLimitPerEntry = 2 }
        let a = net.hosts[0], b = net.hosts[1]
        // Three pings (the first resolves B), then one of 3,000 bytes that
        // leaves in three fragments and comes back in three.
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        for sequence: UInt16 in 2...3 {
            #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: sequence) == .success)
        }
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: 4, payloadLength: 3_000) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.count == 4)
        // Too big with Don't Fragment; no route; four to an address no one
        // answers, whose ARP queue holds two.
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: 5, payloadLength: 1_473,
                                        dontFragment: true) == .invalidBufferSize)
        #expect(a.stack.sendEchoRequest(to: IPv4Address(198, 51, 100, 1), identifier: 1, sequenceNumber: 6)
                == .networkUnreachable)
        for sequence: UInt16 in 7...10 {
            #expect(a.stack.sendEchoRequest(to: IPv4Address(192, 0, 2, 99), identifier: 1, sequenceNumber: sequence)
                    == .success)
        }
        // Datagrams put on the wire for A: a wrong header checksum, another
        // host's destination, an unknown protocol (answered with protocol
        // unreachable), and an ICMP message with a wrong checksum.
        var badHeader = Frames.ipv4(from: Self.ipB, to: Self.ipA, Frames.echo(identifier: 2, sequenceNumber: 1))
        badHeader[10] ^= 0xFF
        var badMessage = Frames.echo(identifier: 2, sequenceNumber: 2)
        badMessage[2] ^= 0xFF
        for datagram in [badHeader,
                         Frames.ipv4(from: Self.ipB, to: IPv4Address(192, 0, 2, 77), Frames.echo(identifier: 2, sequenceNumber: 3)),
                         Frames.ipv4(from: Self.ipB, to: Self.ipA, protocolNumber: 99, [1, 2, 3, 4]),
                         Frames.ipv4(from: Self.ipB, to: Self.ipA, badMessage)] {
            net.sniffer.send(Frames.ethernet(to: a.mac, etherType: 0x0800, datagram))
        }
        net.run(for: .seconds(5))
        #expect(a.statistics.arp.droppedQueueFull == 2)
        #expect(a.statistics.arp.droppedUnresolved == 2)

        #expect(a.stack.getIpStatistics(family: .inet) == MIBIPStats(
            forwarding: .notForwarding, defaultTTL: 128,
            inReceives: 10,  // 3 replies, 3 fragments of the fourth, 4 injected
            inHdrErrors: 1, inAddrErrors: 1, forwDatagrams: 0, inUnknownProtos: 1, inDiscards: 0,
            inDelivers: 5,  // 4 replies, and the ICMP message ICMP then found broken
            outRequests: 11,  // 4 pings, 1 too big, 1 unroutable, 4 unanswered, 1 protocol unreachable
            routingDiscards: 0,
            outDiscards: 2,  // the ARP queue was full
            outNoRoutes: 1, reasmTimeout: 60, reasmReqds: 3, reasmOks: 1, reasmFails: 0,
            fragOks: 1, fragFails: 1, fragCreates: 3, numIf: 1, numAddr: 1, numRoutes: 2))  // 192.0.2.0/24, 255.255.255.255/32
        #expect(a.stack.getIcmpStatistics(family: .inet) == MIBICMPStatsEx(
            icmpInStats: MIBICMPStats(msgs: 5, errors: 1, typeCount: Self.typeCount([0: 4])),
            icmpOutStats: MIBICMPStats(msgs: 9, errors: 0, typeCount: Self.typeCount([8: 8, 3: 1]))))

        let bIP = b.stack.getIpStatistics(family: .inet)
        #expect((bIP.inReceives, bIP.inDelivers, bIP.outRequests) == (7, 5, 4))
        #expect((bIP.reasmReqds, bIP.reasmOks, bIP.fragOks, bIP.fragCreates) == (3, 1, 1, 3))
        #expect(b.stack.getIcmpStatistics(family: .inet) == MIBICMPStatsEx(
            // The protocol unreachable quotes too little to use (the datagram was short).
            icmpInStats: MIBICMPStats(msgs: 5, errors: 1, typeCount: Self.typeCount([8: 4, 3: 1])),
            icmpOutStats: MIBICMPStats(msgs: 4, errors: 0, typeCount: Self.typeCount([0: 4]))))
        net.expectPoolsClean()
    }

    @Test func ipv6PingsAndNeighborDiscovery() throws {
        let net = try TestNetwork(hosts: 2) {
            $0.ipv6.dupAddrDetectTransmits = 0
            $0.ipv6.neighborDiscovery.queueLimitPerEntry = 2
            $0.ipv6.defaultHopLimit = 64
        }
        let a = net.hosts[0], b = net.hosts[1]
        #expect(a.stack.addAddress(Self.v6A, prefixLength: 64, to: a.interface) == .success)
        #expect(b.stack.addAddress(Self.v6B, prefixLength: 64, to: b.interface) == .success)
        // Router discovery runs its course: three solicitations, unanswered.
        net.run(for: .seconds(15))
        #expect(a.stack.getIcmpStatistics(family: .inet6).icmpOutStats
                == MIBICMPStats(msgs: 3, errors: 0, typeCount: Self.typeCount([133: 3])))

        #expect(a.stack.sendEchoRequest(to: Self.v6B, identifier: 1, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        for sequence: UInt16 in 2...3 {
            #expect(a.stack.sendEchoRequest(to: Self.v6B, identifier: 1, sequenceNumber: sequence) == .success)
        }
        #expect(a.stack.sendEchoRequest(to: Self.v6B, identifier: 1, sequenceNumber: 4, payloadLength: 3_000) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.count == 4)
        // Four to an on-link address no one answers: two wait, two find the
        // queue full; the two that waited are dropped when resolution fails,
        // each answered with Destination Unreachable to A itself.
        for sequence: UInt16 in 5...8 {
            #expect(a.stack.sendEchoRequest(to: IPv6Address("2001:db8::99")!, identifier: 1, sequenceNumber: sequence)
                    == .success)
        }
        net.run(for: .seconds(10))
        #expect(a.interface.neighborCacheStatistics.droppedQueueLimit == 2)
        #expect(a.statistics.ndp.unreachableDrops == 2)

        // Besides the echo traffic, A solicited B once and 2001:db8::99
        // three times, and answered the probe B sent when its entry for A
        // left the Delay state; B answered A's solicitation.
        #expect(a.stack.getIpStatistics(family: .inet6) == MIBIPStats(
            forwarding: .notForwarding, defaultTTL: 64,
            inReceives: 10,  // 3 replies, 3 fragments of the fourth, B's NS and NA, 2 Destination Unreachable
            inHdrErrors: 0, inAddrErrors: 0, forwDatagrams: 0, inUnknownProtos: 0, inDiscards: 0,
            inDelivers: 8,  // the fragments as one
            outRequests: 18,  // 8 echo requests, 2 Destination Unreachable, 3 RS, 4 NS, 1 NA
            routingDiscards: 0,
            outDiscards: 2,  // the neighbour queue was full
            outNoRoutes: 0, reasmTimeout: 60, reasmReqds: 3, reasmOks: 1, reasmFails: 0,
            fragOks: 1, fragFails: 0, fragCreates: 3,
            numIf: 1, numAddr: 2,  // the link-local address and 2001:db8::a
            numRoutes: 3))  // fe80::/64, ff00::/8, 2001:db8::/64
        #expect(a.stack.getIcmpStatistics(family: .inet6) == MIBICMPStatsEx(
            icmpInStats: MIBICMPStats(msgs: 8, errors: 0, typeCount: Self.typeCount([1: 2, 129: 4, 135: 1, 136: 1])),
            icmpOutStats: MIBICMPStats(msgs: 18, errors: 0,
                                       typeCount: Self.typeCount([1: 2, 128: 8, 133: 3, 135: 4, 136: 1]))))

        let bICMP = b.stack.getIcmpStatistics(family: .inet6)
        #expect(bICMP.icmpInStats.typeCount[128] == 4)
        #expect(bICMP.icmpOutStats.typeCount[129] == 4)
        let bIP = b.stack.getIpStatistics(family: .inet6)
        #expect((bIP.reasmReqds, bIP.reasmOks, bIP.fragOks, bIP.fragCreates) == (3, 1, 1, 3))
        net.expectPoolsClean()
    }

    // MARK: - Each counter to its field

    /// Every IPv4 and ARP counter set to its own power of two, so that each
    /// field's value says exactly which counters were summed into it.
    @Test func everyIPv4CounterLandsInItsField() throws {
        let net = try TestNetwork(hosts: 1)
        let stack = net.hosts[0].stack
        stack.statistics = TCPIPStatistics(
            arp: ARPStatistics(requestsIn: 1 << 31, repliesIn: 1 << 31, requestsOut: 1 << 31, repliesOut: 1 << 31,
                               gratuitousOut: 1 << 31, malformed: 1 << 31, invalidSender: 1 << 31,
                               resolutionFailures: 1 << 31, droppedUnresolved: 1 << 31,
                               droppedQueueFull: 1 << 25, droppedCacheFull: 1 << 26, evictions: 1 << 31),
            ipv4: IPv4Statistics(received: 1 << 0, delivered: 1 << 1, truncated: 1 << 2, badVersion: 1 << 3,
                                 badHeaderLength: 1 << 4, badTotalLength: 1 << 5, badChecksum: 1 << 6,
                                 badOptions: 1 << 7, badSource: 1 << 8, notForUs: 1 << 9,
                                 fragmentsReceived: 1 << 10, fragmentsDropped: 1 << 11, reassembled: 1 << 12,
                                 reassemblyTimeouts: 1 << 13, unknownProtocol: 1 << 14, sendRequests: 1 << 15,
                                 noRoute: 1 << 16, tooBig: 1 << 31, noBuffer: 1 << 17, fragmented: 1 << 18,
                                 fragmentsCreated: 1 << 19, cannotFragment: 1 << 20, forwarded: 1 << 21,
                                 timeToLiveExceeded: 1 << 22, forwardNoRoute: 1 << 23),
            ipv6: IPv6Statistics(received: 1 << 30, delivered: 1 << 30, sendRequests: 1 << 30))
        // Counters in no field are set to 1 << 31, a bit no field may show.
        #expect(stack.getIpStatistics(family: .inet) == MIBIPStats(
            forwarding: .notForwarding, defaultTTL: 128,
            inReceives: 1 << 0,
            inHdrErrors: 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 22,
            inAddrErrors: 1 << 8 | 1 << 9,
            forwDatagrams: 1 << 21,
            inUnknownProtos: 1 << 14,
            inDiscards: 0,
            inDelivers: 1 << 1,
            outRequests: 1 << 15,
            routingDiscards: 0,
            outDiscards: 1 << 17 | 1 << 25 | 1 << 26,
            outNoRoutes: 1 << 16 | 1 << 23,
            reasmTimeout: 60,
            reasmReqds: 1 << 10,
            reasmOks: 1 << 12,
            reasmFails: 1 << 11 | 1 << 13,
            fragOks: 1 << 18,
            fragFails: 1 << 20,
            fragCreates: 1 << 19,
            numIf: 1, numAddr: 1, numRoutes: 2))  // 192.0.2.0/24, 255.255.255.255/32
        net.expectPoolsClean()
    }

    /// Every IPv6 counter set to its own power of two.
    @Test func everyIPv6CounterLandsInItsField() throws {
        let net = try TestNetwork(hosts: 1) { $0.ipv6.dupAddrDetectTransmits = 0 }
        let host = net.hosts[0]
        let stack = host.stack
        #expect(stack.addAddress(Self.v6A, prefixLength: 64, to: host.interface) == .success)
        let cache = host.interface.neighborCacheStatistics
        #expect(cache.droppedQueueLimit == 0 && cache.droppedCacheFull == 0)
        stack.statistics = TCPIPStatistics(
            ipv4: IPv4Statistics(received: 1 << 30, delivered: 1 << 30, sendRequests: 1 << 30),
            ipv6: IPv6Statistics(received: 1 << 0, delivered: 1 << 1, truncated: 1 << 2, badVersion: 1 << 3,
                                 badAddress: 1 << 4, badExtensionHeaders: 1 << 5, headerErrors: 1 << 6,
                                 unknownNextHeader: 1 << 7, notForUs: 1 << 8, toTentativeAddress: 1 << 9,
                                 fragmentsReceived: 1 << 10, fragmentsDropped: 1 << 11, reassembled: 1 << 12,
                                 reassemblyTimeouts: 1 << 13, sendRequests: 1 << 14, noRoute: 1 << 15,
                                 noSourceAddress: 1 << 31, tooBig: 1 << 16, noBuffer: 1 << 17,
                                 fragmented: 1 << 18, fragmentsCreated: 1 << 19, forwarded: 1 << 20,
                                 hopLimitExceeded: 1 << 21, forwardNoRoute: 1 << 22, forwardTooBig: 1 << 23,
                                 beyondScope: 1 << 24),
            ndp: NDPStatistics(unreachableDrops: 1 << 31))
        #expect(stack.getIpStatistics(family: .inet6) == MIBIPStats(
            forwarding: .notForwarding, defaultTTL: 128,
            inReceives: 1 << 0,
            inHdrErrors: 1 << 2 | 1 << 3 | 1 << 5 | 1 << 6 | 1 << 21,
            inAddrErrors: 1 << 4 | 1 << 8 | 1 << 9 | 1 << 24,
            forwDatagrams: 1 << 20,
            inUnknownProtos: 1 << 7,
            inDiscards: 0,
            inDelivers: 1 << 1,
            outRequests: 1 << 14,
            routingDiscards: 0,
            outDiscards: 1 << 17,
            outNoRoutes: 1 << 15 | 1 << 22,
            reasmTimeout: 60,
            reasmReqds: 1 << 10,
            reasmOks: 1 << 12,
            reasmFails: 1 << 11 | 1 << 13,
            fragOks: 1 << 18,
            fragFails: 1 << 16 | 1 << 23,
            fragCreates: 1 << 19,
            numIf: 1,
            numAddr: 2,  // the link-local address and 2001:db8::a
            numRoutes: 3))  // fe80::/64, ff00::/8, 2001:db8::/64
        net.expectPoolsClean()
    }

    /// Each per-type ICMP counter lands at its type, and only there.
    @Test func icmpTypeCountsComeFromTheNamedCounters() throws {
        let net = try TestNetwork(hosts: 1)
        let stack = net.hosts[0].stack
        stack.statistics = TCPIPStatistics(
            icmpv4: ICMPv4Statistics(received: 100, echoRequestsIn: 1, echoRepliesIn: 2, echoRequestsOut: 3,
                                     echoRepliesOut: 4, broadcastEchoIgnored: 1 << 31, truncated: 5,
                                     badChecksum: 6, otherTypes: 7, destinationUnreachableIn: 8,
                                     timeExceededIn: 9, parameterProblemIn: 10, destinationUnreachableOut: 11,
                                     timeExceededOut: 12, parameterProblemOut: 13, errorsSuppressed: 1 << 31,
                                     errorsRateLimited: 1 << 31, errorsMalformed: 14, pathMTUUpdates: 1 << 31),
            icmpv6: ICMPv6Statistics(received: 200, truncated: 21, badChecksum: 22, echoRequestsIn: 23,
                                     echoRepliesIn: 24, echoRequestsOut: 25, echoRepliesOut: 26, otherTypes: 27,
                                     destinationUnreachableIn: 28, packetTooBigIn: 29, timeExceededIn: 30,
                                     parameterProblemIn: 31, destinationUnreachableOut: 32, packetTooBigOut: 33,
                                     timeExceededOut: 34, parameterProblemOut: 35, errorsSuppressed: 1 << 31,
                                     errorsRateLimited: 1 << 31, errorsMalformed: 36, pathMTUUpdates: 1 << 31),
            ndp: NDPStatistics(neighborSolicitationsIn: 41, neighborAdvertisementsIn: 42, routerSolicitationsIn: 43,
                               routerAdvertisementsIn: 44, redirectsIn: 45, neighborSolicitationsOut: 46,
                               neighborAdvertisementsOut: 47, routerSolicitationsOut: 48,
                               routerAdvertisementsOut: 49, invalid: 50, routerAdvertisementsIgnored: 1 << 31,
                               redirectsRejected: 1 << 31, redirectsAccepted: 1 << 31))
        #expect(stack.getIcmpStatistics(family: .inet) == MIBICMPStatsEx(
            icmpInStats: MIBICMPStats(msgs: 100, errors: 5 + 6 + 14,
                                      typeCount: Self.typeCount([0: 2, 3: 8, 8: 1, 11: 9, 12: 10])),
            icmpOutStats: MIBICMPStats(msgs: 4 + 11 + 3 + 12 + 13, errors: 0,
                                       typeCount: Self.typeCount([0: 4, 3: 11, 8: 3, 11: 12, 12: 13]))))
        #expect(stack.getIcmpStatistics(family: .inet6) == MIBICMPStatsEx(
            icmpInStats: MIBICMPStats(msgs: 200, errors: 21 + 22 + 36 + 50,
                                      typeCount: Self.typeCount([1: 28, 2: 29, 3: 30, 4: 31, 128: 23, 129: 24,
                                                                 133: 43, 134: 44, 135: 41, 136: 42, 137: 45])),
            icmpOutStats: MIBICMPStats(msgs: 32 + 33 + 34 + 35 + 25 + 26 + 48 + 49 + 46 + 47, errors: 0,
                                       typeCount: Self.typeCount([1: 32, 2: 33, 3: 34, 4: 35, 128: 25, 129: 26,
                                                                  133: 48, 134: 49, 135: 46, 136: 47]))))
        net.expectPoolsClean()
    }

    // MARK: - DWORDs and settings

    @Test func countersWrapAsDWORDs() throws {
        let net = try TestNetwork(hosts: 1)
        let stack = net.hosts[0].stack
        stack.statistics = TCPIPStatistics(
            ipv4: IPv4Statistics(received: 1 << 32 | 5, truncated: UInt64(UInt32.max), badVersion: 2),
            icmpv6: ICMPv6Statistics(echoRequestsOut: 1 << 33 | 7))
        let ip = stack.getIpStatistics(family: .inet)
        #expect(ip.inReceives == 5)
        #expect(ip.inHdrErrors == 1)
        let out = stack.getIcmpStatistics(family: .inet6).icmpOutStats
        #expect(out.typeCount[Int(ICMPv6Type.echoRequest.rawValue)] == 7)
        #expect(out.msgs == 7)
        net.expectPoolsClean()
    }

    @Test func settingsComeFromTheConfiguration() throws {
        let net = try TestNetwork(hosts: 1) {
            $0.forwarding = true
            $0.defaultTimeToLive = 100
            $0.ipv6.defaultHopLimit = 50
            $0.reassembly.ipv4Timeout = .seconds(30)
            $0.reassembly.ipv6Timeout = .milliseconds(1_500)
        }
        let stack = net.hosts[0].stack
        let v4 = stack.getIpStatistics(family: .inet)
        let v6 = stack.getIpStatistics(family: .inet6)
        #expect((v4.forwarding, v4.defaultTTL, v4.reasmTimeout) == (.forwarding, 100, 30))
        // A fraction of a second rounds up: fragments may be held that long.
        #expect((v6.forwarding, v6.defaultTTL, v6.reasmTimeout) == (.forwarding, 50, 2))
        #expect(MIBIPStatsForwarding.forwarding.rawValue == 1)
        #expect(MIBIPStatsForwarding.notForwarding.rawValue == 2)
        net.expectPoolsClean()
    }
}
