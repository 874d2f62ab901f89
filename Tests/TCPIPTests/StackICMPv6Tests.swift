import Testing
@testable import TCPIP
import NDIS
import NetCore

/// ICMPv6 at one stack (RFC 4443): echo, the Parameter Problems an IPv6
/// packet earns and the ones §2.4 (e) forbids, and Packet Too Big driving
/// path MTU discovery (RFC 8201) and fragmentation at the source.
@Suite struct StackICMPv6Tests {
    typealias L = V6Link

    // MARK: - Echo

    /// RFC 4443 §4.2: the reply carries the request's identifier, sequence
    /// number and data, from the address the request was sent to.
    @Test func anEchoRequestToOurAddressIsAnswered() throws {
        let link = try V6Link()
        let global = IPv6Address("2001:db8:1::1")!
        let globalPeer = IPv6Address("2001:db8:1::99")!
        #expect(link.stack.addAddress(global, prefixLength: 64, to: link.interface) == .success)
        link.settle()
        link.introduce()
        link.introduce(globalPeer, target: global)

        for (source, destination) in [(L.peer, L.linkLocal), (globalPeer, global)] {
            let t0 = link.now
            let request = V6Frames.echoRequest(identifier: 0x6D6D, sequenceNumber: 3, data: (0..<40).map { UInt8($0) })
            link.inject(V6Frames.icmpv6(from: source, to: destination, hopLimit: 64, request))
            let replies = link.sent(type: 129, since: t0)
            try #require(replies.count == 1, "to \(destination)")
            let reply = replies[0]
            #expect(reply.destinationMAC == TestNetwork.snifferMAC)
            #expect(reply.source == destination)
            #expect(reply.destination == source)
            #expect(reply.hopLimit == 128)
            #expect(reply.icmpCode == 0)
            #expect(reply.checksumIsRight)
            #expect(reply.icmp.map { Array($0[4...]) } == Array(request[4...]))
        }
        #expect(link.stack.statistics.icmpv6.echoRequestsIn == 2)
        #expect(link.stack.statistics.icmpv6.echoRepliesOut == 2)
        link.net.expectPoolsClean()
    }

    /// RFC 4443 §4.2: a request to a group is answered from a unicast
    /// address of the interface — the link-local one toward a link-local
    /// source (RFC 6724), although a global one is there too.
    @Test func anEchoRequestToAllNodesIsAnsweredFromTheLinkLocalAddress() throws {
        let link = try V6Link()
        #expect(link.stack.addAddress(IPv6Address("2001:db8:1::1")!, prefixLength: 64, to: link.interface) == .success)
        link.settle()
        link.introduce()
        let t0 = link.now
        let request = V6Frames.echoRequest(identifier: 0x0A11, sequenceNumber: 1)
        link.inject(V6Frames.icmpv6(from: L.peer, to: .allNodes, hopLimit: 1, request), to: L.allNodesMAC)
        let replies = link.sent(type: 129, since: t0)
        try #require(replies.count == 1)
        #expect(replies[0].source == L.linkLocal)
        #expect(replies[0].destination == L.peer)
        #expect(replies[0].destinationMAC == TestNetwork.snifferMAC)
        #expect(replies[0].checksumIsRight)
        #expect(replies[0].icmp.map { Array($0[4...]) } == Array(request[4...]))
        link.net.expectPoolsClean()
    }

    /// A request for an address this host does not hold, in a frame to its
    /// MAC, is not for it: counted, and never answered (forwarding is off).
    @Test func anEchoRequestToAnotherAddressIsNotAnswered() throws {
        let link = try V6Link()
        #expect(link.stack.addAddress(IPv6Address("2001:db8:1::1")!, prefixLength: 64, to: link.interface) == .success)
        link.settle()
        link.introduce()
        let before = link.stack.statistics
        let t0 = link.now
        link.inject(V6Frames.icmpv6(from: L.peer, to: IPv6Address("2001:db8:1::77")!, hopLimit: 64,
                                    V6Frames.echoRequest(identifier: 1, sequenceNumber: 1)))
        var expected = before
        expected.ethernet.framesIn += 1
        expected.ipv6.received += 1
        expected.ipv6.notForUs += 1
        #expect(link.stack.statistics == expected)
        #expect(link.sent(since: t0).isEmpty)

        // A group the host has not joined (all routers) is not for it either:
        // the adapter filters its MAC out, and inside an all-nodes frame the stack does.
        let toRouters = V6Frames.icmpv6(from: L.peer, to: .allRouters, hopLimit: 1,
                                        V6Frames.echoRequest(identifier: 1, sequenceNumber: 2))
        link.inject(toRouters, to: MACAddress(0x33, 0x33, 0, 0, 0, 2))
        #expect(link.stack.statistics == expected)
        link.inject(toRouters, to: L.allNodesMAC)
        expected.ethernet.framesIn += 1
        expected.ipv6.received += 1
        expected.ipv6.notForUs += 1
        #expect(link.stack.statistics == expected)
        #expect(link.sent(since: t0).isEmpty)
        link.net.expectPoolsClean()
    }

