import Testing
@testable import TCPIP
import NetCore

@Suite struct NewRenoTests {
    static let mss = 1000
    let start = Instant(nanoseconds: 1_000_000_000)

    @Test func initialWindowFollowsRFC6928() {
        // min(10·MSS, max(2·MSS, 14600)).
        #expect(NewReno(maximumSegmentSize: 1460).congestionWindow == 14_600)
        #expect(NewReno(maximumSegmentSize: 536).congestionWindow == 5_360)
        #expect(NewReno(maximumSegmentSize: 9000).congestionWindow == 18_000)
        #expect(NewReno(maximumSegmentSize: 1460).slowStartThreshold == .max)
        #expect(NewReno(maximumSegmentSize: 1460).name == "NewReno")
    }

    @Test func slowStartGrowsByBytesAckedUpToTwoSegmentsPerACK() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        #expect(reno.congestionWindow == 10_000)
        reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true)
        #expect(reno.congestionWindow == 11_000)
        reno.acknowledged(bytes: 500, now: start, rtt: nil, isWindowLimited: true)
        #expect(reno.congestionWindow == 11_500)
        // A stretch ACK of five segments: L = 2 (RFC 3465).
        reno.acknowledged(bytes: 5000, now: start, rtt: nil, isWindowLimited: true)
        #expect(reno.congestionWindow == 13_500)
    }

    @Test func slowStartDoublesPerRoundTrip() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        for _ in 0..<10 { reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true) }
        #expect(reno.congestionWindow == 20_000)
    }

    @Test func noGrowthWhenNotWindowLimited() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        for _ in 0..<10 { reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: false) }
        #expect(reno.congestionWindow == 10_000)
    }

    @Test func lossHalvesFlightSize() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        reno.congestionEvent(flightSize: 30_000, now: start)
        #expect(reno.slowStartThreshold == 15_000)
        #expect(reno.congestionWindow == 15_000)
        // Never below 2·SMSS.
        reno.congestionEvent(flightSize: 1_000, now: start)
        #expect(reno.slowStartThreshold == 2_000)
        #expect(reno.congestionWindow == 2_000)
    }

    @Test func congestionAvoidanceAddsAboutOneSegmentPerRoundTrip() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        reno.congestionEvent(flightSize: 20_000, now: start)
        reno.recoveryEnded(now: start)
        #expect(reno.congestionWindow == 10_000)
        var now = start
        for round in 1...20 {
            let segments = reno.congestionWindow / Self.mss
            for _ in 0..<segments {
                reno.acknowledged(bytes: Self.mss, now: now, rtt: .milliseconds(100), isWindowLimited: true)
            }
            now = now + .milliseconds(100)
            #expect(reno.congestionWindow == 10_000 + round * Self.mss)
        }
        #expect(reno.slowStartThreshold == 10_000)
    }

    @Test func slowStartHandsLeftoverBytesToCongestionAvoidance() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        reno.congestionEvent(flightSize: 21_000, now: start)   // ssthresh 10 500
        reno.retransmissionTimeout(flightSize: 21_000, now: start)  // ssthresh 10 500, cwnd 1 000
        #expect(reno.slowStartThreshold == 10_500)
        #expect(reno.congestionWindow == 1_000)
        for _ in 0..<9 { reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true) }
        #expect(reno.congestionWindow == 10_000)
        // 500 bytes fill the window to ssthresh, 1 500 go to the avoidance counter.
        reno.acknowledged(bytes: 2000, now: start, rtt: nil, isWindowLimited: true)
        #expect(reno.congestionWindow == 10_500)
        for _ in 0..<9 { reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true) }
        // 1 500 + 9 000 = 10 500 bytes: one cwnd's worth.
        #expect(reno.congestionWindow == 11_500)
    }

    @Test func timeoutCollapsesToOneSegment() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        for _ in 0..<30 { reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true) }
        reno.retransmissionTimeout(flightSize: 40_000, now: start)
        #expect(reno.slowStartThreshold == 20_000)
        #expect(reno.congestionWindow == 1_000)
        // The same data timing out again (no ACK between) keeps ssthresh (RFC 5681 §3.1).
        reno.retransmissionTimeout(flightSize: 1_000, now: start)
        #expect(reno.slowStartThreshold == 20_000)
        #expect(reno.congestionWindow == 1_000)
        // After an ACK, a new timeout computes ssthresh afresh.
        reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true)
        reno.retransmissionTimeout(flightSize: 6_000, now: start)
        #expect(reno.slowStartThreshold == 3_000)
        #expect(reno.congestionWindow == 1_000)
    }

    @Test func ecnEchoReducesAsForLoss() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        reno.ecnEcho(flightSize: 16_000, now: start)
        #expect(reno.slowStartThreshold == 8_000)
        #expect(reno.congestionWindow == 8_000)
    }

    @Test func idleRestartFallsBackToTheInitialWindow() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        for _ in 0..<20 { reno.acknowledged(bytes: 1000, now: start, rtt: nil, isWindowLimited: true) }
        #expect(reno.congestionWindow == 30_000)
        reno.idleRestart(now: start)
        #expect(reno.congestionWindow == 10_000)
        // A window already below IW stays.
        reno.congestionEvent(flightSize: 8_000, now: start)
        reno.idleRestart(now: start)
        #expect(reno.congestionWindow == 4_000)
    }

    @Test func maximumSegmentSizeChangeScalesTheSteps() {
        var reno = NewReno(maximumSegmentSize: Self.mss)
        reno.setMaximumSegmentSize(500)
        reno.acknowledged(bytes: 3000, now: start, rtt: nil, isWindowLimited: true)
        #expect(reno.congestionWindow == 11_000)
        reno.congestionEvent(flightSize: 1_000, now: start)
        #expect(reno.congestionWindow == 1_000)
        reno.setMaximumSegmentSize(0)
        #expect(reno.maximumSegmentSize == 500)
    }

    @Test func algorithmEnumMakesEachController() {
        #expect(TCPCongestionAlgorithm.allCases.count == 2)
        let reno = TCPCongestionAlgorithm.newReno.make(maximumSegmentSize: 1460)
        #expect(reno.name == "NewReno")
        #expect(reno.congestionWindow == 14_600)
        let cubic = TCPCongestionAlgorithm.cubic.make(maximumSegmentSize: 1000, initialWindowSegments: 4)
        #expect(cubic.name == "CUBIC")
        #expect(cubic.congestionWindow == 4_000)
        #expect(TCPCongestionAlgorithm(rawValue: "cubic") == .cubic)
    }
}
