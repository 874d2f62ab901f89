import NDIS
import NetCore
import NetSim
import TCPIP
import TestSupport
import Testing

/// alice — near (2001:db8:1::/64) — router — far (2001:db8:2::/64) — bob, the
/// router advertising both prefixes and the hosts configuring themselves.
private struct RoutedIPv6Network {
    let sim: Simulation
    let alice: SimHost
    let router: SimHost
    let bob: SimHost
    let aliceInterface: IPInterface
    let bobInterface: IPInterface
    static let nearPrefix = IPv6Prefix("2001:db8:1::/64")!
    static let farPrefix = IPv6Prefix("2001:db8:2::/64")!

    init(farMTU: Int = 1500, capture: CaptureSink? = nil) throws {
        sim = try capture.map { sink throws(CaptureError) in try Simulation(seed: 31, captureSink: sink) }
            ?? Simulation(seed: 31)
        let near = sim.addWire(WireImpairments(delay: .milliseconds(1)))
        let far = sim.addWire(WireImpairments(delay: .milliseconds(1), mtu: farMTU))
        alice = sim.addHost("alice")
        router = sim.addHost("router") { $0.forwarding = true }
        bob = sim.addHost("bob")
        for (wire, prefix) in [(near, Self.nearPrefix), (far, Self.farPrefix)] {
            let interface = sim.attach(router, to: wire)
            router.stack.addAddress(IPv6Address(prefix: prefix, interfaceIdentifier: 1)!, prefixLength: 64, to: interface)
            var advertiser = RouterAdvertiserConfiguration()
            advertiser.prefixes = [.init(prefix)]
            router.stack.advertise(advertiser, on: interface)
        }
        aliceInterface = sim.attach(alice, to: near)
        bobInterface = sim.attach(bob, to: far)
        sim.run(for: .seconds(10))
    }

    func global(_ interface: IPInterface, in prefix: IPv6Prefix) -> IPv6Address? {
        interface.ipv6Addresses.first { prefix.contains($0.address) && $0.dadState == .preferred }?.address
    }

    var aliceAddress: IPv6Address? { global(aliceInterface, in: Self.nearPrefix) }
    var bobAddress: IPv6Address? { global(bobInterface, in: Self.farPrefix) }
}

/// alice (2001:db8::a) and bob (2001:db8::b) on one wire, their addresses
/// through DAD.
private struct IPv6Link {
    let sim: Simulation
    let wire: VirtualWire
    let alice: SimHost
    let bob: SimHost
    let aliceInterface: IPInterface
    static let bobAddress = IPv6Address("2001:db8::b")!

    init(seed: UInt64, capture: CaptureSink? = nil,
         configureBob: (inout TCPIPStack.Configuration) -> Void = { _ in }) throws {
        sim = try capture.map { sink throws(CaptureError) in try Simulation(seed: seed, captureSink: sink) }
            ?? Simulation(seed: seed)
        wire = sim.addWire(WireImpairments(delay: .milliseconds(1)))
        alice = sim.addHost("alice")
        bob = sim.addHost("bob", configure: configureBob)
        aliceInterface = sim.attach(alice, to: wire)
        let b = sim.attach(bob, to: wire)
        alice.stack.addAddress(IPv6Address("2001:db8::a")!, prefixLength: 64, to: aliceInterface)
        bob.stack.addAddress(Self.bobAddress, prefixLength: 64, to: b)
        sim.run(for: .seconds(5))
    }
}

@Suite struct IPv6ScenarioTests {
    func scenario(size: Int = 56, count: Int, seed: UInt64, impairments: WireImpairments) -> PingScenario {
        var s = PingScenario()
        s.ipv6 = true
        s.count = count
        s.payloadLength = size
        s.seed = seed
        s.impairments = impairments
        return s
    }

    /// The demo over IPv6: DAD, router discovery and SLAAC, then every
    /// ping answered, and no buffer left behind.
    @Test func hostsAutoconfigureAndPingAcrossAClearWire() throws {
        let result = try scenario(count: 10, seed: 3, impairments: WireImpairments(delay: .milliseconds(10))).run()
        #expect(result.received == 10)
        guard case .v6(let responder) = result.responder, case .v6(let pinger) = result.pinger else {
            Issue.record("IPv6 scenario gave IPv4 addresses")
            return
        }
        #expect(IPv6Prefix("2001:db8:1::/64")!.contains(responder))
        #expect(IPv6Prefix("2001:db8:1::/64")!.contains(pinger))
        #expect(result.setup < .seconds(10))
        #expect(result.pingerStatistics.ndp.dadSucceeded == 2)
        #expect(result.pingerStatistics.ndp.autoconfiguredAddresses == 1)
        #expect(result.responderStatistics.icmpv6.echoRepliesOut == 10)
        #expect(result.buffersOutstanding == 0)
    }

