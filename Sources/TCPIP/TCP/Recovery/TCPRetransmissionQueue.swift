import NetCore

/// The sender's record of what is in flight: per segment sent and not yet
/// cumulatively acknowledged, its range, when it was (last) sent, and what
/// the receiver and loss detection have said about it. It is the RFC 6675
/// scoreboard together with RACK's state (RFC 8985), and answers the
/// questions the connection's recovery asks: what did this ACK deliver,
/// which segments are lost, how much is in the network (pipe), what to
/// retransmit next.
///
/// No data is kept — the client's buffer is retransmitted from — so a
/// segment costs a few words. They sit in a ring (a power-of-two
/// `ContiguousArray` with a head index) that grows geometrically and is
/// never shrunk, so a connection in steady state sends and acknowledges
/// without allocating. Segments are contiguous in sequence space from
/// SND.UNA to SND.NXT, so the one holding a sequence number is found by
/// binary search.
///
/// Sequence numbers compare by RFC 9293's modular rule; the flight is kept
/// below 2^30 bytes (RFC 7323's largest window) so the comparisons hold.
public struct TCPRetransmissionQueue: Sendable {
    /// DupThresh (RFC 6675 §2, RFC 5681 §3.2): SACKed segments above a hole
    /// that make it lost, and RACK's threshold of SACKed segments for a zero
    /// reordering window (RFC 8985 §6.2 Step 4).
    public static let duplicateThreshold = 3
    /// WCDelAckT of RFC 8985 §7.2: the longest a receiver delays the ACK of a lone segment.
    public static let worstCaseDelayedACK: Duration = .milliseconds(200)
    /// The shortest probe timeout: below it timer slack would fire probes before any ACK could arrive.
    public static let minimumProbeTimeout: Duration = .milliseconds(10)
    /// RFC 8985 §6.2 Step 4: recoveries without a D-SACK after which the reordering window shrinks back.
    static let reorderingWindowPersistence = 16
    /// A bound on reo_wnd_mult (Linux uses 255); the window is capped by SRTT long before.
    static let maximumReorderingWindowMultiplier = 255
    /// The tolerance when a timestamp echo is compared with a send time: the
    /// echo's clock ticks in milliseconds (RFC 7323 §5.4).
    static let timestampGranularity: Duration = .milliseconds(1)
    /// The largest flight kept (RFC 7323 §2.3's largest window).
    static let maximumFlight = 1 << 30
    static let initialCapacity = 16
    static let placeholder = TCPSentSegment(start: TCPSeq(0), end: TCPSeq(0), firstSent: .zero)

    /// SMSS, in bytes: the unit of RFC 6675's byte threshold for IsLost.
    public var maximumSegmentSize: Int

    private var storage: ContiguousArray<TCPSentSegment>
    private var head = 0
    /// Segments recorded.
    public private(set) var segmentCount = 0

    /// Whether anything was ever sent, so that SND.UNA and SND.NXT mean something.
    private var hasSent = false
    private var sndUna = TCPSeq(0)
    private var sndNxt = TCPSeq(0)

    private var sackedBytes = 0
    private var sackedSegments = 0
    /// Bytes and segments marked lost and not SACKed or retransmitted since.
    private var lostBytes = 0
    private var lostSegments = 0
    /// No segment marked lost starts below this, so `nextLost` need not look lower.
    private var lostHint = TCPSeq(0)
    /// Every segment below this that RFC 6675's IsLost could mark has been
    /// marked (or SACKed, or retransmitted), so the DupThresh scan stops here.
    private var dupThreshWatermark = TCPSeq(0)

    /// The right edge of the highest SACKed segment; nil when nothing above SND.UNA is SACKed.
    public private(set) var highestSACKed: TCPSeq?

    /// RACK.xmit_ts and RACK.end_seq (RFC 8985 §6.1): the most recently
    /// sent segment known delivered. Nil before the first delivery.
    private var rackSent: Instant?
    private var rackEnd = TCPSeq(0)
    /// RACK.rtt: the RTT of that segment's delivery.
    private var rackRTT: Duration = .zero
    /// RACK.min_RTT as seen from the samples this queue produced.
    private var rackMinimumRTT: Duration?
    /// RACK.fack: the highest sequence delivered.
    private var fack: TCPSeq?
    /// RACK.reordering_seen: a segment was delivered below one delivered before it.
    private var reorderingSeen = false
    /// RACK.reo_wnd_mult and RACK.reo_wnd_persist (RFC 8985 §6.2 Step 4).
    private var reorderingWindowMultiplier = 1
    private var reorderingWindowPersist = 0
    /// RACK.dsack_round: a D-SACK grew the window this round; SND.NXT then.
    private var dsackRound: TCPSeq?
    /// SND.NXT when loss was first detected or the retransmission timer
    /// fired: the queue is in (fast or RTO) recovery until SND.UNA reaches
    /// it. This mirrors the connection's recovery (which starts on the
    /// losses this queue reports) for RFC 8985 §6.2 Step 4, which asks
    /// whether the sender is in recovery.
    private var recoveryPoint: TCPSeq?

