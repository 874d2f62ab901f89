import NetCore

extension TCPConnection {
    // MARK: - SEGMENT ARRIVES (RFC 9293 §3.10.7.3–3.10.7.4)

    /// One segment for this connection, checked and parsed by the stack.
    func segmentArrived(_ segment: TCPHeader, congestionExperienced: Bool = false) {
        counters.segmentsReceived &+= 1
        if ecnEnabled && state.isSynchronized {
            // RFC 3168 §6.1.3: echo a CE mark in every ACK until the sender's CWR.
            if segment.flags.contains(.cwr) { ecnEchoPending = false }
            if congestionExperienced {
                ecnEchoPending = true
                ackNow = true
                counters.congestionExperienced &+= 1
            }
        }
        lastActivity = stack.now
        keepAliveProbesSent = 0
        persistProbesUnanswered = 0
        if state == .synSent {
            synSentArrived(segment)
        } else {
            synchronizedArrived(segment)
        }
        guard state != .closed else { return }
        output()
    }

    // MARK: SYN-SENT

    func synSentArrived(_ segment: TCPHeader) {
        let flags = segment.flags
        if flags.contains(.ack) {
            let ack = segment.acknowledgmentNumber
            if ack <= iss || ack > sndNxt {
                if !flags.contains(.rst) {
                    stack.tcpSendReset(seq: ack, ack: nil, local: local, remote: remote)
                }
                stack.statistics.tcp.badACK &+= 1
                return
            }
        }
        if flags.contains(.rst) {
            // RFC 5961 §3.2 for SYN-SENT: only a RST that acknowledges the SYN counts.
            guard flags.contains(.ack) else {
                stack.statistics.tcp.resetsIgnored &+= 1
                return
            }
            stack.statistics.tcp.resetsAccepted &+= 1
            fail(.connectionRefused)
            return
        }
        guard flags.contains(.syn) else { return }
        irs = segment.sequenceNumber
        rcvNxt = irs + 1
        // Our SYN offered its window before RCV.NXT was known: its right edge starts now.
        rcvAdvertisedEdge = rcvNxt + min(receiveBuffer.window, Int(UInt16.max))
        negotiate(segment.options, active: true)
        if flags.contains(.ack) {
            if ecnEnabled && !(flags.contains(.ece) && !flags.contains(.cwr)) { ecnEnabled = false }
            acknowledgeSYN(segment)
            enterEstablished()
            ackNow = true
            owner?.tcpConnected(self)
            reportSendBacklog()
        } else {
            // Simultaneous open (RFC 9293 §3.5, figure 8): answer SYN with SYN-ACK.
            state = .synReceived
            ackNow = false
            retransmit(start: iss, length: 1)
            retransmitDeadline = stack.now + rtt.rto
        }
    }

    /// The peer acknowledged our SYN: SND.UNA moves past it, the window
    /// comes from this segment, and the handshake's RTT is the first sample.
    func acknowledgeSYN(_ segment: TCPHeader) {
        let outcome = retransmissions.acknowledge(cumulative: segment.acknowledgmentNumber, sack: TCPSACKBlocks(),
                                                  now: stack.now, timestampRTT: nil)
        if let sample = outcome.rttSample { rtt.addSample(sample) }
        sndUna = segment.acknowledgmentNumber
        sndWnd = Int(segment.window) << (segment.flags.contains(.syn) ? 0 : sndShift)
        maxSndWnd = max(maxSndWnd, sndWnd)
        sndWL1 = segment.sequenceNumber
        sndWL2 = segment.acknowledgmentNumber
        retransmitDeadline = nil
        retransmitCount = 0
        let mss = refreshMSS()
        retransmissions.maximumSegmentSize = mss
        congestion.setMaximumSegmentSize(mss)
    }

