import NetCore
import Testing

@testable import NDIS

// Shared helpers for the NDIS tests: a protocol driver and a filter driver
// that record everything NDIS hands them, an event log, frame builders and
// valid characteristics. The test miniports are in TestMiniports.swift.

// MARK: - Event log

/// What the drivers of one test saw, in the order NDIS called them, so a
/// test can assert the ordering rules of A.2 and A.6.
final class EventLog {
    private(set) var entries: [String] = []

    func add(_ entry: String) { entries.append(entry) }

    func clear() { entries.removeAll() }

    /// The entries ending in `suffix` (e.g. ".send"), in order.
    func ending(_ suffix: String) -> [String] { entries.filter { $0.hasSuffix(suffix) } }
}

// MARK: - Frames and buffers

/// The first address of the locally administered 02:00:00:00:00:xx range the tests use.
func testMAC(_ last: UInt8) -> MACAddress { MACAddress(0x02, 0, 0, 0, 0, last) }

enum Frames {
    static let ipv4: UInt16 = 0x0800
    static let arp: UInt16 = 0x0806
    static let ipv6: UInt16 = 0x86DD

    /// An Ethernet II frame: destination, source, EtherType, payload.
    static func ethernet(to destination: MACAddress, from source: MACAddress, etherType: UInt16,
                         payload: [UInt8]) -> [UInt8] {
        destination.bytes + source.bytes + [UInt8(etherType >> 8), UInt8(etherType & 0xFF)] + payload
    }

    /// A frame of `length` bytes in all whose payload encodes `tag`, so every
    /// frame of a test is distinguishable from the others.
    static func tagged(_ tag: Int, to destination: MACAddress, from source: MACAddress,
                       etherType: UInt16 = ipv4, length: Int = 64) -> [UInt8] {
        precondition(length >= 18)
        var payload = [UInt8](repeating: 0, count: length - 14)
        payload[0] = UInt8(truncatingIfNeeded: tag >> 24)
        payload[1] = UInt8(truncatingIfNeeded: tag >> 16)
        payload[2] = UInt8(truncatingIfNeeded: tag >> 8)
        payload[3] = UInt8(truncatingIfNeeded: tag)
        for i in 4..<payload.count { payload[i] = UInt8(truncatingIfNeeded: tag &* 31 &+ i) }
        return ethernet(to: destination, from: source, etherType: etherType, payload: payload)
    }
}

extension NetBufferPool {
    /// One list holding one buffer with a copy of `bytes`; traps when the pool is empty.
    func makeList(_ bytes: [UInt8]) -> NetBufferList {
        guard let list = allocate(length: bytes.count) else { fatalError("test pool \(name) exhausted") }
        bytes.withUnsafeBytes { list.firstNetBuffer.data.copyMemory(from: $0) }
        return list
    }

    /// A chain of lists, one per frame, in order.
    func makeChain(_ frames: [[UInt8]]) -> NetBufferList? {
        var chain = NetBufferListChain()
        for frame in frames { chain.append(makeList(frame)) }
        return chain.take()
    }
}

extension NetBuffer {
    /// A copy of the data window.
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(data)) }
}

extension NetBufferList {
    /// A copy of the first buffer's data window (a received frame).
    var frameBytes: [UInt8] { firstNetBuffer.bytes }

    /// The lists of the chain starting here, in order.
    var chainArray: [NetBufferList] {
        var result: [NetBufferList] = []
        var current: NetBufferList? = self
        while let list = current {
            result.append(list)
            current = list.next
        }
        return result
    }
}

/// Reads `count` little-endian ULONGs from an OID answer.
func uint32s(_ bytes: [UInt8]) -> [UInt32] {
    stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map {
        OidRequest.readLittleEndian(bytes, at: $0, as: UInt32.self)
    }
}

/// The bytes of MAC addresses back to back, as OID_802_3_MULTICAST_LIST carries them.
func macListBytes(_ addresses: [MACAddress]) -> [UInt8] { addresses.flatMap { $0.bytes } }

// MARK: - Characteristics

