import NDIS
import NetCore
import Testing

/// A protocol that records what reaches it, for the PnP, reset and link tests.
private final class PnPRecordingProtocol: ProtocolBindingContext {
    var binding: ProtocolBinding?
    var statuses: [NDISStatus] = []
    var linkStates: [MediaConnectState] = []
    var completions: [NDISStatus] = []
    var received = 0

    static func register(in ndis: Ndis) -> PnPRecordingProtocol {
        let recorder = PnPRecordingProtocol()
        var chars = ProtocolDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .protocolDriverCharacteristics, revision: 2,
                                        size: ProtocolDriverCharacteristics.size)
        chars.majorNdisVersion = 6
        chars.minorNdisVersion = 86
        chars.bindAdapterHandlerEx = { driver, bindContext, parameters in
            var binding: ProtocolBinding?
            let status = ndis.openAdapter(driver, recorder, OpenParameters(adapterName: parameters.adapterName),
                                          bindContext, &binding)
            recorder.binding = binding
            return status
        }
        chars.unbindAdapterHandlerEx = { $0.closeAdapter() }
        var handle: ProtocolDriver?
        #expect(ndis.registerProtocolDriver(nil, chars, &handle) == .success)
        return recorder
    }

    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        received += count
        if !flags.contains(.resources) { binding?.returnNetBufferLists(lists) }
    }

    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            completions.append(list.status)
            current = list.next
        }
        lists.owningPool.freeChain(lists)
    }

    func status(_ indication: StatusIndication) {
        statuses.append(indication.statusCode)
        if let link = indication.linkState { linkStates.append(link.mediaConnectState) }
    }
}

/// A miniport that can be told to hang, and records the PnP calls it gets.
private final class PnPHangingMiniport: MiniportAdapterContext {
    var hung = false
    var resets = 0
    var pnpEvents: [DevicePnPEvent] = []
    var haltAction: HaltAction?
    var filterSets: [UInt32] = []
    var addressingReset = true

    func halt(_ action: HaltAction) { haltAction = action }
    func pause() -> NDISStatus { .success }
    func restart() -> NDISStatus { .success }
    func oidRequest(_ request: OidRequest) -> NDISStatus {
        if request.oid == .genCurrentPacketFilter, let value = request.inputUInt32() { filterSets.append(value) }
        return request.requestType == .setInformation ? .success : .invalidOID
    }
    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {}
    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {}
    func shutdown(_ action: ShutdownAction) {}
    func checkForHang() -> Bool { hung }
    func reset() -> (status: NDISStatus, addressingReset: Bool) {
        resets += 1
        hung = false
        return (.success, addressingReset)
    }
    func devicePnPEventNotify(_ event: DevicePnPEvent) { pnpEvents.append(event) }
}

@Suite struct PnPAndLinkStateTests {
    private func hangingStack() -> (Ndis, MiniportAdapter, PnPHangingMiniport, PnPRecordingProtocol) {
        let ndis = Ndis()
        let miniport = PnPHangingMiniport()
        _ = ndis.loadDriver(name: "hang") { driverObject, registryPath in
            var chars = MiniportDriverCharacteristics()
            chars.header = NdisObjectHeader(type: .miniportDriverCharacteristics, revision: 1,
                                            size: MiniportDriverCharacteristics.size)
            chars.majorNdisVersion = 6
            chars.minorNdisVersion = 30
            chars.initializeHandlerEx = { adapter, _, _ in
                _ = adapter.setAttributes(.registration(.init(miniportAdapterContext: miniport)))
                var general = MiniportAdapterGeneralAttributes()
                general.currentMacAddress = MACAddress(0x02, 0, 0, 0, 0, 9)
                return adapter.setAttributes(.general(general))
            }
            chars.unloadHandler = { _ in }
            var handle: MiniportDriver?
            return Ndis.registerMiniportDriver(driverObject, registryPath, nil, chars, &handle).ntStatus
        }
        let recorder = PnPRecordingProtocol.register(in: ndis)
        let (_, adapter) = ndis.startAdapter(driver: ndis.miniportDrivers[0], name: "hang0")
        return (ndis, adapter!, miniport, recorder)
    }

