import Testing
@testable import TCPIP
import NetCore

@Suite struct TCPRetransmissionQueueTests {
    static let mss = 1000
    static let base = TCPSeq(1_000_000)
    static let t0 = Instant(nanoseconds: 10_000_000_000)

    static func ms(_ value: Double) -> Instant { t0 + .microseconds(Int64(value * 1000)) }
    static func seq(_ offset: Int) -> TCPSeq { base + offset }
    static func blocks(_ ranges: [(Int, Int)]) -> TCPSACKBlocks {
        TCPSACKBlocks(ranges.map { TCPSACKBlock(start: seq($0.0), end: seq($0.1)) })
    }

    /// `count` segments of `size` bytes from `base`, the i-th sent at t0 + i ms.
    static func queue(_ count: Int, size: Int = mss) -> TCPRetransmissionQueue {
        var queue = TCPRetransmissionQueue(maximumSegmentSize: mss)
        for i in 0..<count { queue.sent(start: seq(i * size), length: size, at: ms(Double(i))) }
        return queue
    }

    static func ack(_ queue: inout TCPRetransmissionQueue, _ cumulative: Int, _ sack: [(Int, Int)] = [],
                    at time: Double, timestampRTT: Duration? = nil) -> TCPAckOutcome {
        queue.acknowledge(cumulative: seq(cumulative), sack: blocks(sack), now: ms(time), timestampRTT: timestampRTT)
    }

    /// `nextLost()` as [offset from base, length], nil when nothing is lost.
    static func nextLost(_ queue: TCPRetransmissionQueue) -> [Int]? {
        queue.nextLost().map { [$0.start - base, $0.length] }
    }

    /// RFC 6675 §4 SetPipe computed from the scoreboard's SACK bits alone:
    /// each unSACKed byte counts once unless IsLost, and once more if retransmitted.
    static func rfc6675Pipe(_ queue: TCPRetransmissionQueue) -> Int {
        let segments = Array(queue.segments)
        var pipe = 0
        for (i, segment) in segments.enumerated() where !segment.isSACKed {
            let above = segments[(i + 1)...].filter(\.isSACKed)
            let isLost = above.count >= 3 || above.reduce(0) { $0 + $1.length } > 2 * mss
            if !isLost { pipe += segment.length }
            if segment.retransmissions > 0 { pipe += segment.length }
        }
        return pipe
    }

    // MARK: Cumulative ACKs

    @Test func cumulativeAckTrimsWholeAndPartialSegments() {
        var queue = Self.queue(5)
        #expect(queue.segmentCount == 5)
        #expect(queue.flightSize == 5000)
        #expect(queue.pipe == 5000)
        let first = Self.ack(&queue, 2000, at: 100)
        #expect(first.cumulativelyAcked == 2000)
        #expect(queue.segmentCount == 3)
        #expect(queue.flightSize == 3000)
        #expect(queue.segments.first?.start == Self.seq(2000))
        let partial = Self.ack(&queue, 2500, at: 101)
        #expect(partial.cumulativelyAcked == 500)
        #expect(queue.segmentCount == 3)
        #expect(queue.segments.first?.start == Self.seq(2500))
        #expect(queue.segments.first?.end == Self.seq(3000))
        #expect(queue.flightSize == 2500)
        // An old ACK and one for data never sent change nothing.
        #expect(Self.ack(&queue, 1000, at: 102) == TCPAckOutcome())
        #expect(Self.ack(&queue, 6000, at: 102) == TCPAckOutcome())
        #expect(queue.flightSize == 2500)
        let all = Self.ack(&queue, 5000, at: 103)
        #expect(all.cumulativelyAcked == 2500)
        #expect(queue.isEmpty)
        #expect(queue.flightSize == 0)
        #expect(queue.pipe == 0)
    }