    /// Settles the options of the handshake: window scaling and SACK only
    /// when both sides asked, timestamps likewise (RFC 7323 §2.2, §3.2; RFC 2018 §2).
    func negotiate(_ options: TCPOptions, active: Bool) {
        let tcp = stack.configuration.tcp
        peerMSS = options.maximumSegmentSize.map { max(64, Int($0)) } ?? (isIPv4 ? 536 : 1220)
        if let shift = options.windowScale {
            windowScalingEnabled = true
            sndShift = min(Int(shift), 14)
        } else {
            windowScalingEnabled = false
            sndShift = 0
            rcvShift = 0
        }
        sackEnabled = options.sackPermitted && (!active || tcp.offerSACK)
        if let timestamp = options.timestamp, !active || tcp.offerTimestamps {
            timestampsEnabled = true
            tsRecent = timestamp.value
            tsRecentTime = stack.now
        } else {
            timestampsEnabled = false
        }
    }

    // MARK: Synchronized states and SYN-RECEIVED

    func synchronizedArrived(_ segment: TCPHeader) {
        let flags = segment.flags
        let seq = segment.sequenceNumber
        let tcp = stack.configuration.tcp

        // PAWS (RFC 7323 §5.3): an old timestamp marks an old duplicate.
        if timestampsEnabled, let timestamp = segment.options.timestamp, !flags.contains(.rst),
           Int32(bitPattern: timestamp.value &- tsRecent) < 0,
           stack.now - tsRecentTime < .seconds(24 * 24 * 3600) {
            stack.statistics.tcp.pawsRejected &+= 1
            ackNow = true
            return
        }

        // The peer's SYN again in SYN-RECEIVED: our SYN-ACK was lost. It lies
        // below RCV.NXT, so the window check would only ACK it, an answer a
        // peer in SYN-SENT drops; the SYN-ACK itself goes again.
        if state == .synReceived && listener != nil && flags.contains(.syn) && !flags.contains(.ack)
            && !flags.contains(.rst) && seq == irs {
            retransmit(start: iss, length: 1)
            return
        }

        // First check: is any of the segment inside the window (RFC 9293 §3.10.7.4, the four cases)?
        let window = max(0, rcvAdvertisedEdge - rcvNxt)
        let length = segment.segmentLength
        let acceptable: Bool
        if length == 0 {
            acceptable = window == 0 ? seq == rcvNxt : seq.isIn(rcvNxt, rcvNxt + window)
        } else {
            acceptable = window > 0 && (seq.isIn(rcvNxt, rcvNxt + window)
                                        || (seq + length - 1).isIn(rcvNxt, rcvNxt + window)
                                        || (seq < rcvNxt && seq + length > rcvNxt + window))
        }
        // RFC 9293 §3.10.7.4: a zero window takes no data, "but special allowance
        // should be made to accept valid ACKs, URGs, and RSTs": a segment at
        // RCV.NXT still has its control fields processed; its data and FIN are not.
        let controlOnly = !acceptable && window == 0 && seq == rcvNxt
        if controlOnly {
            stack.statistics.tcp.outOfWindow &+= 1
            ackNow = true
        } else if !acceptable {
            if flags.contains(.rst) {
                stack.statistics.tcp.resetsIgnored &+= 1
                return
            }
            stack.statistics.tcp.outOfWindow &+= 1
            if length > 0 && seq < rcvNxt {
                let end = TCPSeq.min(seq + segment.payload.count, rcvNxt)
                if end > seq { pendingDSACK = TCPSACKBlock(start: seq, end: end) }
            }
            if state == .timeWait && flags.contains(.fin) { restartTimeWait() }
            ackNow = true
            return
        }

        // Second: RST (RFC 5961 §3.2): exactly RCV.NXT resets, elsewhere in the window earns a challenge ACK.
        if flags.contains(.rst) {
            guard seq == rcvNxt else {
                stack.statistics.tcp.resetsIgnored &+= 1
                sendChallengeACK()
                return
            }
            stack.statistics.tcp.resetsAccepted &+= 1
            resetArrived()
            return
        }

        // Fourth: SYN in a synchronized state (RFC 5961 §4): challenge, never reset.
        if flags.contains(.syn) {
            sendChallengeACK()
            return
        }

        // Fifth: ACK.
        guard flags.contains(.ack) else {
            stack.statistics.tcp.noACKFlag &+= 1
            return
        }
        let ack = segment.acknowledgmentNumber
        if state == .synReceived {
            guard ack > sndUna && ack <= sndNxt else {
                stack.tcpSendReset(seq: ack, ack: nil, local: local, remote: remote)
                return
            }
            acknowledgeSYN(segment)
            enterEstablished()
            if let listener {
                listener.connectionEstablished(self)
            } else {
                owner?.tcpConnected(self)
            }
            guard state != .closed else { return }
        }
        // RFC 5961 §5.2: acceptable only within [SND.UNA − MAX.SND.WND, SND.NXT].
        if ack > sndNxt {
            stack.statistics.tcp.badACK &+= 1
            sendChallengeACK()
            return
        }
        if ack < sndUna - max(maxSndWnd, 1) {
            stack.statistics.tcp.badACK &+= 1
            ackNow = true
            return
        }
        updateTimestamp(segment)
        processACK(segment)
        guard state != .closed else { return }

        // The FIN's acknowledgment moves the closing states on. The owner
        // hears of it first: `tcpClosed` must be the last thing it hears.
        if let fin = finSeq, sndUna > fin {
            if !finAckReported {
                finAckReported = true
                owner?.tcpDisconnectCompleted(self)
                guard state != .closed else { return }
            }
            switch state {
            case .finWait1:
                state = .finWait2
                if owner == nil { finWait2Deadline = stack.now + tcp.finWait2Timeout }
            case .closing:
                enterTimeWait()
            case .lastAck:
                reportClosed(.success)
                destroy()
                return
            default:
                break
            }
        }

        guard !controlOnly else { return }

        // Seventh: the data.
        if !segment.payload.isEmpty {
            if state.receivesData {
                receiveData(segment)
            } else {
                // After the peer's FIN no data can be new; acknowledge and drop.
                ackNow = true
            }
        }

        // Eighth: FIN.
        if flags.contains(.fin) {
            let finAt = seq + segment.payload.count
            if finAt == rcvNxt {
                peerFinArrived()
            } else if finAt > rcvNxt && state.receivesData {
                pendingPeerFin = finAt
                ackNow = true
            }
        }
    }

