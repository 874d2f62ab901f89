import Testing
@testable import TCPIP
import NetCore

@Suite struct CubicTests {
    static let mss = 1000
    static let start = Instant(nanoseconds: 5_000_000_000)

    // MARK: An independent reference: RFC 9438's formulas, in segments and seconds.

    static let c = 0.4
    static let beta = 0.7

    /// The cube root by bisection, so as not to share Cubic's Newton iteration.
    static func cubeRoot(_ x: Double) -> Double {
        var low = 0.0
        var high = Swift.max(1.0, x)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle * middle * middle < x { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// RFC 9438 Figure 1, segments.
    static func wCubic(_ t: Double, wMax: Double, k: Double) -> Double {
        c * (t - k) * (t - k) * (t - k) + wMax
    }

    /// RFC 9438 §4.3 as a function of time: W_est grows by α_cubic per RTT
    /// from the window at the epoch until it reaches cwnd_prior, then by 1 per RTT.
    static func wEst(_ t: Double, epochWindow: Double, prior: Double, rtt: Double) -> Double {
        let alpha = 3 * (1 - beta) / (1 + beta)
        let rounds = t / rtt
        let roundsToPrior = (prior - epochWindow) / alpha
        if rounds <= roundsToPrior { return epochWindow + alpha * rounds }
        return prior + (rounds - roundsToPrior)
    }

    // MARK: Driving the controller

    /// A controller grown by slow start to `segments` segments, then hit by a loss with the window full.
    static func afterLoss(atSegments segments: Int) -> Cubic {
        var cubic = Cubic(maximumSegmentSize: mss)
        while cubic.congestionWindow < segments * mss {
            cubic.acknowledged(bytes: mss, now: start, rtt: .milliseconds(100), isWindowLimited: true)
        }
        #expect(cubic.congestionWindow == segments * mss)
        cubic.congestionEvent(flightSize: segments * mss, now: start)
        return cubic
    }

    /// One round trip of a window-limited sender: a window's worth of
    /// one-segment ACKs spread evenly over the RTT.
    static func round(_ cubic: inout Cubic, at now: Instant, rtt: Duration) {
        let segments = cubic.congestionWindow / mss
        for i in 0..<segments {
            cubic.acknowledged(bytes: mss, now: now + rtt * i / segments, rtt: rtt, isWindowLimited: true)
        }
    }

    // MARK: Tests

    @Test func windowFunctionMatchesTheFormula() {
        let k = Self.cubeRoot(75)
        for t in [0.0, 1.0, 2.5, k, 6.0, 10.0] {
            let bytes = Cubic.window(elapsed: .nanoseconds(Int64(t * 1e9)), wMax: 100_000, k: k, maximumSegmentSize: Self.mss)
            #expect(Swift.abs(bytes - Self.wCubic(t, wMax: 100, k: k) * Double(Self.mss)) < 1e-3)
        }
        // At t = 0 the curve starts from β·W_max, at t = K it reaches W_max.
        #expect(Swift.abs(Cubic.window(elapsed: .zero, wMax: 100_000, k: k, maximumSegmentSize: Self.mss) - 70_000) < 1e-6)
    }

    @Test func congestionEventSetsWMaxKAndTheReducedWindow() {
        let cubic = Self.afterLoss(atSegments: 100)
        #expect(cubic.wMax == 100_000)
        #expect(cubic.congestionWindow == 70_000)
        #expect(cubic.slowStartThreshold == 70_000)
        #expect(cubic.epochStart == nil)
        // K = cbrt(W_max·(1 − β)/C) = cbrt(75) s ≈ 4.2172 s.
        let k = Self.cubeRoot(100 * (1 - Self.beta) / Self.c)
        #expect(Swift.abs(cubic.k.secondsDouble - k) < 1e-6)
        #expect(Swift.abs(k - 4.2172) < 1e-4)
    }

    @Test func windowFollowsTheCubicCurveAndTheRenoFriendlyEstimate() {
        var cubic = Self.afterLoss(atSegments: 100)
        let rtt = Duration.milliseconds(100)
        var now = Self.start + rtt
        cubic.recoveryEnded(now: now)
        let k = Self.cubeRoot(75)
        var cubicRegionChecks = 0
        var renoRegionChecks = 0
        for _ in 0..<120 {
            let elapsed = cubic.epochStart.map { (now - $0).secondsDouble } ?? 0
            let curve = Self.wCubic(elapsed, wMax: 100, k: k)
            let estimate = Self.wEst(elapsed, epochWindow: 70, prior: 100, rtt: 0.1)
            let expected = Swift.max(curve, estimate) * Double(Self.mss)
            #expect(Swift.abs(Double(cubic.congestionWindow) - expected) <= Double(Self.mss),
                    "t = \(elapsed) s: cwnd \(cubic.congestionWindow), W_cubic \(curve), W_est \(estimate)")
            if curve > estimate + 1 { cubicRegionChecks += 1 }
            if estimate > curve + 1 { renoRegionChecks += 1 }
            Self.round(&cubic, at: now, rtt: rtt)
            #expect(cubic.epochStart != nil, "no epoch after a congestion avoidance ACK")
            now = now + rtt
        }
        #expect(cubic.epochStart == Self.start + rtt)
        // Both regions were exercised: the curve before and well after K, W_est around the plateau.
        #expect(cubicRegionChecks > 60)
        #expect(renoRegionChecks > 10)
    }

    @Test func growthIsConcaveBeforeKAndConvexAfter() {
        var cubic = Self.afterLoss(atSegments: 100)
        let rtt = Duration.milliseconds(100)
        var now = Self.start
        var windows: [Int] = []
        for _ in 0..<130 {
            windows.append(cubic.congestionWindow)
            Self.round(&cubic, at: now, rtt: rtt)
            now = now + rtt
        }
        // Per-second increments shrink towards K (≈ 4.2 s) ...
        let concave = stride(from: 0, through: 30, by: 10).map { windows[$0 + 10] - windows[$0] }
        #expect(concave == concave.sorted(by: >))
        #expect(concave[0] > 10 * Self.mss)
        // ... stay within a segment or two of W_max around it ...
        #expect(Swift.abs(windows[42] - 100_000) < 2 * Self.mss)
        // ... and grow again once the curve is past the plateau (after the Reno-friendly stretch).
        let convex = stride(from: 85, through: 115, by: 10).map { windows[$0 + 10] - windows[$0] }
        #expect(convex == convex.sorted(by: <))
        #expect(convex[3] > 40 * Self.mss)
    }

    @Test func renoFriendlyRegionWinsOnShortRoundTrips() {
        var cubic = Self.afterLoss(atSegments: 100)
        let rtt = Duration.milliseconds(5)
        var now = Self.start
        let k = Self.cubeRoot(75)
        for _ in 0..<200 {
            Self.round(&cubic, at: now, rtt: rtt)
            now = now + rtt
        }
        guard let epoch = cubic.epochStart else {
            Issue.record("no congestion avoidance epoch")
            return
        }
        let elapsed = (now - epoch).secondsDouble
        let curve = Self.wCubic(elapsed, wMax: 100, k: k) * Double(Self.mss)
        let estimate = Self.wEst(elapsed, epochWindow: 70, prior: 100, rtt: 0.005) * Double(Self.mss)
        // One second in, the curve is still below W_max, while Reno's estimate is far past it.
        #expect(curve < 100_000)
        #expect(Double(cubic.congestionWindow) > curve + 100 * Double(Self.mss))
        #expect(Swift.abs(Double(cubic.congestionWindow) - estimate) < 0.02 * estimate,
                "cwnd \(cubic.congestionWindow), W_est \(estimate)")
    }

