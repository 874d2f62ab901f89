import NetCore

/// ndis.sys for one stack: the drivers registered with it, the adapters it
/// started, and the start, pause, restart and halt sequences that build and
/// reconfigure each adapter's stack in the order NDIS 6 prescribes.
///
/// Not thread-safe: one engine thread owns an `Ndis` and everything in it.
public final class Ndis {
    public private(set) var miniportDrivers: [MiniportDriver] = []
    public private(set) var filterDrivers: [FilterDriver] = []
    public private(set) var protocolDrivers: [ProtocolDriver] = []
    public private(set) var adapters: [MiniportAdapter] = []
    var nextHandle: Int32 = 1
    var nextIfIndex: UInt32 = 1
    var deferredCalls: [() -> Void] = []

    public init() {}

    func allocateHandle() -> NdisHandle {
        defer { nextHandle += 1 }
        return NdisHandle(rawValue: nextHandle)
    }

    // MARK: - Deferred procedure calls

    /// NdisMQueueDpc: runs `work` later on the engine thread, outside the
    /// call that queued it — how a miniport indicates what it received
    /// during a send without re-entering the protocol that is sending.
    public func queueDeferredProcedureCall(_ work: @escaping () -> Void) {
        deferredCalls.append(work)
    }

    /// Whether deferred work is waiting: the engine polls again before sleeping.
    public var hasDeferredWork: Bool { !deferredCalls.isEmpty }

    /// Runs the deferred calls queued so far (those they queue run next time).
    /// Returns how many ran.
    @discardableResult
    public func runDeferredProcedureCalls() -> Int {
        guard !deferredCalls.isEmpty else { return 0 }
        let batch = deferredCalls
        deferredCalls.removeAll(keepingCapacity: true)
        for work in batch { work() }
        return batch.count
    }

    // MARK: - Drivers

    /// The I/O manager's part: makes the DRIVER_OBJECT and calls DriverEntry.
    public func loadDriver(name: String, registryPath: String = "", entry: DriverInitialize) -> NTStatus {
        entry(DriverObject(name: name, ndis: self), registryPath)
    }

    /// NdisMRegisterMiniportDriver: checks the characteristics' header and
    /// versions and the mandatory handlers, then registers the driver.
    public static func registerMiniportDriver(_ driverObject: DriverObject, _ registryPath: String,
                                              _ driverContext: AnyObject?,
                                              _ characteristics: MiniportDriverCharacteristics,
                                              _ handle: inout MiniportDriver?) -> NDISStatus {
        driverObject.ndis.registerMiniportDriver(driverObject, registryPath, driverContext, characteristics, &handle)
    }

    func registerMiniportDriver(_ driverObject: DriverObject, _ registryPath: String, _ driverContext: AnyObject?,
                                _ characteristics: MiniportDriverCharacteristics,
                                _ handle: inout MiniportDriver?) -> NDISStatus {
        handle = nil
        let header = characteristics.header
        guard header.type == .miniportDriverCharacteristics,
              (MiniportDriverCharacteristics.revision1...MiniportDriverCharacteristics.revision3).contains(header.revision),
              header.size >= MiniportDriverCharacteristics.size
        else { return .badCharacteristics }
        guard characteristics.majorNdisVersion == ndisMiniportMajorVersion,
              ndisSupportedMinorVersions.contains(characteristics.minorNdisVersion)
        else { return .badVersion }
        guard characteristics.initializeHandlerEx != nil, characteristics.unloadHandler != nil
        else { return .badCharacteristics }
        let driver = MiniportDriver(driverObject: driverObject, registryPath: registryPath,
                                    driverContext: driverContext, characteristics: characteristics)
        if let setOptions = characteristics.setOptionsHandler {
            let status = setOptions(driver, driverContext)
            guard status == .success else { return status }
        }
        miniportDrivers.append(driver)
        handle = driver
        return .success
    }

    /// NdisMDeregisterMiniportDriver: halts the driver's adapters, then calls its unload handler.
    public func deregisterMiniportDriver(_ driver: MiniportDriver) {
        for adapter in adapters where adapter.driver === driver { _ = stopAdapter(adapter) }
        miniportDrivers.removeAll { $0 === driver }
        driver.characteristics.unloadHandler?(driver.driverObject)
    }

