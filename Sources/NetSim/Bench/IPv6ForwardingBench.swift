import NDIS
import NetCore
import TCPIP

/// IPv6 forwarding through a simulated router host, the counterpart of
/// `ForwardingBench`: a raw injector on one wire sends batches of packets
/// for bob, on the router's other wire; the router's stack validates,
/// routes, decrements the hop limit and resends each. What is measured is
/// the router: parse, route, copy once, Neighbor Cache lookup, send.
///
/// The packets are ICMPv6 Echo Replies, because bob accepts them silently:
/// a reply asks for nothing back, so no traffic flows back through the
/// router to disturb the measurement, and bob's count of replies with a
/// good checksum proves each packet arrived intact. UDP, or any next header
/// this stack has no handler for, would cost bob a Parameter Problem
/// attempt for every packet.
public final class IPv6ForwardingBench {
    public let simulation = Simulation(seed: 3)
    let injector: FrameInjector
    let bob: SimHost
    /// The hop limit the injected packets carry; the router must deliver them to bob one lower.
    public static let hopLimit: UInt8 = 64

    /// A bench injecting packets with a `payloadLength`-byte ICMPv6 message in chains of `batch`.
    public init(payloadLength: Int = 64, batch: Int = 32) {
        precondition(payloadLength >= ICMPv6Message.headerLength, "the payload holds an ICMPv6 header")
        // Addresses usable as soon as they are added, and no solicitations
        // of routers: nothing but the measured packets and the one
        // resolution of bob's address crosses the wires.
        let quiet: (inout TCPIPStack.Configuration) -> Void = {
            $0.ipv6.dupAddrDetectTransmits = 0
            $0.ipv6.maxRouterSolicitations = 0
        }
        let near = simulation.addWire(WireImpairments())
        let far = simulation.addWire(WireImpairments())
        let router = simulation.addHost("router") {
            quiet(&$0)
            $0.forwarding = true
            $0.sendBuffers = 8192
        }
        bob = simulation.addHost("bob", configure: quiet)
        let bobAddress = IPv6Address("2001:db8:2::2")!
        let routerNear = simulation.attach(router, to: near)
        let routerFar = simulation.attach(router, to: far)
        let bobInterface = simulation.attach(bob, to: far)
        router.stack.addAddress(IPv6Address("2001:db8:1::1")!, prefixLength: 64, to: routerNear)
        router.stack.addAddress(IPv6Address("2001:db8:2::1")!, prefixLength: 64, to: routerFar)
        bob.stack.addAddress(bobAddress, prefixLength: 64, to: bobInterface)
        injector = FrameInjector(on: near, batch: batch)
        let routerMAC = router.adapters[0].generalAttributes!.currentMacAddress
        // Ethernet to the router, IPv6 2001:db8:1::2 → bob, an Echo Reply with a valid checksum.
        var ip = [UInt8](repeating: 0x5A, count: IPv6Header.length + payloadLength)
        ip.withUnsafeMutableBytes { bytes in
            IPv6Header.emit(into: bytes, source: IPv6Address("2001:db8:1::2")!, destination: bobAddress,
                            nextHeader: .icmpv6, payloadLength: payloadLength, hopLimit: Self.hopLimit)
            ICMPv6Message.emitEcho(into: bytes.slice(IPv6Header.length, payloadLength), type: .echoReply,
                                   identifier: 7, sequenceNumber: 1, source: IPv6Address("2001:db8:1::2")!,
                                   destination: bobAddress)
        }
        injector.template = routerMAC.bytes + injector.macAddress.bytes + [0x86, 0xDD] + ip
        // One packet first: it waits while the router resolves bob by
        // Neighbor Discovery, which leaves the entry REACHABLE, so every
        // measured packet goes straight out. Virtual time never advances
        // while measuring, so the entry never goes STALE.
        let warmUp = run(packets: 1)
        precondition(warmUp == 1, "the router resolves bob and forwards the first packet")
    }

    /// Injects `packets` and runs the network until they are through;
    /// returns how many reached bob intact (checksum verified).
    @discardableResult
    public func run(packets: Int) -> Int {
        let before = bob.stack.statistics.icmpv6.echoRepliesIn
        injector.inject(packets, through: simulation)
        return Int(bob.stack.statistics.icmpv6.echoRepliesIn - before)
    }

    /// Buffers not back in their pools: the injector's and every simulated
    /// host's (zero between runs, or something leaked or is stuck in a queue).
    public var buffersOutstanding: Int {
        injector.pool.outstanding + simulation.buffersOutstanding
    }
}