    /// Bytes marked lost over the connection's life.
    public private(set) var lostBytesTotal = 0
    /// Segments retransmitted over the connection's life.
    public private(set) var retransmittedSegmentsTotal = 0

    /// An empty queue.
    public init(maximumSegmentSize: Int) {
        self.maximumSegmentSize = maximumSegmentSize
        storage = ContiguousArray(repeating: Self.placeholder, count: Self.initialCapacity)
    }

    /// Whether nothing is outstanding.
    public var isEmpty: Bool { segmentCount == 0 }

    /// The segments, oldest first (for tests and traces).
    public var segments: some Collection<TCPSentSegment> {
        let storage = self.storage
        let head = self.head
        let mask = storage.count - 1
        return (0..<segmentCount).lazy.map { storage[(head + $0) & mask] }
    }

    /// Slots allocated in the ring (for tests: the ring does not grow in steady state).
    var storageCapacity: Int { storage.count }

    /// RFC 6675 §4 SetPipe: the bytes believed in the network. Every byte
    /// from SND.UNA to SND.NXT counts unless SACKed or marked lost; a lost
    /// segment counts again once retransmitted, which clears its mark —
    /// RFC 6675 counts such a byte once too, as lost (not counted) and
    /// retransmitted (counted).
    public var pipe: Int { Swift.max(0, flightSize - sackedBytes - lostBytes) }

    /// FlightSize (RFC 5681 §2): the bytes from SND.UNA to the end of the last segment.
    public var flightSize: Int { hasSent ? sndNxt - sndUna : 0 }

    // MARK: Sending

    /// A first transmission of [start, start+length); `start` continues
    /// where the last one ended (or begins an empty queue). A range that
    /// does not continue the queue, is empty, or would make the flight
    /// larger than 2^30 bytes is not recorded.
    public mutating func sent(start: TCPSeq, length: Int, at now: Instant) {
        guard length > 0 else { return }
        if segmentCount == 0 {
            hasSent = true
            sndUna = start
            sndNxt = start
            lostHint = start
            dupThreshWatermark = start
            highestSACKed = nil
        } else if start != sndNxt {
            return
        }
        guard length <= Self.maximumFlight - flightSize else { return }
        reserve(segmentCount + 1)
        storage[slot(segmentCount)] = TCPSentSegment(start: start, end: start + length, firstSent: now)
        segmentCount += 1
        sndNxt = start + length
    }

    /// A retransmission of the recorded segment beginning at `start` (whole
    /// segment): lastSent = now, retransmissions += 1, isLost cleared. A
    /// `start` no segment begins at is ignored (split first to send less).
    public mutating func retransmitted(start: TCPSeq, at now: Instant) {
        guard let i = index(containing: start) else { return }
        let p = slot(i)
        guard storage[p].start == start else { return }
        storage[p].lastSent = now
        storage[p].retransmissions += 1
        retransmittedSegmentsTotal += 1
        if storage[p].isLost {
            storage[p].isLost = false
            lostSegments -= 1
            lostBytes -= storage[p].length
            if lostHint == start { lostHint = storage[p].end }
        }
    }

    /// Splits the recorded segment containing `seq` into two at `seq` (the
    /// sender retransmits less than a whole segment, e.g. after the MSS
    /// shrank or the window allows less). Both halves keep the segment's
    /// times and marks. A `seq` at a segment boundary or outside the queue
    /// changes nothing.
    public mutating func split(at seq: TCPSeq) {
        guard let i = index(containing: seq), storage[slot(i)].start != seq else { return }
        reserve(segmentCount + 1)
        var j = segmentCount
        while j > i + 1 {
            storage[slot(j)] = storage[slot(j - 1)]
            j -= 1
        }
        var second = storage[slot(i)]
        second.start = seq
        storage[slot(i)].end = seq
        storage[slot(i + 1)] = second
        segmentCount += 1
        if second.isSACKed { sackedSegments += 1 }
        if second.isLost { lostSegments += 1 }
    }