    /// RFC 7323 §4.3: TS.Recent follows the segment that covers Last.ACK.sent.
    func updateTimestamp(_ segment: TCPHeader) {
        guard timestampsEnabled, let timestamp = segment.options.timestamp else { return }
        if segment.sequenceNumber <= lastACKSent && Int32(bitPattern: timestamp.value &- tsRecent) >= 0 {
            tsRecent = timestamp.value
            tsRecentTime = stack.now
        }
    }

    /// A challenge ACK (RFC 5961 §3.2, §4.2, §5.2), within the stack-wide budget (§7).
    func sendChallengeACK() {
        guard stack.takeChallengeACK() else {
            stack.statistics.tcp.challengeACKsSuppressed &+= 1
            return
        }
        stack.statistics.tcp.challengeACKs &+= 1
        sendACK()
    }

    // MARK: ACK processing

    /// SND.UNA, the scoreboard, RTT, recovery and the congestion window
    /// from one acceptable ACK; then the send window (RFC 9293 §3.10.7.4, fifth check).
    func processACK(_ segment: TCPHeader) {
        let ack = segment.acknowledgmentNumber
        let now = stack.now
        let flightBefore = sndNxt - sndUna
        let sack = sackEnabled ? segment.options.sackBlocks : TCPSACKBlocks()
        let advanced = ack > sndUna
        var outcome = TCPAckOutcome()
        if advanced || !sack.isEmpty {
            outcome = retransmissions.acknowledge(cumulative: ack, sack: sack, now: now,
                                                  timestampRTT: advanced ? timestampRTT(segment) : nil)
        }
        if outcome.isDuplicateSACK {
            counters.duplicateSACKs &+= 1
            stack.statistics.tcp.duplicateSACKsReceived &+= 1
        }
        if let sample = outcome.rttSample { rtt.addSample(sample) }
        if segment.flags.contains(.ece) && ecnEnabled && !inRecovery && ack > ecnRecoveryPoint {
            // RFC 3168 §6.1.2: at most once per window of data.
            congestion.ecnEcho(flightSize: flightBefore, now: now)
            ecnRecoveryPoint = sndNxt
            sendCWR = true
            counters.ecnReductions &+= 1
        }

        let windowBefore = sndWnd
        if advanced {
            let acked = ack - sndUna
            let dataAcked = dataBytesBetween(sndUna, ack)
            sndUna = ack
            ackedOffset += Int64(dataAcked)
            counters.bytesAcknowledged &+= UInt64(dataAcked)
            retransmitCount = 0
            probeOutstanding = false
            duplicateACKs = 0
            completeSends(status: .success)
            if inRecovery {
                if ack >= recoveryPoint {
                    inRecovery = false
                    congestion.recoveryEnded(now: now)
                    trace(.recoveryEnd)
                } else if !sackEnabled {
                    // RFC 6582 §3.2 step 3: a partial ACK means the next segment was lost too.
                    retransmissions.markLost(start: ack)
                }
            } else {
                let limited = windowLimited || flightBefore + effectiveMSS >= congestion.congestionWindow
                congestion.acknowledged(bytes: acked, now: now, rtt: rtt.latestRTT, isWindowLimited: limited)
            }
            windowLimited = false
            if sndNxt == sndUna {
                retransmitDeadline = nil
            } else {
                armRetransmitTimer()
            }
            trace(.ack)
        } else if segment.payload.isEmpty && !segment.flags.contains(.fin) && sndNxt != sndUna
                    && Int(segment.window) << sndShift == windowBefore && ack == sndUna {
            duplicateACKs += 1
            if !sackEnabled && duplicateACKs == 3 && !inRecovery {
                retransmissions.markLost(start: sndUna)
            }
            if !sack.isEmpty { trace(.sack) }
        }

        let lost = retransmissions.detectLosses(now: now, minimumRTT: rtt.minimumRTT, smoothedRTT: rtt.smoothedRTT)
        if lost > 0 {
            counters.rackLossMarks &+= 1
        }
        if retransmissions.nextLost() != nil && !inRecovery { enterRecovery() }
        armReorderTimer()

        // The send window (SND.WL1/SND.WL2 rule).
        let seq = segment.sequenceNumber
        if sndWL1 < seq || (sndWL1 == seq && sndWL2 <= ack) {
            sndWnd = Int(segment.window) << sndShift
            maxSndWnd = max(maxSndWnd, sndWnd)
            sndWL1 = seq
            sndWL2 = ack
            if sndWnd > 0 {
                persistDeadline = nil
                persistBackoff = 0
            }
        }
        if advanced { reportSendBacklog() }
    }