    @Test func fastConvergenceLowersWMax() {
        var cubic = Self.afterLoss(atSegments: 100)
        cubic.recoveryEnded(now: Self.start)
        var now = Self.start
        for _ in 0..<10 {
            Self.round(&cubic, at: now, rtt: .milliseconds(100))
            now = now + .milliseconds(100)
        }
        let before = Double(cubic.congestionWindow)
        #expect(before < 100_000)
        cubic.congestionEvent(flightSize: cubic.congestionWindow, now: now)
        // RFC 9438 §4.7: W_max = cwnd·(1 + β)/2 when the loss came below the last W_max.
        let expectedWMax = before * (1 + Self.beta) / 2
        #expect(Swift.abs(cubic.wMax - expectedWMax) < 1)
        let reduced = (before * Self.beta).rounded(.down)
        #expect(cubic.congestionWindow == Int(reduced))
        // K = cbrt((W_max − cwnd_epoch)/C), in segments (the window's
        // fraction of a byte, which congestionWindow drops, moves K by microseconds).
        let k = Self.cubeRoot((expectedWMax - reduced) / Double(Self.mss) / Self.c)
        #expect(Swift.abs(cubic.k.secondsDouble - k) < 1e-4)
        // A loss above W_max sets W_max to the window itself.
        var grown = Self.afterLoss(atSegments: 40)
        grown.congestionEvent(flightSize: 28_000, now: now)
        #expect(grown.wMax == 28_000 * (1 + Self.beta) / 2)
    }

