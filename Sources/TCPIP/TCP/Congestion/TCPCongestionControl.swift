import NetCore

/// A congestion controller: the sender's congestion window and slow-start
/// threshold, and how they answer acknowledgments and congestion signals.
///
/// The controller is told what happened; the connection does loss detection
/// and recovery itself (RFC 6675, RFC 8985) and calls in at the points RFC
/// 5681 names. Windows are in bytes.
public protocol TCPCongestionControl: Sendable {
    /// The algorithm's name, for statistics and traces.
    var name: String { get }
    /// cwnd, in bytes: how much may be in flight.
    var congestionWindow: Int { get }
    /// ssthresh, in bytes: below it the window grows by slow start (Int.max until the first congestion signal).
    var slowStartThreshold: Int { get }
    /// `bytes` newly acknowledged cumulatively (and not during recovery).
    /// `isWindowLimited`: the sender had filled cwnd (RFC 7661: do not grow
    /// otherwise). `rtt`: the latest sample if any.
    mutating func acknowledged(bytes: Int, now: Instant, rtt: Duration?, isWindowLimited: Bool)
    /// A loss was detected (fast retransmit, SACK or RACK): entering fast
    /// recovery, called once per window of data. Sets ssthresh and cwnd (cwnd = ssthresh).
    mutating func congestionEvent(flightSize: Int, now: Instant)
    /// Fast recovery ended (snd.una reached the recovery point).
    mutating func recoveryEnded(now: Instant)
    /// The retransmission timer fired: RFC 5681 §3.1 (ssthresh from flight
    /// size, cwnd = 1 SMSS loss window); CUBIC per RFC 9438 §4.8.
    mutating func retransmissionTimeout(flightSize: Int, now: Instant)
    /// ECN-Echo (RFC 3168 §6.1.2), at most once per window: reduce as for a loss, without a retransmission.
    mutating func ecnEcho(flightSize: Int, now: Instant)
    /// The connection was idle longer than an RTO (RFC 5681 §4.1): cwnd = min(cwnd, initial window).
    mutating func idleRestart(now: Instant)
    /// The sender's MSS changed (path MTU).
    mutating func setMaximumSegmentSize(_ mss: Int)
}

extension TCPCongestionControl {
    /// RFC 3465 §2.3's limit L on slow start's growth per ACK, in segments:
    /// an ACK covering more (a stretch ACK, or one after a loss) does not
    /// make the window jump.
    static var slowStartLimitSegments: Int { 2 }

    /// The initial window of RFC 6928 §2, min(10·MSS, max(2·MSS, 14600)),
    /// generalised to `segments` in place of 10 (and 1460 bytes per segment
    /// in place of 14600).
    static func initialWindow(maximumSegmentSize mss: Int, segments: Int) -> Int {
        let n = Swift.max(1, segments)
        return Swift.min(n * mss, Swift.max(2 * mss, n * 1460))
    }

    /// Slow start with appropriate byte counting (RFC 3465 §2.2, RFC 5681
    /// §3.1): cwnd grows by the bytes acknowledged, at most L·SMSS per ACK,
    /// and stops at ssthresh. Returns the new window and the acknowledged
    /// bytes slow start did not use, which belong to congestion avoidance.
    static func slowStart(window: Int, threshold: Int, acknowledged bytes: Int,
                          maximumSegmentSize mss: Int) -> (window: Int, leftover: Int) {
        let increase = Swift.min(bytes, slowStartLimitSegments * mss)
        let room = threshold - window
        if increase < room { return (window + increase, 0) }
        return (threshold, bytes - Swift.max(0, room))
    }
}