    /// RFC 7323 §4.1: an ACK that moves SND.UNA and echoes one of our
    /// timestamps measures the round trip even after a retransmission,
    /// which Karn's rule would otherwise leave unmeasured (and the RTO
    /// backed off) until new data is acknowledged. Nil without timestamps,
    /// and below the clock's 1 ms granularity, where the sender's own
    /// per-segment times are the better measure.
    func timestampRTT(_ segment: TCPHeader) -> Duration? {
        guard timestampsEnabled, let timestamp = segment.options.timestamp, timestamp.echoReply != 0 else { return nil }
        let elapsed = Int32(bitPattern: timestampNow &- timestamp.echoReply)
        guard elapsed >= 1, elapsed < 60_000 else { return nil }
        return .milliseconds(Int64(elapsed))
    }

    /// Data bytes (not SYN, not FIN) in `from..<to`.
    func dataBytesBetween(_ from: TCPSeq, _ to: TCPSeq) -> Int {
        var low = TCPSeq.max(from, dataStart)
        var high = to
        if let fin = finSeq { high = TCPSeq.min(high, fin) }
        if high < low { low = high }
        return high - low
    }

    /// Enters fast recovery for a loss just found: the congestion response
    /// once per window (RFC 5681, RFC 6675 §5 step 4), the recovery point at SND.NXT.
    func enterRecovery() {
        guard !inRecovery else { return }
        inRecovery = true
        recoveryPoint = sndNxt
        stack.statistics.tcp.fastRecoveries &+= 1
        counters.fastRecoveries &+= 1
        if sackEnabled && retransmissions.highestSACKed != nil { counters.sackRecoveries &+= 1 }
        congestion.congestionEvent(flightSize: sndNxt - sndUna, now: stack.now)
        trace(.fastRecovery)
    }

