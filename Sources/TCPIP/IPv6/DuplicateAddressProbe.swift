import NetCore

/// Duplicate Address Detection in progress for one tentative address
/// (RFC 4862 §5.4): the probes still to send and, for a stable-privacy
/// address, what is needed to form the next candidate should this one be
/// taken (RFC 7217 §6).
struct DuplicateAddressProbe {
    /// Neighbor Solicitations still to send before the address is assigned.
    var transmitsLeft: Int
    /// The pending probe or completion timer.
    var timer: TimerID?
    /// The prefix the address was formed from, for a retry with the next
    /// DAD_Counter; nil for addresses that are not retried.
    var retryPrefix: IPv6Prefix?
    /// DAD_Counter the address was made with.
    var dadCounter: UInt32
}
