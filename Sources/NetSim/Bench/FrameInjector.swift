import NDIS
import NetCore

/// A raw station on a wire that sends copies of one prebuilt frame in
/// chains, below any stack — how the forwarding benches feed a router
/// without a sending stack's cost in the measurement.
final class FrameInjector {
    let ndis = Ndis()
    let sink: FrameSinkProtocol
    let pool: NetBufferPool
    /// The injector's MAC, the source of every frame it sends.
    let macAddress = MACAddress(0x02, 0, 0, 0, 0x99, 1)
    /// Frames per chain.
    let batch: Int
    /// The frame sent, Ethernet header included; set once the caller knows
    /// the router's MAC.
    var template: [UInt8] = []

    /// An injector plugged into `wire`.
    init(on wire: VirtualWire, batch: Int) {
        self.batch = batch
        sink = FrameSinkProtocol.register(in: ndis)
        _ = ndis.loadDriver(name: "vwire", entry: VirtualWireMiniport.driverEntry)
        _ = ndis.startAdapter(driver: ndis.miniportDrivers[0], name: "injector",
                              allocatedResources: wire.makePort(mac: macAddress),
                              configuration: ["ReceiveBuffers": "256"])
        pool = NetBufferPool(name: "injector-tx", capacity: batch * 2, slotSize: 2048, headroom: 64)
    }

    /// Sends `count` copies of the template in chains of `batch`, running
    /// `simulation` until each chain has been handled.
    func inject(_ count: Int, through simulation: Simulation) {
        var left = count
        while left > 0 {
            let n = min(batch, left)
            var chain = NetBufferListChain()
            for _ in 0..<n {
                guard let list = pool.allocate(length: template.count) else { break }
                template.withUnsafeBytes { list.firstNetBuffer.data.copyBytes($0, at: 0) }
                chain.append(list)
            }
            guard let head = chain.take() else { return }
            sink.binding?.sendNetBufferLists(head)
            simulation.run(until: simulation.clock.now)
            left -= n
        }
    }
}
