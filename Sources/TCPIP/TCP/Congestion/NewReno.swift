import NetCore

/// NewReno's window rules (RFC 5681 §3, RFC 6582 §3.2): slow start with
/// appropriate byte counting up to ssthresh (RFC 3465, L = 2), then
/// congestion avoidance adding one SMSS per window of acknowledged bytes, and
/// halving on a congestion signal. Retransmission and the recovery itself
/// are the connection's.
public struct NewReno: TCPCongestionControl {
    public var name: String { "NewReno" }
    public private(set) var congestionWindow: Int
    public private(set) var slowStartThreshold: Int = .max

    /// SMSS, in bytes.
    public private(set) var maximumSegmentSize: Int
    /// The initial window in segments the connection asked for (RFC 6928 uses 10).
    public let initialWindowSegments: Int
    /// Bytes acknowledged in congestion avoidance since cwnd last grew (RFC 3465 §2.1's bytes_acked).
    private var bytesAcknowledgedInAvoidance = 0
    /// The retransmission timer fired and no ACK has advanced since: a
    /// second expiry of the same data keeps ssthresh (RFC 5681 §3.1, note to equation 4).
    private var inLossWindow = false

    /// A controller starting from the initial window of RFC 6928 (10 segments by default).
    public init(maximumSegmentSize: Int, initialWindowSegments: Int = 10) {
        let mss = Swift.max(1, maximumSegmentSize)
        self.maximumSegmentSize = mss
        self.initialWindowSegments = Swift.max(1, initialWindowSegments)
        congestionWindow = Self.initialWindow(maximumSegmentSize: mss, segments: self.initialWindowSegments)
    }

    public mutating func acknowledged(bytes: Int, now: Instant, rtt: Duration?, isWindowLimited: Bool) {
        guard bytes > 0 else { return }
        inLossWindow = false
        // RFC 7661 §4.3: a window the sender is not using says nothing about the path.
        guard isWindowLimited else { return }
        var avoidanceBytes = bytes
        if congestionWindow < slowStartThreshold {
            let step = Self.slowStart(window: congestionWindow, threshold: slowStartThreshold,
                                      acknowledged: bytes, maximumSegmentSize: maximumSegmentSize)
            congestionWindow = step.window
            avoidanceBytes = step.leftover
        }
        guard avoidanceBytes > 0 else { return }
        // RFC 3465 §2.1 / RFC 5681 §3.1: one SMSS per cwnd of acknowledged bytes.
        bytesAcknowledgedInAvoidance += avoidanceBytes
        if bytesAcknowledgedInAvoidance >= congestionWindow {
            bytesAcknowledgedInAvoidance -= congestionWindow
            congestionWindow += maximumSegmentSize
        }
    }

    public mutating func congestionEvent(flightSize: Int, now: Instant) {
        // RFC 5681 §3.2 step 2 (equation 4); the window is not inflated by
        // duplicate ACKs because the connection paces recovery by pipe.
        slowStartThreshold = halvedThreshold(flightSize: flightSize)
        congestionWindow = slowStartThreshold
        bytesAcknowledgedInAvoidance = 0
    }

    public mutating func recoveryEnded(now: Instant) {
        // RFC 6582 §3.2 step 3, second option: deflate to ssthresh.
        congestionWindow = slowStartThreshold
        bytesAcknowledgedInAvoidance = 0
    }

    public mutating func retransmissionTimeout(flightSize: Int, now: Instant) {
        if !inLossWindow { slowStartThreshold = halvedThreshold(flightSize: flightSize) }
        // RFC 5681 §3.1: the loss window is one segment.
        congestionWindow = maximumSegmentSize
        bytesAcknowledgedInAvoidance = 0
        inLossWindow = true
    }

    public mutating func ecnEcho(flightSize: Int, now: Instant) {
        // RFC 3168 §6.1.2: as for a loss, ssthresh = max(FlightSize/2, 2·SMSS) and cwnd = ssthresh.
        congestionEvent(flightSize: flightSize, now: now)
    }

    public mutating func idleRestart(now: Instant) {
        // RFC 5681 §4.1: the restart window RW = min(IW, cwnd).
        congestionWindow = Swift.min(congestionWindow,
                                     Self.initialWindow(maximumSegmentSize: maximumSegmentSize, segments: initialWindowSegments))
        bytesAcknowledgedInAvoidance = 0
    }

    public mutating func setMaximumSegmentSize(_ mss: Int) {
        guard mss > 0 else { return }
        maximumSegmentSize = mss
        congestionWindow = Swift.max(congestionWindow, mss)
    }

    /// RFC 5681 equation 4: ssthresh = max(FlightSize / 2, 2·SMSS).
    private func halvedThreshold(flightSize: Int) -> Int {
        Swift.max(Swift.max(0, flightSize) / 2, 2 * maximumSegmentSize)
    }
}