    // MARK: Acknowledgments

    /// An ACK: cumulative acknowledgment `ack` plus SACK blocks (validated
    /// here: blocks outside [SND.UNA, SND.NXT] or reversed are ignored, RFC
    /// 2018/6675; a block reaching below SND.UNA counts from SND.UNA).
    /// `timestampRTT`, when the segment echoed a timestamp (RFC 7323), is
    /// used as the RTT sample in preference.
    ///
    /// A segment counts as SACKed only when a block covers all of it; the
    /// sender's own segments are what receivers SACK, and partial coverage
    /// (after resegmentation) stays unSACKed, which errs towards retransmitting.
    /// An ACK above SND.NXT acknowledges nothing sent and changes nothing
    /// (RFC 9293 §3.10.7.4 has the connection drop it).
    public mutating func acknowledge(cumulative ack: TCPSeq, sack: TCPSACKBlocks, now: Instant,
                                     timestampRTT: Duration?) -> TCPAckOutcome {
        var outcome = TCPAckOutcome()
        guard hasSent, ack <= sndNxt else { return outcome }
        outcome.isDuplicateSACK = Self.firstBlockIsDuplicate(sack, ack: ack, sndNxt: sndNxt)

        // RFC 8985 §6.2 Step 2: a retransmitted segment's delivery counts
        // for RACK only if the ACK cannot be for an earlier transmission:
        // not sooner after the retransmission than min_RTT, and not echoing
        // a timestamp older than it.
        var retransmissionFloor = rackMinimumRTT
        if let echo = timestampRTT {
            let bound = echo - Self.timestampGranularity
            retransmissionFloor = Swift.max(retransmissionFloor ?? bound, bound)
        }
        var delivery = (newestClean: Instant?.none, rack: (sent: Instant, end: TCPSeq)?.none,
                        highest: TCPSeq?.none, reordering: false)
        let priorFack = fack

        if ack > sndUna {
            while segmentCount > 0 {
                let p = slot(0)
                let segment = storage[p]
                if segment.end <= ack {
                    if segment.isSACKed {
                        sackedSegments -= 1
                        sackedBytes -= segment.length
                    } else {
                        Self.noteDelivery(of: segment, upTo: segment.end, now: now, retransmissionFloor: retransmissionFloor,
                                          priorFack: priorFack, into: &delivery)
                    }
                    if segment.isLost {
                        lostSegments -= 1
                        lostBytes -= segment.length
                    }
                    head = (head + 1) & (storage.count - 1)
                    segmentCount -= 1
                    continue
                }
                if segment.start < ack {
                    let covered = ack - segment.start
                    if segment.isSACKed {
                        sackedBytes -= covered
                    } else {
                        Self.noteDelivery(of: segment, upTo: ack, now: now, retransmissionFloor: retransmissionFloor,
                                          priorFack: priorFack, into: &delivery)
                    }
                    if segment.isLost { lostBytes -= covered }
                    storage[p].start = ack
                }
                break
            }
            outcome.cumulativelyAcked = ack - sndUna
            sndUna = ack
            if lostHint < sndUna { lostHint = sndUna }
            if dupThreshWatermark < sndUna { dupThreshWatermark = sndUna }
            if let highest = highestSACKed, highest <= sndUna { highestSACKed = nil }
        }

        for n in 0..<sack.count {
            if n == 0 && outcome.isDuplicateSACK { continue }
            let block = sack[n]
            guard block.start < block.end, block.end <= sndNxt, block.end > sndUna else { continue }
            let low = TCPSeq.max(block.start, sndUna)
            guard var i = index(containing: low) else { continue }
            while i < segmentCount {
                let p = slot(i)
                let segment = storage[p]
                guard segment.start < block.end else { break }
                i += 1
                guard !segment.isSACKed, segment.start >= low, segment.end <= block.end else { continue }
                Self.noteDelivery(of: segment, upTo: segment.end, now: now, retransmissionFloor: retransmissionFloor,
                                  priorFack: priorFack, into: &delivery)
                storage[p].isSACKed = true
                sackedSegments += 1
                sackedBytes += segment.length
                outcome.newlySACKed += segment.length
                if segment.isLost {
                    storage[p].isLost = false
                    lostSegments -= 1
                    lostBytes -= segment.length
                }
                if highestSACKed.map({ segment.end > $0 }) ?? true { highestSACKed = segment.end }
            }
        }

        // Karn's rule (RFC 6298 §3): a timestamp echo is unambiguous; without
        // one only a segment never retransmitted gives a sample.
        if outcome.cumulativelyAcked > 0 || outcome.newlySACKed > 0 {
            if let echo = timestampRTT {
                outcome.rttSample = Swift.max(.zero, echo)
            } else if let sent = delivery.newestClean {
                outcome.rttSample = Swift.max(.zero, now - sent)
            }
        }
        // RFC 8985 §6.2 Step 1: min_RTT.
        if let sample = outcome.rttSample {
            rackMinimumRTT = rackMinimumRTT.map { Swift.min($0, sample) } ?? sample
        }
        // Step 2: RACK.rtt from the most recently sent segment delivered, and
        // RACK.xmit_ts/end_seq moved forward to it.
        if let latest = delivery.rack {
            rackRTT = Swift.max(.zero, now - latest.sent)
            if rackSent.map({ Self.sentAfter(latest.sent, latest.end, $0, rackEnd) }) ?? true {
                rackSent = latest.sent
                rackEnd = latest.end
                outcome.rackAdvanced = true
            }
        }
        // Step 3: RACK.fack, and reordering seen if a never-retransmitted
        // segment was delivered below it.
        if delivery.reordering { reorderingSeen = true }
        if let highest = delivery.highest {
            fack = fack.map { TCPSeq.max($0, highest) } ?? highest
        }
        updateReorderingWindow(duplicateSACK: outcome.isDuplicateSACK)
        return outcome
    }

