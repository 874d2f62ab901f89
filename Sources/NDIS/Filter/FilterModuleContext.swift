import NetCore

/// FilterModuleContext: the handlers of one filter module (a filter driver's
/// instance on one adapter). The data-path handlers default to passing
/// everything through, as NDIS does for a NULL handler.
public protocol FilterModuleContext: AnyObject {
    /// The NDIS handle of this module (NdisFilterHandle), for the pass-through defaults.
    var filterModule: FilterModule { get }
    /// FilterDetach: release the module; cannot fail.
    func detach()
    /// FilterRestart: may pend (NdisFRestartComplete) or fail.
    func restart() -> NDISStatus
    /// FilterPause: wait for own sends and receive indications; may pend
    /// (NdisFPauseComplete); cannot fail.
    func pause() -> NDISStatus
    /// FilterSendNetBufferLists.
    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags)
    /// FilterSendNetBufferListsComplete: lists this module originated must
    /// not be passed up; the rest go on with NdisFSendNetBufferListsComplete.
    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags)
    /// FilterCancelSendNetBufferLists.
    func cancelSendNetBufferLists(_ cancelId: UInt64)
    /// FilterReceiveNetBufferLists.
    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags)
    /// FilterReturnNetBufferLists.
    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags)
    /// FilterOidRequest.
    func oidRequest(_ request: OidRequest) -> NDISStatus
    /// FilterStatus.
    func status(_ indication: StatusIndication)
    /// FilterNetPnPEvent.
    func netPnPEvent(_ event: NetPnPEvent) -> NDISStatus
}

extension FilterModuleContext {
    public func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {
        filterModule.sendNetBufferLists(lists, portNumber: portNumber, flags: flags)
    }
    public func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        filterModule.sendNetBufferListsComplete(lists, flags: flags)
    }
    public func cancelSendNetBufferLists(_ cancelId: UInt64) {
        filterModule.cancelSendNetBufferLists(cancelId)
    }
    public func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        filterModule.indicateReceiveNetBufferLists(lists, portNumber: portNumber, count: count, flags: flags)
    }
    public func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {
        filterModule.returnNetBufferLists(lists, flags: flags)
    }
    public func oidRequest(_ request: OidRequest) -> NDISStatus {
        filterModule.oidRequest(request)
    }
    public func status(_ indication: StatusIndication) {
        filterModule.indicateStatus(indication)
    }
    public func netPnPEvent(_ event: NetPnPEvent) -> NDISStatus { .success }
}
