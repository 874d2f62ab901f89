import NetCore

/// NdisMiniportHandle: NDIS's side of one adapter and of the stack built on
/// it — the miniport, its filter modules bottom to top, and the protocol
/// bindings above. The miniport calls the NdisM* functions here; the stack's
/// data, OIDs and status indications are routed through here.
public final class MiniportAdapter {
    /// The adapter's name (its interface alias).
    public let name: String
    /// IfIndex.
    public let ifIndex: UInt32
    /// NetLuid.
    public let netLuid: UInt64
    /// The miniport driver the adapter belongs to.
    public let driver: MiniportDriver
    /// The NDIS instance that owns the adapter.
    public unowned let ndis: Ndis
    /// The adapter's state; NDIS enforces the legal transitions.
    public internal(set) var state: MiniportAdapterState = .halted
    /// MiniportAdapterContext, set by the registration attributes.
    public private(set) var context: MiniportAdapterContext?
    /// The registration attributes the miniport set.
    public private(set) var registrationAttributes: MiniportAdapterRegistrationAttributes?
    /// The general attributes the miniport set: NDIS answers OIDs from them.
    public private(set) var generalAttributes: MiniportAdapterGeneralAttributes?
    /// The link state, from the attributes and then from NDIS_STATUS_LINK_STATE indications.
    public private(set) var linkState = LinkState(mediaConnectState: .unknown, xmitLinkSpeed: 0, rcvLinkSpeed: 0)
    /// The packet filter in force: the union of every binding's.
    public private(set) var packetFilter: PacketFilter = []
    /// The multicast list in force.
    public private(set) var multicastList: [MACAddress] = []
    /// Lists indicated up without NDIS_RECEIVE_FLAGS_RESOURCES and not yet
    /// returned: a miniport may not finish pausing until this is zero.
    public internal(set) var outstandingReceiveIndications = 0
    /// What NDIS itself dropped or refused on this adapter.
    public internal(set) var counters = AdapterCounters()

    /// Filter modules, index 0 nearest the miniport.
    var filters: [FilterModule] = []
    /// Protocol bindings.
    var bindings: [ProtocolBinding] = []
    var pendingPause: ((NDISStatus) -> Void)?
    var pendingRestart: ((NDISStatus) -> Void)?
    var pendingOids: [ObjectIdentifier: (OidRequest, ProtocolBinding?)] = [:]
    var pendingReset: ((NDISStatus, Bool) -> Void)?
    /// Set by a surprise removal: from then on sends fail and OIDs are refused.
    public internal(set) var surpriseRemoved = false

    init(name: String, ifIndex: UInt32, driver: MiniportDriver, ndis: Ndis) {
        self.name = name
        self.ifIndex = ifIndex
        self.netLuid = UInt64(ifIndex) | (6 << 48)
        self.driver = driver
        self.ndis = ndis
    }

    /// The filter modules bottom to top, for inspection.
    public var filterModules: [FilterModule] { filters }
    /// The protocol bindings, for inspection.
    public var protocolBindings: [ProtocolBinding] { bindings }

    /// Applies a state-machine event; an illegal one changes nothing and returns false.
    @discardableResult
    func transition(_ event: MiniportAdapterEvent) -> Bool {
        guard let next = state.next(on: event) else { return false }
        state = next
        return true
    }

    // MARK: - Functions the miniport calls

    /// NdisMSetMiniportAttributes: the registration attributes first, then
    /// the general ones; only during MiniportInitializeEx.
    public func setAttributes(_ attributes: MiniportAdapterAttributes) -> NDISStatus {
        guard state == .initializing else { return .invalidDeviceRequest }
        switch attributes {
        case .registration(let registration):
            registrationAttributes = registration
            context = registration.miniportAdapterContext
        case .general(let general):
            guard registrationAttributes != nil else { return .invalidDeviceRequest }
            guard general.mtuSize >= 68 else { return .invalidParameter }
            generalAttributes = general
            linkState = LinkState(mediaConnectState: general.mediaConnectState, mediaDuplexState: general.mediaDuplexState,
                                  xmitLinkSpeed: general.xmitLinkSpeed, rcvLinkSpeed: general.rcvLinkSpeed)
        }
        return .success
    }

