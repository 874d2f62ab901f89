import NetCore

/// ProtocolBindingContext: the handlers of one protocol binding.
public protocol ProtocolBindingContext: AnyObject {
    /// ProtocolReceiveNetBufferLists: without NDIS_RECEIVE_FLAGS_RESOURCES
    /// the lists are the protocol's until it returns them with
    /// NdisReturnNetBufferLists; with it, only for the call.
    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags)
    /// ProtocolSendNetBufferListsComplete: lists the protocol sent, with Status set.
    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags)
    /// ProtocolStatusEx: a status indication, e.g. NDIS_STATUS_LINK_STATE.
    func status(_ indication: StatusIndication)
    /// ProtocolNetPnPEvent: NetEventPause (wait for own sends; may pend, then
    /// `binding.netPnPEventComplete`), NetEventRestart, …
    func netPnPEvent(_ event: NetPnPEvent) -> NDISStatus
    /// ProtocolOidRequestComplete: a pended NdisOidRequest finished.
    func oidRequestComplete(_ request: OidRequest, status: NDISStatus)
}

extension ProtocolBindingContext {
    public func status(_ indication: StatusIndication) {}
    public func netPnPEvent(_ event: NetPnPEvent) -> NDISStatus { .success }
    public func oidRequestComplete(_ request: OidRequest, status: NDISStatus) {}
}