    /// RFC 2883 §4: the first block reports a duplicate when it lies below
    /// the cumulative ACK, or inside the second block.
    private static func firstBlockIsDuplicate(_ sack: TCPSACKBlocks, ack: TCPSeq, sndNxt: TCPSeq) -> Bool {
        guard let first = sack.first, first.start < first.end, first.end <= sndNxt else { return false }
        if first.start < ack { return true }
        guard sack.count >= 2 else { return false }
        let second = sack[1]
        return second.start < second.end && second.start <= first.start && first.end <= second.end
    }

    /// One newly delivered segment (or its first bytes, up to `end`): the
    /// RTT sample candidate, RACK's candidate (Step 2) and reordering (Step 3).
    private static func noteDelivery(of segment: TCPSentSegment, upTo end: TCPSeq, now: Instant,
                                     retransmissionFloor: Duration?, priorFack: TCPSeq?,
                                     into delivery: inout (newestClean: Instant?, rack: (sent: Instant, end: TCPSeq)?,
                                                           highest: TCPSeq?, reordering: Bool)) {
        let retransmitted = segment.retransmissions > 0
        if !retransmitted {
            if delivery.newestClean.map({ segment.lastSent > $0 }) ?? true { delivery.newestClean = segment.lastSent }
            if let fack = priorFack, end < fack { delivery.reordering = true }
        }
        let eligible = !retransmitted || retransmissionFloor.map { now - segment.lastSent >= $0 } ?? true
        if eligible, delivery.rack.map({ sentAfter(segment.lastSent, end, $0.sent, $0.end) }) ?? true {
            delivery.rack = (segment.lastSent, end)
        }
        if delivery.highest.map({ end > $0 }) ?? true { delivery.highest = end }
    }

    /// RFC 8985 §6.2 Step 4's bookkeeping on each ACK: one D-SACK round
    /// grows reo_wnd_mult by one; sixteen recoveries ended without one bring it back to 1.
    private mutating func updateReorderingWindow(duplicateSACK: Bool) {
        var exitingRecovery = false
        if let point = recoveryPoint, sndUna >= point {
            recoveryPoint = nil
            exitingRecovery = true
        }
        if let round = dsackRound, sndUna >= round { dsackRound = nil }
        if dsackRound == nil && duplicateSACK {
            dsackRound = sndNxt
            reorderingWindowMultiplier = Swift.min(reorderingWindowMultiplier + 1, Self.maximumReorderingWindowMultiplier)
            reorderingWindowPersist = Self.reorderingWindowPersistence
        } else if exitingRecovery {
            reorderingWindowPersist -= 1
            if reorderingWindowPersist <= 0 {
                reorderingWindowPersist = 0
                reorderingWindowMultiplier = 1
            }
        }
    }

    // MARK: Loss detection

