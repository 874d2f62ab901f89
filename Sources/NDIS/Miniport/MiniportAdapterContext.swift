import NetCore

/// MiniportAdapterContext: the per-adapter half of a miniport driver — the
/// NDIS 6 handler set that NDIS calls for one adapter. A driver's
/// MiniportInitializeEx creates one and registers it with
/// `adapter.setAttributes(.registration(…))`.
///
/// Handlers may complete inline or return NDIS_STATUS_PENDING and complete
/// later through the adapter (NdisMPauseComplete, NdisMRestartComplete,
/// NdisMOidRequestComplete), exactly as in NDIS.
public protocol MiniportAdapterContext: AnyObject {
    /// MiniportHaltEx: release everything; called only from Paused.
    func halt(_ action: HaltAction)
    /// MiniportPause: stop indicating, complete pending sends, wait for every
    /// indicated list to come back; may pend (NdisMPauseComplete) but not fail.
    func pause() -> NDISStatus
    /// MiniportRestart: start sending and receiving; may pend or fail.
    func restart() -> NDISStatus
    /// MiniportOidRequest: answer a query or apply a set; may pend.
    func oidRequest(_ request: OidRequest) -> NDISStatus
    /// MiniportSendNetBufferLists: always asynchronous; every list comes back
    /// through NdisMSendNetBufferListsComplete with its Status set.
    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags)
    /// MiniportReturnNetBufferLists: lists this miniport indicated come home.
    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags)
    /// MiniportCancelSend: complete queued lists with this cancel id as
    /// NDIS_STATUS_SEND_ABORTED.
    func cancelSend(_ cancelId: UInt64)
    /// MiniportCheckForHangEx: true asks NDIS to reset the adapter.
    func checkForHang() -> Bool
    /// MiniportResetEx: returns the status and whether NDIS must replay the
    /// addressing OIDs (AddressingReset).
    func reset() -> (status: NDISStatus, addressingReset: Bool)
    /// MiniportDevicePnPEventNotify.
    func devicePnPEventNotify(_ event: DevicePnPEvent)
    /// MiniportShutdownEx: put the hardware in a known state; nothing follows.
    func shutdown(_ action: ShutdownAction)
    /// MiniportCancelOidRequest: complete the pended OID with this id as
    /// NDIS_STATUS_REQUEST_ABORTED.
    func cancelOidRequest(_ requestId: UInt64)
}

extension MiniportAdapterContext {
    /// No queue to cancel from by default: sends complete as they are made.
    public func cancelSend(_ cancelId: UInt64) {}
    /// Virtual miniports never hang (NDIS wants CheckForHang NULL for them).
    public func checkForHang() -> Bool { false }
    /// A reset with nothing to reset succeeds.
    public func reset() -> (status: NDISStatus, addressingReset: Bool) { (.success, false) }
    public func devicePnPEventNotify(_ event: DevicePnPEvent) {}
    public func cancelOidRequest(_ requestId: UInt64) {}
}
