import NDIS
import NetCore

/// What the Neighbor Cache asks its caller to do. The cache never sends,
/// frees or reports anything itself; every packet handed in comes back out
/// exactly once, in a `.transmit`, `.unreachable` or `.discard`, or from
/// `NeighborCache.remove(_:)` / `removeAll()`.
public enum NeighborAction {
    /// Send this packet to the neighbour's link-layer address now: a new
    /// packet to a resolved neighbour, or one that waited in an INCOMPLETE
    /// entry's queue (RFC 4861 §7.2.5: "send any packets queued for the
    /// neighbor awaiting address resolution"), in the order it was queued.
    /// The packet's `next` link is nil.
    case transmit(NetBufferList, to: MACAddress)
    /// Send a Neighbor Solicitation for `target` (RFC 4861 §7.2.2): to its
    /// solicited-node multicast group when `unicastTo` is nil (address
    /// resolution from INCOMPLETE), else unicast to the cached link-layer
    /// address (Neighbor Unreachability Detection probe from PROBE, §7.3.3).
    case solicit(target: IPv6Address, unicastTo: MACAddress?)
    /// The neighbour did not answer and its entry is gone (§7.2.2 for
    /// INCOMPLETE, §7.3.3 for PROBE). `dropped` is the chain (linked by
    /// `next`) of packets that waited for address resolution: the caller
    /// sends an ICMPv6 Destination Unreachable (address unreachable) for each
    /// and frees them. It is nil after a failed probe, where nothing was
    /// queued; the caller may still want to know (default router selection,
    /// §6.3.6, prefers routers not known to be unreachable).
    case unreachable(IPv6Address, dropped: NetBufferList?)
    /// A packet refused without being sent: its INCOMPLETE entry's queue, or
    /// all queues together, were full (§7.2.2 replaces the oldest), or the
    /// cache was full of entries that cannot be evicted. The caller frees it.
    case discard(NetBufferList)
    /// A Neighbor Advertisement cleared the IsRouter flag of a neighbour
    /// that was a router (§7.2.5): the caller removes it from the Default
    /// Router List and updates Destination Cache entries that use it.
    case routerBecameHost(IPv6Address)
}
