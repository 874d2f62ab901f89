import NetCore

/// A loopback miniport: every frame sent is received back on the same
/// adapter, the way the Windows loopback interface hands a host's traffic
/// to itself. Frames are copied into the adapter's receive pool and
/// indicated from a deferred procedure call, so the sender is never
/// re-entered; with the pool empty a frame is dropped and counted as
/// OID_GEN_RCV_NO_BUFFER, as a NIC out of receive descriptors does.
public final class LoopbackMiniport: MiniportAdapterContext {
    /// The NDIS adapter this context serves.
    public unowned let adapter: MiniportAdapter
    /// Counters, filter and OID answers.
    public private(set) var core: EthernetMiniportCore
    /// The receive pool the looped frames are copied into.
    public let receivePool: NetBufferPool
    var running = false
    var looped = NetBufferListChain()
    var deferredQueued = false
    var pausePending = false

    init(adapter: MiniportAdapter, mac: MACAddress, mtu: Int, poolSize: Int) {
        self.adapter = adapter
        core = EthernetMiniportCore(macAddress: mac, mtu: mtu)
        receivePool = NetBufferPool(name: "loopback-rx", capacity: poolSize, slotSize: mtu + 14 + 128, headroom: 128)
    }

    /// DriverEntry for the loopback miniport driver.
    public static func driverEntry(_ driverObject: DriverObject, _ registryPath: String) -> NTStatus {
        let chars = MiniportDriverCharacteristics.current { adapter, _, parameters in
            let mtu = Int(parameters.configuration["MTU"] ?? "") ?? 65_000
            let context = LoopbackMiniport(adapter: adapter, mac: MACAddress(0x02, 0, 0, 0, 0, 0x01), mtu: mtu,
                                           poolSize: Int(parameters.configuration["ReceiveBuffers"] ?? "") ?? 256)
            var status = adapter.setAttributes(.registration(.init(miniportAdapterContext: context)))
            guard status == .success else { return status }
            status = adapter.setAttributes(.general(context.core.generalAttributes(linkSpeed: 100_000_000_000)))
            return status
        }
        var handle: MiniportDriver?
        return Ndis.registerMiniportDriver(driverObject, registryPath, nil, chars, &handle).ntStatus
    }

    public func halt(_ action: HaltAction) {
        running = false
    }

    public func pause() -> NDISStatus {
        running = false
        // Frames still queued were never indicated: they go back to the pool.
        if let chain = looped.take() { receivePool.freeChain(chain) }
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
    }

    public func oidRequest(_ request: OidRequest) -> NDISStatus {
        core.oidRequest(request, vendor: "NetKernel Loopback")
    }

    public func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            var buffer: NetBuffer? = list.firstNetBuffer
            while let nb = buffer {
                buffer = nb.next
                loop(UnsafeRawBufferPointer(nb.data))
            }
            list.status = running ? .success : .paused
        }
        adapter.sendNetBufferListsComplete(lists)
        if !deferredQueued && looped.count > 0 {
            deferredQueued = true
            adapter.ndis.queueDeferredProcedureCall { [weak self] in self?.indicateLooped() }
        }
    }

    func loop(_ frame: UnsafeRawBufferPointer) {
        guard running else { return }
        core.countOut(frame)
        guard let copy = receivePool.allocate(length: frame.count) else {
            core.receiveNoBuffer &+= 1
            return
        }
        copy.firstNetBuffer.data.copyBytes(frame, at: 0)
        looped.append(copy)
    }

    func indicateLooped() {
        deferredQueued = false
        let count = looped.count
        guard running, let chain = looped.take() else { return }
        var current: NetBufferList? = chain
        while let list = current {
            core.countIn(UnsafeRawBufferPointer(list.firstNetBuffer.data))
            current = list.next
        }
        adapter.indicateReceiveNetBufferLists(chain, count: count)
    }

    public func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        receivePool.freeChain(lists)
        if pausePending && adapter.outstandingReceiveIndications == 0 {
            pausePending = false
            adapter.pauseComplete()
        }
    }
}
