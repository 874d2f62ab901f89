import NetCore

/// CUBIC (RFC 9438): after a congestion event the window follows
/// W_cubic(t) = C·(t − K)³ + W_max, a function of the time since the
/// congestion avoidance stage began rather than of ACKs, so flows with
/// different RTTs share a bottleneck fairly and long fat paths refill fast.
/// Where standard Reno would be faster (short RTTs, small windows), the
/// Reno-friendly estimate W_est of §4.3 takes over. Slow start is NewReno's
/// (RFC 3465 ABC); HyStart++ is not implemented.
///
/// The cubic function is evaluated in segments and seconds, as the RFC writes
/// it; the window itself is kept in bytes (with its fraction, so that the
/// per-ACK increments of §4.4 and §4.5 add up).
public struct Cubic: TCPCongestionControl {
    /// C, the scaling constant of RFC 9438 §5.1 (segments per second³).
    public static let c = 0.4
    /// β_cubic, the multiplicative decrease factor of RFC 9438 §4.6.
    public static let beta = 0.7
    /// α_cubic of RFC 9438 §4.3: the Reno-friendly additive increase, in
    /// segments per RTT, that gives the same average rate as Reno's 1 with β = 0.5.
    public static let renoFriendlyAlpha = 3 * (1 - beta) / (1 + beta)

    public var name: String { "CUBIC" }
    public var congestionWindow: Int { Int(window) }
    public private(set) var slowStartThreshold: Int = .max

    /// W_max, in bytes: the window just before the last reduction (lowered
    /// by fast convergence, §4.7), where the cubic curve has its plateau. 0
    /// while undefined: before any congestion event and after an RTO, until
    /// the next congestion avoidance stage sets it to the window then (§4.8, §4.10).
    public private(set) var wMax: Double = 0
    /// K: how long the cubic function takes from the start of the current
    /// congestion avoidance stage to climb back to W_max (§4.2).
    public private(set) var k: Duration = .zero
    /// t_epoch: when the current congestion avoidance stage began; nil
    /// outside congestion avoidance, and after an idle restart so that idle
    /// time does not count towards t (§5.8).
    public private(set) var epochStart: Instant?
    /// SMSS, in bytes.
    public private(set) var maximumSegmentSize: Int
    /// The initial window in segments the connection asked for (RFC 6928 uses 10).
    public let initialWindowSegments: Int

    /// cwnd in bytes, with the fraction the per-ACK increments accumulate.
    private var window: Double
    /// cwnd_prior of §4.6: the window at the last congestion event (0 while undefined).
    private var windowPrior: Double = 0
    /// W_est of §4.3, in bytes.
    private var estimate: Double = 0
    /// K in seconds.
    private var kSeconds: Double = 0
    /// The RTT that §4.2's target W_cubic(t + RTT) looks ahead by.
    private var rtt: Duration?
    /// When ACKs stopped filling the window during congestion avoidance:
    /// t stands still while the application, not the window, limits the sender.
    private var appLimitedSince: Instant?
    /// The retransmission timer fired and no ACK has advanced since, so a
    /// repeated expiry keeps ssthresh (RFC 5681 §3.1, note to equation 4).
    private var inLossWindow = false

    /// A controller starting from the initial window of RFC 6928 (10 segments by default).
    public init(maximumSegmentSize: Int, initialWindowSegments: Int = 10) {
        let mss = Swift.max(1, maximumSegmentSize)
        self.maximumSegmentSize = mss
        self.initialWindowSegments = Swift.max(1, initialWindowSegments)
        window = Double(Self.initialWindow(maximumSegmentSize: mss, segments: self.initialWindowSegments))
    }

    /// W_cubic(t) of RFC 9438 §4.2 (Figure 1), in bytes: C·(t − K)³
    /// segments, with t and K in seconds, plus W_max given in bytes.
    public static func window(elapsed: Duration, wMax: Double, k: Double, maximumSegmentSize: Int) -> Double {
        let offset = elapsed.secondsDouble - k
        return c * offset * offset * offset * Double(maximumSegmentSize) + wMax
    }

    public mutating func acknowledged(bytes: Int, now: Instant, rtt: Duration?, isWindowLimited: Bool) {
        guard bytes > 0 else { return }
        inLossWindow = false
        if let rtt, rtt > .zero { self.rtt = rtt }
        guard isWindowLimited else {
            // RFC 7661 §4.3 and RFC 9438 §5.8: an unused window does not
            // grow, and the time it is unused does not count towards t.
            if epochStart != nil && appLimitedSince == nil { appLimitedSince = now }
            return
        }
        if let since = appLimitedSince, let start = epochStart, now > since {
            epochStart = start + (now - since)
        }
        appLimitedSince = nil

        var avoidanceBytes = bytes
        if congestionWindow < slowStartThreshold {
            let step = Self.slowStart(window: congestionWindow, threshold: slowStartThreshold,
                                      acknowledged: bytes, maximumSegmentSize: maximumSegmentSize)
            window = Double(step.window)
            avoidanceBytes = step.leftover
        }
        guard avoidanceBytes > 0 else { return }
        if epochStart == nil { beginEpoch(now: now) }
        growInAvoidance(acknowledged: Double(avoidanceBytes), now: now)
    }

    public mutating func congestionEvent(flightSize: Int, now: Instant) {
        reduce(flightSize: flightSize, floorSegments: 2)
    }

    public mutating func recoveryEnded(now: Instant) {
        // The congestion avoidance stage, and so t, begins with the first ACK after recovery.
        epochStart = nil
        appLimitedSince = nil
    }