enum Characteristics {
    /// Miniport characteristics that pass every registration check.
    static func miniport(
        initialize: ((MiniportAdapter, AnyObject?, MiniportInitParameters) -> NDISStatus)? = { _, _, _ in .failure }
    ) -> MiniportDriverCharacteristics {
        var chars = MiniportDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .miniportDriverCharacteristics,
                                        revision: MiniportDriverCharacteristics.revision1,
                                        size: MiniportDriverCharacteristics.size)
        chars.majorNdisVersion = 6
        chars.minorNdisVersion = 30
        chars.initializeHandlerEx = initialize
        chars.unloadHandler = { _ in }
        return chars
    }

    /// Filter characteristics that pass every registration check.
    static func filter(class filterClass: FilterClass = .custom, altitude: UInt32 = 0,
                       attach: ((FilterModule, AnyObject?, FilterAttachParameters) -> NDISStatus)? = { _, _, _ in .failure })
        -> FilterDriverCharacteristics {
        var chars = FilterDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .filterDriverCharacteristics, revision: FilterDriverCharacteristics.revision2,
                                        size: FilterDriverCharacteristics.size)
        chars.majorNdisVersion = 6
        chars.minorNdisVersion = 30
        chars.filterClass = filterClass
        chars.altitude = altitude
        chars.attachHandler = attach
        return chars
    }

    /// Protocol characteristics that pass every registration check.
    static func protocolDriver(
        bind: ((ProtocolDriver, BindContext, BindParameters) -> NDISStatus)? = { _, _, _ in .success },
        unbind: ((ProtocolBinding) -> NDISStatus)? = { $0.closeAdapter() }
    ) -> ProtocolDriverCharacteristics {
        var chars = ProtocolDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .protocolDriverCharacteristics,
                                        revision: ProtocolDriverCharacteristics.revision1,
                                        size: ProtocolDriverCharacteristics.size)
        chars.majorNdisVersion = 6
        chars.minorNdisVersion = 30
        chars.name = "test"
        chars.bindAdapterHandlerEx = bind
        chars.unbindAdapterHandlerEx = unbind
        return chars
    }
}

// MARK: - Recording protocol driver

/// A protocol driver that binds to every adapter (or the ones named) with a
/// frame-type array, and records what each binding receives and gets back.
final class RecordingProtocol {
    let name: String
    let frameTypes: [UInt16]
    let log: EventLog
    /// Adapters to bind to; nil binds to all.
    var adapterNames: Set<String>?
    /// Keep received lists until `returnHeld()` instead of returning them at once.
    var holdReceives = false
    /// Answer NetEventPause with NDIS_STATUS_PENDING (complete with `binding.netPnPEventComplete`).
    var pendPause = false
    /// Stamps receives with this clock's time when set.
    var clock: NetClock?
    /// Called for each frame received, after it is recorded (e.g. to answer it).
    var onReceive: ((RecordingBinding, [UInt8]) -> Void)?
    private(set) var driver: ProtocolDriver?
    private(set) var bindings: [RecordingBinding] = []

    init(name: String = "proto", frameTypes: [UInt16] = [], log: EventLog = EventLog()) {
        self.name = name
        self.frameTypes = frameTypes
        self.log = log
    }

    @discardableResult
    func register(in ndis: Ndis) -> NDISStatus {
        let chars = Characteristics.protocolDriver(
            bind: { driver, bindContext, parameters in
                guard let me = driver.driverContext as? RecordingProtocol else { return .failure }
                return me.bind(driver, bindContext, parameters)
            },
            unbind: { binding in
                let context = binding.context as? RecordingBinding
                context?.unbound = true
                context?.owner.log.add("\(context?.owner.name ?? "?").unbind")
                return binding.closeAdapter()
            })
        var handle: ProtocolDriver?
        let status = ndis.registerProtocolDriver(self, chars, &handle)
        driver = handle
        return status
    }

    func bind(_ driver: ProtocolDriver, _ bindContext: BindContext, _ parameters: BindParameters) -> NDISStatus {
        if let names = adapterNames, !names.contains(parameters.adapterName) { return .notAccepted }
        log.add("\(name).bind")
        let context = RecordingBinding(owner: self, parameters: parameters)
        var handle: ProtocolBinding?
        let status = driver.ndis.openAdapter(
            driver, context, OpenParameters(adapterName: parameters.adapterName, frameTypeArray: frameTypes),
            bindContext, &handle)
        guard status == .success, let handle else { return status }
        context.handle = handle
        bindings.append(context)
        return .success
    }

    /// The binding to `adapter`.
    func binding(on adapter: MiniportAdapter) -> RecordingBinding {
        guard let binding = bindings.first(where: { $0.handle.adapter === adapter }) else {
            fatalError("\(name) is not bound to \(adapter.name)")
        }
        return binding
    }
}

