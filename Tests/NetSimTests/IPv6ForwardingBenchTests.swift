import NetCore
import NetSim
import TCPIP
import Testing

/// The IPv6 forwarding bench measures what it claims to: every injected
/// packet crosses the router once, one hop lower, with nothing queued,
/// nothing sent back and no buffer left behind. Correctness only; the
/// timings belong to `netkernel bench`.
@Suite struct IPv6ForwardingBenchTests {
    @Test(arguments: [1, 32, 100])
    func everyPacketIsForwardedOnceWithTheHopLimitDecremented(packets: Int) throws {
        let bench = IPv6ForwardingBench(batch: 32)
        let router = try #require(bench.simulation.hosts.first { $0.name == "router" })
        let bob = try #require(bench.simulation.hosts.first { $0.name == "bob" })
        var hopLimits: [UInt8: Int] = [:]
        bob.stack.echoReplyHandler = { hopLimits[$0.timeToLive, default: 0] += 1 }
        let routerBefore = router.stack.statistics
        let bobBefore = bob.stack.statistics

        #expect(bench.run(packets: packets) == packets)

        #expect(hopLimits == [IPv6ForwardingBench.hopLimit - 1: packets])
        let routerAfter = router.stack.statistics
        #expect(routerAfter.ipv6.received - routerBefore.ipv6.received == UInt64(packets))
        #expect(routerAfter.ipv6.forwarded - routerBefore.ipv6.forwarded == UInt64(packets))
        #expect(routerAfter.ipv6.delivered == routerBefore.ipv6.delivered)
        // bob was resolved by the warm-up: no solicitation, so nothing waited in the Neighbor Cache.
        #expect(routerAfter.ndp.neighborSolicitationsOut == routerBefore.ndp.neighborSolicitationsOut)
        // bob only listens: no reply, no error, nothing back through the router.
        #expect(bob.stack.statistics.ipv6.sendRequests == bobBefore.ipv6.sendRequests)
        #expect(bob.stack.statistics.icmpv6.badChecksum == 0)
        #expect(bench.buffersOutstanding == 0)
    }
}
