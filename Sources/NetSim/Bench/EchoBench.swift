import NDIS
import NetCore
import TCPIP

/// ICMP echo round trips between two simulated hosts on a zero-delay wire:
/// each reply sends the next request, so one run is the whole path — ICMP,
/// IPv4, ARP lookup, NDIS, the wire — there and back, `count` times.
public final class EchoBench {
    public let simulation: Simulation
    let alice: SimHost
    let target = IPv4Address(192, 0, 2, 2)
    var remaining = 0
    var sequence: UInt16 = 0
    public private(set) var replies = 0

    public init() {
        simulation = Simulation(seed: 1)
        let wire = simulation.addWire(WireImpairments())
        alice = simulation.addHost("alice")
        let bob = simulation.addHost("bob")
        simulation.attach(alice, to: wire, address: IPv4Address(192, 0, 2, 1), prefixLength: 24)
        simulation.attach(bob, to: wire, address: target, prefixLength: 24)
        alice.stack.echoReplyHandler = { [unowned self] _ in
            self.replies += 1
            if self.remaining > 0 { self.next() }
        }
        _ = run(roundTrips: 1)
    }

    func next() {
        remaining -= 1
        sequence &+= 1
        alice.stack.sendEchoRequest(to: target, identifier: 7, sequenceNumber: sequence, payloadLength: 56)
    }

    /// Runs `roundTrips` echo exchanges back to back; returns the replies received.
    public func run(roundTrips: Int) -> Int {
        let before = replies
        remaining = roundTrips
        next()
        simulation.run(until: simulation.clock.now)
        return replies - before
    }
}