    /// Sends that the peer has acknowledged in full go back to the owner.
    func completeSends(status: NTStatus) {
        while sendQueueHead < sendQueue.count {
            let request = sendQueue[sendQueueHead]
            guard status != .success || request.end <= ackedOffset else { break }
            sendQueueHead += 1
            if let tag = request.tag { owner?.tcpSendCompleted(self, tag: tag, status: status) }
        }
        if sendQueueHead == sendQueue.count {
            sendQueue.removeAll(keepingCapacity: sendQueue.capacity <= 64)
            sendQueueHead = 0
        } else if sendQueueHead > 64 && sendQueueHead * 2 > sendQueue.count {
            sendQueue.removeFirst(sendQueueHead)
            sendQueueHead = 0
        }
    }

    // MARK: Data

    /// In-window data: trimmed to RCV.NXT and the window, then handed to the
    /// owner directly when nothing is buffered before it, else written
    /// into the ring at its place; the ACK follows RFC 9293 §3.8.6.3 and
    /// RFC 5681 §4.2 (at once for out-of-order data and for data that fills a hole).
    func receiveData(_ segment: TCPHeader) {
        var payload = segment.payload
        var seq = segment.sequenceNumber
        if seq < rcvNxt {
            let duplicate = min(rcvNxt - seq, payload.count)
            pendingDSACK = TCPSACKBlock(start: seq, end: seq + duplicate)
            stack.statistics.tcp.duplicateBytes &+= UInt64(duplicate)
            payload = payload.slice(duplicate, payload.count - duplicate)
            seq = seq + duplicate
            ackNow = true
        }
        let edge = TCPSeq.max(rcvAdvertisedEdge, rcvNxt + receiveBuffer.window)
        let room = max(0, edge - seq)
        if payload.count > room {
            stack.statistics.tcp.outOfOrderBytesDropped &+= UInt64(payload.count - room)
            payload = payload.slice(0, room)
            ackNow = true
        }
        guard !payload.isEmpty else { return }
        let hadHoles = receiveBuffer.hasOutOfOrderData
        if seq == rcvNxt && !hadHoles && receiveBuffer.readable == 0, let owner {
            // RCV.NXT moves first, so a segment the owner sends from inside
            // the call (an echo) acknowledges these bytes.
            delivered(payload.count)
            let taken = min(owner.tcpReceive(self, payload), payload.count)
            guard state != .closed else { return }
            if taken < payload.count {
                _ = receiveBuffer.write(payload.slice(taken, payload.count - taken), at: 0)
                owner.tcpDataAvailable(self)
            }
        } else {
            let result = receiveBuffer.write(payload, at: seq - rcvNxt)
            if result.duplicate > 0 {
                stack.statistics.tcp.duplicateBytes &+= UInt64(result.duplicate)
                if seq != rcvNxt { pendingDSACK = TCPSACKBlock(start: seq, end: seq + payload.count) }
            }
            if result.rejected > 0 { stack.statistics.tcp.outOfOrderBytesDropped &+= UInt64(result.rejected) }
            if result.stored > 0 {
                stack.statistics.tcp.outOfOrderSegments &+= 1
                counters.outOfOrderSegments &+= 1
            }
            if result.inOrder > 0 {
                delivered(result.inOrder)
                owner?.tcpDataAvailable(self)
            }
            if seq != rcvNxt - result.inOrder || hadHoles || result.stored > 0 { ackNow = true }
        }
        if let fin = pendingPeerFin, fin == rcvNxt {
            pendingPeerFin = nil
            peerFinArrived()
        }
        // "Full-sized" by the peer's segments as they come (RFC 9293 §3.8.6.3):
        // the largest seen so far, no more than what this side announced.
        largestSegmentReceived = max(largestSegmentReceived, payload.count)
        let full = min(announcedMSS - (timestampsEnabled ? 12 : 0), largestSegmentReceived)
        scheduleDelayedACK(fullSized: payload.count >= full)
    }

