import NetCore
import Testing

@testable import NDIS

// Miniports for the NDIS tests: a scripted miniport driver whose adapters
// record every handler NDIS calls and pend, fail or hold what a test tells
// them to, and a bench of VirtualWire adapters on one wire.

// MARK: - Scripted miniport driver

/// A miniport driver for tests: its adapters record every handler NDIS
/// calls, with the adapter state at the time, and pend, fail or hold what
/// the test tells them to.
final class ScriptedMiniportDriver {
    enum InitBehaviour {
        case normal
        case fail(NDISStatus)
        /// Returns success without NdisMSetMiniportAttributes(general).
        case skipGeneralAttributes
    }

    let log: EventLog
    var initBehaviour = InitBehaviour.normal
    var general: MiniportAdapterGeneralAttributes
    private(set) var driver: MiniportDriver?
    private(set) var registrationStatus = NDISStatus.failure
    private(set) var miniports: [ScriptedMiniport] = []
    /// The adapter of the last MiniportInitializeEx call, kept even when it failed.
    private(set) var lastInitialized: MiniportAdapter?
    private(set) var unloaded = false

    init(ndis: Ndis, log: EventLog = EventLog(), mac: MACAddress = testMAC(0xA0)) {
        self.log = log
        var general = MiniportAdapterGeneralAttributes()
        general.mtuSize = 1500
        general.permanentMacAddress = mac
        general.currentMacAddress = mac
        general.xmitLinkSpeed = 1_000_000_000
        general.rcvLinkSpeed = 1_000_000_000
        general.maxXmitLinkSpeed = 1_000_000_000
        general.maxRcvLinkSpeed = 1_000_000_000
        general.maxMulticastListSize = 4
        general.supportedOidList = [.genVendorDescription]
        self.general = general
        _ = ndis.loadDriver(name: "scripted") { driverObject, registryPath in
            var chars = Characteristics.miniport { adapter, context, parameters in
                guard let me = context as? ScriptedMiniportDriver else { return .failure }
                return me.initialize(adapter, parameters)
            }
            chars.unloadHandler = { [unowned self] _ in self.unloaded = true }
            var handle: MiniportDriver?
            registrationStatus = Ndis.registerMiniportDriver(driverObject, registryPath, self, chars, &handle)
            driver = handle
            return registrationStatus.ntStatus
        }
    }

    func initialize(_ adapter: MiniportAdapter, _ parameters: MiniportInitParameters) -> NDISStatus {
        lastInitialized = adapter
        log.add("miniport.initialize[\(adapter.state)]")
        let miniport = ScriptedMiniport(adapter: adapter, log: log)
        if case .fail(let status) = initBehaviour { return status }
        var status = adapter.setAttributes(.registration(.init(miniportAdapterContext: miniport)))
        guard status == .success else { return status }
        if case .skipGeneralAttributes = initBehaviour {
            miniports.append(miniport)
            return .success
        }
        status = adapter.setAttributes(.general(general))
        guard status == .success else { return status }
        miniports.append(miniport)
        return .success
    }

    /// PnP-starts one adapter of this driver.
    @discardableResult
    func start(in ndis: Ndis, name: String = "scripted0") -> (status: NDISStatus, adapter: MiniportAdapter?) {
        ndis.startAdapter(driver: driver!, name: name)
    }
}

/// One adapter of a `ScriptedMiniportDriver`: its MiniportAdapterContext.
final class ScriptedMiniport: MiniportAdapterContext {
    unowned let adapter: MiniportAdapter
    let log: EventLog
    /// Lists this miniport indicates come from here.
    let receivePool = NetBufferPool(name: "scripted-rx", capacity: 16, slotSize: 2048)
    var pauseResult = NDISStatus.success
    var restartResult = NDISStatus.success
    /// Answer OIDs the NDIS layer passes down with NDIS_STATUS_PENDING.
    var pendOids = false
    /// Keep sends until `completeHeldSends` instead of completing them at once.
    var holdSends = false
    var sendStatus = NDISStatus.success
    private(set) var sent: [[UInt8]] = []
    private(set) var held: [NetBufferList] = []
    private(set) var returned: [[UInt8]] = []
    private(set) var returnCalls = 0
    private(set) var haltActions: [HaltAction] = []
    private(set) var shutdownActions: [ShutdownAction] = []
    private(set) var oidRequests: [OidRequest] = []
    private(set) var packetFilter: PacketFilter = []
    private(set) var multicastBytes: [UInt8] = []

    init(adapter: MiniportAdapter, log: EventLog) {
        self.adapter = adapter
        self.log = log
    }

    func halt(_ action: HaltAction) {
        log.add("miniport.halt[\(adapter.state)]")
        haltActions.append(action)
    }

    func pause() -> NDISStatus {
        log.add("miniport.pause[\(adapter.state)]")
        return pauseResult
    }

    func restart() -> NDISStatus {
        log.add("miniport.restart[\(adapter.state)]")
        return restartResult
    }

    func shutdown(_ action: ShutdownAction) {
        log.add("miniport.shutdown[\(adapter.state)]")
        shutdownActions.append(action)
    }