    @Test func timeoutFollowsRFC9438Section48() {
        var cubic = Self.afterLoss(atSegments: 100)
        cubic.recoveryEnded(now: Self.start)
        cubic.retransmissionTimeout(flightSize: 60_000, now: Self.start)
        #expect(cubic.congestionWindow == Self.mss)
        #expect(cubic.slowStartThreshold == 42_000)
        #expect(cubic.wMax == 0)
        #expect(cubic.epochStart == nil)
        // A second expiry before any ACK keeps ssthresh.
        cubic.retransmissionTimeout(flightSize: 1_000, now: Self.start)
        #expect(cubic.slowStartThreshold == 42_000)
        // Slow start back to ssthresh, then the first congestion avoidance
        // ACK starts a curve with K = 0 and W_max = the window then.
        var now = Self.start + .seconds(1)
        while cubic.congestionWindow < 42_000 {
            cubic.acknowledged(bytes: Self.mss, now: now, rtt: .milliseconds(100), isWindowLimited: true)
        }
        #expect(cubic.congestionWindow == 42_000)
        #expect(cubic.epochStart == nil)
        cubic.acknowledged(bytes: Self.mss, now: now, rtt: .milliseconds(100), isWindowLimited: true)
        #expect(cubic.epochStart == now)
        #expect(cubic.k == .zero)
        #expect(cubic.wMax == 42_000)
        // Convex from there: W_cubic(t) = C·t³ + 42 segments; W_est at α_cubic stays below it after two seconds.
        now = now + .milliseconds(100)
        for _ in 0..<40 {
            Self.round(&cubic, at: now, rtt: .milliseconds(100))
            now = now + .milliseconds(100)
        }
        guard let epoch = cubic.epochStart else {
            Issue.record("no congestion avoidance epoch")
            return
        }
        let elapsed = (now - epoch).secondsDouble
        let curve = Self.wCubic(elapsed, wMax: 42, k: 0) * Double(Self.mss)
        #expect(Swift.abs(Double(cubic.congestionWindow) - curve) <= Double(Self.mss),
                "cwnd \(cubic.congestionWindow), W_cubic \(curve)")
    }

    @Test func ecnEchoReducesLikeALoss() {
        var cubic = Self.afterLoss(atSegments: 50)
        cubic.recoveryEnded(now: Self.start)
        cubic.ecnEcho(flightSize: 35_000, now: Self.start)
        #expect(cubic.slowStartThreshold == 24_500)
        #expect(cubic.congestionWindow == 24_500)
        #expect(cubic.wMax == 35_000 * (1 + Self.beta) / 2)
    }

    @Test func slowStartIsNewRenos() {
        var cubic = Cubic(maximumSegmentSize: Self.mss)
        #expect(cubic.congestionWindow == 10_000)
        #expect(cubic.slowStartThreshold == .max)
        cubic.acknowledged(bytes: 5_000, now: Self.start, rtt: nil, isWindowLimited: true)
        #expect(cubic.congestionWindow == 12_000)
        cubic.acknowledged(bytes: 1_000, now: Self.start, rtt: nil, isWindowLimited: false)
        #expect(cubic.congestionWindow == 12_000)
        #expect(cubic.epochStart == nil)
    }

    @Test func applicationLimitedTimeDoesNotCountTowardsT() {
        var cubic = Self.afterLoss(atSegments: 100)
        let first = Self.start + .seconds(1)
        cubic.acknowledged(bytes: Self.mss, now: first, rtt: .milliseconds(100), isWindowLimited: true)
        #expect(cubic.epochStart == first)
        let window = cubic.congestionWindow
        // Three seconds of ACKs while the application leaves the window unused.
        cubic.acknowledged(bytes: Self.mss, now: first + .seconds(1), rtt: .milliseconds(100), isWindowLimited: false)
        cubic.acknowledged(bytes: Self.mss, now: first + .seconds(4), rtt: .milliseconds(100), isWindowLimited: false)
        #expect(cubic.congestionWindow == window)
        cubic.acknowledged(bytes: Self.mss, now: first + .seconds(4), rtt: .milliseconds(100), isWindowLimited: true)
        #expect(cubic.epochStart == first + .seconds(3))
    }

    @Test func idleRestartShrinksToTheInitialWindowAndRestartsTheEpoch() {
        var cubic = Self.afterLoss(atSegments: 100)
        cubic.acknowledged(bytes: Self.mss, now: Self.start, rtt: .milliseconds(100), isWindowLimited: true)
        #expect(cubic.epochStart != nil)
        cubic.idleRestart(now: Self.start + .seconds(5))
        #expect(cubic.congestionWindow == 10_000)
        #expect(cubic.epochStart == nil)
        #expect(cubic.wMax == 100_000)
    }

    @Test func maximumSegmentSizeChange() {
        var cubic = Cubic(maximumSegmentSize: Self.mss)
        cubic.setMaximumSegmentSize(1400)
        #expect(cubic.maximumSegmentSize == 1400)
        cubic.congestionEvent(flightSize: 2_000, now: Self.start)
        #expect(cubic.congestionWindow == 2_800)
        cubic.setMaximumSegmentSize(-1)
        #expect(cubic.maximumSegmentSize == 1400)
    }
}
