import Testing
@testable import TCPIP
import NDIS
import NetCore

/// IPv4 and ICMP receive validation: crafted frames put on the wire by the
/// sniffer, each of which must move exactly its own counters at the receiver.
@Suite struct StackIPv4ReceiveTests {
    static let ipA = TestNetwork.address(0)
    static let ipB = TestNetwork.address(1)

    struct Case {
        var name: String
        var datagram: [UInt8]
        var counters: [WritableKeyPath<TCPIPStatistics, UInt64>]
        /// What the ICMP error B answers with moves at A, the datagram's source.
        var sourceCounters: [WritableKeyPath<TCPIPStatistics, UInt64>] = []
    }

    static func cases() -> [Case] {
        let echo = Frames.echo(identifier: 0x5151, sequenceNumber: 9)
        let good = Frames.ipv4(from: ipA, to: ipB, echo)
        #expect(good.count == 47)
        func patched(_ bytes: [UInt8], _ changes: [Int: UInt8]) -> [UInt8] {
            var copy = bytes
            for (index, value) in changes { copy[index] = value }
            return copy
        }
        var badICMP = echo
        badICMP[10] ^= 0x40
        return [
            Case(name: "header checksum", datagram: patched(good, [10: good[10] ^ 0xFF]),
                 counters: [\.ipv4.badChecksum]),
            Case(name: "version 6", datagram: patched(good, [0: 0x65]), counters: [\.ipv4.badVersion]),
            Case(name: "IHL 4", datagram: patched(good, [0: 0x44]), counters: [\.ipv4.badHeaderLength]),
            Case(name: "IHL 15 beyond the data", datagram: patched(good, [0: 0x4F]), counters: [\.ipv4.badHeaderLength]),
            Case(name: "total length under the header", datagram: patched(good, [2: 0, 3: 19]),
                 counters: [\.ipv4.badTotalLength]),
            Case(name: "total length beyond the data", datagram: patched(good, [2: 0, 3: 200]),
                 counters: [\.ipv4.badTotalLength]),
            Case(name: "19 bytes", datagram: Array(good[0..<19]), counters: [\.ipv4.truncated]),
            Case(name: "another host's address", datagram: Frames.ipv4(from: ipA, to: IPv4Address(192, 0, 2, 77), echo),
                 counters: [\.ipv4.notForUs]),
            // A first fragment whose data is not a multiple of 8 cannot be one (RFC 791): refused.
            Case(name: "first fragment", datagram: Frames.ipv4(from: ipA, to: ipB, flagsAndOffset: 0x2000, echo),
                 counters: [\.ipv4.fragmentsReceived, \.ipv4.fragmentsDropped]),
            // A lone last fragment waits in the reassembler for the rest.
            Case(name: "last fragment", datagram: Frames.ipv4(from: ipA, to: ipB, flagsAndOffset: 0x0004, echo),
                 counters: [\.ipv4.fragmentsReceived]),
            Case(name: "protocol 253", datagram: Frames.ipv4(from: ipA, to: ipB, protocolNumber: 253, echo),
                 counters: [\.ipv4.unknownProtocol, \.icmpv4.destinationUnreachableOut, \.ipv4.sendRequests,
                            \.ethernet.framesOut],
                 sourceCounters: [\.ethernet.framesIn, \.ipv4.received, \.ipv4.delivered, \.icmpv4.received,
                                  \.icmpv4.destinationUnreachableIn]),
            Case(name: "multicast source", datagram: Frames.ipv4(from: IPv4Address(224, 0, 0, 9), to: ipB, echo),
                 counters: [\.ipv4.badSource]),
            Case(name: "limited broadcast source",
                 datagram: Frames.ipv4(from: IPv4Address(255, 255, 255, 255), to: ipB, echo),
                 counters: [\.ipv4.badSource]),
            Case(name: "subnet broadcast source", datagram: Frames.ipv4(from: IPv4Address(192, 0, 2, 255), to: ipB, echo),
                 counters: [\.ipv4.badSource]),
            Case(name: "ICMP of 4 bytes", datagram: Frames.ipv4(from: ipA, to: ipB, [8, 0, 0, 0]),
                 counters: [\.ipv4.delivered, \.icmpv4.received, \.icmpv4.truncated]),
            Case(name: "ICMP checksum", datagram: Frames.ipv4(from: ipA, to: ipB, badICMP),
                 counters: [\.ipv4.delivered, \.icmpv4.received, \.icmpv4.badChecksum]),
        ]
    }

