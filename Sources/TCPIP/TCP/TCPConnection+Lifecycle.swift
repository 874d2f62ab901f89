import NetCore

extension TCPConnection {
    // MARK: - Opening

    /// Common set-up of a new connection's sequence space and options.
    func prepare(iss: TCPSeq) {
        self.iss = iss
        sndUna = iss
        sndNxt = iss
        ecnRecoveryPoint = iss
        openedAt = stack.now
        lastActivity = stack.now
        // Keyed by the 4-tuple, not random per connection: a new incarnation
        // of the same 4-tuple then carries timestamps newer than the old
        // one's, which is what lets the peer end TIME-WAIT early (RFC 6191)
        // while TSval still says nothing about uptime (RFC 7323 §5.4).
        tsOffset = stack.tcpISN.next(local: local, remote: remote, now: .zero).rawValue
        announcedMSS = localMSS()
        let maximum = stack.configuration.tcp.maximumReceiveBuffer
        var shift = 0
        while shift < 14 && (maximum >> shift) > Int(UInt16.max) { shift += 1 }
        rcvShift = shift
        autotuneStart = stack.now
    }

    /// OPEN, active (RFC 9293 §3.10.1): the SYN goes out with every option offered.
    func startActiveOpen(iss: TCPSeq) {
        prepare(iss: iss)
        state = .synSent
        windowScalingEnabled = true
        ecnEnabled = stack.configuration.tcp.ecn
        stack.statistics.tcp.activeOpens &+= 1
        synTransmissions = 1
        var flags: TCPFlags = .syn
        if ecnEnabled { flags.formUnion([.ece, .cwr]) }
        transmit(seq: iss, flags: flags)
        retransmissions.sent(start: iss, length: 1, at: stack.now)
        sndNxt = iss + 1
        stack.statistics.tcp.segmentsOut &+= 1
        retransmitDeadline = stack.now + rtt.rto
        updateTimer()
    }

    /// A SYN to a listener (LISTEN, RFC 9293 §3.10.7.2): SYN-RECEIVED, and the SYN-ACK.
    func startPassiveOpen(syn: TCPHeldSYN, iss: TCPSeq) {
        prepare(iss: iss)
        irs = syn.sequenceNumber
        rcvNxt = irs + 1
        negotiate(syn.options, active: false)
        ecnEnabled = stack.configuration.tcp.ecn && syn.flags.contains([.ece, .cwr])
        state = .synReceived
        stack.statistics.tcp.passiveOpens &+= 1
        synTransmissions = 1
        sndWnd = Int(syn.window)
        sndWL1 = syn.sequenceNumber
        var flags: TCPFlags = [.syn, .ack]
        if ecnEnabled { flags.insert(.ece) }
        transmit(seq: iss, flags: flags)
        retransmissions.sent(start: iss, length: 1, at: stack.now)
        sndNxt = iss + 1
        stack.statistics.tcp.segmentsOut &+= 1
        retransmitDeadline = stack.now + rtt.rto
        updateTimer()
    }

    /// The third segment of a SYN-cookie handshake made this connection
    /// straight into ESTABLISHED (RFC 4987 §3.6): the options come back
    /// out of the cookie, timestamps from the ACK itself.
    func startFromCookie(ack: TCPHeader, iss: TCPSeq, parameters: TCPSYNCookieParameters) {
        prepare(iss: iss)
        irs = ack.sequenceNumber - 1
        rcvNxt = ack.sequenceNumber
        peerMSS = Int(parameters.maximumSegmentSize)
        if let shift = parameters.windowScale {
            windowScalingEnabled = true
            sndShift = min(Int(shift), 14)
        } else {
            windowScalingEnabled = false
            rcvShift = 0
        }
        sackEnabled = parameters.sackPermitted
        if let timestamp = ack.options.timestamp {
            timestampsEnabled = true
            tsRecent = timestamp.value
            tsRecentTime = stack.now
            tsOffset = timestamp.echoReply &- UInt32(truncatingIfNeeded: stack.now.nanoseconds / 1_000_000)
        }
        // The SYN-ACK advertised at most 64 KiB unscaled; the edge starts there.
        rcvAdvertisedEdge = rcvNxt + min(receiveBuffer.window, Int(UInt16.max))
        sndNxt = iss + 1
        sndUna = iss + 1
        stack.statistics.tcp.passiveOpens &+= 1
        sndWnd = Int(ack.window) << sndShift
        maxSndWnd = sndWnd
        sndWL1 = ack.sequenceNumber
        sndWL2 = ack.acknowledgmentNumber
        let mss = refreshMSS()
        retransmissions.maximumSegmentSize = mss
        congestion.setMaximumSegmentSize(mss)
        enterEstablished()
    }