    @Test func nonContiguousSendsAreNotRecorded() {
        var queue = Self.queue(2)
        queue.sent(start: Self.seq(5000), length: 1000, at: Self.ms(3))
        queue.sent(start: Self.seq(1000), length: 1000, at: Self.ms(3))
        queue.sent(start: Self.seq(2000), length: 0, at: Self.ms(3))
        #expect(queue.segmentCount == 2)
        queue.sent(start: Self.seq(2000), length: 1, at: Self.ms(3))
        #expect(queue.segmentCount == 3)
        #expect(queue.flightSize == 2001)
    }

    @Test func emptyQueueIgnoresACKs() {
        var queue = TCPRetransmissionQueue(maximumSegmentSize: Self.mss)
        #expect(Self.ack(&queue, 1000, [(0, 1000)], at: 1) == TCPAckOutcome())
        #expect(queue.detectLosses(now: Self.ms(1), minimumRTT: nil, smoothedRTT: nil) == 0)
        #expect(queue.nextLost() == nil)
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == nil)
    }

    // MARK: SACK

    @Test func sackMarksWholeSegmentsOnly() {
        var queue = Self.queue(6)
        let outcome = Self.ack(&queue, 0, [(3000, 5000)], at: 100)
        #expect(outcome.newlySACKed == 2000)
        #expect(outcome.cumulativelyAcked == 0)
        #expect(queue.segments.map(\.isSACKed) == [false, false, false, true, true, false])
        #expect(queue.highestSACKed == Self.seq(5000))
        #expect(queue.pipe == 4000)
        // The same block again is not new; half a segment marks nothing.
        #expect(Self.ack(&queue, 0, [(3000, 5000), (5000, 5500)], at: 101).newlySACKed == 0)
        #expect(queue.segments.map(\.isSACKed) == [false, false, false, true, true, false])
        // A cumulative ACK past the SACKed data clears highestSACKed.
        let cumulative = Self.ack(&queue, 5000, at: 102)
        #expect(cumulative.cumulativelyAcked == 5000)
        #expect(queue.highestSACKed == nil)
        #expect(queue.segmentCount == 1)
        #expect(queue.pipe == 1000)
    }

    @Test func invalidSACKBlocksAreIgnored() {
        var queue = Self.queue(6)
        _ = Self.ack(&queue, 1000, at: 100)
        let outcome = Self.ack(&queue, 1000, [
            (4000, 3000),   // reversed
            (5000, 7000),   // beyond SND.NXT
            (0, 1000),      // wholly below SND.UNA, and not first, so not a D-SACK
            (2000, 2000),   // empty
        ], at: 101)
        #expect(outcome.newlySACKed == 0)
        #expect(outcome.isDuplicateSACK == false)
        #expect(queue.segments.allSatisfy { !$0.isSACKed })
        #expect(queue.highestSACKed == nil)
        // A block straddling SND.UNA counts from SND.UNA.
        let straddling = Self.ack(&queue, 1000, [(3000, 4000), (500, 3000)], at: 102)
        #expect(straddling.newlySACKed == 3000)
        #expect(straddling.isDuplicateSACK == false)
    }

    @Test func duplicateSACKBelowTheCumulativeACK() {
        var queue = Self.queue(6)
        let outcome = Self.ack(&queue, 3000, [(1000, 2000)], at: 100)
        #expect(outcome.isDuplicateSACK)
        #expect(outcome.cumulativelyAcked == 3000)
        #expect(outcome.newlySACKed == 0)
        #expect(queue.highestSACKed == nil)
    }

    @Test func duplicateSACKInsideTheSecondBlock() {
        var queue = Self.queue(6)
        let outcome = Self.ack(&queue, 1000, [(3000, 4000), (2000, 5000)], at: 100)
        #expect(outcome.isDuplicateSACK)
        #expect(outcome.newlySACKed == 3000)
        #expect(queue.segments.map(\.isSACKed) == [false, true, true, true, false])
        // First block outside the second: two ordinary blocks.
        var other = Self.queue(6)
        let ordinary = Self.ack(&other, 1000, [(5000, 6000), (2000, 4000)], at: 100)
        #expect(ordinary.isDuplicateSACK == false)
        #expect(ordinary.newlySACKed == 3000)
    }

    // MARK: RTT samples

    @Test func rttSampleComesFromTheMostRecentlySentNewlyDeliveredSegment() {
        var queue = Self.queue(4)
        let outcome = Self.ack(&queue, 2000, at: 50)
        // Segment 1 was sent at 1 ms.
        #expect(outcome.rttSample == .milliseconds(49))
        #expect(outcome.rackAdvanced)
        let sacked = Self.ack(&queue, 2000, [(3000, 4000)], at: 60)
        #expect(sacked.rttSample == .milliseconds(57))
        // Nothing new: no sample.
        #expect(Self.ack(&queue, 2000, [(3000, 4000)], at: 70).rttSample == nil)
    }

    @Test func karnsRuleGivesNoSampleFromARetransmission() {
        var queue = Self.queue(2)
        queue.retransmitted(start: Self.seq(0), at: Self.ms(300))
        #expect(queue.retransmittedSegmentsTotal == 1)
        let outcome = Self.ack(&queue, 1000, at: 320)
        #expect(outcome.cumulativelyAcked == 1000)
        #expect(outcome.rttSample == nil)
        // A SACK of a retransmitted segment is just as ambiguous.
        var sacked = Self.queue(3)
        sacked.retransmitted(start: Self.seq(1000), at: Self.ms(300))
        #expect(Self.ack(&sacked, 0, [(1000, 2000)], at: 320).rttSample == nil)
        // A timestamp echo is unambiguous, and preferred.
        var echoed = Self.queue(2)
        echoed.retransmitted(start: Self.seq(0), at: Self.ms(300))
        #expect(Self.ack(&echoed, 1000, at: 320, timestampRTT: .milliseconds(19)).rttSample == .milliseconds(19))
        var clean = Self.queue(2)
        #expect(Self.ack(&clean, 2000, at: 40, timestampRTT: .milliseconds(35)).rttSample == .milliseconds(35))
    }

    // MARK: Pipe and IsLost

    @Test func pipeFollowsRFC6675() {
        // Ten segments; 4–6 SACKed: 0–3 have three SACKed segments above (IsLost), 7–9 none.
        var queue = Self.queue(10)
        _ = Self.ack(&queue, 0, [(4000, 7000)], at: 100)
        #expect(queue.pipe == 7000)
        let lost = queue.detectLosses(now: Self.ms(100), minimumRTT: nil, smoothedRTT: nil)
        #expect(lost == 4000)
        #expect(queue.segments.map(\.isLost) == [true, true, true, true, false, false, false, false, false, false])
        #expect(queue.pipe == 3000)
        #expect(queue.pipe == Self.rfc6675Pipe(queue))
        // A retransmission puts one copy back in the network.
        queue.retransmitted(start: Self.seq(0), at: Self.ms(101))
        #expect(queue.pipe == 4000)
        #expect(queue.pipe == Self.rfc6675Pipe(queue))
        queue.retransmitted(start: Self.seq(1000), at: Self.ms(101))
        #expect(queue.pipe == 5000)
        #expect(queue.pipe == Self.rfc6675Pipe(queue))
        // The first retransmission arrives, and 7 is SACKed.
        _ = Self.ack(&queue, 1000, [(7000, 8000), (4000, 7000)], at: 150)
        #expect(queue.pipe == 3000)
        #expect(queue.pipe == Self.rfc6675Pipe(queue))
        #expect(queue.lostBytesTotal == 4000)
    }

    /// Reordering seen first keeps RACK's window open, so only RFC 6675's IsLost can mark.
    static func queueWithReorderingSeen(size: Int = mss, count: Int = 8) -> TCPRetransmissionQueue {
        var queue = queue(count, size: size)
        _ = ack(&queue, 0, [(size, 2 * size)], at: 100)
        #expect(queue.detectLosses(now: ms(100), minimumRTT: nil, smoothedRTT: nil) == 0)
        // Segment 0's original arrives late: reordering, not loss.
        _ = ack(&queue, 2 * size, at: 101)
        return queue
    }

    @Test func isLostByDuplicateThresholdSegments() {
        var queue = Self.queueWithReorderingSeen()
        _ = Self.ack(&queue, 2000, [(3000, 5000)], at: 102)
        // Two SACKed segments (2 000 bytes, not more than 2·SMSS) above segment 2: not lost.
        #expect(queue.detectLosses(now: Self.ms(102), minimumRTT: nil, smoothedRTT: nil) == 0)
        _ = Self.ack(&queue, 2000, [(5000, 6000), (3000, 5000)], at: 103)
        // Reordering was seen, so three SACKed segments leave RACK's window
        // open (min_RTT 98 ms, from segment 4 SACKed at 102, over 4): segment 2
        // is not due before 2 + 98 + 24.5 ms ...
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(124.5))
        // ... but IsLost marks it now.
        #expect(queue.detectLosses(now: Self.ms(103), minimumRTT: nil, smoothedRTT: nil) == 1000)
        #expect(Self.nextLost(queue) == [2000, 1000])
        #expect(queue.segments.map(\.isLost) == [true, false, false, false, false, false])
        // Judged once: nothing more to mark.
        #expect(queue.detectLosses(now: Self.ms(104), minimumRTT: nil, smoothedRTT: nil) == 0)
    }

    @Test func isLostByDuplicateThresholdBytes() {
        // 1 500-byte segments with a 1 000-byte SMSS: two SACKed segments are 3 000 bytes > 2·SMSS.
        var queue = Self.queueWithReorderingSeen(size: 1500)
        _ = Self.ack(&queue, 3000, [(4500, 6000)], at: 102)
        #expect(queue.detectLosses(now: Self.ms(102), minimumRTT: nil, smoothedRTT: nil) == 0)
        _ = Self.ack(&queue, 3000, [(6000, 7500), (4500, 6000)], at: 103)
        #expect(queue.detectLosses(now: Self.ms(103), minimumRTT: nil, smoothedRTT: nil) == 1500)
        #expect(Self.nextLost(queue) == [3000, 1500])
    }

    // MARK: RACK

    @Test func rackMarksLossAfterTheReorderingWindow() {
        var queue = Self.queue(4)
        let outcome = Self.ack(&queue, 0, [(2000, 3000)], at: 100)
        #expect(outcome.rackAdvanced)
        // RACK.rtt = 100 − 2 = 98 ms = min_RTT; reo_wnd = 98/4 = 24.5 ms.
        // Segment 0 (sent at 0) is due at 122.5 ms, segment 1 at 123.5 ms; 3 was sent after 2.
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(122.5))
        #expect(queue.detectLosses(now: Self.ms(122.4), minimumRTT: nil, smoothedRTT: nil) == 0)
        #expect(queue.detectLosses(now: Self.ms(122.5), minimumRTT: nil, smoothedRTT: nil) == 1000)
        #expect(queue.segments.map(\.isLost) == [true, false, false, false])
        // Now in recovery with no reordering seen, reo_wnd is 0 (RFC 8985 §6.2
        // Step 4): segment 1 was due at 1 + 98 ms, and the next pass marks it.
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(99))
        #expect(queue.detectLosses(now: Self.ms(122.6), minimumRTT: nil, smoothedRTT: nil) == 1000)
        #expect(queue.segments.map(\.isLost) == [true, true, false, false])
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == nil)
        #expect(queue.lostBytesTotal == 2000)
    }

    @Test func reorderingWindowUsesTheGivenMinimumAndIsCappedBySRTT() {
        var queue = Self.queue(4)
        _ = Self.ack(&queue, 0, [(2000, 3000)], at: 100)
        // min_RTT 80 ms: reo_wnd 20 ms; segment 0 due at 0 + 98 + 20.
        #expect(queue.reorderDeadline(minimumRTT: .milliseconds(80), smoothedRTT: nil) == Self.ms(118))
        // SRTT 10 ms caps it.
        #expect(queue.reorderDeadline(minimumRTT: .milliseconds(80), smoothedRTT: .milliseconds(10)) == Self.ms(108))
    }

    @Test func reorderingWithinTheWindowIsNotLoss() {
        var queue = Self.queue(4)
        _ = Self.ack(&queue, 0, [(1000, 2000)], at: 100)
        #expect(queue.detectLosses(now: Self.ms(110), minimumRTT: nil, smoothedRTT: nil) == 0)
        // Segment 0 was only late: it arrives before the deadline.
        let late = Self.ack(&queue, 2000, at: 115)
        #expect(late.cumulativelyAcked == 2000)
        #expect(queue.detectLosses(now: Self.ms(300), minimumRTT: nil, smoothedRTT: nil) == 0)
        #expect(queue.lostBytesTotal == 0)
        #expect(queue.nextLost() == nil)
    }

    @Test func noReorderingSeenAndThreeSACKedMeansNoWindow() {
        // RFC 8985 §6.2 Step 4: without reordering, DupThresh SACKed segments zero reo_wnd.
        var queue = Self.queue(6)
        _ = Self.ack(&queue, 0, [(2000, 4000)], at: 100)
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(0 + 97 + 24.25))
        _ = Self.ack(&queue, 0, [(2000, 5000)], at: 101)
        // RACK.rtt = 101 − 4 = 97 ms; segment 0 due at 97 ms, already past.
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(97))
    }

    @Test func duplicateSACKWidensTheWindowOncePerRound() {
        var queue = Self.queue(8)
        _ = Self.ack(&queue, 1000, at: 100)  // min_RTT 100 ms
        // D-SACK of segment 0: reo_wnd_mult 1 → 2.
        #expect(Self.ack(&queue, 1000, [(0, 1000)], at: 101).isDuplicateSACK)
        // Another D-SACK in the same round does not grow it again.
        #expect(Self.ack(&queue, 1000, [(0, 1000)], at: 102).isDuplicateSACK)
        _ = Self.ack(&queue, 1000, [(3000, 4000)], at: 103)
        // RACK.rtt = 103 − 3 = 100 ms; reo_wnd = 2·100/4 = 50 ms; segment 1 (sent at 1) due at 151.
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(151))
        #expect(queue.detectLosses(now: Self.ms(150), minimumRTT: nil, smoothedRTT: nil) == 0)
        #expect(queue.detectLosses(now: Self.ms(151), minimumRTT: nil, smoothedRTT: nil) == 1000)
    }

    @Test func rackIgnoresAnACKForTheOriginalOfARetransmission() {
        var queue = Self.queue(3)
        _ = Self.ack(&queue, 1000, at: 100)   // min_RTT 100 ms
        queue.retransmitted(start: Self.seq(2000), at: Self.ms(150))
        // 10 ms after the retransmission: less than min_RTT, so the original arrived.
        let spurious = Self.ack(&queue, 1000, [(2000, 3000)], at: 160)
        #expect(spurious.rackAdvanced == false)
        #expect(spurious.rttSample == nil)
        // RACK's reference is still segment 0, so segment 1, sent after it, is not judged.
        #expect(queue.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == nil)

        // The same SACK a full min_RTT after the retransmission is for the retransmission.
        var genuine = Self.queue(3)
        _ = Self.ack(&genuine, 1000, at: 100)
        genuine.retransmitted(start: Self.seq(2000), at: Self.ms(150))
        #expect(Self.ack(&genuine, 1000, [(2000, 3000)], at: 250).rackAdvanced)
        // RACK.rtt = 100 ms, reo_wnd = 25 ms: segment 1 (sent at 1) is due at 126 ms.
        #expect(genuine.reorderDeadline(minimumRTT: nil, smoothedRTT: nil) == Self.ms(126))
    }

    @Test func markAllLostMarksEveryUnSACKedSegment() {
        var queue = Self.queue(5)
        _ = Self.ack(&queue, 0, [(3000, 4000)], at: 100)
        queue.markAllLost()
        #expect(queue.segments.map(\.isLost) == [true, true, true, false, true])
        #expect(queue.pipe == 0)
        #expect(queue.lostBytesTotal == 4000)
        #expect(Self.nextLost(queue) == [0, 1000])
        queue.retransmitted(start: Self.seq(0), at: Self.ms(400))
        #expect(Self.nextLost(queue) == [1000, 1000])
        #expect(queue.pipe == 1000)
        // Marking again adds nothing already marked.
        queue.markAllLost()
        #expect(queue.lostBytesTotal == 5000)
        #expect(Self.nextLost(queue) == [0, 1000])
    }

    @Test func splitDividesASegmentAndKeepsItsMarks() {
        var queue = Self.queue(3)
        queue.markAllLost()
        queue.split(at: Self.seq(500))
        #expect(queue.segmentCount == 4)
        #expect(queue.segments.map { $0.start - Self.base } == [0, 500, 1000, 2000])
        #expect(queue.segments.map(\.length) == [500, 500, 1000, 1000])
        #expect(queue.segments.map(\.isLost) == [true, true, true, true])
        let halves = queue.segments.prefix(2).map { [$0.firstSent, $0.lastSent] }
        #expect(halves == [[Self.ms(0), Self.ms(0)], [Self.ms(0), Self.ms(0)]])
        #expect(Self.nextLost(queue) == [0, 500])
        queue.retransmitted(start: Self.seq(0), at: Self.ms(300))
        #expect(Self.nextLost(queue) == [500, 500])
        #expect(queue.pipe == 500)
        // Boundaries and sequence numbers outside change nothing.
        queue.split(at: Self.seq(1000))
        queue.split(at: Self.seq(9000))
        #expect(queue.segmentCount == 4)
        // Retransmitting from inside a segment is ignored until it is split there.
        queue.retransmitted(start: Self.seq(1500), at: Self.ms(301))
        #expect(queue.retransmittedSegmentsTotal == 1)
        queue.split(at: Self.seq(1500))
        queue.retransmitted(start: Self.seq(1500), at: Self.ms(301))
        #expect(queue.retransmittedSegmentsTotal == 2)
        #expect(queue.segments.map(\.retransmissions) == [1, 0, 0, 1, 0])
        #expect(queue.pipe == 1000)
        #expect(queue.flightSize == 3000)
    }

    @Test func nextLostTakesTheOldestLostSegment() {
        var queue = Self.queue(8)
        // Segments 1, 3 and 5 arrive; 0, 2 and 4 are due by RACK, 6 and 7 were sent after 5.
        _ = Self.ack(&queue, 0, [(5000, 6000), (3000, 4000), (1000, 2000)], at: 100)
        #expect(queue.detectLosses(now: Self.ms(100), minimumRTT: nil, smoothedRTT: nil) == 3000)
        #expect(Self.nextLost(queue) == [0, 1000])
        queue.retransmitted(start: Self.seq(0), at: Self.ms(101))
        #expect(Self.nextLost(queue) == [2000, 1000])
        // Segment 2 turns up SACKed after all: skipped.
        _ = Self.ack(&queue, 0, [(2000, 4000), (5000, 6000), (1000, 2000)], at: 102)
        #expect(Self.nextLost(queue) == [4000, 1000])
        queue.retransmitted(start: Self.seq(4000), at: Self.ms(103))
        #expect(queue.nextLost() == nil)
        // Pipe: the two retransmissions and segments 6 and 7. (Segment 4 has
        // a single SACKed segment above it, so RFC 6675's own IsLost would
        // still count its original; RACK deemed it lost, and with RACK-TLP
        // RACK's verdict stands in for IsLost.)
        #expect(queue.pipe == 4000)
    }

    @Test func probeTimeoutFollowsRFC8985() {
        #expect(TCPRetransmissionQueue.probeTimeout(smoothedRTT: nil, segmentsInFlight: 3) == .seconds(1))
        #expect(TCPRetransmissionQueue.probeTimeout(smoothedRTT: .milliseconds(50), segmentsInFlight: 2) == .milliseconds(100))
        #expect(TCPRetransmissionQueue.probeTimeout(smoothedRTT: .milliseconds(50), segmentsInFlight: 1) == .milliseconds(300))
        #expect(TCPRetransmissionQueue.probeTimeout(smoothedRTT: .milliseconds(2), segmentsInFlight: 5) == .milliseconds(10))
    }

    @Test func synAndFinOccupyOneSequenceNumberEach() {
        var queue = TCPRetransmissionQueue(maximumSegmentSize: Self.mss)
        queue.sent(start: Self.seq(0), length: 1, at: Self.ms(0))       // SYN
        #expect(Self.ack(&queue, 1, at: 10).rttSample == .milliseconds(10))
        queue.sent(start: Self.seq(1), length: 1000, at: Self.ms(11))
        queue.sent(start: Self.seq(1001), length: 1, at: Self.ms(11))   // FIN
        #expect(queue.flightSize == 1001)
        #expect(Self.ack(&queue, 1002, at: 30).cumulativelyAcked == 1001)
        #expect(queue.isEmpty)
    }

    @Test func hundredThousandSegmentsWrapAroundInAFixedRing() {
        let window = 64
        var queue = TCPRetransmissionQueue(maximumSegmentSize: Self.mss)
        let first = TCPSeq(UInt32.max - 20_000_000)
        var next = first
        var una = first
        var now = Self.t0
        var sent = 0
        var capacities: Set<Int> = []
        while sent < 100_000 {
            while queue.segmentCount < window && sent < 100_000 {
                queue.sent(start: next, length: Self.mss, at: now)
                next += Self.mss
                sent += 1
            }
            capacities.insert(queue.storageCapacity)
            now = now + .milliseconds(1)
            if sent % 97 == 0 {
                // Now and then a hole: SACK above it, mark it lost, retransmit it.
                let outcome = queue.acknowledge(cumulative: una, sack: TCPSACKBlocks([TCPSACKBlock(start: una + Self.mss, end: una + 5 * Self.mss)]),
                                                now: now, timestampRTT: nil)
                #expect(outcome.newlySACKed == 4 * Self.mss)
                #expect(queue.detectLosses(now: now, minimumRTT: nil, smoothedRTT: nil) == Self.mss)
                #expect(queue.nextLost().map { [$0.start - una, $0.length] } == [0, Self.mss])
                queue.retransmitted(start: una, at: now)
                #expect(queue.pipe == Self.rfc6675Pipe(queue))
            }
            una += 8 * Self.mss
            let outcome = queue.acknowledge(cumulative: una, sack: TCPSACKBlocks(), now: now, timestampRTT: nil)
            #expect(outcome.cumulativelyAcked > 0)
            #expect(queue.segmentCount <= window)
        }
        _ = queue.acknowledge(cumulative: next, sack: TCPSACKBlocks(), now: now, timestampRTT: nil)
        #expect(queue.isEmpty)
        #expect(next.rawValue < first.rawValue)   // wrapped
        #expect(capacities.max() == window)
        #expect(queue.flightSize == 0)
        #expect(queue.lostBytesTotal > 0)
    }
}
