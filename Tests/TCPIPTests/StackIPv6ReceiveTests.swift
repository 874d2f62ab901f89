import Testing
@testable import TCPIP
import NDIS
import NetCore

/// IPv6 receive validation and reassembly at one stack: crafted packets
/// from the sniffer, each of which must move exactly its own counters and
/// earn no answer; fragments in any order, duplicated or overlapping.
@Suite struct StackIPv6ReceiveTests {
    typealias L = V6Link

    struct Case {
        var name: String
        var packet: [UInt8]
        var to: MACAddress?
        var counters: [WritableKeyPath<TCPIPStatistics, UInt64>]
    }

    /// A neighbour that is not the peer, so that a solicitation accepted by
    /// mistake would show up as a Neighbor Cache entry.
    static let stranger = IPv6Address("fe80::98")!

    static func cases() -> [Case] {
        let echo = V6Frames.echoRequest(identifier: 0x5252, sequenceNumber: 6)
        let good = V6Frames.icmpv6(from: L.peer, to: L.linkLocal, hopLimit: 64, echo)
        var badChecksum = good
        badChecksum[52] ^= 0x01  // the first data byte, after the checksum was computed
        var badVersion = good
        badVersion[0] = 0x40
        let delivered: [WritableKeyPath<TCPIPStatistics, UInt64>] = [\.ipv6.delivered, \.icmpv6.received]
        let solicitation = V6Frames.neighborSolicitation(target: L.linkLocal,
                                                         options: V6Frames.sourceLinkLayer(TestNetwork.snifferMAC))
        func ns(hopLimit: UInt8 = 255, _ message: [UInt8] = solicitation) -> [UInt8] {
            V6Frames.icmpv6(from: stranger, to: L.solicitedNode, hopLimit: hopLimit, message)
        }
        var code1 = solicitation
        code1[1] = 1
        let zeroLength = V6Frames.neighborSolicitation(target: L.linkLocal, options: [1, 0, 0, 0, 0, 0, 0, 0])
        let overrun = V6Frames.neighborSolicitation(target: L.linkLocal, options: [1, 2] + TestNetwork.snifferMAC.bytes)
        let advertisement = V6Frames.routerAdvertisement(options: V6Frames.sourceLinkLayer(L.routerMAC)
                                                            + V6Frames.prefixOption(L.prefix, valid: 600, preferred: 300))
        let zeroLengthRA = V6Frames.routerAdvertisement(options: V6Frames.sourceLinkLayer(L.routerMAC) + [3, 0, 0, 0, 0, 0, 0, 0])
        let ndp: [WritableKeyPath<TCPIPStatistics, UInt64>] = delivered + [\.ndp.invalid]
        return [
            Case(name: "39 bytes", packet: Array(good.prefix(39)), counters: [\.ipv6.truncated]),
            Case(name: "the fixed header alone, claiming a payload", packet: Array(good.prefix(40)),
                 counters: [\.ipv6.truncated]),
            Case(name: "payload length beyond the frame",
                 packet: V6Frames.ipv6(from: L.peer, to: L.linkLocal, payloadLength: echo.count + 8,
                                       V6.checksummed(echo, source: V6Frames.bytes(L.peer),
                                                      destination: V6Frames.bytes(L.linkLocal))),
                 counters: [\.ipv6.truncated]),
            Case(name: "version 4", packet: badVersion, counters: [\.ipv6.badVersion]),
            Case(name: "multicast source",
                 packet: V6Frames.icmpv6(from: .allNodes, to: L.linkLocal, hopLimit: 64, echo),
                 counters: [\.ipv6.badAddress]),
            Case(name: "ICMPv6 checksum", packet: badChecksum, counters: delivered + [\.icmpv6.badChecksum]),
            Case(name: "ICMPv6 of 3 bytes",
                 packet: V6Frames.ipv6(from: L.peer, to: L.linkLocal, [128, 0, 0]),
                 counters: delivered + [\.icmpv6.truncated]),
            Case(name: "destination options header cut short",
                 packet: V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 60, [58, 1, 1, 4, 0, 0, 0, 0]),
                 counters: [\.ipv6.badExtensionHeaders]),
            Case(name: "an option overrunning its header",
                 packet: V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 60, [58, 0, 1, 9, 0, 0, 0, 0]),
                 counters: [\.ipv6.badExtensionHeaders]),
            Case(name: "NS with hop limit 254", packet: ns(hopLimit: 254), to: L.solicitedNodeMAC,
                 counters: ndp + [\.ndp.neighborSolicitationsIn]),
            Case(name: "NS with code 1", packet: ns(code1), to: L.solicitedNodeMAC,
                 counters: ndp + [\.ndp.neighborSolicitationsIn]),
            Case(name: "NS with a zero-length option", packet: ns(zeroLength), to: L.solicitedNodeMAC,
                 counters: ndp + [\.ndp.neighborSolicitationsIn]),
            Case(name: "NS with an option past its end", packet: ns(overrun), to: L.solicitedNodeMAC,
                 counters: ndp + [\.ndp.neighborSolicitationsIn]),
            Case(name: "NS for a multicast target",
                 packet: ns(V6Frames.neighborSolicitation(target: .allNodes)), to: L.solicitedNodeMAC,
                 counters: ndp + [\.ndp.neighborSolicitationsIn]),
            Case(name: "DAD NS with a source link-layer option",
                 packet: V6Frames.icmpv6(from: .unspecified, to: L.solicitedNode, solicitation), to: L.solicitedNodeMAC,
                 counters: ndp + [\.ndp.neighborSolicitationsIn]),
            Case(name: "solicited NA to all nodes",
                 packet: V6Frames.icmpv6(from: stranger, to: .allNodes,
                                         V6Frames.neighborAdvertisement(target: stranger, solicited: true, override: true,
                                                                        options: V6Frames.targetLinkLayer(TestNetwork.snifferMAC))),
                 to: L.allNodesMAC, counters: ndp + [\.ndp.neighborAdvertisementsIn]),
            Case(name: "NA with a zero-length option",
                 packet: V6Frames.icmpv6(from: stranger, to: .allNodes,
                                         V6Frames.neighborAdvertisement(target: stranger, solicited: false, override: true,
                                                                        options: [2, 0, 0, 0, 0, 0, 0, 0])),
                 to: L.allNodesMAC, counters: ndp + [\.ndp.neighborAdvertisementsIn]),
            Case(name: "Redirect with a zero-length option",
                 packet: V6Frames.icmpv6(from: L.router, to: L.linkLocal,
                                         V6Frames.redirect(target: stranger, destination: L.remote,
                                                           options: [2, 0, 0, 0, 0, 0, 0, 0])),
                 counters: ndp + [\.ndp.redirectsIn]),
            Case(name: "RA from a global source",
                 packet: V6Frames.icmpv6(from: IPv6Address("2001:db8:1::fe")!, to: .allNodes, advertisement),
                 to: L.allNodesMAC, counters: ndp + [\.ndp.routerAdvertisementsIn]),
            Case(name: "RA with hop limit 64",
                 packet: V6Frames.icmpv6(from: L.router, to: .allNodes, hopLimit: 64, advertisement),
                 to: L.allNodesMAC, counters: ndp + [\.ndp.routerAdvertisementsIn]),
            Case(name: "RA with a zero-length option",
                 packet: V6Frames.icmpv6(from: L.router, to: .allNodes, zeroLengthRA),
                 to: L.allNodesMAC, counters: ndp + [\.ndp.routerAdvertisementsIn]),
        ]
    }

    /// Each malformation is dropped, moves only its own counters, leaves no
    /// state behind and is answered by nothing.
    @Test func eachMalformationCountsOnlyItself() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()

        // The control: the builders' well-formed echo request is answered.
        let t0 = link.now
        link.inject(V6Frames.icmpv6(from: L.peer, to: L.linkLocal, hopLimit: 64,
                                    V6Frames.echoRequest(identifier: 0x5252, sequenceNumber: 6)))
        #expect(link.sent(type: 129, since: t0).count == 1)

        for testCase in Self.cases() {
            let before = link.stack.statistics
            let start = link.now
            link.inject(testCase.packet, to: testCase.to)
            var expected = before
            expected.ethernet.framesIn += 1
            expected.ipv6.received += 1
            for counter in testCase.counters { expected[keyPath: counter] += 1 }
            #expect(link.stack.statistics == expected, "\(testCase.name)")
            #expect(link.sent(since: start).isEmpty, "\(testCase.name) was answered")
        }
        #expect(link.interface.neighbor(Self.stranger) == nil)
        #expect(link.stack.routes.lookup(L.remote, now: link.now) == nil)
        #expect(link.interface.ipv6Addresses.map(\.address) == [L.linkLocal])
        #expect(link.assigned(L.linkLocal)?.dadState == .preferred)
        link.net.expectPoolsClean()
    }

    // MARK: - Reassembly

    /// An echo request of 48 bytes from the peer, checksummed.
    static let echo = V6.checksummed(V6Frames.echoRequest(identifier: 0x0F0F, sequenceNumber: 1,
                                                          data: (0..<40).map { UInt8($0 * 3) }),
                                     source: V6Frames.bytes(L.peer), destination: V6Frames.bytes(L.linkLocal))

    static func fragment(_ range: Range<Int>, more: Bool, identification: UInt32 = 0xC0FF_EE01) -> [UInt8] {
        V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 44, hopLimit: 64,
                      V6Frames.fragmentHeader(offset: range.lowerBound, more: more, identification: identification)
                        + Array(echo[range]))
    }

    /// RFC 8200 §4.5: three fragments out of order, the first one twice,
    /// make one echo request and one reply; the exact duplicate is dropped
    /// alone, as §4.5 allows.
    @Test func aFragmentedEchoRequestIsReassembledAndAnswered() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let t0 = link.now
        let first = Self.fragment(0..<16, more: true)
        let middle = Self.fragment(16..<32, more: true)
        let last = Self.fragment(32..<48, more: false)
        link.inject(last)
        link.inject(first)
        link.inject(first)
        #expect(link.sent(type: 129, since: t0).isEmpty)
        #expect(link.stack.reassembler.datagramsInProgress == 1)
        link.inject(middle)

        let replies = link.sent(type: 129, since: t0)
        try #require(replies.count == 1)
        let reply = replies[0]
        #expect(reply.source == L.linkLocal)
        #expect(reply.destination == L.peer)
        #expect(reply.nextHeader == 58, "48 bytes need no fragmenting")
        #expect(reply.checksumIsRight)
        #expect(reply.icmp.map { Array($0[4...]) } == Array(Self.echo[4...]))

        let statistics = link.stack.statistics
        #expect(statistics.ipv6.fragmentsReceived == 4)
        #expect(statistics.ipv6.fragmentsDropped == 1)
        #expect(statistics.ipv6.reassembled == 1)
        #expect(statistics.icmpv6.echoRequestsIn == 1)
        #expect(statistics.icmpv6.echoRepliesOut == 1)
        #expect(link.stack.reassembler.statistics.duplicates == 1)
        #expect(link.stack.reassembler.datagramsInProgress == 0)

        // Nothing left to time out.
        link.net.run(for: .seconds(61))
        #expect(link.stack.statistics.ipv6.reassemblyTimeouts == 0)
        #expect(link.sent(type: 3, since: t0).isEmpty)
        link.net.expectPoolsClean()
    }

    /// RFC 5722: overlapping fragments discard the whole datagram and every
    /// fragment of it still to come, with no reply and no ICMPv6 error — not
    /// even Time Exceeded when its time runs out.
    @Test func overlappingFragmentsDropTheDatagramSilently() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let t0 = link.now
        link.inject(Self.fragment(0..<24, more: true))
        link.inject(Self.fragment(16..<48, more: false))
        #expect(link.stack.statistics.ipv6.fragmentsDropped == 1)
        #expect(link.stack.reassembler.statistics.overlaps == 1)
        // The rest of the datagram, well-formed, does not revive it.
        link.inject(Self.fragment(24..<48, more: false))
        #expect(link.stack.statistics.ipv6.fragmentsReceived == 3)
        #expect(link.stack.statistics.ipv6.fragmentsDropped == 2)
        #expect(link.stack.reassembler.statistics.refusedAfterOverlap == 1)
        #expect(link.stack.statistics.ipv6.reassembled == 0)
        #expect(link.stack.statistics.icmpv6.echoRequestsIn == 0)

        link.net.run(for: .seconds(61))
        #expect(link.stack.reassembler.datagramsInProgress == 0)
        #expect(link.stack.statistics.ipv6.reassemblyTimeouts == 0)
        #expect(link.stack.statistics.icmpv6.timeExceededOut == 0)
        #expect(link.sent(since: t0).allSatisfy { $0.icmpType != 129 && $0.icmpType != 3 && $0.icmpType != 4 })

        // The same fragments under a new identification, without the overlap, are fine.
        // (The peer never answered the host's reachability probes, so it introduces itself again.)
        link.introduce()
        let t1 = link.now
        for range in [0..<24, 24..<48] {
            link.inject(Self.fragment(range, more: range.upperBound < 48, identification: 0xC0FF_EE02))
        }
        #expect(link.sent(type: 129, since: t1).count == 1)
        link.net.expectPoolsClean()
    }

    /// A 2,008-byte echo request in two fragments is answered with a reply
    /// too big for the link, which the host fragments in turn (RFC 8200 §5).
    @Test func aLargeFragmentedEchoRequestGetsAFragmentedReply() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let data = (0..<2_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let message = V6.checksummed(V6Frames.echoRequest(identifier: 0x2222, sequenceNumber: 9, data: data),
                                     source: V6Frames.bytes(L.peer), destination: V6Frames.bytes(L.linkLocal))
        func piece(_ range: Range<Int>, more: Bool) -> [UInt8] {
            V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 44, hopLimit: 64,
                          V6Frames.fragmentHeader(offset: range.lowerBound, more: more, identification: 0x0BAD_CAFE)
                            + Array(message[range]))
        }
        let t0 = link.now
        link.inject(piece(1_448..<2_008, more: false))
        link.inject(piece(0..<1_448, more: true))
        #expect(link.stack.statistics.ipv6.reassembled == 1)
        let fragments = link.sent(since: t0)
        #expect(fragments.map(\.packet.count) == [1_496, 608])
        #expect(fragments.allSatisfy { $0.destination == L.peer && $0.source == L.linkLocal })
        let reply = try StackICMPv6Tests.reassemble(fragments, mtu: 1_500)
        #expect(reply.count == 2_008)
        #expect(reply.first == 129)
        #expect(Array(reply[4...]) == Array(message[4...]))
        #expect(reply.uint16(at: 2) == V6.referenceChecksum(reply, source: V6Frames.bytes(L.linkLocal),
                                                           destination: V6Frames.bytes(L.peer)))
        #expect(link.stack.statistics.ipv6.fragmented == 1)
        link.net.expectPoolsClean()
    }

    /// RFC 6946: an atomic fragment (offset 0, M clear) is a whole packet,
    /// processed at once without touching reassembly.
    @Test func anAtomicFragmentIsProcessedAlone() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let t0 = link.now
        link.inject(Self.fragment(0..<48, more: false))
        #expect(link.sent(type: 129, since: t0).count == 1)
        #expect(link.stack.statistics.ipv6.fragmentsReceived == 0)
        #expect(link.stack.reassembler.datagramsInProgress == 0)
        link.net.expectPoolsClean()
    }

    /// RFC 8200 §4.5 and RFC 7112 §5: fragments that can never be part of a
    /// good datagram earn Parameter Problems — code 0 at Payload Length for
    /// a non-final fragment not a multiple of 8, code 0 at Fragment Offset
    /// for one reaching past 65,535 bytes, code 3 (pointer 0) for a first
    /// fragment without the whole header chain.
    @Test func impossibleFragmentsEarnParameterProblems() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let ragged = Self.fragment(0..<20, more: true)
        let beyond = V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 44, hopLimit: 64,
                                   V6Frames.fragmentHeader(offset: 65_528, more: false, identification: 7)
                                    + [UInt8](repeating: 0, count: 16))
        let cut = V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 44, hopLimit: 64,
                                V6Frames.fragmentHeader(nextHeader: 60, offset: 0, more: true, identification: 8)
                                    + [58, 1, 1, 2, 0, 0, 0, 0])
        for (packet, code, pointer) in [(ragged, UInt8(0), UInt32(4)), (beyond, 0, 42), (cut, 3, 0)] {
            let t0 = link.now
            link.inject(packet)
            let errors = link.sent(type: 4, since: t0)
            try #require(errors.count == 1)
            #expect(errors[0].icmpCode == code)
            #expect(errors[0].icmpTypeSpecific == pointer)
            #expect(errors[0].destination == L.peer)
            #expect(errors[0].checksumIsRight)
            #expect(errors[0].icmp.map { Array($0[8...]) } == packet)
        }
        #expect(link.stack.statistics.ipv6.headerErrors == 3)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 3)
        #expect(link.stack.reassembler.datagramsInProgress == 0)
        link.net.expectPoolsClean()
    }

    /// A first fragment on its own times out after 60 s and its sender hears
    /// Time Exceeded, code 1 (RFC 8200 §4.5), quoting it.
    @Test func aLoneFirstFragmentTimesOutWithTimeExceeded() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let t0 = link.now
        let first = Self.fragment(0..<16, more: true)
        link.inject(first)
        link.net.run(until: t0 + TestNetwork.delay + .milliseconds(59_980))
        #expect(link.sent(type: 3, since: t0).isEmpty)
        // The peer never answered the host's reachability probes: it introduces itself again.
        link.introduce()
        #expect(link.sent(type: 3, since: t0).isEmpty)
        link.net.run(until: t0 + TestNetwork.delay + .seconds(60) + .milliseconds(10))
        let errors = link.sent(type: 3, since: t0)
        try #require(errors.count == 1)
        #expect(errors[0].icmpCode == 1)
        #expect(errors[0].destination == L.peer)
        #expect(errors[0].source == L.linkLocal)
        #expect(errors[0].checksumIsRight)
        #expect(errors[0].icmp.map { Array($0[8...]) } == first)
        #expect(link.stack.statistics.ipv6.reassemblyTimeouts == 1)
        link.net.expectPoolsClean()
    }
}
