/// The reachability state of a Neighbor Cache entry (RFC 4861 §7.3.2).
///
/// RFC 4861 also names PERMANENT for static entries; this cache has none,
/// as statically configured neighbours belong to the caller's own table.
public enum NeighborState: String, Sendable, CaseIterable {
    /// INCOMPLETE: address resolution is in progress (multicast Neighbor
    /// Solicitations going out) and the link-layer address is unknown, so
    /// packets wait in the entry's queue.
    case incomplete
    /// REACHABLE: reachability was confirmed within the last ReachableTime,
    /// so packets go without any further check.
    case reachable
    /// STALE: the link-layer address is known but unconfirmed for longer
    /// than ReachableTime; nothing is done until a packet is sent, since
    /// verifying idle neighbours would only add traffic.
    case stale
    /// DELAY: a packet was sent to a STALE neighbour; probing waits
    /// DELAY_FIRST_PROBE_TIME to give upper layers the chance to confirm
    /// reachability for free (a TCP ACK usually does).
    case delay
    /// PROBE: unicast Neighbor Solicitations are being sent every
    /// RetransTimer to verify the neighbour; packets still go meanwhile.
    case probe
}