    /// RFC 4291 §2.5.2: the unspecified address is never a destination, so
    /// a request from it (a node with no address yet) cannot be answered —
    /// not even when a default route would carry a reply somewhere.
    @Test func anEchoRequestFromTheUnspecifiedAddressIsNotAnswered() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure()
        #expect(link.stack.routes.lookup(.unspecified, now: link.now)?.nextHop == L.router)
        let t0 = link.now
        link.inject(V6Frames.icmpv6(from: .unspecified, to: L.linkLocal, hopLimit: 64,
                                    V6Frames.echoRequest(identifier: 0x0000, sequenceNumber: 1)))
        link.inject(V6Frames.icmpv6(from: .unspecified, to: .allNodes, hopLimit: 64,
                                    V6Frames.echoRequest(identifier: 0x0000, sequenceNumber: 2)),
                    to: L.allNodesMAC)
        #expect(link.stack.statistics.icmpv6.echoRequestsIn == 2)
        #expect(link.stack.statistics.icmpv6.echoRepliesOut == 0)
        #expect(link.sent(since: t0).isEmpty)
    }

    // MARK: - Parameter Problem

    /// RFC 8200 §4, RFC 4443 §3.4: an unknown Next Header is answered with
    /// Parameter Problem code 1 pointing at the Next Header field (byte 6),
    /// quoting the packet.
    @Test func anUnknownNextHeaderIsAParameterProblemAtByteSix() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let t0 = link.now
        let packet = V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 253, [UInt8](repeating: 0xAB, count: 16))
        link.inject(packet)
        let errors = link.sent(type: 4, since: t0)
        try #require(errors.count == 1)
        let error = errors[0]
        #expect(error.icmpCode == 1)
        #expect(error.icmpTypeSpecific == 6)
        #expect(error.source == L.linkLocal)
        #expect(error.destination == L.peer)
        #expect(error.hopLimit == 128)
        #expect(error.checksumIsRight)
        #expect(error.icmp.map { Array($0[8...]) } == packet)
        #expect(link.stack.statistics.ipv6.unknownNextHeader == 1)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 1)

        // The same to all nodes: code 1 is never sent about a packet to a group (§2.4 e.3).
        let t1 = link.now
        link.inject(V6Frames.ipv6(from: L.peer, to: .allNodes, nextHeader: 253, [UInt8](repeating: 0xAB, count: 16)),
                    to: L.allNodesMAC)
        #expect(link.sent(since: t1).isEmpty)
        #expect(link.stack.statistics.ipv6.unknownNextHeader == 2)
        #expect(link.stack.statistics.icmpv6.errorsSuppressed == 1)
        // Nor about a unicast packet that came in a link-layer multicast frame (§2.4 e.2).
        link.inject(V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 253, [UInt8](repeating: 0xAB, count: 16)),
                    to: L.allNodesMAC)
        #expect(link.sent(since: t1).isEmpty)
        #expect(link.stack.statistics.icmpv6.errorsSuppressed == 2)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 1)

        // A large packet is quoted only as far as keeps the error within 1,280 bytes (§2.4 c).
        let t2 = link.now
        let large = V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 253,
                                  (0..<1_400).map { UInt8(truncatingIfNeeded: $0) })
        link.inject(large)
        let quoted = try #require(link.sent(type: 4, since: t2).first)
        #expect(quoted.packet.count == 1_280)
        #expect(quoted.icmp.map { Array($0[8...]) } == Array(large.prefix(1_232)))
        #expect(quoted.checksumIsRight)
        link.net.expectPoolsClean()
    }

    /// A Destination Options header with one unknown option of type `type`
    /// (8 bytes: Next Header, Hdr Ext Len 0, the option with 4 data bytes),
    /// then `message` checksummed for these addresses.
    static func withOption(_ type: UInt8, from source: IPv6Address, to destination: IPv6Address,
                           _ message: [UInt8]) -> [UInt8] {
        let options: [UInt8] = [58, 0, type, 4, 0, 0, 0, 0]
        let upper = V6.checksummed(message, source: V6Frames.bytes(source), destination: V6Frames.bytes(destination))
        return V6Frames.ipv6(from: source, to: destination, nextHeader: 60, hopLimit: 64, options + upper)
    }

    /// RFC 8200 §4.2, RFC 4443 §2.4 (e): an unknown option whose high bits
    /// are 10 earns Parameter Problem code 2 even when the packet went to a
    /// group; with 11 it earns one only when it did not. The packet itself
    /// is dropped (its echo request gets no reply).
    @Test func unknownOptionsAnswerAsTheirTypeAsks() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let echo = V6Frames.echoRequest(identifier: 0x0B0B, sequenceNumber: 1)

        // 10xxxxxx to all nodes: Parameter Problem code 2, pointer at the option type (40 + 2).
        var t0 = link.now
        let toGroup = Self.withOption(0x9E, from: L.peer, to: .allNodes, echo)
        link.inject(toGroup, to: L.allNodesMAC)
        var errors = link.sent(type: 4, since: t0)
        try #require(errors.count == 1)
        #expect(errors[0].icmpCode == 2)
        #expect(errors[0].icmpTypeSpecific == 42)
        #expect(errors[0].source == L.linkLocal)
        #expect(errors[0].destination == L.peer)
        #expect(errors[0].destinationMAC == TestNetwork.snifferMAC)
        #expect(errors[0].checksumIsRight)
        #expect(errors[0].icmp.map { Array($0[8...]) } == toGroup)

        // 11xxxxxx to all nodes: dropped in silence.
        t0 = link.now
        link.inject(Self.withOption(0xDE, from: L.peer, to: .allNodes, echo), to: L.allNodesMAC)
        #expect(link.sent(since: t0).isEmpty)

        // 11xxxxxx to our own address: code 2 again.
        link.inject(Self.withOption(0xDE, from: L.peer, to: L.linkLocal, echo))
        errors = link.sent(type: 4, since: t0)
        try #require(errors.count == 1)
        #expect(errors[0].icmpCode == 2)
        #expect(errors[0].icmpTypeSpecific == 42)

        // 01xxxxxx: dropped in silence wherever it went.
        t0 = link.now
        link.inject(Self.withOption(0x5E, from: L.peer, to: L.linkLocal, echo))
        #expect(link.sent(since: t0).isEmpty)

        // 00xxxxxx: skipped, and the echo request inside answered.
        link.inject(Self.withOption(0x1E, from: L.peer, to: L.linkLocal, echo))
        #expect(link.sent(type: 129, since: t0).count == 1)

        #expect(link.stack.statistics.ipv6.headerErrors == 4)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 2)
        #expect(link.stack.statistics.icmpv6.echoRequestsIn == 1)
        #expect(link.stack.statistics.icmpv6.echoRepliesOut == 1)
        link.net.expectPoolsClean()
    }

    /// RFC 4443 §2.4 (e.1): never an error about an ICMPv6 error, found
    /// past the extension headers; the same packet with an informational
    /// message inside is answered.
    @Test func noErrorAboutAnICMPv6Error() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let quoted = V6Frames.ipv6(from: L.linkLocal, to: L.peer, nextHeader: 17, hopLimit: 64, [UInt8](repeating: 0, count: 8))
        let unreachable = V6Frames.error(1, code: 4, quoting: quoted)
        let t0 = link.now
        link.inject(Self.withOption(0x9E, from: L.peer, to: L.linkLocal, unreachable))
        link.inject(Self.withOption(0x9E, from: L.peer, to: L.linkLocal,
                                    V6Frames.error(4, code: 1, 6, quoting: quoted)))
        #expect(link.sent(since: t0).isEmpty)
        #expect(link.stack.statistics.icmpv6.errorsSuppressed == 2)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 0)
        // The control: an informational message in the same place earns the error.
        link.inject(Self.withOption(0x9E, from: L.peer, to: L.linkLocal, V6Frames.echoRequest(identifier: 1, sequenceNumber: 1)))
        #expect(link.sent(type: 4, since: t0).count == 1)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 1)
        link.net.expectPoolsClean()
    }

    /// RFC 4443 §2.4 (f): errors are rate-limited by a token bucket (here
    /// a burst of 20, then 100 a second); the rest are counted, not sent.
    @Test func errorsAreRateLimited() throws {
        let link = try V6Link()
        link.settle()
        link.introduce()
        let t0 = link.now
        for i in 0..<25 {
            let packet = V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 253, [UInt8](repeating: UInt8(i), count: 8))
            link.net.sniffer.send(V6Frames.ethernet(to: link.host.mac, packet))
        }
        link.net.run(for: .milliseconds(10))
        #expect(link.stack.statistics.ipv6.unknownNextHeader == 25)
        #expect(link.stack.statistics.icmpv6.parameterProblemOut == 20)
        #expect(link.stack.statistics.icmpv6.errorsRateLimited == 5)
        #expect(link.sent(type: 4, since: t0).count == 20)
        // A second later the bucket has refilled.
        link.net.run(for: .seconds(1))
        let t1 = link.now
        link.introduce()
        link.inject(V6Frames.ipv6(from: L.peer, to: L.linkLocal, nextHeader: 253, [UInt8](repeating: 0, count: 8)))
        #expect(link.sent(type: 4, since: t1).count == 1)
        link.net.expectPoolsClean()
    }

    // MARK: - Packet Too Big

    /// The fragments of one datagram the host sent, checked one by one
    /// (RFC 8200 §4.5) and put back together: the fragmentable part.
    static func reassemble(_ fragments: [Sniffed6], mtu: Int,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        try #require(!fragments.isEmpty, sourceLocation: sourceLocation)
        var pieces: [(offset: Int, more: Bool, data: [UInt8])] = []
        var identifications = Set<UInt32>()
        for fragment in fragments {
            #expect(fragment.packet.count <= mtu, "a fragment of \(fragment.packet.count) bytes", sourceLocation: sourceLocation)
            #expect(fragment.nextHeader == 44, sourceLocation: sourceLocation)
            let payload = fragment.payload
            try #require(payload.count > 8, sourceLocation: sourceLocation)
            #expect(payload[0] == 58, sourceLocation: sourceLocation)
            #expect(payload[1] == 0, sourceLocation: sourceLocation)
            let field = payload.uint16(at: 2)
            #expect(field & 0x0006 == 0, "reserved bits", sourceLocation: sourceLocation)
            identifications.insert(UInt32(payload.uint16(at: 4)) << 16 | UInt32(payload.uint16(at: 6)))
            let data = Array(payload[8...])
            let more = field & 1 == 1
            if more { #expect(data.count % 8 == 0, sourceLocation: sourceLocation) }
            pieces.append((Int(field & 0xFFF8), more, data))
        }
        #expect(identifications.count == 1, "one identification", sourceLocation: sourceLocation)
        #expect(identifications.first != 0, sourceLocation: sourceLocation)
        pieces.sort { $0.offset < $1.offset }
        var whole: [UInt8] = []
        for (i, piece) in pieces.enumerated() {
            #expect(piece.offset % 8 == 0, sourceLocation: sourceLocation)
            #expect(piece.offset == whole.count, "no gap or overlap", sourceLocation: sourceLocation)
            #expect(piece.more == (i < pieces.count - 1), sourceLocation: sourceLocation)
            whole += piece.data
        }
        return whole
    }

    /// RFC 8201, RFC 8200 §5: Packet Too Big about a packet the host sent
    /// lowers its path MTU to that destination, never below 1,280; the next
    /// large echo goes in fragments that fit, and they put back together
    /// into the echo request with a right checksum.
    @Test func packetTooBigLowersThePathMTUAndLargeEchoesAreFragmented() throws {
        let link = try V6Link()
        link.settle()
        link.autoconfigure()
        let farRouter = IPv6Address("2001:db8:2::fe")!
        var t0 = link.now
        #expect(link.stack.sendEchoRequest(to: L.remote, identifier: 9, sequenceNumber: 1, payloadLength: 1_400) == .success)
        link.net.run(for: .milliseconds(10))
        let big = try #require(link.sent(type: 128, since: t0).first)
        #expect(big.packet.count == 1_448)
        #expect(big.destinationMAC == L.routerMAC)

        // About a packet the host did not send: ignored.
        var forged = big.packet
        forged.replaceSubrange(8..<24, with: V6Frames.bytes(IPv6Address("2001:db8:1::99")!))
        link.inject(V6Frames.icmpv6(from: farRouter, to: L.slaacAddress, hopLimit: 60,
                                    V6Frames.error(2, 1_300, quoting: forged)), from: L.routerMAC)
        #expect(link.stack.statistics.icmpv6.packetTooBigIn == 1)
        #expect(link.stack.statistics.icmpv6.pathMTUUpdates == 0)
        #expect(link.stack.ipv6PathMTUs.mtu(to: L.remote, now: link.now) == nil)

        // About ours: the path to the remote is now 1,300.
        link.inject(V6Frames.icmpv6(from: farRouter, to: L.slaacAddress, hopLimit: 60,
                                    V6Frames.error(2, 1_300, quoting: big.packet)), from: L.routerMAC)
        #expect(link.stack.statistics.icmpv6.packetTooBigIn == 2)
        #expect(link.stack.statistics.icmpv6.pathMTUUpdates == 1)
        #expect(link.stack.ipv6PathMTUs.mtu(to: L.remote, now: link.now) == 1_300)
        // Other destinations keep the link MTU.
        #expect(link.stack.ipv6PathMTUs.mtu(to: IPv6Address("2001:db8:2::9")!, now: link.now) == nil)
        // No error is ever sent about an error.
        #expect(link.sent(type: 4, since: t0).isEmpty)

        t0 = link.now
        #expect(link.stack.sendEchoRequest(to: L.remote, identifier: 9, sequenceNumber: 2, payloadLength: 3_000) == .success)
        link.net.run(for: .milliseconds(10))
        var fragments = link.sent(since: t0)
        let firstIdentification = fragments.first.map { Array($0.payload[4..<8]) }
        #expect(fragments.count == 3)
        #expect(fragments.map(\.packet.count) == [1_296, 1_296, 560])
        #expect(fragments.allSatisfy { $0.destinationMAC == L.routerMAC && $0.source == L.slaacAddress
                                        && $0.destination == L.remote && $0.hopLimit == 64 })
        var message = try Self.reassemble(fragments, mtu: 1_300)
        #expect(message.count == 3_008)
        #expect(message.first == 128)
        #expect(message.uint16(at: 6) == 2)
        #expect(message.uint16(at: 2) == V6.referenceChecksum(message, source: V6Frames.bytes(L.slaacAddress),
                                                             destination: V6Frames.bytes(L.remote)))
        #expect(link.stack.statistics.ipv6.fragmented == 1)
        #expect(link.stack.statistics.ipv6.fragmentsCreated == 3)

        // A report below the minimum only brings the path to 1,280 (RFC 8201 §4).
        link.inject(V6Frames.icmpv6(from: farRouter, to: L.slaacAddress, hopLimit: 60,
                                    V6Frames.error(2, 600, quoting: fragments[0].packet)), from: L.routerMAC)
        #expect(link.stack.ipv6PathMTUs.mtu(to: L.remote, now: link.now) == 1_280)
        #expect(link.stack.statistics.icmpv6.pathMTUUpdates == 2)
        // And a larger one never raises it.
        link.inject(V6Frames.icmpv6(from: farRouter, to: L.slaacAddress, hopLimit: 60,
                                    V6Frames.error(2, 1_400, quoting: fragments[0].packet)), from: L.routerMAC)
        #expect(link.stack.ipv6PathMTUs.mtu(to: L.remote, now: link.now) == 1_280)
        #expect(link.stack.statistics.icmpv6.pathMTUUpdates == 2)

        t0 = link.now
        #expect(link.stack.sendEchoRequest(to: L.remote, identifier: 9, sequenceNumber: 3, payloadLength: 3_000) == .success)
        link.net.run(for: .milliseconds(10))
        fragments = link.sent(since: t0)
        #expect(fragments.map(\.packet.count) == [1_280, 1_280, 592])
        message = try Self.reassemble(fragments, mtu: 1_280)
        #expect(message.count == 3_008)
        #expect(message.uint16(at: 6) == 3)
        #expect(message.uint16(at: 2) == V6.referenceChecksum(message, source: V6Frames.bytes(L.slaacAddress),
                                                             destination: V6Frames.bytes(L.remote)))
        // A fresh identification per datagram (RFC 7739).
        #expect(fragments.first.map { Array($0.payload[4..<8]) } != firstIdentification)
    }
}