    /// NdisFRegisterFilterDriver: registers a filter driver and attaches a
    /// module of it to every adapter already running (pausing each stack
    /// around the insertion, as NDIS does).
    public static func registerFilterDriver(_ driverObject: DriverObject, _ driverContext: AnyObject?,
                                            _ characteristics: FilterDriverCharacteristics,
                                            _ handle: inout FilterDriver?) -> NDISStatus {
        let ndis = driverObject.ndis
        handle = nil
        let header = characteristics.header
        guard header.type == .filterDriverCharacteristics,
              header.revision >= FilterDriverCharacteristics.revision1, header.size >= FilterDriverCharacteristics.size
        else { return .badCharacteristics }
        guard characteristics.majorNdisVersion == ndisMiniportMajorVersion,
              ndisSupportedMinorVersions.contains(characteristics.minorNdisVersion)
        else { return .badVersion }
        guard characteristics.attachHandler != nil else { return .badCharacteristics }
        let driver = FilterDriver(driverObject: driverObject, driverContext: driverContext,
                                  characteristics: characteristics)
        ndis.filterDrivers.append(driver)
        handle = driver
        for adapter in ndis.adapters where adapter.state == .running || adapter.state == .paused {
            let wasRunning = adapter.state == .running
            // The module goes in only once the stack is paused, which a component may pend.
            let insert = {
                _ = ndis.attachFilter(driver, to: adapter)
                if wasRunning { _ = ndis.restartStack(adapter) }
            }
            if !wasRunning || ndis.pauseStack(adapter, completion: { _ in insert() }) != .pending { insert() }
        }
        return .success
    }

    /// NdisFDeregisterFilterDriver: detaches the driver's modules from every stack.
    public func deregisterFilterDriver(_ driver: FilterDriver) {
        for adapter in adapters {
            let modules = adapter.filters.filter { $0.driver === driver }
            guard !modules.isEmpty else { continue }
            let wasRunning = adapter.state == .running
            let remove = {
                for module in modules { self.detach(module) }
                if wasRunning { _ = self.restartStack(adapter) }
            }
            if !wasRunning || pauseStack(adapter, completion: { _ in remove() }) != .pending { remove() }
        }
        filterDrivers.removeAll { $0 === driver }
    }

    /// NdisRegisterProtocolDriver: registers a protocol and binds it to every
    /// adapter already started.
    public func registerProtocolDriver(_ driverContext: AnyObject?, _ characteristics: ProtocolDriverCharacteristics,
                                       _ handle: inout ProtocolDriver?) -> NDISStatus {
        handle = nil
        let header = characteristics.header
        guard header.type == .protocolDriverCharacteristics,
              header.revision >= ProtocolDriverCharacteristics.revision1,
              header.size >= ProtocolDriverCharacteristics.size
        else { return .badCharacteristics }
        guard characteristics.majorNdisVersion == ndisMiniportMajorVersion,
              ndisSupportedMinorVersions.contains(characteristics.minorNdisVersion)
        else { return .badVersion }
        guard characteristics.bindAdapterHandlerEx != nil, characteristics.unbindAdapterHandlerEx != nil
        else { return .badCharacteristics }
        let driver = ProtocolDriver(ndis: self, driverContext: driverContext, characteristics: characteristics)
        protocolDrivers.append(driver)
        handle = driver
        for adapter in adapters where adapter.state == .running || adapter.state == .paused {
            let wasRunning = adapter.state == .running
            let insert = {
                self.bind(driver, to: adapter)
                if wasRunning { _ = self.restartStack(adapter) }
            }
            if !wasRunning || pauseStack(adapter, completion: { _ in insert() }) != .pending { insert() }
        }
        return .success
    }