/// One binding of a `RecordingProtocol`: its ProtocolBindingContext.
final class RecordingBinding: ProtocolBindingContext {
    unowned let owner: RecordingProtocol
    let parameters: BindParameters
    /// NdisBindingHandle.
    var handle: ProtocolBinding!
    var unbound = false

    /// Every frame received, in order.
    private(set) var received: [[UInt8]] = []
    /// When each frame was received, if the protocol has a clock.
    private(set) var receiveTimes: [Instant] = []
    /// Every list handed up, in order (to compare identities).
    private(set) var receivedLists: [NetBufferList] = []
    /// The count and flags of each receive indication.
    private(set) var indications: [(count: Int, flags: ReceiveFlags)] = []
    /// Lists kept while `holdReceives` is set.
    private(set) var held: [NetBufferList] = []
    /// Sends completed: bytes, status and SourceHandle of each list.
    private(set) var completions: [(bytes: [UInt8], status: NDISStatus, source: NdisHandle)] = []
    /// How many send-complete calls there were.
    private(set) var completeCalls = 0
    private(set) var statuses: [StatusIndication] = []
    private(set) var pnpEvents: [NetPnPEventCode] = []
    private(set) var oidCompletions: [(request: OidRequest, status: NDISStatus)] = []
    /// Receive indications that arrived while this binding was inside NdisSendNetBufferLists.
    private(set) var receivesDuringSend = 0
    private var sending = false

    init(owner: RecordingProtocol, parameters: BindParameters) {
        self.owner = owner
        self.parameters = parameters
    }

    var name: String { owner.name }

    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        owner.log.add("\(name).receive")
        if sending { receivesDuringSend += 1 }
        indications.append((count, flags))
        let chain = lists.chainArray
        let frames = chain.map(\.frameBytes)
        received += frames
        receivedLists += chain
        if let clock = owner.clock { receiveTimes += Array(repeating: clock.now, count: chain.count) }
        // With NDIS_RECEIVE_FLAGS_RESOURCES the lists are only lent for the call.
        if !flags.contains(.resources) {
            if owner.holdReceives {
                held += chain
            } else {
                handle.returnNetBufferLists(lists)
            }
        }
        if let onReceive = owner.onReceive {
            for frame in frames { onReceive(self, frame) }
        }
    }

    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        owner.log.add("\(name).complete")
        completeCalls += 1
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            completions.append((list.frameBytes, list.status, list.sourceHandle))
            list.owningPool.free(list)
        }
    }

    func status(_ indication: StatusIndication) {
        owner.log.add("\(name).status")
        statuses.append(indication)
    }

    func netPnPEvent(_ event: NetPnPEvent) -> NDISStatus {
        owner.log.add("\(name).\(event.code)")
        pnpEvents.append(event.code)
        if event.code == .pause && owner.pendPause { return .pending }
        return .success
    }

    func oidRequestComplete(_ request: OidRequest, status: NDISStatus) {
        oidCompletions.append((request, status))
    }

    // MARK: Calls into NDIS

    /// Sends `frames` as one chain from `pool` (NdisSendNetBufferLists); the
    /// completion handler frees them.
    func send(_ frames: [[UInt8]], from pool: NetBufferPool, cancelId: UInt64 = 0) {
        guard let chain = pool.makeChain(frames) else { return }
        for list in chain.chainArray { list.cancelId = cancelId }
        sending = true
        handle.sendNetBufferLists(chain)
        sending = false
    }

    /// Returns every held list as one chain (NdisReturnNetBufferLists).
    func returnHeld() {
        guard !held.isEmpty else { return }
        var chain = NetBufferListChain()
        for list in held { chain.append(list) }
        held.removeAll()
        handle.returnNetBufferLists(chain.take()!)
    }

    /// Returns the held list at `index` alone.
    func returnHeld(at index: Int) {
        let list = held.remove(at: index)
        list.next = nil
        handle.returnNetBufferLists(list)
    }

    func query(_ oid: Oid, bufferLength: Int = 512) -> (status: NDISStatus, request: OidRequest) {
        let request = OidRequest(query: oid, bufferLength: bufferLength)
        return (handle.oidRequest(request), request)
    }

    func set(_ oid: Oid, _ input: [UInt8]) -> (status: NDISStatus, request: OidRequest) {
        let request = OidRequest(set: oid, input: input)
        return (handle.oidRequest(request), request)
    }

    @discardableResult
    func setPacketFilter(_ filter: PacketFilter) -> NDISStatus {
        set(.genCurrentPacketFilter, OidRequest.littleEndianBytes(filter.rawValue)).status
    }
}