    @Test func aHungMiniportIsResetAndItsAddressingReplayed() {
        let (ndis, adapter, miniport, recorder) = hangingStack()
        let filter = OidRequest(set: .genCurrentPacketFilter,
                                input: OidRequest.littleEndianBytes(PacketFilter([.directed, .broadcast]).rawValue))
        #expect(recorder.binding!.oidRequest(filter) == .success)
        #expect(ndis.checkForHang().isEmpty)
        #expect(miniport.resets == 0)
        miniport.hung = true
        #expect(ndis.checkForHang().map(\.name) == ["hang0"])
        #expect(miniport.resets == 1)
        #expect(recorder.statuses == [.resetStart, .resetEnd])
        // The filter set before the reset reached the miniport again afterwards.
        #expect(miniport.filterSets == [0x9, 0x9])
        #expect(adapter.state == .running)
    }

    @Test func aResetWithoutAddressingLossReplaysNothing() {
        let (ndis, adapter, miniport, _) = hangingStack()
        miniport.addressingReset = false
        #expect(ndis.resetAdapter(adapter) == .success)
        #expect(miniport.filterSets.isEmpty)
        #expect(ndis.resetAdapter(ndis.adapters[0]) == .success)
        #expect(miniport.resets == 2)
    }

    @Test func surpriseRemovalNotifiesThenHaltsAndRefusesOids() {
        let (ndis, adapter, miniport, recorder) = hangingStack()
        let binding = recorder.binding!
        ndis.surpriseRemove(adapter)
        #expect(miniport.pnpEvents == [.surpriseRemoved])
        #expect(miniport.haltAction == .deviceSurpriseRemoved)
        #expect(adapter.state == .halted)
        #expect(ndis.adapters.isEmpty)
        #expect(binding.oidRequest(OidRequest(query: .genLinkState)) == .notAccepted)
    }

    @Test func unpluggingAVirtualWireCableReportsLinkStateAndStopsFrames() {
        let clock = VirtualClock()
        let wire = VirtualWire(clock: clock, seed: 1)
        var recorders: [PnPRecordingProtocol] = []
        var adapters: [MiniportAdapter] = []
        let pool = NetBufferPool(name: "test", capacity: 8)
        for i in 1...2 {
            let ndis = Ndis()
            _ = ndis.loadDriver(name: "vwire", entry: VirtualWireMiniport.driverEntry)
            let recorder = PnPRecordingProtocol.register(in: ndis)
            let port = wire.makePort(mac: MACAddress(0x02, 0, 0, 0, 0, UInt8(i)))
            let (_, adapter) = ndis.startAdapter(driver: ndis.miniportDrivers[0], name: "v\(i)", allocatedResources: port)
            let filter = OidRequest(set: .genCurrentPacketFilter,
                                    input: OidRequest.littleEndianBytes(PacketFilter.directed.rawValue))
            #expect(recorder.binding!.oidRequest(filter) == .success)
            recorders.append(recorder)
            adapters.append(adapter!)
        }
        func sendFrame() {
            let list = pool.allocate(length: 60)!
            list.firstNetBuffer.data.initializeMemory(as: UInt8.self, repeating: 0)
            MACAddress(0x02, 0, 0, 0, 0, 2).write(to: list.firstNetBuffer.data, at: 0)
            recorders[0].binding!.sendNetBufferLists(list)
            wire.deliverDue()
        }
        sendFrame()
        #expect(recorders[1].received == 1)

        wire.ports[0].setConnected(false)
        #expect(recorders[0].linkStates == [.disconnected])
        let query = OidRequest(query: .genLinkState)
        #expect(recorders[0].binding!.oidRequest(query) == .success)
        #expect(LinkState(bytes: query.informationBuffer)?.mediaConnectState == .disconnected)
        sendFrame()
        #expect(recorders[1].received == 1)
        #expect(recorders[0].completions == [.success, .mediaDisconnected])

        wire.ports[0].setConnected(true)
        #expect(recorders[0].linkStates == [.disconnected, .connected])
        sendFrame()
        #expect(recorders[1].received == 2)
        #expect(pool.outstanding == 0)
        #expect(adapters.allSatisfy { ($0.context as! VirtualWireMiniport).receivePool.outstanding == 0 })
    }
}
