import NDIS
import NetCore
import TCPIP

/// IPv4 forwarding through a simulated router host: a raw injector on one
/// wire sends batches of datagrams for bob, on the router's other wire; the
/// router's stack validates, routes, decrements the TTL and resends each.
/// What is measured is the router: parse, route, copy once, resolve, send.
public final class ForwardingBench {
    public let simulation = Simulation(seed: 3)
    let injector: FrameInjector
    let bob: SimHost

    /// A bench injecting `payloadLength`-byte datagrams in chains of `batch`.
    public init(payloadLength: Int = 64, batch: Int = 32) {
        let near = simulation.addWire(WireImpairments())
        let far = simulation.addWire(WireImpairments())
        let router = simulation.addHost("router") {
            $0.forwarding = true
            $0.sendBuffers = 8192
        }
        bob = simulation.addHost("bob")
        simulation.attach(router, to: near, address: IPv4Address(192, 0, 2, 254), prefixLength: 24)
        simulation.attach(router, to: far, address: IPv4Address(198, 51, 100, 254), prefixLength: 24)
        simulation.attach(bob, to: far, address: IPv4Address(198, 51, 100, 2), prefixLength: 24)
        injector = FrameInjector(on: near, batch: batch)
        let routerMAC = router.adapters[0].generalAttributes!.currentMacAddress
        // Ethernet to the router, IPv4 192.0.2.1 → bob, TTL 64, protocol 253 (nobody's): bob only counts it.
        let total = 20 + payloadLength
        var ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0, 0, 64, 253, 0, 0,
                           192, 0, 2, 1, 198, 51, 100, 2]
        let sum = ip.withUnsafeBytes { InternetChecksum.checksum($0) }
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xFF)
        injector.template = routerMAC.bytes + injector.macAddress.bytes + [0x08, 0x00] + ip
            + [UInt8](repeating: 0x5A, count: payloadLength)
        // Let the router learn bob's MAC before anything is measured.
        run(datagrams: batch)
    }

    /// Injects `datagrams` and runs the network until they are through; returns how many bob received.
    @discardableResult
    public func run(datagrams: Int) -> Int {
        let before = bob.stack.statistics.ipv4.received
        injector.inject(datagrams, through: simulation)
        return Int(bob.stack.statistics.ipv4.received - before)
    }
}