    /// 60 KB pings are 42 fragments each way; shuffled and doubled by the
    /// wire, every one comes back whole (the ICMPv6 checksum over the
    /// reassembled packet proves the bytes).
    @Test(arguments: [1_500, 8_000, 60_000])
    func largePingsSurviveReorderingAndDuplication(size: Int) throws {
        var impairments = WireImpairments(delay: .milliseconds(5), jitter: .milliseconds(3))
        impairments.reordering = 0.2
        impairments.duplication = 0.1
        let result = try scenario(size: size, count: 20, seed: 21, impairments: impairments).run()
        #expect(result.received == 20)
        #expect(result.events.allSatisfy {
            if case .reply(_, let bytes, _, _) = $0 { return bytes == size + 8 }
            return false
        })
        #expect(result.responderStatistics.ipv6.reassembled == 20)
        #expect(result.pingerStatistics.ipv6.reassembled == 20)
        #expect(result.pingerStatistics.ipv6.fragmented == 20)
        #expect(result.wire.reordered > 0)
        #expect(result.wire.duplicated > 0)
        #expect(result.buffersOutstanding == 0)
    }

    /// Lost fragments leave datagrams incomplete: after 60 s they are
    /// dropped and the sender hears Time Exceeded, code 1.
    @Test func lostFragmentsTimeOutWithTimeExceeded() throws {
        var s = scenario(size: 8_000, count: 30, seed: 4, impairments: WireImpairments(loss: 0.05, delay: .milliseconds(5)))
        s.timeout = .seconds(70)
        let result = try s.run()
        #expect(result.received < 30)
        #expect(result.responderStatistics.ipv6.reassemblyTimeouts > 0)
        #expect(result.responderStatistics.icmpv6.timeExceededOut > 0)
        #expect(result.pingerStatistics.icmpv6.timeExceededIn > 0)
        #expect(result.buffersOutstanding == 0)
    }

    /// Routers do not fragment IPv6: a packet too big for the far link is
    /// answered with Packet Too Big, alice lowers her path MTU to bob, and
    /// her next packets go out in fragments that fit and get through.
    @Test func packetTooBigFromARouterLowersThePathMTU() throws {
        try packetTooBigScenario(capture: nil)
    }

    func packetTooBigScenario(capture: CaptureSink?) throws {
        let net = try RoutedIPv6Network(farMTU: 1_280, capture: capture)
        #expect(net.aliceAddress != nil)
        let bob = try #require(net.bobAddress)
        var replies: [EchoReply] = []
        net.alice.stack.echoReplyHandler = { replies.append($0) }
        #expect(net.alice.stack.sendEchoRequest(to: bob, identifier: 5, sequenceNumber: 1, payloadLength: 1_400) == .success)
        net.sim.run(for: .seconds(2))
        #expect(replies.isEmpty)
        #expect(net.router.stack.statistics.ipv6.forwardTooBig == 1)
        #expect(net.router.stack.statistics.icmpv6.packetTooBigOut == 1)
        #expect(net.alice.stack.statistics.icmpv6.packetTooBigIn == 1)
        #expect(net.alice.stack.ipv6PathMTUs.mtu(to: bob, now: net.alice.stack.now) == 1_280)
        #expect(net.alice.stack.sendEchoRequest(to: bob, identifier: 5, sequenceNumber: 2, payloadLength: 1_400) == .success)
        net.sim.run(for: .seconds(2))
        #expect(replies.map(\.sequenceNumber) == [2])
        // Bob's reply crossed the far link whole at 1,280 bytes at most, so he fragmented too.
        #expect(net.alice.stack.statistics.ipv6.fragmented == 1)
        #expect(net.bob.stack.statistics.ipv6.reassembled == 1)
        // Bob took the router's advertised hop limit, 64, and the router
        // took one off on the way back.
        #expect(replies.first?.timeToLive == 63)
        net.sim.run(for: .seconds(30))
        #expect(net.sim.buffersOutstanding == 0)
        try net.sim.finishCapture()
    }

    /// Two hosts told to use the same address: the second one's DAD probe
    /// meets the first one's defence, and the address is never used there.
    @Test func duplicateAddressDetectionFindsTheOwner() throws {
        try duplicateAddressScenario(capture: nil)
    }

    func duplicateAddressScenario(capture: CaptureSink?) throws {
        let sim = try capture.map { sink throws(CaptureError) in try Simulation(seed: 5, captureSink: sink) }
            ?? Simulation(seed: 5)
        let wire = sim.addWire(WireImpairments(delay: .milliseconds(1)))
        let alice = sim.addHost("alice")
        let bob = sim.addHost("bob")
        let a = sim.attach(alice, to: wire)
        let b = sim.attach(bob, to: wire)
        let shared = IPv6Address("2001:db8::5")!
        #expect(alice.stack.addAddress(shared, prefixLength: 64, to: a) == .success)
        sim.run(for: .seconds(5))
        #expect(a.ipv6Addresses.first { $0.address == shared }?.dadState == .preferred)
        #expect(bob.stack.addAddress(shared, prefixLength: 64, to: b) == .success)
        #expect(b.ipv6Addresses.first { $0.address == shared }?.dadState == .tentative)
        sim.run(for: .seconds(5))
        #expect(b.ipv6Addresses.first { $0.address == shared }?.dadState == .duplicate)
        #expect(!b.owns(shared))
        #expect(a.owns(shared))
        #expect(bob.stack.statistics.ndp.dadFailed == 1)
        #expect(alice.stack.statistics.ndp.addressesDefended == 1)
        // The loser cannot send from it: selection skips a duplicate.
        #expect(bob.stack.selectSourceAddress(for: IPv6Address("2001:db8::9")!, outgoing: b) != shared)
        #expect(sim.buffersOutstanding == 0)
        try sim.finishCapture()
    }

    /// Neighbor Unreachability Detection, state by state (RFC 4861 §7.3):
    /// a solicited advertisement makes bob REACHABLE; ReachableTime later he
    /// is STALE; a packet to him moves him to DELAY; five seconds without an
    /// upper-layer confirmation start PROBE, and his answer to the unicast
    /// probe makes him REACHABLE again.
    @Test func neighborUnreachabilityDetectionWalksEveryState() throws {
        try neighborUnreachabilityScenario(capture: nil)
    }

    func neighborUnreachabilityScenario(capture: CaptureSink?) throws {
        let link = try IPv6Link(seed: 6, capture: capture)
        let (sim, alice, a) = (link.sim, link.alice, link.aliceInterface)
        let bobAddress = IPv6Link.bobAddress
        #expect(alice.stack.sendEchoRequest(to: bobAddress, identifier: 1, sequenceNumber: 1) == .success)
        #expect(a.neighbor(bobAddress)?.state == .incomplete)
        sim.run(for: .milliseconds(50))
        #expect(a.neighbor(bobAddress)?.state == .reachable)
        // ReachableTime is drawn from [15 s, 45 s]: by 46 s it has lapsed.
        sim.run(for: .seconds(46))
        #expect(a.neighbor(bobAddress)?.state == .stale)
        #expect(alice.stack.sendEchoRequest(to: bobAddress, identifier: 1, sequenceNumber: 2) == .success)
        #expect(a.neighbor(bobAddress)?.state == .delay)
        sim.run(for: .milliseconds(4_990))
        #expect(a.neighbor(bobAddress)?.state == .delay)
        sim.run(for: .milliseconds(10))
        #expect(a.neighbor(bobAddress)?.state == .probe)
        let probes = a.neighborCacheStatistics.unicastSolicitations
        #expect(probes == 1)
        sim.run(for: .milliseconds(50))
        #expect(a.neighbor(bobAddress)?.state == .reachable)
        #expect(a.neighborCacheStatistics.toProbe == 1)
        #expect(a.neighborCacheStatistics.toDelay == 1)
        #expect(sim.buffersOutstanding == 0)
        try sim.finishCapture()
    }

    /// A neighbour that stops answering is probed three times and dropped,
    /// and the next packet to it starts address resolution from scratch.
    @Test func aSilentNeighborIsProbedAndForgotten() throws {
        let link = try IPv6Link(seed: 7)
        let (sim, wire, alice, a) = (link.sim, link.wire, link.alice, link.aliceInterface)
        let bobAddress = IPv6Link.bobAddress
        alice.stack.sendEchoRequest(to: bobAddress, identifier: 1, sequenceNumber: 1)
        sim.run(for: .seconds(46))
        #expect(a.neighbor(bobAddress)?.state == .stale)
        wire.ports[1].setConnected(false)
        alice.stack.sendEchoRequest(to: bobAddress, identifier: 1, sequenceNumber: 2)
        sim.run(for: .seconds(5) + .seconds(3) + .milliseconds(10))
        #expect(a.neighbor(bobAddress) == nil)
        #expect(a.neighborCacheStatistics.probeFailures == 1)
        #expect(a.neighborCacheStatistics.unicastSolicitations == 3)
        #expect(sim.buffersOutstanding == 0)
    }

    /// A flood of first fragments that never complete: the reassembler
    /// holds no more than its limits, whatever arrives.
    @Test func aFloodOfIncompleteFragmentsStaysWithinTheLimits() throws {
        try fragmentFloodScenario(capture: nil)
    }

    func fragmentFloodScenario(capture: CaptureSink?) throws {
        var limits = ReassemblyLimits()
        limits.maxDatagrams = 16
        limits.maxBytes = 64 * 1_024
        let link = try IPv6Link(seed: 8, capture: capture) { $0.reassembly = limits }
        let (sim, wire, alice, bob) = (link.sim, link.wire, link.alice, link.bob)
        let bobAddress = IPv6Link.bobAddress
        // Each 8 KB ping is six fragments; with the wire losing half of them
        // hardly any datagram completes. The loss starts after address
        // resolution, so Neighbor Discovery is spared.
        alice.stack.sendEchoRequest(to: bobAddress, identifier: 2, sequenceNumber: 0)
        sim.run(for: .milliseconds(50))
        wire.impairments.loss = 0.5
        var maxBytes = 0
        var maxDatagrams = 0
        for i in 0..<200 {
            alice.stack.sendEchoRequest(to: bobAddress, identifier: 2, sequenceNumber: UInt16(i), payloadLength: 8_000)
            sim.run(for: .milliseconds(5))
            maxBytes = max(maxBytes, bob.stack.reassembler.bytesHeld)
            maxDatagrams = max(maxDatagrams, bob.stack.reassembler.datagramsInProgress)
        }
        #expect(maxDatagrams == 16)
        #expect(maxBytes <= 64 * 1_024)
        #expect(bob.stack.statistics.ipv6.fragmentsDropped > 0)
        wire.impairments.loss = 0
        sim.run(for: .seconds(70))
        #expect(bob.stack.reassembler.datagramsInProgress == 0)
        #expect(sim.buffersOutstanding == 0)
        try sim.finishCapture()
    }

    /// The captures of the router, DAD, NUD and fragment-flood scenarios
    /// dissect cleanly too, each showing the messages it is about.
    @Test(.enabled(if: Wireshark.tshark != nil || Wireshark.isCI, "tshark is not installed"))
    func everyIPv6ScenarioReadsCleanlyInTshark() throws {
        let tshark = try #require(Wireshark.tshark, "CI must install tshark")
        let directory = try ScratchDirectory(prefix: "netkernel-ipv6-scenarios")
        let scenarios: [(String, (CaptureSink?) throws -> Void, [String])] = [
            ("pmtu", packetTooBigScenario, ["Packet Too Big", "Router Advertisement", "Fragment Header"]),
            ("dad", duplicateAddressScenario, ["Neighbor Solicitation", "Neighbor Advertisement"]),
            ("nud", neighborUnreachabilityScenario, ["Neighbor Solicitation", "Echo (ping) reply"]),
            ("flood", fragmentFloodScenario, ["Fragment Header", "Time Exceeded"]),
        ]
        for (name, run, expected) in scenarios {
            let path = directory.path("\(name).pcapng")
            try run(try FileCaptureSink(path: path))
            let output = try Wireshark.run(tshark, ["-r", path, "-V"], in: directory)
            #expect(output.status == 0, "\(name)")
            for text in expected { #expect(output.stdout.contains(text), "\(name): no \(text)") }
            for warning in ["Malformed", "Bad checksum", "[Expert Info (Error"] {
                #expect(!output.stdout.contains(warning), "\(name): tshark reported \(warning)")
            }
        }
    }

    /// Every frame of an IPv6 run — NDP, DAD, RS/RA, fragmented echoes —
    /// dissects cleanly, and the reassembled packet has the right length.
    @Test(.enabled(if: Wireshark.tshark != nil || Wireshark.isCI, "tshark is not installed"))
    func ipv6CaptureReadsCleanlyInTshark() throws {
        let tshark = try #require(Wireshark.tshark, "CI must install tshark")
        let directory = try ScratchDirectory(prefix: "netkernel-ipv6")
        let path = directory.path("ipv6.pcapng")
        var impairments = WireImpairments(delay: .milliseconds(5))
        impairments.reordering = 0.2
        let result = try scenario(size: 20_000, count: 5, seed: 8, impairments: impairments)
            .run(captureSink: try FileCaptureSink(path: path))
        #expect(result.received == 5)
        let output = try Wireshark.run(tshark, ["-r", path, "-V"], in: directory)
        #expect(output.status == 0)
        for expected in ["Neighbor Solicitation", "Neighbor Advertisement", "Router Solicitation",
                         "Router Advertisement", "Echo (ping) request", "Echo (ping) reply",
                         "[Reassembled IPv6 length: 20008]", "[Checksum Status: Good]"] {
            #expect(output.stdout.contains(expected), "tshark did not show \(expected)")
        }
        for warning in ["Malformed", "Bad checksum", "[Expert Info (Error", "incorrect"] {
            #expect(!output.stdout.contains(warning), "tshark reported \(warning)")
        }
    }
}
