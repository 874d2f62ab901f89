import NDIS

extension WireStatistics {
    /// The counts between an earlier snapshot and this one, for a scenario
    /// that only wants what happened during one phase.
    public func subtracting(_ earlier: WireStatistics) -> WireStatistics {
        var d = WireStatistics()
        d.transmitted = transmitted - earlier.transmitted
        d.delivered = delivered - earlier.delivered
        d.lost = lost - earlier.lost
        d.duplicated = duplicated - earlier.duplicated
        d.reordered = reordered - earlier.reordered
        d.corrupted = corrupted - earlier.corrupted
        d.congestionMarked = congestionMarked - earlier.congestionMarked
        d.droppedTooBig = droppedTooBig - earlier.droppedTooBig
        d.droppedQueueFull = droppedQueueFull - earlier.droppedQueueFull
        d.droppedNoBuffer = droppedNoBuffer - earlier.droppedNoBuffer
        d.droppedByReceiver = droppedByReceiver - earlier.droppedByReceiver
        d.droppedLinkDown = droppedLinkDown - earlier.droppedLinkDown
        return d
    }
}
