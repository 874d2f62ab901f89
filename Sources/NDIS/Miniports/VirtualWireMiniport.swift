import NetCore

/// The miniport for an adapter on a `VirtualWire`. Sends go onto the wire
/// and complete at once (the frame has left, as after a NIC's DMA);
/// arrivals the wire delivers are indicated up in batches and come back to
/// the adapter's own receive pool.
public final class VirtualWireMiniport: MiniportAdapterContext {
    /// The NDIS adapter this context serves.
    public unowned let adapter: MiniportAdapter
    /// The wire port the adapter is plugged into.
    public let port: VirtualWirePort
    /// Counters, filter and OID answers.
    public private(set) var core: EthernetMiniportCore
    /// The pool frames arriving from the wire are copied into.
    public let receivePool: NetBufferPool
    var running = false
    var pausePending = false

    init(adapter: MiniportAdapter, port: VirtualWirePort, poolSize: Int) {
        self.adapter = adapter
        self.port = port
        core = EthernetMiniportCore(macAddress: port.mac, mtu: port.wire.impairments.mtu)
        receivePool = NetBufferPool(name: "\(adapter.name)-rx", capacity: poolSize,
                                    slotSize: port.wire.impairments.mtu + 14 + 128, headroom: 128)
    }

    /// DriverEntry for the virtual-wire miniport driver. Adapters are started
    /// with a `VirtualWirePort` as their AllocatedResources.
    public static func driverEntry(_ driverObject: DriverObject, _ registryPath: String) -> NTStatus {
        let chars = MiniportDriverCharacteristics.current { adapter, _, parameters in
            guard let port = parameters.allocatedResources as? VirtualWirePort else { return .resources }
            let poolSize = Int(parameters.configuration["ReceiveBuffers"] ?? "") ?? 4096
            let context = VirtualWireMiniport(adapter: adapter, port: port, poolSize: poolSize)
            var status = adapter.setAttributes(.registration(.init(miniportAdapterContext: context)))
            guard status == .success else { return status }
            let speed = port.wire.impairments.bandwidth ?? 10_000_000_000
            status = adapter.setAttributes(.general(context.core.generalAttributes(linkSpeed: speed,
                                                                                  connected: port.connected)))
            guard status == .success else { return status }
            port.miniport = context
            return .success
        }
        var handle: MiniportDriver?
        return Ndis.registerMiniportDriver(driverObject, registryPath, nil, chars, &handle).ntStatus
    }

    /// Whether the receive filter keeps a frame for `destination`.
    func accepts(destination: MACAddress) -> Bool {
        running && core.accepts(destination: destination)
    }

    /// The port's cable changed: report it up the stack, as a NIC's link interrupt does.
    func linkChanged(connected: Bool) {
        let speed = port.wire.impairments.bandwidth ?? 10_000_000_000
        adapter.indicateStatus(.linkState(LinkState(mediaConnectState: connected ? .connected : .disconnected,
                                                    xmitLinkSpeed: connected ? speed : 0,
                                                    rcvLinkSpeed: connected ? speed : 0)))
    }

    func countNoBuffer() {
        core.receiveNoBuffer &+= 1
        core.statistics.ifInDiscards &+= 1
    }

    /// Frames the wire delivered; returns how many were indicated.
    func receiveFromWire(_ chain: NetBufferList, count: Int) -> Int {
        guard running else {
            core.statistics.ifInDiscards &+= UInt64(count)
            receivePool.freeChain(chain)
            return 0
        }
        var current: NetBufferList? = chain
        while let list = current {
            core.countIn(UnsafeRawBufferPointer(list.firstNetBuffer.data))
            current = list.next
        }
        adapter.indicateReceiveNetBufferLists(chain, count: count)
        return count
    }

    public func halt(_ action: HaltAction) {
        running = false
        port.wire.discardInFlight(to: port)
        port.miniport = nil
    }

    public func pause() -> NDISStatus {
        running = false
        if adapter.outstandingReceiveIndications > 0 {
            pausePending = true
            return .pending
        }
        return .success
    }

    public func restart() -> NDISStatus {
        running = true
        return .success
    }

    public func shutdown(_ action: ShutdownAction) {
        running = false
        port.wire.discardInFlight(to: port)
        port.miniport = nil
    }

    public func oidRequest(_ request: OidRequest) -> NDISStatus {
        core.oidRequest(request, vendor: "NetKernel VirtualWire")
    }

    public func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            guard running else {
                list.status = .paused
                continue
            }
            guard port.connected else {
                core.statistics.ifOutDiscards &+= 1
                list.status = .mediaDisconnected
                continue
            }
            var buffer: NetBuffer? = list.firstNetBuffer
            while let nb = buffer {
                buffer = nb.next
                let frame = UnsafeRawBufferPointer(nb.data)
                core.countOut(frame)
                port.wire.transmit(from: port, frame: frame)
            }
            list.status = .success
        }
        adapter.sendNetBufferListsComplete(lists)
    }

    public func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        receivePool.freeChain(lists)
        if pausePending && adapter.outstandingReceiveIndications == 0 {
            pausePending = false
            adapter.pauseComplete()
        }
    }
}
