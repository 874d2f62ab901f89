import NetCore

extension TCPConnection {
    // MARK: - The one stack timer

    /// The earliest of the connection's deadlines.
    var earliestDeadline: Instant? {
        // Pairwise rather than over an array: this runs for every segment.
        func earlier(_ a: Instant?, _ b: Instant?) -> Instant? {
            guard let a else { return b }
            guard let b else { return a }
            return a < b ? a : b
        }
        let protocolTimers = earlier(earlier(retransmitDeadline, reorderDeadline), earlier(delayedACKDeadline, persistDeadline))
        return earlier(protocolTimers, earlier(keepAliveDeadline, earlier(timeWaitDeadline, finWait2Deadline)))
    }

    /// Keeps one stack timer armed at or before the earliest deadline. A
    /// deadline that moves later (the RTO restarted by an ACK) leaves the
    /// timer where it is, and the early firing just re-arms: a reschedule
    /// per ACK would cost more than the rare spurious wake-up.
    func updateTimer() {
        guard let next = earliestDeadline else {
            if let id = timerID {
                stack.cancelTCPTimer(id)
                timerID = nil
                armedDeadline = nil
            }
            return
        }
        if let armed = armedDeadline, armed <= next, timerID != nil { return }
        if let id = timerID { stack.cancelTCPTimer(id) }
        timerID = stack.scheduleTCPTimer(at: next, for: self)
        armedDeadline = next
    }

    /// The stack timer fired: runs every deadline now due, then re-arms.
    func timerFired() {
        timerID = nil
        armedDeadline = nil
        let now = stack.now
        if let deadline = timeWaitDeadline, deadline <= now {
            timeWaitDeadline = nil
            destroy()
            return
        }
        if let deadline = finWait2Deadline, deadline <= now {
            finWait2Deadline = nil
            if state == .finWait2 {
                destroy()
                return
            }
        }
        if let deadline = retransmitDeadline, deadline <= now {
            retransmitDeadline = nil
            if retransmitIsProbe { tailLossProbeFired() } else { retransmissionTimerFired() }
            guard state != .closed else { return }
        }
        if let deadline = reorderDeadline, deadline <= now {
            reorderDeadline = nil
            let lost = retransmissions.detectLosses(now: now, minimumRTT: rtt.minimumRTT, smoothedRTT: rtt.smoothedRTT)
            if lost > 0 {
                stack.statistics.tcp.reorderTimeouts &+= 1
                counters.rackLossMarks &+= 1
                enterRecovery()
            }
            armReorderTimer()
            output()
        }
        if let deadline = delayedACKDeadline, deadline <= now {
            delayedACKDeadline = nil
            if state.isSynchronized {
                ackNow = true
                output()
            }
        }
        if let deadline = persistDeadline, deadline <= now {
            persistDeadline = nil
            persistTimerFired()
            guard state != .closed else { return }
        }
        if let deadline = keepAliveDeadline, deadline <= now {
            keepAliveDeadline = nil
            keepAliveTimerFired()
            guard state != .closed else { return }
        }
        updateTimer()
    }

    // MARK: - Retransmission (RFC 6298 §5)

    /// Starts the retransmission timer from now — or, with new data in
    /// flight outside recovery, a tail loss probe if that comes sooner
    /// (RFC 8985 §7.2).
    func armRetransmitTimer() {
        guard sndNxt != sndUna else {
            retransmitDeadline = nil
            return
        }
        let now = stack.now
        let rto = now + rtt.rto
        if state.isSynchronized && !inRecovery && !probeOutstanding && sackEnabled && rtt.smoothedRTT != nil {
            let segments = max(1, (sndNxt - sndUna) / max(1, effectiveMSS))
            let probe = now + TCPRetransmissionQueue.probeTimeout(smoothedRTT: rtt.smoothedRTT,
                                                                 segmentsInFlight: segments)
            if probe < rto {
                retransmitDeadline = probe
                retransmitIsProbe = true
                return
            }
        }
        retransmitDeadline = rto
        retransmitIsProbe = false
    }

    /// Arms RACK's reordering timer for the next segment that will be
    /// deemed lost if nothing is heard.
    func armReorderTimer() {
        reorderDeadline = retransmissions.reorderDeadline(minimumRTT: rtt.minimumRTT, smoothedRTT: rtt.smoothedRTT)
    }

    /// The retransmission timer expired: a SYN goes again, or every
    /// outstanding segment counts as lost, the window collapses to one
    /// segment, and the timer backs off (RFC 6298 §5.4–5.6, RFC 5681 §3.1).
    func retransmissionTimerFired() {
        guard sndNxt != sndUna else { return }
        let tcp = stack.configuration.tcp
        if !state.isSynchronized {
            guard synTransmissions <= tcp.maximumSYNRetransmissions else {
                fail(.ioTimeout)
                return
            }
            synTransmissions += 1
            rtt.backOff()
            retransmit(start: iss, length: 1)
            retransmitDeadline = stack.now + rtt.rto
            retransmitIsProbe = false
            return
        }
        retransmitCount += 1
        guard retransmitCount <= tcp.maximumDataRetransmissions else {
            stack.statistics.tcp.retransmissionLimitDrops &+= 1
            fail(.ioTimeout)
            return
        }
        stack.statistics.tcp.retransmissionTimeouts &+= 1
        counters.retransmissionTimeouts &+= 1
        congestion.retransmissionTimeout(flightSize: sndNxt - sndUna, now: stack.now)
        rtt.backOff()
        retransmissions.markAllLost()
        inRecovery = true
        recoveryPoint = sndNxt
        duplicateACKs = 0
        probeOutstanding = false
        trace(.rto)
        retransmitDeadline = stack.now + rtt.rto
        retransmitIsProbe = false
        output()
    }

