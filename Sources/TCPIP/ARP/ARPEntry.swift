import NDIS
import NetCore

/// The state of an ARP cache entry.
public enum ARPEntryState: String, Sendable {
    /// A request is out and no answer has come; packets wait in the entry's queue.
    case incomplete
    /// Confirmed recently: used without question.
    case reachable
    /// Not confirmed for the reachable time: still used, and re-confirmed by
    /// a unicast request the first time it is.
    case stale
}

/// One neighbour in the ARP cache.
struct ARPEntry {
    var state: ARPEntryState
    var mac: MACAddress
    var interfaceIndex: UInt32
    var confirmed: Instant
    var requestsSent: Int
    var timer: TimerID?
    var queue = NetBufferListChain()
    var refreshPending = false
}
