import NetCore

/// NdisBindingHandle: one protocol bound to one adapter, through which the
/// protocol sends (NdisSendNetBufferLists), returns received lists
/// (NdisReturnNetBufferLists) and makes OID requests (NdisOidRequest).
public final class ProtocolBinding {
    /// The handle NDIS writes into SourceHandle of the lists this binding sends.
    public let handle: NdisHandle
    /// The protocol driver bound.
    public let driver: ProtocolDriver
    /// The adapter it is bound to.
    public unowned let adapter: MiniportAdapter
    /// ProtocolBindingContext.
    public let context: ProtocolBindingContext
    /// What NdisOpenAdapterEx was asked for (its frame types demultiplex receives).
    public let openParameters: OpenParameters
    /// The binding's state.
    public internal(set) var state: ProtocolBindingState = .unbound
    /// The packet filter this binding asked for (NDIS merges all bindings').
    public internal(set) var packetFilter: PacketFilter = []
    /// Lists sent through this binding and not yet completed.
    public internal(set) var outstandingSends = 0
    var pendingPnP: ((NDISStatus) -> Void)?

    init(handle: NdisHandle, driver: ProtocolDriver, adapter: MiniportAdapter, context: ProtocolBindingContext,
         openParameters: OpenParameters) {
        self.handle = handle
        self.driver = driver
        self.adapter = adapter
        self.context = context
        self.openParameters = openParameters
    }

    /// NdisSendNetBufferLists: hands the chain down the stack. Ownership
    /// passes to NDIS until ProtocolSendNetBufferListsComplete gives it back;
    /// while the binding is not Running every list completes at once with
    /// NDIS_STATUS_PAUSED.
        public func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber = .default,
                                   flags: SendFlags = []) {
        var n = 0
        var current: NetBufferList? = lists
        while let list = current {
            list.sourceHandle = handle
            n += 1
            current = list.next
        }
        outstandingSends += n
        guard state.allowsSend else {
            adapter.failSends(lists, status: .paused, above: adapter.filters.count)
            return
        }
        adapter.sendDown(lists, below: adapter.filters.count, portNumber: portNumber, flags: flags)
    }

    /// NdisReturnNetBufferLists: gives received lists back to their miniport.
        public func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags = []) {
        adapter.returnFromBinding(lists, flags: flags)
    }

    /// NdisOidRequest: a query or set sent down the stack. Returns the final
    /// status, or NDIS_STATUS_PENDING and later calls ProtocolOidRequestComplete.
    public func oidRequest(_ request: OidRequest) -> NDISStatus {
        adapter.oidRequestFromBinding(request, binding: self)
    }

    /// NdisCancelSendNetBufferLists.
    public func cancelSendNetBufferLists(_ cancelId: UInt64) {
        adapter.cancelSend(cancelId, below: adapter.filters.count)
    }

    /// NdisCompleteNetPnPEvent: a pended NetEventPause or NetEventRestart finished.
    public func netPnPEventComplete(_ status: NDISStatus) {
        let done = pendingPnP
        pendingPnP = nil
        done?(status)
    }

    /// NdisCloseAdapterEx: ends the binding; called from ProtocolUnbindAdapterEx.
    public func closeAdapter() -> NDISStatus {
        guard let next = state.next(on: .unbind) else { return .invalidDeviceRequest }
        state = next
        adapter.removeBinding(self)
        state = .unbound
        return .success
    }
}
