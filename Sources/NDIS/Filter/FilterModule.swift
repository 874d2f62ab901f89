import NetCore

/// NdisFilterHandle: NDIS's side of one filter module, through which the
/// module passes data on (NdisFSendNetBufferLists, NdisFIndicateReceiveNetBufferLists, …).
public final class FilterModule {
    /// The handle NDIS writes into the SourceHandle of lists this module originates.
    public let handle: NdisHandle
    /// The driver this module is an instance of.
    public let driver: FilterDriver
    /// The adapter whose stack the module sits in.
    public unowned let adapter: MiniportAdapter
    /// FilterModuleContext, registered by NdisFSetAttributes.
    public private(set) var context: FilterModuleContext?
    /// The module's state.
    public internal(set) var state: FilterModuleState = .detached
    /// Index in the adapter's filter stack, 0 being nearest the miniport.
    var position = 0
    var pendingPause: ((NDISStatus) -> Void)?
    var pendingRestart: ((NDISStatus) -> Void)?

    init(handle: NdisHandle, driver: FilterDriver, adapter: MiniportAdapter) {
        self.handle = handle
        self.driver = driver
        self.adapter = adapter
    }

    /// NdisFSetAttributes: registers the module's context during FilterAttach.
    public func setAttributes(_ context: FilterModuleContext) -> NDISStatus {
        guard state == .attaching else { return .invalidDeviceRequest }
        self.context = context
        return .success
    }

    /// NdisFSendNetBufferLists: passes lists on towards the miniport.
        public func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        adapter.sendDown(lists, below: position, portNumber: portNumber, flags: flags)
    }

    /// NdisFSendNetBufferListsComplete: passes completed lists on towards their originator.
        public func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        adapter.completeUp(lists, above: position, flags: flags)
    }

    /// NdisFCancelSendNetBufferLists.
    public func cancelSendNetBufferLists(_ cancelId: UInt64) {
        adapter.cancelSend(cancelId, below: position)
    }

    /// NdisFIndicateReceiveNetBufferLists: passes received lists on towards the protocols.
        public func indicateReceiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int,
                                              flags: ReceiveFlags) {
        adapter.receiveUp(lists, above: position, portNumber: portNumber, count: count, flags: flags)
    }

    /// NdisFReturnNetBufferLists: passes returned lists on towards the miniport.
        public func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        adapter.returnDown(lists, below: position, flags: flags)
    }

    /// NdisFOidRequest: passes a request on towards the miniport.
    public func oidRequest(_ request: OidRequest) -> NDISStatus {
        adapter.oidRequestDown(request, below: position)
    }

    /// NdisFIndicateStatus: passes a status indication on towards the protocols.
    public func indicateStatus(_ indication: StatusIndication) {
        adapter.statusUp(indication, above: position)
    }

    /// NdisFPauseComplete: a pended FilterPause finished.
    public func pauseComplete() {
        let done = pendingPause
        pendingPause = nil
        done?(.success)
    }

    /// NdisFRestartComplete: a pended FilterRestart finished.
    public func restartComplete(_ status: NDISStatus) {
        let done = pendingRestart
        pendingRestart = nil
        done?(status)
    }
}