    /// NdisOpenAdapterEx: called by a protocol from its ProtocolBindAdapterEx
    /// to create the binding; the binding starts Paused.
    public func openAdapter(_ driver: ProtocolDriver, _ bindingContext: ProtocolBindingContext,
                            _ parameters: OpenParameters, _ bindContext: BindContext,
                            _ bindingHandle: inout ProtocolBinding?) -> NDISStatus {
        bindingHandle = nil
        let adapter = bindContext.adapter
        guard parameters.adapterName == adapter.name else { return .adapterNotFound }
        guard let medium = adapter.generalAttributes?.mediaType, parameters.mediumArray.contains(medium)
        else { return .unsupportedMedia }
        let binding = ProtocolBinding(handle: allocateHandle(), driver: driver, adapter: adapter,
                                      context: bindingContext, openParameters: parameters)
        binding.state = .opening
        adapter.bindings.append(binding)
        binding.state = binding.state.next(on: .openSucceeded) ?? .paused
        bindingHandle = binding
        return .success
    }

    // MARK: - Adapters

    /// PnP start of a device: MiniportInitializeEx, then filter modules
    /// attached bottom-up, then protocols bound, then the whole stack
    /// restarted. Returns the adapter, and the status that stopped it if any.
    @discardableResult
    public func startAdapter(driver: MiniportDriver, name: String, allocatedResources: AnyObject? = nil,
                             configuration: [String: String] = [:]) -> (status: NDISStatus, adapter: MiniportAdapter?) {
        let adapter = MiniportAdapter(name: name, ifIndex: nextIfIndex, driver: driver, ndis: self)
        nextIfIndex += 1
        guard let initialize = driver.characteristics.initializeHandlerEx else { return (.badCharacteristics, nil) }
        adapter.transition(.initialize)
        let parameters = MiniportInitParameters(ifIndex: adapter.ifIndex, netLuid: adapter.netLuid,
                                                allocatedResources: allocatedResources, configuration: configuration)
        var status = initialize(adapter, driver.driverContext, parameters)
        if status == .success && (adapter.context == nil || adapter.generalAttributes == nil) {
            // Initialize claimed success without the mandatory attributes.
            adapter.context?.halt(.deviceInitializationFailed)
            status = .failure
        }
        guard status == .success else {
            adapter.transition(.initializeFailed)
            return (status, nil)
        }
        adapter.transition(.initializeSucceeded)
        adapters.append(adapter)
        let ordered = filterDrivers.sorted { MiniportAdapter.stackOrder($0) < MiniportAdapter.stackOrder($1) }
        for filter in ordered {
            let attached = attachFilter(filter, to: adapter)
            if attached != .success && filter.characteristics.runType == .mandatory {
                _ = stopAdapter(adapter)
                return (attached, nil)
            }
        }
        for protocolDriver in protocolDrivers { bind(protocolDriver, to: adapter) }
        let restarted = restartStack(adapter)
        return (restarted == .pending ? .success : restarted, adapter)
    }

    func attachFilter(_ driver: FilterDriver, to adapter: MiniportAdapter) -> NDISStatus {
        guard let attach = driver.characteristics.attachHandler, let general = adapter.generalAttributes
        else { return .badCharacteristics }
        let module = FilterModule(handle: allocateHandle(), driver: driver, adapter: adapter)
        module.state = .attaching
        let parameters = FilterAttachParameters(baseMiniportIfIndex: adapter.ifIndex, baseMiniportName: adapter.name,
                                                currentMacAddress: general.currentMacAddress,
                                                mtuSize: general.mtuSize,
                                                mediaConnectState: adapter.linkState.mediaConnectState)
        let status = attach(module, driver.driverContext, parameters)
        guard status == .success, module.context != nil else {
            module.state = .detached
            return status == .success ? .failure : status
        }
        module.state = .paused
        adapter.insertFilter(module)
        return .success
    }

    func detach(_ module: FilterModule) {
        guard module.state == .paused else { return }
        module.context?.detach()
        module.state = .detached
        module.adapter.removeFilter(module)
    }

    func bind(_ driver: ProtocolDriver, to adapter: MiniportAdapter) {
        guard let general = adapter.generalAttributes, let bindHandler = driver.characteristics.bindAdapterHandlerEx
        else { return }
        let parameters = BindParameters(
            adapterName: adapter.name, mediaType: general.mediaType, mtuSize: general.mtuSize,
            xmitLinkSpeed: adapter.linkState.xmitLinkSpeed, rcvLinkSpeed: adapter.linkState.rcvLinkSpeed,
            mediaConnectState: adapter.linkState.mediaConnectState, lookaheadSize: general.lookaheadSize,
            supportedPacketFilters: general.supportedPacketFilters,
            maxMulticastListSize: general.maxMulticastListSize, currentMacAddress: general.currentMacAddress,
            permanentMacAddress: general.permanentMacAddress, boundIfIndex: adapter.ifIndex,
            boundIfNetLuid: adapter.netLuid, dataBackFillSize: general.dataBackFillSize)
        _ = bindHandler(driver, BindContext(adapter: adapter), parameters)
    }

