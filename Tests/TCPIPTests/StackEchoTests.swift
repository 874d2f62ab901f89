import Testing
@testable import TCPIP
import NDIS
import NetCore

/// ICMP echo through the stack, and the errors of its configuration and send calls.
@Suite struct StackEchoTests {
    static let d = TestNetwork.delay
    static let ipA = TestNetwork.address(0)
    static let ipB = TestNetwork.address(1)

    @Test func addAddressInstallsTheOnLinkRoute() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        #expect(a.interface.addresses == [UnicastAddress(Self.ipA, prefixLength: 24)!])
        #expect(a.stack.isLocalAddress(Self.ipA))
        #expect(!a.stack.isLocalAddress(Self.ipB))
        let route = try #require(a.stack.routes.lookup(IPv4Address(192, 0, 2, 200)))
        #expect(route.destination.network == IPv4Address(192, 0, 2, 0))
        #expect(route.destination.length == 24)
        #expect(route.nextHop == nil)
        #expect(route.interfaceIndex == a.interface.index)
        #expect(a.stack.routes.lookup(IPv4Address(192, 0, 3, 1)) == nil)
        net.expectPoolsClean()
    }

    @Test func pingingOwnAddressNeverTouchesTheWire() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let t0 = net.now
        let heardByB = net.hosts[1].statistics.ethernet.framesIn
        #expect(a.stack.sendEchoRequest(to: Self.ipA, identifier: 9, sequenceNumber: 1, payloadLength: 16) == .success)
        #expect(a.stack.arpState(of: Self.ipA) == nil)
        net.run(for: .milliseconds(10))
        #expect(a.replies == [EchoReply(source: .v4(Self.ipA), identifier: 9, sequenceNumber: 1, timeToLive: 128,
                                        payloadLength: 16, sentAt: t0, receivedAt: t0)])
        #expect(a.statistics.icmpv4.echoRequestsIn == 1)
        #expect(a.statistics.icmpv4.echoRepliesOut == 1)
        #expect(net.sniffer.frames.isEmpty)
        #expect(net.hosts[1].statistics.ethernet.framesIn == heardByB)
        net.expectPoolsClean()
    }

    @Test func customTimeToLiveAndShortPayload() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let t0 = net.now
        // Under 8 bytes of data there is no room for the send time.
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 10, sequenceNumber: 3, payloadLength: 4,
                                        timeToLive: 5) == .success)
        net.run(for: .milliseconds(10))
        let reply = try #require(a.replies.first)
        #expect(reply.payloadLength == 4)
        #expect(reply.sentAt == nil)
        #expect(reply.roundTripTime == nil)
        #expect(reply.receivedAt == t0 + Self.d * 4)
        // The request left with TTL 5; B answered with its default 128.
        let requests = net.sniffer.frames(etherType: 0x0800, since: t0).filter { $0.bytes.mac(at: 6) == a.mac }
        #expect(requests.map { $0.bytes[22] } == [5])
        #expect(reply.timeToLive == 128)
        net.expectPoolsClean()
    }

    @Test func largestPayloadTheMTUAllows() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        #expect(a.interface.mtu == 1500)
        let largest = a.interface.mtu - 20 - 8
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 11, sequenceNumber: 1, payloadLength: largest) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.map(\.payloadLength) == [largest])

        // One byte more does not fit the interface: with Don't Fragment it is
        // refused, without it it leaves in two fragments, and so does the reply.
        let cannot = a.statistics.ipv4.cannotFragment
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 11, sequenceNumber: 2, payloadLength: largest + 1,
                                        dontFragment: true) == .invalidBufferSize)
        #expect(a.statistics.ipv4.cannotFragment == cannot + 1)
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 11, sequenceNumber: 3, payloadLength: largest + 1)
                == .success)
        #expect(a.statistics.ipv4.fragmented == 1)
        #expect(a.statistics.ipv4.fragmentsCreated == 2)
        net.run(for: .milliseconds(10))
        #expect(a.replies.map(\.payloadLength) == [largest, largest + 1])
        #expect(a.statistics.ipv4.reassembled == 1)
        net.expectPoolsClean()
    }

    @Test func noRouteIsNetworkUnreachable() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        let remote = IPv4Address(198, 51, 100, 1)
        let before = a.statistics.ipv4
        #expect(a.stack.sendEchoRequest(to: remote, identifier: 12, sequenceNumber: 1) == .networkUnreachable)
        #expect(a.statistics.ipv4.noRoute == before.noRoute + 1)
        #expect(a.statistics.ipv4.sendRequests == before.sendRequests + 1)
        #expect(a.stack.sendPool.outstanding == 0)
        #expect(a.statistics.arp.requestsOut == 0)

        // Through a default route the datagram goes to the gateway's MAC; B
        // does not forward, so it drops it as not its own.
        #expect(a.stack.addRoute(IPv4Prefix(address: .any, length: 0)!, nextHop: Self.ipB, interface: a.interface) == .success)
        let t0 = net.now
        let notForUs = b.statistics.ipv4.notForUs
        #expect(a.stack.sendEchoRequest(to: remote, identifier: 12, sequenceNumber: 2) == .success)
        net.run(for: .milliseconds(10))
        let sent = net.sniffer.frames(etherType: 0x0800, since: t0)
        #expect(sent.count == 1)
        #expect(sent.first?.bytes.mac(at: 0) == b.mac)
        #expect(sent.first?.bytes.ipv4Address(at: 30) == remote)
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)
        #expect(a.stack.arpState(of: remote) == nil)
        #expect(b.statistics.ipv4.notForUs == notForUs + 1)
        #expect(a.replies.isEmpty)
        net.expectPoolsClean()
    }

    @Test func oversizeOrMeaninglessRequestsAreInvalidParameters() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        // The most one IPv4 datagram holds: 65,535 less the IP and ICMP headers.
        let datagramLimit = 65_535 - 20 - 8
        let before = a.statistics
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 13, sequenceNumber: 1,
                                        payloadLength: datagramLimit + 1) == .invalidParameter)
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 13, sequenceNumber: 1, payloadLength: -1)
                == .invalidParameter)
        #expect(a.stack.sendEchoRequest(to: IPv4Address.any, identifier: 13, sequenceNumber: 1) == .invalidParameter)
        // Refused before anything was built or counted.
        #expect(a.statistics == before)
        #expect(a.stack.sendPool.outstanding == 0)
        #expect(a.stack.arpEntries.isEmpty)
        net.expectPoolsClean()
    }

    @Test func addAddressRejectsBadAndDuplicateAddresses() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        let interface = a.interface
        let before = a.statistics
        #expect(a.stack.addAddress(IPv4Address(224, 0, 0, 1), prefixLength: 24, to: interface) == .invalidParameter)
        #expect(a.stack.addAddress(IPv4Address(239, 255, 255, 250), prefixLength: 32, to: interface) == .invalidParameter)
        #expect(a.stack.addAddress(IPv4Address.any, prefixLength: 24, to: interface) == .invalidParameter)
        #expect(a.stack.addAddress(.broadcast, prefixLength: 32, to: interface) == .invalidParameter)
        #expect(a.stack.addAddress(IPv4Address(192, 0, 2, 30), prefixLength: 33, to: interface) == .invalidParameter)
        #expect(a.stack.addAddress(IPv4Address(192, 0, 2, 30), prefixLength: -1, to: interface) == .invalidParameter)
        #expect(a.stack.addAddress(Self.ipA, prefixLength: 24, to: interface) == .addressAlreadyExists)
        #expect(a.stack.addAddress(Self.ipA, prefixLength: 16, to: interface) == .addressAlreadyExists)
        // Nothing changed: no address, no route, no announcement.
        #expect(interface.addresses == [UnicastAddress(Self.ipA, prefixLength: 24)!])
        #expect(a.stack.routes.ipv4Count == 2)  // the subnet and the limited broadcast
        #expect(a.statistics == before)
        net.drain()
        #expect(net.sniffer.frames.isEmpty)
        net.expectPoolsClean()
    }
}