    func oidRequest(_ request: OidRequest) -> NDISStatus {
        log.add("miniport.oid")
        oidRequests.append(request)
        if pendOids { return .pending }
        switch (request.requestType, request.oid) {
        case (.setInformation, .genCurrentPacketFilter):
            guard let raw = request.inputUInt32() else { return .invalidLength }
            packetFilter = PacketFilter(rawValue: raw)
            return .success
        case (.setInformation, .ieee8023MulticastList):
            multicastBytes = request.informationBuffer
            return .success
        case (.queryInformation, .genVendorDescription):
            return request.answer(Array("scripted".utf8) + [0])
        default:
            return .invalidOID
        }
    }

    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        log.add("miniport.send")
        for list in lists.chainArray {
            var buffer: NetBuffer? = list.firstNetBuffer
            while let nb = buffer {
                sent.append(nb.bytes)
                buffer = nb.next
            }
        }
        if holdSends {
            held += lists.chainArray
            return
        }
        for list in lists.chainArray { list.status = sendStatus }
        adapter.sendNetBufferListsComplete(lists)
    }

    /// MiniportCancelSend: completes the held sends with this cancel id as NDIS_STATUS_SEND_ABORTED.
    func cancelSend(_ cancelId: UInt64) {
        log.add("miniport.cancel")
        var aborted = NetBufferListChain()
        held.removeAll { list in
            guard list.cancelId == cancelId else { return false }
            list.status = .sendAborted
            aborted.append(list)
            return true
        }
        if let chain = aborted.take() { adapter.sendNetBufferListsComplete(chain) }
    }

    /// Completes every held send as one chain (NdisMSendNetBufferListsComplete).
    func completeHeldSends(status: NDISStatus = .success) {
        guard !held.isEmpty else { return }
        var chain = NetBufferListChain()
        for list in held {
            list.status = status
            chain.append(list)
        }
        held.removeAll()
        adapter.sendNetBufferListsComplete(chain.take()!)
    }

    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        log.add("miniport.return")
        returnCalls += 1
        for list in lists.chainArray { returned.append(list.frameBytes) }
        receivePool.freeChain(lists)
    }

    /// Indicates `frames` as one chain (NdisMIndicateReceiveNetBufferLists).
    func indicate(_ frames: [[UInt8]], flags: ReceiveFlags = []) {
        guard let chain = receivePool.makeChain(frames) else { return }
        adapter.indicateReceiveNetBufferLists(chain, count: frames.count, flags: flags)
        if flags.contains(.resources) { receivePool.freeChain(chain) }
    }
}

// MARK: - Virtual wire bench

/// Adapters of the VirtualWire miniport on one wire, each with a binding of
/// one recording protocol, and a send pool of the test's own.
final class WireBench {
    let ndis = Ndis()
    let clock = VirtualClock()
    let wire: VirtualWire
    let log = EventLog()
    let protocolDriver: RecordingProtocol
    let sendPool = NetBufferPool(name: "test-tx", capacity: 512, slotSize: 2048)
    private(set) var adapters: [MiniportAdapter] = []
    let miniportDriver: MiniportDriver

    /// - Parameters:
    ///   - beforeStart: runs after the drivers are loaded and before any adapter starts.
    init(ports: Int, seed: UInt64 = 1, impairments: WireImpairments = WireImpairments(), receiveBuffers: Int = 256,
         packetFilter: PacketFilter? = [.directed, .broadcast], beforeStart: (WireBench) -> Void = { _ in }) {
        wire = VirtualWire(clock: clock, seed: seed, impairments: impairments)
        protocolDriver = RecordingProtocol(name: "proto", log: log)
        protocolDriver.clock = clock
        let status = ndis.loadDriver(name: "vwire", entry: VirtualWireMiniport.driverEntry)
        precondition(status == .success, "VirtualWire driver did not load")
        miniportDriver = ndis.miniportDrivers.last!
        protocolDriver.register(in: ndis)
        beforeStart(self)
        for i in 0..<ports {
            let port = wire.makePort(mac: WireBench.mac(i))
            let (started, adapter) = ndis.startAdapter(driver: miniportDriver, name: "vw\(i)", allocatedResources: port,
                                                       configuration: ["ReceiveBuffers": "\(receiveBuffers)"])
            precondition(started == .success && adapter != nil, "adapter vw\(i) did not start: \(started)")
            adapters.append(adapter!)
            if let packetFilter {
                let set = protocolDriver.binding(on: adapter!).setPacketFilter(packetFilter)
                precondition(set == .success)
            }
        }
    }

    static func mac(_ i: Int) -> MACAddress { testMAC(UInt8(i + 1)) }

    func miniport(_ i: Int) -> VirtualWireMiniport { adapters[i].context as! VirtualWireMiniport }

    func binding(_ i: Int) -> RecordingBinding { protocolDriver.binding(on: adapters[i]) }

    func send(from i: Int, _ frames: [[UInt8]]) { binding(i).send(frames, from: sendPool) }

    /// Moves the clock to each arrival in turn and delivers, until nothing is in flight.
    func deliverAll() {
        while let next = wire.nextArrival {
            clock.advance(to: next)
            wire.deliverDue()
        }
    }

    /// Every pool of the bench has all its buffers back.
    func expectPoolsDrained(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sendPool.outstanding == 0, "send pool", sourceLocation: sourceLocation)
        for (i, adapter) in adapters.enumerated() {
            let pool = (adapter.context as! VirtualWireMiniport).receivePool
            #expect(pool.outstanding == 0, "receive pool of vw\(i)", sourceLocation: sourceLocation)
            #expect(adapter.outstandingReceiveIndications == 0, "indications of vw\(i)", sourceLocation: sourceLocation)
        }
    }
}