    /// NdisMIndicateReceiveNetBufferLists: hands received lists up the stack.
    /// Without NDIS_RECEIVE_FLAGS_RESOURCES they come back through
    /// MiniportReturnNetBufferLists; with it they are the miniport's again
    /// when this call returns.
        public func indicateReceiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber = .default,
                                              count: Int, flags: ReceiveFlags = []) {
        guard state.allowsData else {
            // A miniport may not indicate while paused; NDIS hands the lists straight back.
            counters.receivesWhileNotRunning &+= UInt64(count)
            if !flags.contains(.resources) { context?.returnNetBufferLists(lists, flags: []) }
            return
        }
        if !flags.contains(.resources) { outstandingReceiveIndications += count }
        receiveUp(lists, above: -1, portNumber: portNumber, count: count, flags: flags)
    }

    /// NdisMSendNetBufferListsComplete: gives sent lists back to their
    /// originators, each with its Status set by the miniport.
        public func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags = []) {
        completeUp(lists, above: -1, flags: flags)
    }

    /// NdisMIndicateStatusEx: reports a status up the stack; NDIS keeps the
    /// link state it carries for OID_GEN_LINK_STATE.
    public func indicateStatus(_ indication: StatusIndication) {
        if let link = indication.linkState {
            linkState = link
            generalAttributes?.mediaConnectState = link.mediaConnectState
        }
        statusUp(indication, above: -1)
    }

    /// NdisMPauseComplete: a pended MiniportPause finished.
    public func pauseComplete() {
        let done = pendingPause
        pendingPause = nil
        done?(.success)
    }

    /// NdisMRestartComplete: a pended MiniportRestart finished.
    public func restartComplete(_ status: NDISStatus) {
        let done = pendingRestart
        pendingRestart = nil
        done?(status)
    }

    /// NdisMOidRequestComplete: a pended MiniportOidRequest finished.
    public func oidRequestComplete(_ request: OidRequest, status: NDISStatus) {
        guard let (original, binding) = pendingOids.removeValue(forKey: ObjectIdentifier(request)) else { return }
        if status == .success { recordSet(request, from: binding) }
        // The binding gets back the request it made (not NDIS's merged packet-filter set).
        binding?.context.oidRequestComplete(original, status: status)
    }

    // MARK: - Data path routing

    /// Sends go to the nearest running filter below `position`, then the miniport.
    func sendDown(_ lists: NetBufferList, below position: Int, portNumber: NdisPortNumber, flags: SendFlags) {
        var i = position - 1
        while i >= 0 {
            let module = filters[i]
            if let context = module.context, module.state.allowsData {
                context.sendNetBufferLists(lists, portNumber: portNumber, flags: flags)
                return
            }
            i -= 1
        }
        guard !surpriseRemoved else {
            failSends(lists, status: .adapterRemoved, above: -1)
            return
        }
        guard state == .running, let context else {
            counters.sendsWhilePaused &+= UInt64(lists.chainLength)
            failSends(lists, status: .paused, above: -1)
            return
        }
        context.sendNetBufferLists(lists, portNumber: portNumber, flags: flags)
    }

    /// Completes every list of a chain with `status` from the layer at `position`.
    func failSends(_ lists: NetBufferList, status: NDISStatus, above position: Int) {
        var current: NetBufferList? = lists
        while let list = current {
            list.status = status
            current = list.next
        }
        completeUp(lists, above: position, flags: [])
    }

    /// Completions climb the filters above `position`, then reach the
    /// binding named by each list's SourceHandle.
    func completeUp(_ lists: NetBufferList, above position: Int, flags: SendCompleteFlags) {
        var i = position + 1
        while i < filters.count {
            let module = filters[i]
            if let context = module.context, module.state != .detached, module.state != .attaching {
                context.sendNetBufferListsComplete(lists, flags: flags)
                return
            }
            i += 1
        }
        deliverSendComplete(lists, flags: flags)
    }

    func deliverSendComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        // Consecutive lists of one originator go back as one chain.
        var current: NetBufferList? = lists
        while let first = current {
            let source = first.sourceHandle
            var last = first
            var n = 1
            while let next = last.next, next.sourceHandle == source {
                last = next
                n += 1
            }
            current = last.next
            last.next = nil
            if let binding = bindings.first(where: { $0.handle == source }) {
                binding.outstandingSends -= n
                binding.context.sendNetBufferListsComplete(first, flags: flags)
            } else {
                // Its binding is gone: nobody can free it, so NDIS does.
                counters.orphanedCompletions &+= UInt64(n)
                first.owningPool.freeChain(first)
            }
        }
    }

    /// Receives climb the filters above `position`, then reach the bindings.
    func receiveUp(_ lists: NetBufferList, above position: Int, portNumber: NdisPortNumber, count: Int,
                   flags: ReceiveFlags) {
        var i = position + 1
        while i < filters.count {
            let module = filters[i]
            if let context = module.context, module.state.allowsData {
                context.receiveNetBufferLists(lists, portNumber: portNumber, count: count, flags: flags)
                return
            }
            i += 1
        }
        deliverReceive(lists, portNumber: portNumber, count: count, flags: flags)
    }

    func deliverReceive(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        if bindings.count == 1 {
            // One binding that wants every frame of the chain takes the chain
            // as it is: the common case costs a scan, never an allocation.
            let binding = bindings[0]
            let frameTypes = binding.openParameters.frameTypeArray
            if binding.state.allowsReceive && (frameTypes.isEmpty || MiniportAdapter.all(lists, in: frameTypes)) {
                binding.context.receiveNetBufferLists(lists, portNumber: portNumber, count: count, flags: flags)
                return
            }
        }
        deliverReceiveByEtherType(lists, portNumber: portNumber, flags: flags)
    }

    /// The general case: each list goes, alone, to every running binding that
    /// opened the adapter for its EtherType; NDIS counts the references and
    /// passes the list down once every binding has returned it.
    func deliverReceiveByEtherType(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: ReceiveFlags) {
        let ownedByStack = !flags.contains(.resources)
        var order: [NetBufferList] = []
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            order.append(list)
        }
        for list in order {
            list.next = nil
            let etherType = MiniportAdapter.etherType(of: list)
            let targets = bindings.filter {
                $0.state.allowsReceive &&
                    ($0.openParameters.frameTypeArray.isEmpty || $0.openParameters.frameTypeArray.contains(etherType))
            }
            if targets.isEmpty {
                counters.receivesUnclaimed &+= 1
                if ownedByStack { returnDown(list, below: filters.count, flags: []) }
                continue
            }
            if ownedByStack { list.references = Int32(targets.count) }
            for binding in targets {
                binding.context.receiveNetBufferLists(list, portNumber: portNumber, count: 1, flags: flags)
            }
        }
        if !ownedByStack {
            // RESOURCES: the chain must be back as the miniport made it.
            for (i, list) in order.enumerated() { list.next = i + 1 < order.count ? order[i + 1] : nil }
        }
    }

    static func all(_ lists: NetBufferList, in frameTypes: [UInt16]) -> Bool {
        var current: NetBufferList? = lists
        while let list = current {
            guard frameTypes.contains(etherType(of: list)) else { return false }
            current = list.next
        }
        return true
    }

    static func etherType(of list: NetBufferList) -> UInt16 {
        let data = UnsafeRawBufferPointer(list.firstNetBuffer.data)
        return data.count >= 14 ? data.loadBigEndianUInt16(at: 12) : 0
    }

    /// A binding returned lists: drop the references of lists shared by
    /// several bindings, and pass down those nobody holds any more.
    func returnFromBinding(_ lists: NetBufferList, flags: ReturnFlags) {
        var shared = false
        var current: NetBufferList? = lists
        while let list = current {
            if list.references > 1 { shared = true; break }
            current = list.next
        }
        guard shared else {
            returnDown(lists, below: filters.count, flags: flags)
            return
        }
        var done = NetBufferListChain()
        current = lists
        while let list = current {
            current = list.next
            if list.references > 1 {
                list.references -= 1
                list.next = nil
            } else {
                list.references = 0
                done.append(list)
            }
        }
        if let chain = done.take() { returnDown(chain, below: filters.count, flags: flags) }
    }

    /// Returns go down through the filters below `position`, then to the miniport.
    func returnDown(_ lists: NetBufferList, below position: Int, flags: ReturnFlags) {
        var i = position - 1
        while i >= 0 {
            let module = filters[i]
            if let context = module.context, module.state != .detached, module.state != .attaching {
                context.returnNetBufferLists(lists, flags: flags)
                return
            }
            i -= 1
        }
        outstandingReceiveIndications -= lists.chainLength
        context?.returnNetBufferLists(lists, flags: flags)
    }

    func cancelSend(_ cancelId: UInt64, below position: Int) {
        var i = position - 1
        while i >= 0 {
            if let context = filters[i].context {
                context.cancelSendNetBufferLists(cancelId)
                return
            }
            i -= 1
        }
        context?.cancelSend(cancelId)
    }

    // MARK: - Status

    func statusUp(_ indication: StatusIndication, above position: Int) {
        var i = position + 1
        while i < filters.count {
            if let context = filters[i].context, filters[i].state != .attaching, filters[i].state != .detached {
                context.status(indication)
                return
            }
            i += 1
        }
        for binding in bindings where binding.state != .unbound && binding.state != .opening {
            binding.context.status(indication)
        }
    }

    // MARK: - OID requests

    func oidRequestFromBinding(_ request: OidRequest, binding: ProtocolBinding) -> NDISStatus {
        guard state.allowsOids else { return .notAccepted }
        if request.oid == .genCurrentPacketFilter && request.requestType == .setInformation {
            // NDIS keeps each binding's filter and asks the miniport for their union.
            guard let wanted = request.inputUInt32() else { return .invalidLength }
            let filter = PacketFilter(rawValue: wanted)
            if let supported = generalAttributes?.supportedPacketFilters, !supported.isSuperset(of: filter) {
                return .notSupported
            }
            let previous = binding.packetFilter
            binding.packetFilter = filter
            let union = bindings.reduce(PacketFilter()) { $0.union($1.packetFilter) }
            let merged = OidRequest(set: .genCurrentPacketFilter, input: OidRequest.littleEndianBytes(union.rawValue))
            let status = oidRequestDown(merged, below: filters.count, from: binding)
            if status == .success { request.bytesRead = 4 }
            // A refused set leaves the binding's filter as it was.
            if !status.isSuccess { binding.packetFilter = previous }
            if status == .pending { pendingOids[ObjectIdentifier(merged)] = (request, binding) }
            return status
        }
        return oidRequestDown(request, below: filters.count, from: binding)
    }

    func oidRequestDown(_ request: OidRequest, below position: Int, from binding: ProtocolBinding? = nil) -> NDISStatus {
        guard state.allowsOids, !surpriseRemoved else { return .notAccepted }
        let key = ObjectIdentifier(request)
        var i = position - 1
        while i >= 0 {
            if let context = filters[i].context, filters[i].state != .attaching {
                // The filter passes the request on without naming the binding:
                // remember it, so a completion pended below still reaches it.
                if let binding { pendingOids[key] = (request, binding) }
                let status = context.oidRequest(request)
                if binding != nil && status != .pending { pendingOids.removeValue(forKey: key) }
                return status
            }
            i -= 1
        }
        if let answered = answerFromAttributes(request) { return answered }
        if request.oid == .ieee8023MulticastList && request.requestType == .setInformation {
            if let invalid = validateMulticastList(request) { return invalid }
        }
        guard let context else { return .adapterNotReady }
        let origin = binding ?? pendingOids[key]?.1
        pendingOids[key] = (request, origin)
        let status = context.oidRequest(request)
        if status != .pending {
            pendingOids.removeValue(forKey: key)
            if status == .success { recordSet(request, from: origin) }
        }
        return status
    }

    func validateMulticastList(_ request: OidRequest) -> NDISStatus? {
        let bytes = request.informationBuffer
        guard bytes.count % 6 == 0 else { return .invalidLength }
        if bytes.count / 6 > Int(generalAttributes?.maxMulticastListSize ?? 0) { return .multicastFull }
        return nil
    }

    /// Sets NDIS must remember, so it can answer their queries itself.
    func recordSet(_ request: OidRequest, from binding: ProtocolBinding?) {
        guard request.requestType == .setInformation else { return }
        switch request.oid {
        case .genCurrentPacketFilter:
            if let raw = request.informationBuffer.count >= 4
                ? OidRequest.readLittleEndian(request.informationBuffer, at: 0, as: UInt32.self) : nil {
                packetFilter = PacketFilter(rawValue: raw)
            }
        case .ieee8023MulticastList:
            var list: [MACAddress] = []
            request.informationBuffer.withUnsafeBytes { raw in
                var offset = 0
                while offset + 6 <= raw.count {
                    let mac = MACAddress(bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 6)]))
                    if !list.contains(mac) { list.append(mac) }
                    offset += 6
                }
            }
            multicastList = list
        default:
            break
        }
    }

    /// The queries NDIS answers itself from the adapter's attributes and the
    /// state it tracks, without bothering the miniport.
    func answerFromAttributes(_ request: OidRequest) -> NDISStatus? {
        guard request.requestType.isQuery, let general = generalAttributes else { return nil }
        switch request.oid {
        case .genSupportedList:
            let own: [Oid] = [.genSupportedList, .genMediaSupported, .genMediaInUse, .genMaximumFrameSize,
                              .genMaximumTotalSize, .genLinkSpeed, .genMaxLinkSpeed, .genLinkState,
                              .genMediaConnectStatus, .genCurrentPacketFilter, .genCurrentLookahead,
                              .genMacOptions, .genMacAddress, .ieee8023PermanentAddress, .ieee8023CurrentAddress,
                              .ieee8023MulticastList, .ieee8023MaximumListSize]
            var all = own
            for oid in general.supportedOidList where !all.contains(oid) { all.append(oid) }
            return request.answer(all.flatMap { OidRequest.littleEndianBytes($0.rawValue) })
        case .genMediaSupported, .genMediaInUse:
            return request.answer(general.mediaType.rawValue)
        case .genMaximumFrameSize:
            return request.answer(general.mtuSize)
        case .genMaximumTotalSize:
            return request.answer(general.mtuSize + 14)
        case .genLinkSpeed:
            return request.answer(UInt32(clamping: linkState.xmitLinkSpeed / 100))
        case .genMaxLinkSpeed:
            return request.answer(OidRequest.littleEndianBytes(general.maxXmitLinkSpeed)
                + OidRequest.littleEndianBytes(general.maxRcvLinkSpeed))
        case .genLinkState:
            return request.answer(linkState.bytes)
        case .genMediaConnectStatus:
            return request.answer(linkState.mediaConnectState == .connected ? UInt32(0) : UInt32(1))
        case .genCurrentPacketFilter:
            return request.answer(packetFilter.rawValue)
        case .genCurrentLookahead:
            return request.answer(general.lookaheadSize)
        case .genMacOptions:
            return request.answer(general.macOptions)
        case .ieee8023PermanentAddress:
            return request.answer(general.permanentMacAddress.bytes)
        case .ieee8023CurrentAddress, .genMacAddress:
            return request.answer(general.currentMacAddress.bytes)
        case .ieee8023MulticastList:
            return request.answer(multicastList.flatMap { $0.bytes })
        case .ieee8023MaximumListSize:
            return request.answer(general.maxMulticastListSize)
        default:
            return nil
        }
    }

    // MARK: - Stack membership

    func insertFilter(_ module: FilterModule) {
        let key = MiniportAdapter.stackOrder(module.driver)
        let index = filters.firstIndex { key < MiniportAdapter.stackOrder($0.driver) } ?? filters.count
        filters.insert(module, at: index)
        renumberFilters()
    }

    func removeFilter(_ module: FilterModule) {
        filters.removeAll { $0 === module }
        renumberFilters()
    }

    func renumberFilters() {
        for (i, module) in filters.enumerated() { module.position = i }
    }

    /// Bottom of the stack sorts first: the lowest class (providerAddress)
    /// at the miniport, and within a class the lowest altitude.
    static func stackOrder(_ driver: FilterDriver) -> (Int, UInt32) {
        (FilterClass.allCases.count - driver.characteristics.filterClass.rawValue, driver.characteristics.altitude)
    }

    func removeBinding(_ binding: ProtocolBinding) {
        bindings.removeAll { $0 === binding }
    }
}

extension ProtocolBindingState {
    /// NDIS indicates receives to a binding only while it is Running or Pausing.
    @inlinable
    public var allowsReceive: Bool { self == .running || self == .pausing }
}

/// What NDIS itself dropped or refused on one adapter.
public struct AdapterCounters: Sendable, Equatable {
    /// Sends completed with NDIS_STATUS_PAUSED because the adapter was not Running.
    public var sendsWhilePaused: UInt64 = 0
    /// Receive indications made while the adapter was not Running or Pausing.
    public var receivesWhileNotRunning: UInt64 = 0
    /// Received lists no binding opened the adapter for.
    public var receivesUnclaimed: UInt64 = 0
    /// Send completions whose originating binding had gone.
    public var orphanedCompletions: UInt64 = 0
}

func < (lhs: (Int, UInt32), rhs: (Int, UInt32)) -> Bool {
    lhs.0 != rhs.0 ? lhs.0 < rhs.0 : lhs.1 < rhs.1
}
