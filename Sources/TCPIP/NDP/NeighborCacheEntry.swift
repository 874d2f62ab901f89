import NDIS
import NetCore

/// One Neighbor Cache entry (RFC 4861 §5.1): the neighbour's link-layer
/// address, IsRouter flag, packet queue, reachability state and the data
/// its timer needs.
struct NeighborCacheEntry {
    var state: NeighborState
    /// Meaningless (zero) while INCOMPLETE.
    var mac: MACAddress
    var isRouter: Bool
    /// Packets awaiting address resolution, only ever non-empty while INCOMPLETE.
    var queue = NetBufferListChain()
    /// Solicitations sent in the current INCOMPLETE or PROBE run.
    var solicitsSent = 0
    /// The entry's one pending timer, whose meaning depends on `state`.
    var timer: TimerID?
    /// When a packet last went to (or was queued for) the neighbour, or the
    /// entry was created: the eviction order.
    var lastUsed: Instant

    init(state: NeighborState, mac: MACAddress, isRouter: Bool, now: Instant) {
        self.state = state
        self.mac = mac
        self.isRouter = isRouter
        self.lastUsed = now
    }

    /// Takes the oldest queued packet out, for §7.2.2's "the new arrival
    /// SHOULD replace the oldest entry". O(queue length), which is bounded.
    mutating func removeOldest() -> NetBufferList? {
        guard let head = queue.take() else { return nil }
        var rest = head.next
        head.next = nil
        while let list = rest {
            rest = list.next
            queue.append(list)
        }
        return head
    }
}
