import NDIS
import NetCore
import NetSim
import TCPIP
import Testing

/// alice (192.0.2.1) — wire 1 — router (192.0.2.254 | 198.51.100.254) — wire 2 — bob (198.51.100.2)
private struct RoutedNetwork {
    let sim = Simulation(seed: 11)
    let alice: SimHost
    let router: SimHost
    let bob: SimHost
    let near: VirtualWire
    let far: VirtualWire
    var replies: [EchoReply] = []
    static let aliceAddress = IPv4Address(192, 0, 2, 1)
    static let routerNear = IPv4Address(192, 0, 2, 254)
    static let routerFar = IPv4Address(198, 51, 100, 254)
    static let bobAddress = IPv4Address(198, 51, 100, 2)

    init(farMTU: Int = 1500, forwarding: Bool = true) {
        near = sim.addWire(WireImpairments(delay: .milliseconds(1)))
        far = sim.addWire(WireImpairments(delay: .milliseconds(1), mtu: farMTU))
        alice = sim.addHost("alice")
        router = sim.addHost("router") { $0.forwarding = forwarding }
        bob = sim.addHost("bob")
        let a = sim.attach(alice, to: near, address: Self.aliceAddress, prefixLength: 24)
        sim.attach(router, to: near, address: Self.routerNear, prefixLength: 24)
        sim.attach(router, to: far, address: Self.routerFar, prefixLength: 24)
        let b = sim.attach(bob, to: far, address: Self.bobAddress, prefixLength: 24)
        alice.stack.addRoute(IPv4Prefix(address: .any, length: 0)!, nextHop: Self.routerNear, interface: a)
        bob.stack.addRoute(IPv4Prefix(address: .any, length: 0)!, nextHop: Self.routerFar, interface: b)
    }

    func ping(_ sequence: UInt16, size: Int = 56, ttl: UInt8? = nil, dontFragment: Bool = false) -> NTStatus {
        alice.stack.sendEchoRequest(to: Self.bobAddress, identifier: 9, sequenceNumber: sequence, payloadLength: size,
                                    timeToLive: ttl, dontFragment: dontFragment)
    }
}

@Suite struct RouterScenarioTests {
    @Test func theRouterForwardsAndDecrementsTheTTL() {
        let net = RoutedNetwork()
        var replies: [EchoReply] = []
        net.alice.stack.echoReplyHandler = { replies.append($0) }
        #expect(net.ping(1) == .success)
        net.sim.run(for: .seconds(1))
        #expect(replies.count == 1)
        // bob answered with 128; the router took one off on the way back.
        #expect(replies.first?.timeToLive == 127)
        #expect(net.router.stack.statistics.ipv4.forwarded == 2)
        #expect(net.router.stack.statistics.ipv4.delivered == 0)
        net.sim.run(for: .seconds(10))
        #expect(net.sim.buffersOutstanding == 0)
    }

    @Test func forwardingIsOffByDefault() {
        let net = RoutedNetwork(forwarding: false)
        var replies = 0
        net.alice.stack.echoReplyHandler = { _ in replies += 1 }
        #expect(net.ping(1) == .success)
        net.sim.run(for: .seconds(1))
        #expect(replies == 0)
        #expect(net.router.stack.statistics.ipv4.notForUs == 1)
        #expect(net.router.stack.statistics.ipv4.forwarded == 0)
    }

    @Test func aTTLOfOneEndsAtTheRouterWithTimeExceeded() {
        let net = RoutedNetwork()
        #expect(net.ping(1, ttl: 1) == .success)
        net.sim.run(for: .seconds(1))
        #expect(net.router.stack.statistics.ipv4.timeToLiveExceeded == 1)
        #expect(net.router.stack.statistics.icmpv4.timeExceededOut == 1)
        #expect(net.alice.stack.statistics.icmpv4.timeExceededIn == 1)
        #expect(net.bob.stack.statistics.icmpv4.echoRequestsIn == 0)
    }

    @Test func noRouteAtTheRouterIsNetworkUnreachable() {
        let net = RoutedNetwork()
        #expect(net.alice.stack.sendEchoRequest(to: IPv4Address(203, 0, 113, 9), identifier: 1, sequenceNumber: 1)
                == .success)
        net.sim.run(for: .seconds(1))
        #expect(net.router.stack.statistics.ipv4.forwardNoRoute == 1)
        #expect(net.alice.stack.statistics.icmpv4.destinationUnreachableIn == 1)
    }

    @Test func dontFragmentOverASmallerLinkTeachesThePathMTU() {
        let net = RoutedNetwork(farMTU: 1000)
        var replies: [EchoReply] = []
        net.alice.stack.echoReplyHandler = { replies.append($0) }
        #expect(net.ping(1, size: 1400, dontFragment: true) == .success)
        net.sim.run(for: .seconds(1))
        #expect(net.router.stack.statistics.ipv4.cannotFragment == 1)
        #expect(net.alice.stack.statistics.icmpv4.pathMTUUpdates == 1)
        #expect(net.alice.stack.pathMTUs.mtu(to: RoutedNetwork.bobAddress, now: net.sim.clock.now) == 1000)
        // Now alice fragments to the path MTU herself, and keeps within it with DF set.
        #expect(net.ping(2, size: 1400, dontFragment: true) == .invalidBufferSize)
        #expect(net.ping(3, size: 1400) == .success)
        net.sim.run(for: .seconds(1))
        #expect(net.alice.stack.statistics.ipv4.fragmentsCreated == 2)
        #expect(net.router.stack.statistics.ipv4.fragmented == 0)
        // bob puts the request together, and his reply, fragmented to his own
        // link's MTU, is put together by alice.
        #expect(net.bob.stack.statistics.ipv4.reassembled == 1)
        #expect(net.alice.stack.statistics.ipv4.reassembled == 1)
        #expect(replies.map(\.sequenceNumber) == [3])
        // The learnt MTU ages out.
        net.sim.run(for: .seconds(601))
        #expect(net.alice.stack.pathMTUs.mtu(to: RoutedNetwork.bobAddress, now: net.sim.clock.now) == nil)
    }

    @Test func theRouterFragmentsWhenDontFragmentIsClear() {
        let net = RoutedNetwork(farMTU: 576)
        #expect(net.ping(1, size: 1400) == .success)
        net.sim.run(for: .seconds(1))
        // 1428 bytes of IP datagram over a 576-byte link: 552-byte slices, three fragments.
        #expect(net.router.stack.statistics.ipv4.fragmented == 1)
        #expect(net.router.stack.statistics.ipv4.fragmentsCreated == 3)
        #expect(net.bob.stack.statistics.ipv4.received == 3)
    }

    @Test func errorsAreRateLimitedByATokenBucket() {
        let net = RoutedNetwork()
        let burst = net.router.stack.configuration.icmpErrorBurst
        // Resolve the router first, so the flood is not cut by alice's own ARP queue.
        _ = net.ping(1000)
        net.sim.run(for: .seconds(1))
        for i in 0..<(burst + 30) {
            _ = net.ping(UInt16(i), ttl: 1)
        }
        net.sim.run(for: .milliseconds(100))
        #expect(net.router.stack.statistics.icmpv4.timeExceededOut == UInt64(burst))
        #expect(net.router.stack.statistics.icmpv4.errorsRateLimited == 30)
        // A second later the bucket has refilled.
        net.sim.run(for: .seconds(1))
        _ = net.ping(999, ttl: 1)
        net.sim.run(for: .milliseconds(100))
        #expect(net.router.stack.statistics.icmpv4.timeExceededOut == UInt64(burst) + 1)
    }
}