    @Test func eachMalformationCountsOnlyItself() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]

        // The control: the same builder's well-formed echo request is answered
        // (to A, whose address it bears).
        let good = Frames.ipv4(from: Self.ipA, to: Self.ipB, Frames.echo(identifier: 0x5151, sequenceNumber: 9))
        let echoesBefore = b.statistics.icmpv4.echoRequestsIn
        net.sniffer.send(Frames.ethernet(to: b.mac, etherType: 0x0800, good))
        net.run(for: .milliseconds(10))
        #expect(b.statistics.icmpv4.echoRequestsIn == echoesBefore + 1)
        #expect(b.statistics.icmpv4.echoRepliesOut == 1)
        #expect(a.replies.map(\.identifier) == [0x5151])
        #expect(a.replies.map(\.sequenceNumber) == [9])
        #expect(a.replies.first?.payloadLength == 19)

        for testCase in Self.cases() {
            let beforeA = a.statistics, beforeB = b.statistics
            net.sniffer.send(Frames.ethernet(to: b.mac, etherType: 0x0800, testCase.datagram))
            net.drain()
            var expected = beforeB
            expected.ethernet.framesIn += 1
            expected.ipv4.received += 1
            for counter in testCase.counters { expected[keyPath: counter] += 1 }
            #expect(b.statistics == expected, "\(testCase.name)")
            // Unicast to B: A's adapter filtered it out; only an ICMP error reaches A.
            var expectedA = beforeA
            for counter in testCase.sourceCounters { expectedA[keyPath: counter] += 1 }
            #expect(a.statistics == expectedA, "\(testCase.name)")
        }
        #expect(a.replies.count == 1)
        net.expectPoolsClean()
    }

    @Test func ethernetPaddingIsNotEchoed() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        // A 28-byte datagram (echo with no data) in a 60-byte frame whose
        // padding is not zero: the reply must carry none of it.
        let datagram = Frames.ipv4(from: Self.ipA, to: Self.ipB, Frames.echo(identifier: 0x0A0A, sequenceNumber: 1, data: []))
        let t0 = net.now
        net.sniffer.send(Frames.ethernet(to: b.mac, etherType: 0x0800, datagram + [UInt8](repeating: 0xEE, count: 18)))
        net.run(for: .milliseconds(10))
        #expect(b.statistics.icmpv4.echoRepliesOut == 1)
        #expect(a.replies.count == 1)
        #expect(a.replies.first?.payloadLength == 0)
        #expect(a.replies.first?.sentAt == nil)
        let replies = net.sniffer.frames(etherType: 0x0800, since: t0 + TestNetwork.delay * 2)
            .filter { $0.bytes.mac(at: 6) == b.mac }
        try #require(replies.count == 1)
        let reply = replies[0].bytes
        #expect(reply.count == 60)
        #expect(reply.uint16(at: 16) == 28)
        #expect(Array(reply[42...]) == [UInt8](repeating: 0, count: 18))
        net.expectPoolsClean()
    }

    @Test func broadcastPingIsIgnored() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        let subnetBroadcast = IPv4Address(192, 0, 2, 255)

        // A's own broadcast ping: sent to the Ethernet broadcast address, no ARP.
        let t0 = net.now
        let before = b.statistics.icmpv4
        #expect(a.stack.sendEchoRequest(to: subnetBroadcast, identifier: 8, sequenceNumber: 1) == .success)
        #expect(a.stack.arpState(of: subnetBroadcast) == nil)
        #expect(a.statistics.arp.requestsOut == 0)
        net.run(for: .milliseconds(10))
        let sent = net.sniffer.frames(etherType: 0x0800, since: t0)
        #expect(sent.count == 1)
        #expect(sent.first?.bytes.mac(at: 0) == .broadcast)
        #expect(b.statistics.icmpv4.echoRequestsIn == before.echoRequestsIn + 1)
        #expect(b.statistics.icmpv4.broadcastEchoIgnored == before.broadcastEchoIgnored + 1)
        #expect(b.statistics.icmpv4.echoRepliesOut == 0)
        #expect(a.replies.isEmpty)

        // Crafted: to the limited broadcast address, and to B's own address
        // inside a link-layer broadcast.
        let echo = Frames.echo(identifier: 8, sequenceNumber: 2)
        for (name, destination) in [("limited broadcast", IPv4Address(255, 255, 255, 255)), ("unicast in broadcast frame", Self.ipB)] {
            let ignored = b.statistics.icmpv4.broadcastEchoIgnored
            net.sniffer.send(Frames.ethernet(to: .broadcast, etherType: 0x0800, Frames.ipv4(from: Self.ipA, to: destination, echo)))
            net.run(for: .milliseconds(10))
            #expect(b.statistics.icmpv4.broadcastEchoIgnored == ignored + 1, "\(name)")
            #expect(b.statistics.icmpv4.echoRepliesOut == 0, "\(name)")
            #expect(a.statistics.icmpv4.echoRepliesOut == 0, "\(name)")
        }
        #expect(a.replies.isEmpty)
        #expect(b.stack.arpEntries.isEmpty)
        net.expectPoolsClean()
    }

    @Test func runtsAreCounted() throws {
        let net = try TestNetwork()
        let b = net.hosts[1]
        // Straight into the stack's binding, as a miniport would indicate them.
        let pool = NetBufferPool(name: "runts", capacity: 4, slotSize: 64, headroom: 0)
        for length in [0, 1, 6, 13] {
            let before = b.statistics
            let list = try #require(pool.allocate(length: length))
            list.firstNetBuffer.data.initializeMemory(as: UInt8.self, repeating: 0xFF)
            b.interface.binding.context.receiveNetBufferLists(list, portNumber: .default, count: 1, flags: [.resources])
            pool.free(list)
            var expected = before
            expected.ethernet.framesIn += 1
            expected.ethernet.runts += 1
            #expect(b.statistics == expected, "\(length) bytes")
        }
        #expect(pool.outstanding == 0)

        // Over the wire a runt never reaches the stack: with no EtherType to
        // read, no binding claims it, and NDIS hands it straight back.
        let before = b.statistics
        let unclaimed = b.adapter.counters.receivesUnclaimed
        net.sniffer.send(b.mac.bytes + TestNetwork.snifferMAC.bytes + [0x08])
        // Nor does a frame of an EtherType the stack did not open (IPX).
        net.sniffer.send(Frames.ethernet(to: b.mac, etherType: 0x8137, [UInt8](repeating: 0x60, count: 46)))
        net.drain()
        #expect(b.adapter.counters.receivesUnclaimed == unclaimed + 2)
        #expect(b.statistics == before)
        net.expectPoolsClean()
    }
}