    /// RCV.NXT moves over `count` in-order bytes; auto-tuning measures them.
    func delivered(_ count: Int) {
        rcvNxt += count
        counters.bytesReceived &+= UInt64(count)
        autotune(count)
    }

    /// Delayed ACK: every second full-sized segment at once, otherwise
    /// within the delayed-ACK timeout.
    func scheduleDelayedACK(fullSized: Bool) {
        guard !ackNow else { return }
        let tcp = stack.configuration.tcp
        if fullSized { unacknowledgedSegments += 1 }
        if unacknowledgedSegments >= tcp.delayedACKFrequency {
            ackNow = true
        } else if delayedACKDeadline == nil {
            delayedACKDeadline = stack.now + tcp.delayedACKTimeout
        }
    }

    /// Receive-window auto-tuning: when the peer delivered more than half
    /// the buffer within one round trip, the buffer is too small for the
    /// bandwidth-delay product; double it (up to the cap), as Windows' and
    /// Linux's dynamic right-sizing do.
    func autotune(_ count: Int) {
        guard !receiveBufferFixed else { return }
        let now = stack.now
        autotuneBytes += count
        let round = rtt.smoothedRTT ?? .milliseconds(100)
        guard now - autotuneStart >= round else { return }
        let maximum = stack.configuration.tcp.maximumReceiveBuffer
        if autotuneBytes * 2 > receiveBuffer.capacity && receiveBuffer.capacity < maximum {
            receiveBuffer.grow(to: min(maximum, max(receiveBuffer.capacity * 2, autotuneBytes * 2)))
        }
        autotuneBytes = 0
        autotuneStart = now
    }

    // MARK: FIN and RST

    /// The peer's FIN, in order (RFC 9293 §3.10.7.4, eighth check).
    func peerFinArrived() {
        guard !peerFinished else {
            ackNow = true
            return
        }
        peerFinished = true
        rcvNxt += 1
        ackNow = true
        var timeWait = false
        switch state {
        case .synReceived, .established:
            state = .closeWait
        case .finWait1:
            if let fin = finSeq, sndUna > fin { timeWait = true } else { state = .closing }
        case .finWait2:
            timeWait = true
        case .timeWait:
            restartTimeWait()
        default:
            break
        }
        owner?.tcpPeerClosed(self)
        // TIME-WAIT reports the close: after the FIN's indication, never before it.
        if timeWait && state != .closed { enterTimeWait() }
    }

    /// An acceptable RST (RFC 9293 §3.10.7.4, second check).
    func resetArrived() {
        switch state {
        case .synReceived where listener != nil:
            // A passive open goes back to LISTEN: the listener simply forgets it
            // (an attempt that failed, for tcpAttemptFails as RFC 1213 counts them).
            stack.statistics.tcp.attemptFails &+= 1
            destroy()
        case .synReceived:
            fail(.connectionRefused)
        case .established, .finWait1, .finWait2, .closeWait:
            stack.statistics.tcp.establishedResets &+= state == .established || state == .closeWait ? 1 : 0
            fail(.connectionReset)
        default:
            reportClosed(.connectionReset)
            destroy()
        }
    }
}