    /// Restarts a paused stack: the miniport, then the filters bottom-up,
    /// then the protocols (NetEventRestart). Returns the final status, or
    /// NDIS_STATUS_PENDING and calls `completion` when a component pended.
    @discardableResult
    public func restartStack(_ adapter: MiniportAdapter, completion: ((NDISStatus) -> Void)? = nil) -> NDISStatus {
        guard adapter.state == .paused else { return .invalidDeviceRequest }
        var steps: [Step] = [{ done in self.restartMiniport(adapter, done) }]
        for module in adapter.filters { steps.append { done in self.restartFilter(module, done) } }
        for binding in adapter.bindings { steps.append { done in self.restartBinding(binding, done) } }
        return run(steps, completion: completion)
    }

    /// Pauses a running stack: the protocols (NetEventPause), then the
    /// filters top-down, then the miniport. Nobody may fail a pause.
    @discardableResult
    public func pauseStack(_ adapter: MiniportAdapter, completion: ((NDISStatus) -> Void)? = nil) -> NDISStatus {
        guard adapter.state == .running else { return .invalidDeviceRequest }
        var steps: [Step] = []
        for binding in adapter.bindings { steps.append { done in self.pauseBinding(binding, done) } }
        for module in adapter.filters.reversed() { steps.append { done in self.pauseFilter(module, done) } }
        steps.append { done in self.pauseMiniport(adapter, done) }
        return run(steps, completion: completion)
    }

    /// PnP stop of a device: pause, unbind every protocol, detach every
    /// filter top-down, then MiniportHaltEx.
    @discardableResult
    public func stopAdapter(_ adapter: MiniportAdapter, action: HaltAction = .deviceStopped) -> NDISStatus {
        if adapter.state == .running {
            // A pended pause carries on with the stop when it completes.
            let paused = pauseStack(adapter) { _ in _ = self.stopAdapter(adapter, action: action) }
            guard paused == .success else { return paused }
        }
        guard adapter.state == .paused else { return .invalidDeviceRequest }
        for binding in adapter.bindings {
            _ = binding.driver.characteristics.unbindAdapterHandlerEx?(binding)
            if binding.state != .unbound { _ = binding.closeAdapter() }
        }
        for module in adapter.filters.reversed() { detach(module) }
        adapter.context?.halt(action)
        adapter.transition(.halt)
        adapters.removeAll { $0 === adapter }
        return .success
    }

    /// MiniportShutdownEx at system shutdown; nothing is called afterwards.
    @discardableResult
    public func shutdownAdapter(_ adapter: MiniportAdapter, action: ShutdownAction = .powerOff) -> NDISStatus {
        guard adapter.state.next(on: .shutdown) != nil else { return .invalidDeviceRequest }
        adapter.context?.shutdown(action)
        adapter.transition(.shutdown)
        adapters.removeAll { $0 === adapter }
        return .success
    }

    /// The miniport's half of a restart alone, for driving the state machine in tests.
    @discardableResult
    public func restartMiniport(_ adapter: MiniportAdapter) -> NDISStatus {
        var result = NDISStatus.pending
        restartMiniport(adapter) { result = $0 }
        return result
    }

    /// The miniport's half of a pause alone.
    @discardableResult
    public func pauseMiniport(_ adapter: MiniportAdapter) -> NDISStatus {
        var result = NDISStatus.pending
        pauseMiniport(adapter) { result = $0 }
        return result
    }

    /// MiniportHaltEx alone: legal only from Paused.
    @discardableResult
    public func haltMiniport(_ adapter: MiniportAdapter, action: HaltAction = .deviceStopped) -> NDISStatus {
        guard adapter.state.next(on: .halt) != nil else { return .invalidDeviceRequest }
        adapter.context?.halt(action)
        adapter.transition(.halt)
        return .success
    }

    // MARK: - Component steps