    /// RFC 8985 §7.3: the probe timeout passed with no ACK — send one new
    /// segment if the windows allow, else the last one again, so the ACK it
    /// draws lets RACK find a tail loss without waiting for the RTO.
    func tailLossProbeFired() {
        guard sndNxt != sndUna, state.isSynchronized else { return }
        probeOutstanding = true
        stack.statistics.tcp.tailLossProbes &+= 1
        counters.tailLossProbes &+= 1
        trace(.tlp)
        let before = sndNxt
        let unsent = queuedOffset - sentOffset
        let room = sndWnd - (sndNxt - sndUna)
        if unsent > 0 && room > 0 {
            let length = Int(min(Int64(min(effectiveMSS, room)), unsent))
            if transmit(seq: sndNxt, flags: [.ack, .psh], dataOffset: sentOffset, dataLength: length, newData: true) {
                retransmissions.sent(start: sndNxt, length: length, at: stack.now)
                sndNxt += length
                counters.bytesSent &+= UInt64(length)
                stack.statistics.tcp.segmentsOut &+= 1
            }
        }
        if sndNxt == before, let last = retransmissions.newest {
            retransmit(start: last.start, length: last.end - last.start)
        }
        retransmitDeadline = stack.now + rtt.rto
        retransmitIsProbe = false
    }

    // MARK: - Persist (RFC 9293 §3.8.6.1)

    /// With data waiting and nothing in flight, but no window to send
    /// into — or only a window too small for sender-side silly window
    /// avoidance to use — probe periodically: a lost window update must not
    /// deadlock the connection, and a small window is used once the
    /// override timer runs out (RFC 9293 §3.8.6.1, §3.8.6.2.1).
    func schedulePersistIfNeeded() {
        let unsent = queuedOffset - sentOffset
        let waiting = unsent > 0 || (finQueued && finSeq == nil)
        let blocked = sndWnd == 0 || (unsent > 0 && Int64(sndWnd) < min(Int64(effectiveMSS), unsent))
        guard state.isSynchronized, waiting, sndNxt == sndUna, blocked else {
            persistDeadline = nil
            if sndWnd > 0 { persistBackoff = 0 }
            return
        }
        guard persistDeadline == nil else { return }
        let interval = min(rtt.rto.nanosecondsClamped << min(persistBackoff, 20),
                           stack.configuration.tcp.maximumRTO.nanosecondsClamped)
        persistDeadline = stack.now.advanced(byNanoseconds: interval)
    }

    func persistTimerFired() {
        guard state.isSynchronized, sndNxt == sndUna else {
            persistBackoff = 0
            return
        }
        if sndWnd > 0 {
            // The override: send what the small window takes.
            let unsent = queuedOffset - sentOffset
            let length = Int(min(Int64(min(sndWnd, effectiveMSS)), unsent))
            if length > 0, transmit(seq: sndNxt, flags: [.ack, .psh], dataOffset: sentOffset, dataLength: length,
                                    newData: true) {
                retransmissions.sent(start: sndNxt, length: length, at: stack.now)
                sndNxt += length
                counters.bytesSent &+= UInt64(length)
                stack.statistics.tcp.segmentsOut &+= 1
                armRetransmitTimer()
            }
            return
        }
        // RFC 1122 §4.2.2.17: the connection stays as long as the peer answers
        // the probes; only probes that drew nothing count toward giving up.
        guard persistProbesUnanswered < stack.configuration.tcp.maximumDataRetransmissions * 4 else {
            fail(.ioTimeout)
            return
        }
        stack.statistics.tcp.zeroWindowProbes &+= 1
        persistBackoff += 1
        persistProbesUnanswered += 1
        sendACK(probe: true)
        schedulePersistIfNeeded()
    }

    // MARK: - Keep-alive (RFC 9293 §3.8.4)

    /// Re-arms the keep-alive timer from the last activity.
    func scheduleKeepAlive() {
        guard keepAlive, state == .established || state == .closeWait else {
            keepAliveDeadline = nil
            return
        }
        keepAliveDeadline = lastActivity + stack.configuration.tcp.keepAliveIdle
        updateTimer()
    }

    func keepAliveTimerFired() {
        guard keepAlive, state == .established || state == .closeWait else { return }
        let tcp = stack.configuration.tcp
        let now = stack.now
        if keepAliveProbesSent == 0 && now < lastActivity + tcp.keepAliveIdle {
            keepAliveDeadline = lastActivity + tcp.keepAliveIdle
            return
        }
        guard keepAliveProbesSent < tcp.keepAliveProbes else {
            stack.statistics.tcp.keepAliveTimeouts &+= 1
            fail(.ioTimeout)
            return
        }
        keepAliveProbesSent += 1
        stack.statistics.tcp.keepAliveProbes &+= 1
        sendACK(probe: true)
        keepAliveDeadline = now + tcp.keepAliveInterval
    }
}