// MARK: - Recording filter driver

/// A filter driver whose modules log every handler NDIS calls as
/// "<name>.<handler>" and pass everything through, unless told to drop sends.
final class RecordingFilter {
    let name: String
    let filterClass: FilterClass
    let altitude: UInt32
    let log: EventLog
    var runType: FilterRunType = .optional
    /// What FilterAttach returns (after NdisFSetAttributes when success).
    var attachStatus: NDISStatus = .success
    /// Complete every send here with this status instead of passing it down.
    var dropSendsWith: NDISStatus?
    /// Answer FilterPause with NDIS_STATUS_PENDING (finish with `filterModule.pauseComplete()`).
    var pendPause = false
    private(set) var driver: FilterDriver?
    private(set) var modules: [RecordingFilterModule] = []

    init(_ name: String, class filterClass: FilterClass = .custom, altitude: UInt32 = 0, log: EventLog) {
        self.name = name
        self.filterClass = filterClass
        self.altitude = altitude
        self.log = log
    }

    @discardableResult
    func register(in ndis: Ndis) -> NDISStatus {
        var result = NDISStatus.failure
        var chars = Characteristics.filter(class: filterClass, altitude: altitude) { module, context, _ in
            guard let me = context as? RecordingFilter else { return .failure }
            return me.attach(module)
        }
        chars.runType = runType
        chars.friendlyName = name
        _ = ndis.loadDriver(name: name) { driverObject, _ in
            var handle: FilterDriver?
            result = Ndis.registerFilterDriver(driverObject, self, chars, &handle)
            self.driver = handle
            return result.ntStatus
        }
        return result
    }

    func attach(_ module: FilterModule) -> NDISStatus {
        log.add("\(name).attach")
        guard attachStatus == .success else { return attachStatus }
        let context = RecordingFilterModule(module: module, owner: self)
        let status = module.setAttributes(context)
        if status == .success { modules.append(context) }
        return status
    }

    /// The module on `adapter`.
    func module(on adapter: MiniportAdapter) -> RecordingFilterModule? {
        modules.first { $0.filterModule.adapter === adapter && !$0.detached }
    }
}

final class RecordingFilterModule: FilterModuleContext {
    let filterModule: FilterModule
    unowned let owner: RecordingFilter
    private(set) var statuses: [StatusIndication] = []
    private(set) var sentSources: [NdisHandle] = []
    private(set) var completedSources: [NdisHandle] = []
    private(set) var detached = false

    init(module: FilterModule, owner: RecordingFilter) {
        filterModule = module
        self.owner = owner
    }

    private func log(_ what: String) { owner.log.add("\(owner.name).\(what)") }

    func detach() {
        detached = true
        log("detach")
    }

    func restart() -> NDISStatus {
        log("restart")
        return .success
    }

    func pause() -> NDISStatus {
        log("pause")
        return owner.pendPause ? .pending : .success
    }

    func cancelSendNetBufferLists(_ cancelId: UInt64) {
        log("cancel")
        filterModule.cancelSendNetBufferLists(cancelId)
    }

    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        log("send")
        for list in lists.chainArray { sentSources.append(list.sourceHandle) }
        if let status = owner.dropSendsWith {
            for list in lists.chainArray { list.status = status }
            filterModule.sendNetBufferListsComplete(lists, flags: [])
            return
        }
        filterModule.sendNetBufferLists(lists, portNumber: portNumber, flags: flags)
    }

    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        log("complete")
        for list in lists.chainArray { completedSources.append(list.sourceHandle) }
        filterModule.sendNetBufferListsComplete(lists, flags: flags)
    }

    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        log("receive")
        filterModule.indicateReceiveNetBufferLists(lists, portNumber: portNumber, count: count, flags: flags)
    }

    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        log("return")
        filterModule.returnNetBufferLists(lists, flags: flags)
    }

    func oidRequest(_ request: OidRequest) -> NDISStatus {
        log("oid")
        return filterModule.oidRequest(request)
    }

    func status(_ indication: StatusIndication) {
        log("status")
        statuses.append(indication)
        filterModule.indicateStatus(indication)
    }
}