    /// RACK loss detection (RFC 8985 §6.2 Step 5) plus RFC 6675 IsLost
    /// (§4: DupThresh SACKed segments, or more than (DupThresh − 1)·SMSS
    /// SACKed bytes, above a segment make it lost). Marks segments lost;
    /// returns bytes newly marked lost.
    ///
    /// IsLost marks only segments never retransmitted: a retransmission in
    /// flight is RACK's to judge (RFC 6675 NextSeg, too, looks above HighRxt).
    public mutating func detectLosses(now: Instant, minimumRTT: Duration?, smoothedRTT: Duration?) -> Int {
        guard segmentCount > 0 else { return 0 }
        var newlyLost = 0
        if let reference = rackSent {
            let window = reorderingWindow(minimumRTT: minimumRTT, smoothedRTT: smoothedRTT)
            var i = 0
            while i < segmentCount {
                let p = slot(i)
                let segment = storage[p]
                if Self.sentAfterReference(segment, reference: reference, referenceEnd: rackEnd) { break }
                i += 1
                guard !segment.isSACKed, !segment.isLost,
                      Self.sentAfter(reference, rackEnd, segment.lastSent, segment.end) else { continue }
                if now >= segment.lastSent + rackRTT + window { newlyLost += markLost(p) }
            }
        }
        newlyLost += markLostByDuplicateThreshold()
        if newlyLost > 0 && recoveryPoint == nil { recoveryPoint = sndNxt }
        return newlyLost
    }

