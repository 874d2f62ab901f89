import Testing
@testable import TCPIP
import NetCore

@Suite struct TCPRoundTripEstimatorTests {
    @Test func beforeAnySampleTheInitialRTOHolds() {
        let estimator = TCPRoundTripEstimator()
        #expect(estimator.smoothedRTT == nil)
        #expect(estimator.latestRTT == nil)
        #expect(estimator.minimumRTT == nil)
        #expect(estimator.rttVariance == .zero)
        #expect(estimator.rto == .seconds(1))
    }

    @Test func firstSampleSetsSRTTAndHalfVariance() {
        // RFC 6298 §2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4·RTTVAR).
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.milliseconds(400))
        #expect(estimator.smoothedRTT == .milliseconds(400))
        #expect(estimator.rttVariance == .milliseconds(200))
        #expect(estimator.latestRTT == .milliseconds(400))
        #expect(estimator.rto == .milliseconds(1200))
    }

    @Test func threeSamplesFollowTheRecurrencesWorkedByHand() {
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.milliseconds(400))
        // R = 600: RTTVAR = 3/4·200 + 1/4·|400 − 600| = 200; SRTT = 7/8·400 + 1/8·600 = 425.
        estimator.addSample(.milliseconds(600))
        #expect(estimator.rttVariance == .milliseconds(200))
        #expect(estimator.smoothedRTT == .milliseconds(425))
        #expect(estimator.rto == .milliseconds(1225))
        // R = 200: RTTVAR = 3/4·200 + 1/4·|425 − 200| = 206.25; SRTT = 7/8·425 + 1/8·200 = 396.875.
        estimator.addSample(.milliseconds(200))
        #expect(estimator.rttVariance == .microseconds(206_250))
        #expect(estimator.smoothedRTT == .microseconds(396_875))
        // RTO = 396.875 + 4·206.25 = 1221.875 ms.
        #expect(estimator.rto == .microseconds(1_221_875))
        #expect(estimator.latestRTT == .milliseconds(200))
        #expect(estimator.minimumRTT == .milliseconds(200))
    }

    @Test func rtoIsClampedToTheMinimum() {
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.milliseconds(1))
        // 1 + 4·0.5 = 3 ms, raised to the 300 ms floor.
        #expect(estimator.rto == .milliseconds(300))
    }

    @Test func rtoIsClampedToTheMaximum() {
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.seconds(50))
        // 50 + 4·25 = 150 s, lowered to the 60 s ceiling.
        #expect(estimator.rto == .seconds(60))
    }

    @Test func clockGranularityBoundsTheVarianceTerm() {
        var estimator = TCPRoundTripEstimator(minimumRTO: .zero)
        for _ in 0..<200 { estimator.addSample(.milliseconds(10)) }
        // SRTT stays exactly 10 ms while RTTVAR decays to nothing: RTO = SRTT + G.
        #expect(estimator.smoothedRTT == .milliseconds(10))
        #expect(estimator.rttVariance * 4 < .milliseconds(1))
        #expect(estimator.rto == .milliseconds(11))
    }

    @Test func backoffDoublesAndIsCapped() {
        var estimator = TCPRoundTripEstimator()
        var expected: [Duration] = []
        for _ in 0..<9 {
            estimator.backOff()
            expected.append(estimator.rto)
        }
        #expect(expected == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32),
                             .seconds(60), .seconds(60), .seconds(60), .seconds(60)])
        #expect(estimator.backoffCount == 9)
    }

    @Test func backoffDoublesTheMeasuredRTO() {
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.milliseconds(400))
        estimator.backOff()
        estimator.backOff()
        #expect(estimator.rto == .milliseconds(4800))
    }

    @Test func sampleResetsBackoff() {
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.milliseconds(400))
        estimator.backOff()
        estimator.backOff()
        estimator.backOff()
        #expect(estimator.backoffCount == 3)
        estimator.addSample(.milliseconds(400))
        #expect(estimator.backoffCount == 0)
        // SRTT 400, RTTVAR 3/4·200 = 150: RTO = 400 + 600.
        #expect(estimator.rto == .milliseconds(1000))
    }

    @Test func minimumTracksTheSmallestSample() {
        var estimator = TCPRoundTripEstimator()
        for ms in [50, 30, 70, 40] { estimator.addSample(.milliseconds(ms)) }
        #expect(estimator.minimumRTT == .milliseconds(30))
        #expect(estimator.latestRTT == .milliseconds(40))
    }

    @Test func negativeSampleCountsAsZero() {
        var estimator = TCPRoundTripEstimator()
        estimator.addSample(.milliseconds(-5))
        #expect(estimator.smoothedRTT == .zero)
        #expect(estimator.rto == .milliseconds(300))
    }
}