    /// ESTABLISHED: the congestion controller learns the real MSS, keep-alive
    /// starts — or FIN-WAIT-1 at once when a close was asked for in SYN-RECEIVED.
    func enterEstablished() {
        state = finQueued ? .finWait1 : .established
        scheduleKeepAlive()
    }

    // MARK: - Closing

    /// TIME-WAIT: the owner hears the connection is over; the TCB stays
    /// 2·MSL to answer a retransmitted FIN and to keep old duplicates out.
    func enterTimeWait() {
        state = .timeWait
        retransmitDeadline = nil
        reorderDeadline = nil
        persistDeadline = nil
        keepAliveDeadline = nil
        finWait2Deadline = nil
        restartTimeWait()
        reportClosed(.success)
    }

    func restartTimeWait() {
        timeWaitDeadline = stack.now + stack.configuration.tcp.timeWaitDuration
        updateTimer()
    }

    /// The connection failed: pending sends complete with `status`, the
    /// owner hears it once, and the TCB goes.
    func fail(_ status: NTStatus) {
        let status = status == .ioTimeout ? softError ?? status : status
        if !state.isSynchronized { stack.statistics.tcp.attemptFails &+= 1 }
        if let listener, state == .synReceived {
            listener.halfOpenEnded(self)
        }
        reportClosed(status)
        destroy()
    }

    /// Tells the owner, once, that the connection is over; outstanding sends complete.
    func reportClosed(_ status: NTStatus) {
        guard !closeReported else { return }
        closeReported = true
        let sendStatus = status == .success ? NTStatus.connectionDisconnected : status
        if sendQueueHead < sendQueue.count { completeSends(status: sendStatus) }
        owner?.tcpClosed(self, status: status)
    }

    /// Removes the TCB: timers, the demultiplexer entry, every lent buffer.
    func destroy() {
        guard state != .closed else { return }
        if let listener, state == .synReceived { listener.halfOpenEnded(self) }
        state = .closed
        retransmitDeadline = nil
        reorderDeadline = nil
        delayedACKDeadline = nil
        persistDeadline = nil
        keepAliveDeadline = nil
        timeWaitDeadline = nil
        finWait2Deadline = nil
        updateTimer()
        if sendQueueHead < sendQueue.count { completeSends(status: .connectionAborted) }
        receiveBuffer.releaseStorageIfEmpty()
        stack.tcpRemove(self)
    }

    /// Reports the ideal send backlog when it changed (WskSendBacklogEvent):
    /// what keeps the path full — the larger of the congestion and send
    /// windows, at least two segments.
    func reportSendBacklog() {
        let ideal = idealSendBacklog
        guard ideal != reportedBacklog else { return }
        reportedBacklog = ideal
        owner?.tcpSendBacklogChanged(self, idealBacklog: ideal)
    }

    /// The ideal send backlog (SIO_WSK_QUERY_IDEAL_SEND_BACKLOG).
    /// Rounded to 4 KiB so that small window movements do not raise an event per ACK.
    public var idealSendBacklog: Int {
        max(8192, min(max(congestion.congestionWindow, sndWnd), 16 << 20) & ~4095)
    }
}

extension TCPConnection {
    /// An ICMP error about this connection. A smaller path MTU: segments
    /// larger than the new MSS are resent at once at the new size (RFC 1191
    /// §6.5, RFC 8201 §5.2). Port or protocol unreachable during the
    /// handshake refuses the connection (RFC 1122 §4.2.3.9 hard errors);
    /// other errors are soft — kept as the reason if the connection later
    /// times out (RFC 5461).
    func icmpError(_ status: NTStatus?, pathMTUChanged: Bool) {
        if pathMTUChanged {
            let mss = refreshMSS()
            retransmissions.maximumSegmentSize = mss
            congestion.setMaximumSegmentSize(mss)
            if let first = retransmissions.segments.first, first.end - first.start > mss {
                retransmissions.markLost(start: first.start)
                output()
            }
            return
        }
        guard let status else { return }
        if !state.isSynchronized && status == .connectionRefused {
            fail(.connectionRefused)
            return
        }
        softError = status
    }
}