    /// RACK's reordering timer (§6.2 Step 5): when the earliest
    /// not-yet-lost, not-SACKed segment sent before RACK.xmit_ts will be
    /// deemed lost, or nil. (The RFC arms one timer for the latest of these;
    /// the earliest lets each segment be marked when due, and the connection
    /// asks again after `detectLosses`.)
    public func reorderDeadline(minimumRTT: Duration?, smoothedRTT: Duration?) -> Instant? {
        guard let reference = rackSent else { return nil }
        let window = reorderingWindow(minimumRTT: minimumRTT, smoothedRTT: smoothedRTT)
        var earliest: Instant?
        var i = 0
        while i < segmentCount {
            let segment = storage[slot(i)]
            if Self.sentAfterReference(segment, reference: reference, referenceEnd: rackEnd) { break }
            i += 1
            guard !segment.isSACKed, !segment.isLost,
                  Self.sentAfter(reference, rackEnd, segment.lastSent, segment.end) else { continue }
            let deadline = segment.lastSent + rackRTT + window
            if earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        return earliest
    }

    /// RACK.reo_wnd (RFC 8985 §6.2 Step 4): zero while no reordering has
    /// been seen and the sender is in recovery or DupThresh segments are
    /// SACKed (behaving as DupThresh would); otherwise a quarter of min_RTT
    /// per D-SACK-driven step, capped at SRTT.
    private func reorderingWindow(minimumRTT: Duration?, smoothedRTT: Duration?) -> Duration {
        if !reorderingSeen && (recoveryPoint != nil || sackedSegments >= Self.duplicateThreshold) { return .zero }
        guard let minimum = minimumRTT ?? rackMinimumRTT else { return .zero }
        let window = minimum * reorderingWindowMultiplier / 4
        return smoothedRTT.map { Swift.min(window, $0) } ?? window
    }

    /// RFC 6675 §4 IsLost, applied from the highest SACKed segment down to
    /// the watermark below which all has been judged.
    private mutating func markLostByDuplicateThreshold() -> Int {
        guard sackedSegments > 0, let highest = highestSACKed, var i = index(containing: highest - 1) else { return 0 }
        let byteThreshold = (Self.duplicateThreshold - 1) * Swift.max(1, maximumSegmentSize)
        var sackedAbove = 0
        var sackedBytesAbove = 0
        var boundary: TCPSeq?
        var newlyLost = 0
        while i >= 0 {
            let p = slot(i)
            let segment = storage[p]
            if segment.end <= dupThreshWatermark { break }
            i -= 1
            if segment.isSACKed {
                sackedAbove += 1
                sackedBytesAbove += segment.length
            } else if sackedAbove >= Self.duplicateThreshold || sackedBytesAbove > byteThreshold {
                if boundary == nil { boundary = segment.end }
                if !segment.isLost && segment.retransmissions == 0 { newlyLost += markLost(p) }
            }
        }
        if let boundary, boundary > dupThreshWatermark { dupThreshWatermark = boundary }
        return newlyLost
    }

    /// The retransmission timer fired: every unSACKed outstanding segment
    /// is marked lost (RFC 6675 §5.1 / RFC 8985 §6.3), and RTO recovery
    /// lasts until what is outstanding now is acknowledged.
    public mutating func markAllLost() {
        guard segmentCount > 0 else { return }
        for i in 0..<segmentCount {
            let p = slot(i)
            if !storage[p].isSACKed && !storage[p].isLost { _ = markLost(p) }
        }
        recoveryPoint = sndNxt
    }

    /// RFC 8985 §7.2 probe timeout: PTO = 2·SRTT, plus max ack delay (200
    /// ms) when one segment is in flight, at least 10 ms; SRTT nil → 1 s.
    /// (The connection caps it at the RTO.)
    public static func probeTimeout(smoothedRTT: Duration?, segmentsInFlight: Int) -> Duration {
        guard let srtt = smoothedRTT else { return .seconds(1) }
        var timeout = srtt * 2
        if segmentsInFlight == 1 { timeout += worstCaseDelayedACK }
        return Swift.max(timeout, minimumProbeTimeout)
    }

    // MARK: Retransmission

    /// The oldest segment marked lost and not retransmitted since (RFC 6675
    /// NextSeg rule 1 / RACK), as (start, length).
    public func nextLost() -> (start: TCPSeq, length: Int)? {
        guard lostSegments > 0 else { return nil }
        var i = index(containing: TCPSeq.max(lostHint, sndUna)) ?? 0
        while i < segmentCount {
            let segment = storage[slot(i)]
            if segment.isLost { return (segment.start, segment.length) }
            i += 1
        }
        return nil
    }

    // MARK: Storage

    @inline(__always)
    private func slot(_ index: Int) -> Int { (head + index) & (storage.count - 1) }

    /// The position of the segment holding `seq`, or nil outside [SND.UNA, SND.NXT).
    private func index(containing seq: TCPSeq) -> Int? {
        guard segmentCount > 0, seq.isIn(sndUna, sndNxt) else { return nil }
        var low = 0
        var high = segmentCount - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if storage[slot(middle)].start <= seq { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Room for `count` segments, doubling the ring (and unwrapping it) when short.
    private mutating func reserve(_ count: Int) {
        guard count > storage.count else { return }
        var capacity = storage.count
        while capacity < count { capacity *= 2 }
        var grown = ContiguousArray(repeating: Self.placeholder, count: capacity)
        for i in 0..<segmentCount { grown[i] = storage[slot(i)] }
        storage = grown
        head = 0
    }

    /// Marks the segment containing `start` lost, whatever RACK and the
    /// duplicate threshold say: NewReno's third duplicate ACK and partial
    /// ACKs without SACK (RFC 6582 §3.2), or a path MTU drop. Returns the
    /// bytes newly marked (0 for a SACKed, already lost or unknown segment).
    @discardableResult
    public mutating func markLost(start: TCPSeq) -> Int {
        guard let i = index(containing: start) else { return 0 }
        let p = slot(i)
        guard !storage[p].isSACKed, !storage[p].isLost else { return 0 }
        return markLost(p)
    }

    /// The newest segment sent (a tail loss probe resends it).
    public var newest: TCPSentSegment? {
        isEmpty ? nil : storage[slot(segmentCount - 1)]
    }

    /// Marks the segment in slot `p` lost; returns its length.
    private mutating func markLost(_ p: Int) -> Int {
        let length = storage[p].length
        storage[p].isLost = true
        if lostSegments == 0 || storage[p].start < lostHint { lostHint = storage[p].start }
        lostSegments += 1
        lostBytes += length
        lostBytesTotal += length
        return length
    }

    /// RACK_sent_after (RFC 8985 §6.2): sent later, ties broken by the higher end sequence.
    private static func sentAfter(_ sent1: Instant, _ end1: TCPSeq, _ sent2: Instant, _ end2: TCPSeq) -> Bool {
        sent1 > sent2 || (sent1 == sent2 && end1 > end2)
    }

    /// Whether this segment, and every later one, was first sent no earlier
    /// than RACK's reference: first transmissions are in sequence order and
    /// retransmissions only come later, so RACK's scan can stop here.
    private static func sentAfterReference(_ segment: TCPSentSegment, reference: Instant, referenceEnd: TCPSeq) -> Bool {
        segment.firstSent > reference || (segment.firstSent == reference && segment.end >= referenceEnd)
    }
}
