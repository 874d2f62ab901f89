import Testing
@testable import TCPIP
import NDIS
import NetCore

/// ARP through whole stacks on a virtual wire.
@Suite struct StackARPTests {
    static let d = TestNetwork.delay
    static let ipA = TestNetwork.address(0)
    static let ipB = TestNetwork.address(1)
    static let ipC = TestNetwork.address(2)
    static let macA = TestNetwork.mac(0)
    static let macB = TestNetwork.mac(1)
    static let macC = TestNetwork.mac(2)
    static let nobody = IPv4Address(192, 0, 2, 99)
    static let zeroMAC = MACAddress(0, 0, 0, 0, 0, 0)

    @Test func pingResolvesThenEchoes() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        let aBefore = a.statistics, bBefore = b.statistics
        #expect(a.stack.arpState(of: Self.ipB) == nil)
        let t0 = net.now
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 0x4242, sequenceNumber: 1) == .success)

        // The echo waits in an Incomplete entry while the request is out.
        let pending = try #require(a.stack.arpState(of: Self.ipB))
        #expect(pending.state == .incomplete)
        #expect(pending.queued == 1)
        #expect(a.stack.sendPool.outstanding == 1)
        #expect(a.statistics.arp.requestsOut == aBefore.arp.requestsOut + 1)

        net.run(for: .milliseconds(10))

        // Request out at t0, reply back at t0+2d, echo out then, its reply at t0+4d;
        // the send time was stamped when the echo was queued.
        #expect(a.replies == [EchoReply(source: .v4(Self.ipB), identifier: 0x4242, sequenceNumber: 1, timeToLive: 128,
                                        payloadLength: 56, sentAt: t0, receivedAt: t0 + Self.d * 4)])
        #expect(a.replies.first?.roundTripTime == Self.d * 4)

        let resolved = try #require(a.stack.arpState(of: Self.ipB))
        #expect(resolved.state == .reachable)
        #expect(resolved.mac == Self.macB)
        #expect(resolved.queued == 0)
        // B learnt A from the request, which was for B.
        let learnt = try #require(b.stack.arpState(of: Self.ipA))
        #expect(learnt.state == .reachable)
        #expect(learnt.mac == Self.macA)

        #expect(a.statistics.arp.requestsOut == aBefore.arp.requestsOut + 1)
        #expect(a.statistics.arp.repliesIn == aBefore.arp.repliesIn + 1)
        #expect(b.statistics.arp.requestsIn == bBefore.arp.requestsIn + 1)
        #expect(b.statistics.arp.repliesOut == bBefore.arp.repliesOut + 1)
        #expect(b.statistics.arp.requestsOut == bBefore.arp.requestsOut)
        #expect(a.statistics.icmpv4.echoRequestsOut == 1)
        #expect(a.statistics.icmpv4.echoRepliesIn == 1)
        #expect(b.statistics.icmpv4.echoRequestsIn == 1)
        #expect(b.statistics.icmpv4.echoRepliesOut == 1)

        // What crossed the wire, when.
        let seen = net.sniffer.frames.filter { $0.time >= t0 }
        #expect(seen.map(\.time) == [t0 + Self.d, t0 + Self.d * 2, t0 + Self.d * 3, t0 + Self.d * 4])
        try #require(seen.count == 4)
        #expect(seen[0].bytes == [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // to everyone
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // from A
            0x08, 0x06,                          // ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04,  // Ethernet, IPv4, 6, 4
            0x00, 0x01,                          // request
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // sender A's MAC
            0xC0, 0x00, 0x02, 0x01,              // sender 192.0.2.1
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // target MAC unknown
            0xC0, 0x00, 0x02, 0x02,              // target 192.0.2.2
        ] + [UInt8](repeating: 0, count: 18))    // padded to 60 bytes
        #expect(seen[1].bytes == [
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // to A
            0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // from B
            0x08, 0x06,                          // ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04,  // Ethernet, IPv4, 6, 4
            0x00, 0x02,                          // reply
            0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // sender B's MAC
            0xC0, 0x00, 0x02, 0x02,              // sender 192.0.2.2
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // target A's MAC
            0xC0, 0x00, 0x02, 0x01,              // target 192.0.2.1
        ] + [UInt8](repeating: 0, count: 18))
        // The echo request: A to B, IPv4 with TTL 128, ICMP type 8.
        let request = seen[2].bytes
        #expect(request.count == 14 + 20 + 8 + 56)
        #expect(request.mac(at: 0) == Self.macB)
        #expect(request.mac(at: 6) == Self.macA)
        #expect(request.uint16(at: 12) == 0x0800)
        #expect(request[14] == 0x45)
        #expect(request.uint16(at: 16) == 84)
        #expect(request[22] == 128)
        #expect(request[23] == 1)
        #expect(request.ipv4Address(at: 26) == Self.ipA)
        #expect(request.ipv4Address(at: 30) == Self.ipB)
        #expect(Frames.checksum(Array(request[14..<34])) == 0)
        #expect(request[34] == 8)
        #expect(request.uint16(at: 38) == 0x4242)
        #expect(request.uint16(at: 40) == 1)
        #expect(Frames.checksum(Array(request[34...])) == 0)
        // The reply: B to A, TTL 128, ICMP type 0 with the request's data.
        let reply = seen[3].bytes
        #expect(reply.mac(at: 0) == Self.macA)
        #expect(reply.mac(at: 6) == Self.macB)
        #expect(reply[22] == 128)
        #expect(reply.ipv4Address(at: 26) == Self.ipB)
        #expect(reply.ipv4Address(at: 30) == Self.ipA)
        #expect(Frames.checksum(Array(reply[14..<34])) == 0)
        #expect(reply[34] == 0)
        #expect(Frames.checksum(Array(reply[34...])) == 0)
        #expect(Array(reply[38...]) == Array(request[38...]))

        // Resolved: the next ping goes at once and takes exactly two wire delays.
        let t1 = net.now
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 0x4242, sequenceNumber: 2) == .success)
        #expect(a.stack.arpState(of: Self.ipB)?.queued == 0)
        #expect(a.stack.sendPool.outstanding == 0)
        net.run(for: .milliseconds(10))
        #expect(a.replies.count == 2)
        #expect(a.replies.last == EchoReply(source: .v4(Self.ipB), identifier: 0x4242, sequenceNumber: 2, timeToLive: 128,
                                            payloadLength: 56, sentAt: t1, receivedAt: t1 + Self.d * 2))
        #expect(a.replies.last?.roundTripTime == Self.d * 2)
        #expect(a.statistics.arp.requestsOut == aBefore.arp.requestsOut + 1)
        #expect(net.sniffer.frames(etherType: 0x0806, since: t1).isEmpty)
        net.expectPoolsClean()
    }

    @Test func gratuitousARPAnnouncesAndUpdatesPeers() throws {
        let net = try TestNetwork(hosts: 3)
        let a = net.hosts[0], b = net.hosts[1], c = net.hosts[2]
        // Each host announced its address when it was added, running.
        for host in net.hosts { #expect(host.statistics.arp.gratuitousOut == 1) }

        let extra = IPv4Address(192, 0, 2, 11)
        let t0 = net.now
        #expect(a.stack.addAddress(extra, prefixLength: 24, to: a.interface) == .success)
        #expect(a.statistics.arp.gratuitousOut == 2)
        net.drain()
        let announced = net.sniffer.frames(etherType: 0x0806, since: t0)
        #expect(announced.map(\.time) == [t0 + Self.d])
        #expect(announced.first?.bytes == [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // to everyone
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // from A
            0x08, 0x06,                          // ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04,  // Ethernet, IPv4, 6, 4
            0x00, 0x01,                          // request
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // sender A's MAC
            0xC0, 0x00, 0x02, 0x0B,              // sender 192.0.2.11
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // target MAC
            0xC0, 0x00, 0x02, 0x0B,              // target 192.0.2.11: itself
        ] + [UInt8](repeating: 0, count: 18))
        // Nobody held an entry for it, so nobody makes one (the merge rule).
        #expect(b.stack.arpState(of: extra) == nil)
        #expect(c.stack.arpState(of: extra) == nil)

        // B learns 192.0.2.1 at A, and lets the entry go stale.
        #expect(b.stack.sendEchoRequest(to: Self.ipA, identifier: 7, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(b.replies.count == 1)
        #expect(b.stack.arpState(of: Self.ipA)?.mac == Self.macA)
        net.run(for: a.stack.configuration.arp.reachableTime)
        #expect(b.stack.arpState(of: Self.ipA)?.state == .stale)

        // C takes 192.0.2.1 over (as a cluster address moves) and announces it.
        let aInvalid = a.statistics.arp.invalidSender
        let aEchoes = a.statistics.icmpv4.echoRequestsIn
        #expect(c.stack.addAddress(Self.ipA, prefixLength: 24, to: c.interface) == .success)
        #expect(c.statistics.arp.gratuitousOut == 2)
        net.drain()
        let moved = try #require(b.stack.arpState(of: Self.ipA))
        #expect(moved.mac == Self.macC)
        #expect(moved.state == .reachable)
        // A sees another station claim its address: not taken as a neighbour.
        #expect(a.statistics.arp.invalidSender == aInvalid + 1)
        #expect(a.stack.arpState(of: Self.ipA) == nil)

        // B's pings to 192.0.2.1 now reach C.
        #expect(b.stack.sendEchoRequest(to: Self.ipA, identifier: 7, sequenceNumber: 2) == .success)
        net.run(for: .milliseconds(10))
        #expect(b.replies.count == 2)
        #expect(b.replies.last?.source == .v4(Self.ipA))
        #expect(b.replies.last?.sequenceNumber == 2)
        #expect(c.statistics.icmpv4.echoRequestsIn == 1)
        #expect(a.statistics.icmpv4.echoRequestsIn == aEchoes)
        net.expectPoolsClean()
    }

    @Test func addressesAddedWhilePausedAreAnnouncedOnRestart() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let extra = IPv4Address(192, 0, 2, 11)
        #expect(a.ndis.pauseStack(a.adapter) == .success)
        #expect(!a.interface.running)
        #expect(a.stack.addAddress(extra, prefixLength: 24, to: a.interface) == .success)
        #expect(a.statistics.arp.gratuitousOut == 1)
        #expect(a.stack.sendPool.outstanding == 0)
        let t0 = net.now
        #expect(a.ndis.restartStack(a.adapter) == .success)
        #expect(a.interface.running)
        net.drain()
        #expect(a.statistics.arp.gratuitousOut == 3)
        // Every announcement made it onto the wire.
        #expect(a.statistics.ethernet.sendFailures == 0)
        let announced = net.sniffer.frames(etherType: 0x0806, since: t0)
        #expect(announced.map { $0.bytes.ipv4Address(at: 38) } == [Self.ipA, extra])
        #expect(announced.allSatisfy { $0.bytes.mac(at: 0) == .broadcast && $0.bytes.ipv4Address(at: 28) == $0.bytes.ipv4Address(at: 38) })
        net.expectPoolsClean()
    }

    @Test func resolutionGivesUpAfterMaxRequests() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        let arp = a.stack.configuration.arp
        let before = a.statistics.arp
        let t0 = net.now
        #expect(a.stack.sendEchoRequest(to: Self.nobody, identifier: 1, sequenceNumber: 1) == .success)
        #expect(a.stack.sendEchoRequest(to: Self.nobody, identifier: 1, sequenceNumber: 2) == .success)
        #expect(a.stack.arpState(of: Self.nobody)?.queued == 2)
        #expect(a.statistics.arp.requestsOut == before.requestsOut + 1)

        // Up to the last instant the entry waits, with every request sent…
        let giveUp = t0 + arp.retransmitInterval * arp.maxRequests
        net.run(until: giveUp - .nanoseconds(1))
        let waiting = try #require(a.stack.arpState(of: Self.nobody))
        #expect(waiting.state == .incomplete)
        #expect(waiting.queued == 2)
        #expect(a.statistics.arp.requestsOut == before.requestsOut + UInt64(arp.maxRequests))
        #expect(a.statistics.arp.resolutionFailures == before.resolutionFailures)
        #expect(a.stack.sendPool.outstanding == 2)

        // …then it fails, and what waited is dropped.
        net.run(until: giveUp)
        #expect(a.stack.arpState(of: Self.nobody) == nil)
        #expect(a.statistics.arp.resolutionFailures == before.resolutionFailures + 1)
        #expect(a.statistics.arp.droppedUnresolved == before.droppedUnresolved + 2)
        #expect(a.stack.sendPool.outstanding == 0)

        // Nothing more is asked.
        net.run(for: .seconds(10))
        #expect(a.statistics.arp.requestsOut == before.requestsOut + UInt64(arp.maxRequests))
        let requests = net.sniffer.frames(etherType: 0x0806, since: t0)
        #expect(requests.map(\.time) == (0..<arp.maxRequests).map { t0 + arp.retransmitInterval * $0 + Self.d })
        for request in requests {
            #expect(request.bytes.mac(at: 0) == .broadcast)
            #expect(request.bytes.uint16(at: 20) == 1)
            #expect(request.bytes.ipv4Address(at: 28) == Self.ipA)
            #expect(request.bytes.ipv4Address(at: 38) == Self.nobody)
        }
        #expect(a.replies.isEmpty)
        // B heard requests that were not for it from a sender it did not know: no entry.
        #expect(b.stack.arpState(of: Self.ipA) == nil)
        net.expectPoolsClean()
    }

    @Test func queueHoldsOnlyQueueLimitPerEntry() throws {
        let net = try TestNetwork { $0.arp.queueLimitPerEntry = 3 }
        let a = net.hosts[0]
        let arp = a.stack.configuration.arp
        for sequence in 1...10 {
            #expect(a.stack.sendEchoRequest(to: Self.nobody, identifier: 2, sequenceNumber: UInt16(sequence)) == .success)
        }
        #expect(a.stack.arpState(of: Self.nobody)?.queued == arp.queueLimitPerEntry)
        #expect(a.statistics.arp.droppedQueueFull == UInt64(10 - arp.queueLimitPerEntry))
        #expect(a.statistics.arp.requestsOut == 1)
        #expect(a.statistics.icmpv4.echoRequestsOut == 10)
        #expect(a.stack.sendPool.outstanding == arp.queueLimitPerEntry)

        net.run(for: arp.retransmitInterval * (arp.maxRequests + 1))
        #expect(a.stack.arpState(of: Self.nobody) == nil)
        #expect(a.statistics.arp.droppedUnresolved == UInt64(arp.queueLimitPerEntry))
        #expect(a.statistics.arp.resolutionFailures == 1)
        net.expectPoolsClean()
    }

    @Test func queueLimitTotalSpansEntries() throws {
        let net = try TestNetwork {
            $0.arp.queueLimitTotal = 4
            $0.arp.queueLimitPerEntry = 3
        }
        let a = net.hosts[0]
        let first = IPv4Address(192, 0, 2, 97), second = IPv4Address(192, 0, 2, 98)
        for round in 0..<2 {
            let dropped = a.statistics.arp.droppedQueueFull
            for sequence in 1...3 {
                a.stack.sendEchoRequest(to: first, identifier: 3, sequenceNumber: UInt16(sequence))
            }
            for sequence in 1...3 {
                a.stack.sendEchoRequest(to: second, identifier: 3, sequenceNumber: UInt16(sequence))
            }
            // 3 for the first and 1 for the second fill the 4; the second loses 2.
            #expect(a.stack.arpState(of: first)?.queued == 3, "round \(round)")
            #expect(a.stack.arpState(of: second)?.queued == 1, "round \(round)")
            #expect(a.statistics.arp.droppedQueueFull == dropped + 2, "round \(round)")
            // Once both fail, the whole allowance is free again.
            net.run(for: .seconds(5))
            #expect(a.stack.arpState(of: first) == nil)
            #expect(a.stack.sendPool.outstanding == 0)
        }
        #expect(a.statistics.arp.droppedUnresolved == 8)
        net.expectPoolsClean()
    }

    @Test func reachableGoesStaleThenExpires() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        let arp = a.stack.configuration.arp
        let t0 = net.now
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 4, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.count == 1)
        // A confirmed B when the reply came (t0+2d); B confirmed A when the request came (t0+d).
        let confirmedA = t0 + Self.d * 2, confirmedB = t0 + Self.d

        net.run(until: confirmedB + arp.reachableTime - .nanoseconds(1))
        #expect(b.stack.arpState(of: Self.ipA)?.state == .reachable)
        net.run(until: confirmedB + arp.reachableTime)
        #expect(b.stack.arpState(of: Self.ipA)?.state == .stale)
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)

        net.run(until: confirmedA + arp.reachableTime - .nanoseconds(1))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)
        net.run(until: confirmedA + arp.reachableTime)
        let stale = try #require(a.stack.arpState(of: Self.ipB))
        #expect(stale.state == .stale)
        #expect(stale.mac == Self.macB)

        net.run(until: confirmedA + arp.reachableTime + arp.staleLifetime - .nanoseconds(1))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)
        #expect(b.stack.arpState(of: Self.ipA) == nil)
        net.run(until: confirmedA + arp.reachableTime + arp.staleLifetime)
        #expect(a.stack.arpState(of: Self.ipB) == nil)
        #expect(a.stack.arpEntries.isEmpty)
        // Aging sends nothing.
        #expect(a.statistics.arp.requestsOut == 1)
        #expect(b.statistics.arp.requestsOut == 0)
        #expect(a.stack.nextDeadline == nil)
        net.expectPoolsClean()
    }

    @Test func usingAStaleEntryConfirmsItByUnicast() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let arp = a.stack.configuration.arp
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 5, sequenceNumber: 1) == .success)
        net.run(for: arp.reachableTime + .seconds(1))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)

        let t1 = net.now
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 5, sequenceNumber: 2) == .success)
        // The stale entry is used at once: nothing waits.
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)
        #expect(a.stack.arpState(of: Self.ipB)?.queued == 0)
        #expect(a.stack.sendPool.outstanding == 0)
        #expect(a.statistics.arp.requestsOut == 2)
        net.run(for: .milliseconds(10))
        #expect(a.replies.last?.sequenceNumber == 2)
        #expect(a.replies.last?.roundTripTime == Self.d * 2)

        // The check went to B alone, and B's answer made the entry Reachable again.
        let arps = net.sniffer.frames(etherType: 0x0806, since: t1)
        #expect(arps.map(\.time) == [t1 + Self.d, t1 + Self.d * 2])
        try #require(arps.count == 2)
        #expect(arps[0].bytes.mac(at: 0) == Self.macB)
        #expect(arps[0].bytes.uint16(at: 20) == 1)
        #expect(arps[0].bytes.ipv4Address(at: 38) == Self.ipB)
        #expect(arps[1].bytes.mac(at: 0) == Self.macA)
        #expect(arps[1].bytes.uint16(at: 20) == 2)
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)

        // Its reachable time restarts from the confirmation.
        net.run(until: t1 + Self.d * 2 + arp.reachableTime - .nanoseconds(1))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)
        net.run(until: t1 + Self.d * 2 + arp.reachableTime)
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)
        #expect(a.statistics.arp.requestsOut == 2)
        net.expectPoolsClean()
    }

    @Test func aStaleNeighbourThatStopsAnsweringIsForgotten() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let arp = a.stack.configuration.arp
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 6, sequenceNumber: 1) == .success)
        net.run(for: arp.reachableTime + .seconds(1))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)
        try #require(net.wire.ports.first { $0.mac == Self.macB }).setConnected(false)

        let t1 = net.now
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 6, sequenceNumber: 2) == .success)
        let failuresBefore = a.statistics.arp.resolutionFailures
        net.run(until: t1 + arp.retransmitInterval * arp.maxRequests - .nanoseconds(1))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)
        net.run(until: t1 + arp.retransmitInterval * arp.maxRequests)
        #expect(a.stack.arpState(of: Self.ipB) == nil)
        #expect(a.statistics.arp.resolutionFailures == failuresBefore + 1)

        // Every probe went to B's MAC alone, one retransmit interval apart.
        let probes = net.sniffer.frames(etherType: 0x0806, since: t1)
        #expect(probes.count == arp.maxRequests)
        #expect(probes.allSatisfy { $0.bytes.mac(at: 0) == Self.macB && $0.bytes.uint16(at: 20) == 1 })
        #expect(probes.map(\.time) == (0..<arp.maxRequests).map { t1 + arp.retransmitInterval * $0 + Self.d })
        net.expectPoolsClean()
    }

    @Test func mergeRuleCreatesEntriesOnlyForRequestsToUs() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let stranger = IPv4Address(192, 0, 2, 50), strangerMAC = MACAddress(0x02, 0, 0, 0, 0, 0x50)
        let before = a.statistics.arp

        // Not for A, from a sender A does not know: counted, nothing learnt, nothing said.
        net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0806,
                                         Frames.arp(operation: 1, senderMAC: strangerMAC, senderIP: stranger,
                                                    targetIP: Self.nobody)))
        net.drain()
        #expect(a.statistics.arp.requestsIn == before.requestsIn + 1)
        #expect(a.stack.arpState(of: stranger) == nil)
        #expect(a.statistics.arp.repliesOut == before.repliesOut)

        // Not for A, from a sender A knows: the entry is refreshed with what it says.
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 6, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.stack.arpState(of: Self.ipB)?.mac == Self.macB)
        let newMAC = MACAddress(0x02, 0, 0, 0, 0, 0x77)
        net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0806,
                                         Frames.arp(operation: 1, senderMAC: newMAC, senderIP: Self.ipB,
                                                    targetIP: Self.nobody)))
        net.drain()
        #expect(a.stack.arpState(of: Self.ipB)?.mac == newMAC)
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)
        #expect(a.statistics.arp.repliesOut == before.repliesOut)

        // For A: the sender is learnt and answered.
        let t0 = net.now
        net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0806,
                                         Frames.arp(operation: 1, senderMAC: strangerMAC, senderIP: stranger,
                                                    targetIP: Self.ipA)))
        net.drain()
        let learnt = try #require(a.stack.arpState(of: stranger))
        #expect(learnt.state == .reachable)
        #expect(learnt.mac == strangerMAC)
        #expect(a.statistics.arp.repliesOut == before.repliesOut + 1)
        let replies = net.sniffer.frames(etherType: 0x0806, since: t0)
        #expect(replies.map(\.time) == [t0 + Self.d * 2])
        #expect(replies.first?.bytes == Frames.ethernet(to: strangerMAC, from: Self.macA, etherType: 0x0806,
                                                         Frames.arp(operation: 2, senderMAC: Self.macA, senderIP: Self.ipA,
                                                                    targetMAC: strangerMAC, targetIP: stranger))
                + [UInt8](repeating: 0, count: 18))

        // A reply not for A from an unknown sender teaches nothing either.
        let other = IPv4Address(192, 0, 2, 51)
        net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0806,
                                         Frames.arp(operation: 2, senderMAC: strangerMAC, senderIP: other,
                                                    targetMAC: Self.macB, targetIP: Self.ipB)))
        net.drain()
        #expect(a.statistics.arp.repliesIn == before.repliesIn + 2)
        #expect(a.stack.arpState(of: other) == nil)
        net.expectPoolsClean()
    }

    @Test func impossibleSendersAreRejected() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let someMAC = MACAddress(0x02, 0, 0, 0, 0, 0x60)
        let someIP = IPv4Address(192, 0, 2, 60)
        let senders: [(String, MACAddress, IPv4Address)] = [
            ("broadcast MAC", .broadcast, someIP),
            ("multicast MAC", MACAddress(0x01, 0x00, 0x5E, 0, 0, 1), someIP),
            ("zero MAC", Self.zeroMAC, someIP),
            ("A's own MAC", Self.macA, someIP),
            ("multicast IP", someMAC, IPv4Address(224, 0, 0, 1)),
            ("limited broadcast IP", someMAC, IPv4Address(255, 255, 255, 255)),
            ("A's own IP", someMAC, Self.ipA),
        ]
        for (name, mac, ip) in senders {
            let before = a.statistics
            // Each asks for A's own address, which would otherwise be learnt and answered.
            net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0806,
                                             Frames.arp(operation: 1, senderMAC: mac, senderIP: ip, targetIP: Self.ipA)))
            net.drain()
            var expected = before
            expected.ethernet.framesIn += 1
            expected.arp.requestsIn += 1
            expected.arp.invalidSender += 1
            #expect(a.statistics == expected, "\(name)")
            #expect(a.stack.arpState(of: ip) == nil, "\(name)")
        }
        #expect(a.stack.arpEntries.isEmpty)
        net.expectPoolsClean()
    }

    @Test func malformedARPIsCounted() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let good = Frames.arp(operation: 1, senderMAC: MACAddress(0x02, 0, 0, 0, 0, 0x60),
                              senderIP: IPv4Address(192, 0, 2, 60), targetIP: Self.ipA)
        var hardware = good; hardware[1] = 6
        var proto = good; proto[2] = 0x86; proto[3] = 0xDD
        var lengths = good; lengths[4] = 8
        var operation = good; operation[7] = 3
        let truncated = Array(good[0..<27])
        for (name, payload) in [("hardware 6", hardware), ("IPv6", proto), ("hlen 8", lengths),
                                ("operation 3", operation), ("27 bytes", truncated)] {
            let before = a.statistics
            net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0806, payload))
            net.drain()
            var expected = before
            expected.ethernet.framesIn += 1
            expected.arp.malformed += 1
            #expect(a.statistics == expected, "\(name)")
        }
        #expect(a.stack.arpEntries.isEmpty)
        net.expectPoolsClean()
    }
}
