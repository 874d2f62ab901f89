import NetCore

extension Ndis {
    /// Surprise removal of a device: NDIS tells the miniport
    /// (MiniportDevicePnPEventNotify with NdisDevicePnPEventSurpriseRemoved),
    /// refuses new sends and OIDs, then tears the stack down and halts it.
    public func surpriseRemove(_ adapter: MiniportAdapter) {
        guard adapter.state != .halted, adapter.state != .shutdown else { return }
        adapter.surpriseRemoved = true
        adapter.context?.devicePnPEventNotify(.surpriseRemoved)
        _ = stopAdapter(adapter, action: .deviceSurpriseRemoved)
    }

    /// The periodic check NDIS makes (every CheckForHangTimeInSeconds):
    /// MiniportCheckForHangEx on every running adapter, and a reset of each
    /// that reports a hang. Returns the adapters reset.
    @discardableResult
    public func checkForHang() -> [MiniportAdapter] {
        var reset: [MiniportAdapter] = []
        for adapter in adapters where adapter.state == .running {
            if adapter.context?.checkForHang() == true {
                _ = resetAdapter(adapter)
                reset.append(adapter)
            }
        }
        return reset
    }

    /// NdisReset / a hang: NDIS_STATUS_RESET_START goes up the stack,
    /// MiniportResetEx runs (it may pend; then `adapter.resetComplete`), and
    /// when it asks for it NDIS replays the addressing OIDs (packet filter,
    /// multicast list); then NDIS_STATUS_RESET_END goes up.
    @discardableResult
    public func resetAdapter(_ adapter: MiniportAdapter) -> NDISStatus {
        guard adapter.state.allowsOids, let context = adapter.context else { return .invalidDeviceRequest }
        guard adapter.pendingReset == nil else { return .resetInProgress }
        adapter.statusUp(StatusIndication(statusCode: .resetStart), above: -1)
        var finished: NDISStatus?
        adapter.pendingReset = { status, addressingReset in
            adapter.pendingReset = nil
            if status == .success && addressingReset { adapter.replayAddressing() }
            adapter.statusUp(StatusIndication(statusCode: .resetEnd), above: -1)
            finished = status
        }
        let (status, addressingReset) = context.reset()
        if status != .pending { adapter.pendingReset?(status, addressingReset) }
        return finished ?? .pending
    }
}

extension MiniportAdapter {
    /// NdisMResetComplete: a pended MiniportResetEx finished.
    public func resetComplete(_ status: NDISStatus, addressingReset: Bool) {
        pendingReset?(status, addressingReset)
    }

    /// After a reset that lost the miniport's addressing state, NDIS sets
    /// the packet filter and multicast list it last set again.
    func replayAddressing() {
        _ = context?.oidRequest(OidRequest(set: .genCurrentPacketFilter,
                                           input: OidRequest.littleEndianBytes(packetFilter.rawValue)))
        _ = context?.oidRequest(OidRequest(set: .ieee8023MulticastList, input: multicastList.flatMap { $0.bytes }))
    }
}