    typealias Step = (_ done: @escaping (NDISStatus) -> Void) -> Void

    func restartMiniport(_ adapter: MiniportAdapter, _ done: @escaping (NDISStatus) -> Void) {
        guard adapter.transition(.restart), let context = adapter.context else {
            done(.invalidDeviceRequest)
            return
        }
        let finish: (NDISStatus) -> Void = { status in
            adapter.transition(status == .success ? .restartSucceeded : .restartFailed)
            done(status)
        }
        adapter.pendingRestart = finish
        let status = context.restart()
        if status != .pending {
            adapter.pendingRestart = nil
            finish(status)
        }
    }

    func pauseMiniport(_ adapter: MiniportAdapter, _ done: @escaping (NDISStatus) -> Void) {
        guard adapter.transition(.pause), let context = adapter.context else {
            done(.invalidDeviceRequest)
            return
        }
        let finish: (NDISStatus) -> Void = { _ in
            adapter.transition(.pauseCompleted)
            done(.success)
        }
        adapter.pendingPause = finish
        if context.pause() != .pending {
            adapter.pendingPause = nil
            finish(.success)
        }
    }

    func restartFilter(_ module: FilterModule, _ done: @escaping (NDISStatus) -> Void) {
        guard let next = module.state.next(on: .restart), let context = module.context else {
            done(.invalidDeviceRequest)
            return
        }
        module.state = next
        let finish: (NDISStatus) -> Void = { status in
            module.state = module.state.next(on: status == .success ? .restartSucceeded : .restartFailed) ?? module.state
            done(status)
        }
        module.pendingRestart = finish
        let status = context.restart()
        if status != .pending {
            module.pendingRestart = nil
            finish(status)
        }
    }

    func pauseFilter(_ module: FilterModule, _ done: @escaping (NDISStatus) -> Void) {
        guard let next = module.state.next(on: .pause), let context = module.context else {
            done(.success)
            return
        }
        module.state = next
        let finish: (NDISStatus) -> Void = { _ in
            module.state = module.state.next(on: .pauseCompleted) ?? module.state
            done(.success)
        }
        module.pendingPause = finish
        if context.pause() != .pending {
            module.pendingPause = nil
            finish(.success)
        }
    }

    func restartBinding(_ binding: ProtocolBinding, _ done: @escaping (NDISStatus) -> Void) {
        guard let next = binding.state.next(on: .restart) else {
            done(.invalidDeviceRequest)
            return
        }
        binding.state = next
        let finish: (NDISStatus) -> Void = { status in
            binding.state = binding.state.next(on: status == .success ? .restartSucceeded : .restartFailed)
                ?? binding.state
            done(status)
        }
        binding.pendingPnP = finish
        let status = binding.context.netPnPEvent(NetPnPEvent(.restart))
        if status != .pending {
            binding.pendingPnP = nil
            finish(status)
        }
    }

    func pauseBinding(_ binding: ProtocolBinding, _ done: @escaping (NDISStatus) -> Void) {
        guard let next = binding.state.next(on: .pause) else {
            done(.success)
            return
        }
        binding.state = next
        let finish: (NDISStatus) -> Void = { _ in
            binding.state = binding.state.next(on: .pauseCompleted) ?? binding.state
            done(.success)
        }
        binding.pendingPnP = finish
        if binding.context.netPnPEvent(NetPnPEvent(.pause)) != .pending {
            binding.pendingPnP = nil
            finish(.success)
        }
    }

    /// Runs steps in order; a failed step stops the sequence. Returns the
    /// outcome if every step finished inline, else PENDING, and then reports
    /// through `completion`.
    func run(_ steps: [Step], completion: ((NDISStatus) -> Void)?) -> NDISStatus {
        final class Outcome { var status: NDISStatus?; var returned = false }
        let outcome = Outcome()
        func step(_ i: Int) {
            guard i < steps.count else { finish(.success); return }
            let current = steps[i]
            current({ status in
                if status == .success { step(i + 1) } else { finish(status) }
            })
        }
        func finish(_ status: NDISStatus) {
            outcome.status = status
            if outcome.returned { completion?(status) }
        }
        step(0)
        outcome.returned = true
        return outcome.status ?? .pending
    }
}