    public mutating func retransmissionTimeout(flightSize: Int, now: Instant) {
        // RFC 9438 §4.8: ssthresh as for a loss (§4.6), cwnd to Reno's loss
        // window, and the next congestion avoidance stage starts its curve
        // afresh (K = 0, W_max = the window then), so W_max is left undefined.
        if !inLossWindow {
            windowPrior = window
            slowStartThreshold = Swift.max(Int(Double(Swift.max(0, flightSize)) * Self.beta), 2 * maximumSegmentSize)
        }
        window = Double(maximumSegmentSize)
        wMax = 0
        kSeconds = 0
        k = .zero
        epochStart = nil
        appLimitedSince = nil
        inLossWindow = true
    }

    public mutating func ecnEcho(flightSize: Int, now: Instant) {
        // RFC 9438 §4.6: as for a loss, but the window may go down to one segment.
        reduce(flightSize: flightSize, floorSegments: 1)
    }

    public mutating func idleRestart(now: Instant) {
        // RFC 5681 §4.1's restart window; the epoch restarts with the next
        // congestion avoidance ACK, with K recomputed from the window then,
        // as Linux does, so the idle time is not counted in t (RFC 9438 §5.8).
        let initial = Self.initialWindow(maximumSegmentSize: maximumSegmentSize, segments: initialWindowSegments)
        window = Swift.min(window, Double(initial))
        epochStart = nil
        appLimitedSince = nil
    }

    public mutating func setMaximumSegmentSize(_ mss: Int) {
        guard mss > 0 else { return }
        maximumSegmentSize = mss
        window = Swift.max(window, Double(mss))
        // K is counted in segments, so the curve is restarted from the present window.
        epochStart = nil
        appLimitedSince = nil
    }

    /// §4.6 and §4.7: the multiplicative decrease and W_max's new value.
    private mutating func reduce(flightSize: Int, floorSegments: Int) {
        let mss = Double(maximumSegmentSize)
        let prior = window
        // §4.7 fast convergence: a flow whose window stopped short of the
        // last W_max releases bandwidth to newer flows by aiming lower.
        wMax = prior < wMax ? prior * (1 + Self.beta) / 2 : prior
        windowPrior = prior
        let reduced = Double(Swift.max(0, flightSize)) * Self.beta
        slowStartThreshold = Swift.max(Int(reduced), 2 * maximumSegmentSize)
        window = Swift.max(reduced.rounded(.down), Double(floorSegments) * mss)
        setK(windowAtEpoch: window)
        epochStart = nil
        appLimitedSince = nil
        inLossWindow = false
    }

    /// The start of a congestion avoidance stage (§4.2): t counts from here,
    /// W_est starts from the window (§4.3), and K is the time the curve
    /// takes from this window to W_max. With W_max undefined, or already
    /// reached, the curve starts here with K = 0 (§4.8, §4.10).
    private mutating func beginEpoch(now: Instant) {
        epochStart = now
        if windowPrior == 0 { windowPrior = window }
        if wMax < window { wMax = window }
        estimate = window
        setK(windowAtEpoch: window)
    }

    /// K = cbrt((W_max − cwnd_epoch) / C), in segments and seconds (§4.2);
    /// with cwnd_epoch = β·W_max this is cbrt(W_max·(1 − β)/C).
    private mutating func setK(windowAtEpoch: Double) {
        let gapSegments = (wMax - windowAtEpoch) / Double(maximumSegmentSize)
        kSeconds = gapSegments > 0 ? Self.cubeRoot(gapSegments / Self.c) : 0
        k = .nanoseconds(Int64(Swift.min(kSeconds, 1e9) * 1e9))
    }

    /// The congestion avoidance increase for `acknowledged` bytes (§4.3–§4.5).
    private mutating func growInAvoidance(acknowledged: Double, now: Instant) {
        guard let start = epochStart else { return }
        let mss = Double(maximumSegmentSize)
        let elapsed = now > start ? now - start : .zero

        // §4.3: W_est grows by α_cubic segments per window acknowledged,
        // and by Reno's 1 once it passes the window of the last reduction.
        let alpha = estimate >= windowPrior ? 1 : Self.renoFriendlyAlpha
        estimate += alpha * acknowledged * mss / window

        let cubic = Self.window(elapsed: elapsed, wMax: wMax, k: kSeconds, maximumSegmentSize: maximumSegmentSize)
        if cubic < estimate {
            // Reno-friendly region: follow W_est, never shrinking on an ACK.
            window = Swift.max(window, estimate)
            return
        }
        // §4.4 (concave) and §4.5 (convex): close the gap to the window one
        // RTT ahead, the target kept within [cwnd, 1.5·cwnd] (§4.2).
        let ahead = Self.window(elapsed: elapsed + (rtt ?? .zero), wMax: wMax, k: kSeconds,
                                maximumSegmentSize: maximumSegmentSize)
        let target = Swift.min(Swift.max(ahead, window), 1.5 * window)
        window += (target - window) / window * acknowledged
    }

    /// The real cube root, by Newton's method from a power-of-two first
    /// guess (the standard library has no cbrt, and Foundation is not used).
    static func cubeRoot(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x.isNaN ? 0 : x }
        let magnitude = Swift.abs(x)
        var y = Double(sign: .plus, exponent: magnitude.exponent / 3, significand: 1)
        for _ in 0..<100 {
            let next = y - (y * y * y - magnitude) / (3 * y * y)
            if Swift.abs(next - y) <= 1e-15 * next { y = next; break }
            y = next
        }
        return x < 0 ? -y : y
    }
}
