import NDIS
import NetCore

extension TCPConnection {
    // MARK: - Segment sizes

    /// The largest data payload one segment carries, as last worked out by `refreshMSS`.
    var effectiveMSS: Int { mssCache }

    /// Works out the data payload per segment: the peer's MSS and the path
    /// MTU's, less the timestamp option every segment then carries. Once per
    /// output pass, not per segment: it costs a route lookup.
    @discardableResult
    func refreshMSS() -> Int {
        let network = isIPv4 ? IPv4Header.minimumLength : IPv6Header.length
        let pathMSS = stack.tcpPathMTU(to: remote) - network - TCPHeader.minimumLength
        var mss = min(peerMSS, pathMSS)
        if timestampsEnabled { mss -= 12 }
        mssCache = max(mss, 64)
        return mssCache
    }

    /// The MSS this side announces: the outgoing interface's MTU less the headers.
    func localMSS() -> Int {
        let network = isIPv4 ? IPv4Header.minimumLength : IPv6Header.length
        return min(Int(UInt16.max), stack.tcpPathMTU(to: remote) - network - TCPHeader.minimumLength)
    }

    /// TSval: milliseconds of the stack's clock, offset per connection (RFC 7323 §5.4).
    var timestampNow: UInt32 {
        UInt32(truncatingIfNeeded: stack.now.nanoseconds / 1_000_000) &+ tsOffset
    }

    // MARK: - Windows

    /// The Window field for the next segment. The right edge only moves
    /// right, and only by at least min(half the buffer, one MSS) at a time:
    /// receiver-side silly window avoidance (RFC 9293 §3.8.6.2.2).
    func windowField(syn: Bool) -> UInt16 {
        let available = receiveBuffer.window
        if syn {
            rcvAdvertisedEdge = rcvNxt + min(available, Int(UInt16.max))
            return UInt16(min(available, Int(UInt16.max)))
        }
        let current = max(0, rcvAdvertisedEdge - rcvNxt)
        var window = current
        if available > current && available - current >= min(receiveBuffer.capacity / 2, effectiveMSS) {
            window = available
        } else if current == 0 && available > 0 && available >= min(receiveBuffer.capacity / 2, effectiveMSS) {
            window = available
        }
        window = min(window, Int(UInt16.max) << rcvShift)
        let field = window >> rcvShift
        rcvAdvertisedEdge = TCPSeq.max(rcvAdvertisedEdge, rcvNxt + (field << rcvShift))
        return UInt16(field)
    }

    /// The options for a segment: the negotiation set on a SYN, then
    /// timestamps on every segment and SACK blocks while data is held out
    /// of order or a duplicate is to be reported.
    func segmentOptions(syn: Bool) -> TCPOptions {
        var options = TCPOptions()
        let tcp = stack.configuration.tcp
        if syn {
            options.maximumSegmentSize = UInt16(announcedMSS)
            let active = state == .synSent
            if active || windowScalingEnabled { options.windowScale = UInt8(rcvShift) }
            if active ? tcp.offerSACK : sackEnabled { options.sackPermitted = true }
            if active ? tcp.offerTimestamps : timestampsEnabled {
                options.timestamp = TCPTimestampOption(value: timestampNow, echoReply: active ? 0 : tsRecent)
            }
            return options
        }
        if timestampsEnabled { options.timestamp = TCPTimestampOption(value: timestampNow, echoReply: tsRecent) }
        if sackEnabled && (receiveBuffer.hasOutOfOrderData || pendingDSACK != nil) {
            options.sackBlocks = receiveBuffer.sackBlocks(receiveNext: rcvNxt, duplicate: pendingDSACK,
                                                          limit: timestampsEnabled ? 3 : 4)
        }
        return options
    }

    // MARK: - Building segments

    /// Builds one segment in a send buffer and hands it to IP: the payload
    /// (data stream bytes `dataOffset..<dataOffset+dataLength`) copied once
    /// from the client's buffers, then the header and checksum. False when
    /// no buffer was free (counted; the timers retry).
    @discardableResult
    func transmit(seq: TCPSeq, flags: TCPFlags, dataOffset: Int64 = 0, dataLength: Int = 0,
                  ack: TCPSeq? = nil, newData: Bool = false) -> Bool {
        var flags = flags
        let syn = flags.contains(.syn)
        let options = segmentOptions(syn: syn)
        let headerLength = TCPHeader.minimumLength + options.encodedLength
        let network = isIPv4 ? IPv4Header.minimumLength : IPv6Header.length
        guard let list = stack.allocateUpperLayer(length: headerLength + dataLength, network: network) else {
            stack.statistics.tcp.noBuffer &+= 1
            return false
        }
        let segment = list.firstNetBuffer.data
        if dataLength > 0 { copyPayload(from: dataOffset, into: segment.slice(headerLength, dataLength)) }
        if sendCWR && dataLength > 0 {
            flags.insert(.cwr)
            sendCWR = false
        }
        if ecnEchoPending && flags.contains(.ack) { flags.insert(.ece) }
        let window = flags.contains(.rst) ? 0 : windowField(syn: syn)
        let acknowledgment = flags.contains(.ack) ? (ack ?? rcvNxt) : TCPSeq(0)
        if let v4 = local.address.ipv4Mapped, let peer = remote.address.ipv4Mapped {
            TCPHeader.emit(into: segment, sourcePort: local.port, destinationPort: remote.port, sequenceNumber: seq,
                           acknowledgmentNumber: acknowledgment, flags: flags, window: window, options: options,
                           source: v4, destination: peer)
        } else {
            TCPHeader.emit(into: segment, sourcePort: local.port, destinationPort: remote.port, sequenceNumber: seq,
                           acknowledgmentNumber: acknowledgment, flags: flags, window: window, options: options,
                           source: local.address, destination: remote.address)
        }
        if flags.contains(.ack) {
            lastACKSent = acknowledgment
            ackNow = false
            unacknowledgedSegments = 0
            delayedACKDeadline = nil
            pendingDSACK = nil
        }
        counters.segmentsSent &+= 1
        // RFC 3168 §6.1.5: only new data is ECN-capable; retransmissions, ACKs and SYNs are not.
        stack.tcpOutput(list, connection: self, ect: ecnEnabled && newData && dataLength > 0)
        return true
    }

    /// Copies data stream bytes starting at `offset` from the lent client
    /// buffers into `destination` (the one copy on the send side).
    func copyPayload(from offset: Int64, into destination: UnsafeMutableRawBufferPointer) {
        var index = sendQueueHead
        while index < sendQueue.count && sendQueue[index].end <= offset { index += 1 }
        var written = 0
        var position = offset
        while written < destination.count && index < sendQueue.count {
            let request = sendQueue[index]
            let from = Int(position - request.start)
            let count = min(request.bytes.count - from, destination.count - written)
            destination.slice(written, count).copyBytes(from: request.bytes.slice(from, count))
            written += count
            position += Int64(count)
            index += 1
        }
    }

    /// A segment with no data and no state of its own: an ACK, a window
    /// update, a challenge ACK, or a probe (keep-alive, zero window) whose
    /// sequence number lies just below SND.UNA so the peer must answer.
    func sendACK(probe: Bool = false) {
        transmit(seq: probe ? sndUna - 1 : sndNxt, flags: .ack)
    }

    /// A RST for this connection (abort, or refusing a half-open one).
    func sendReset() {
        let sent = transmit(seq: sndNxt, flags: [.rst, .ack])
        if sent { stack.statistics.tcp.resetsOut &+= 1 }
    }

    // MARK: - Output

    /// Sends whatever the windows allow now: retransmissions of segments
    /// marked lost first (RFC 6675 NextSeg rule 1), then new data with
    /// Nagle and sender-side silly window avoidance, then the FIN, and a
    /// bare ACK if one is owed and nothing carried it.
    func output() {
        switch state {
        case .closed, .listen, .synSent, .synReceived, .timeWait:
            if ackNow && state != .closed && state != .listen { sendACK() }
            updateTimer()
            return
        default:
            break
        }
        let mss = refreshMSS()
        retransmissions.maximumSegmentSize = mss
        var sentSomething = false
        while true {
            let cwnd = congestion.congestionWindow
            let pipe = currentPipe
            if pipe < cwnd, let lost = retransmissions.nextLost() {
                var length = lost.length
                if length > mss {
                    retransmissions.split(at: lost.start + mss)
                    length = mss
                }
                guard retransmit(start: lost.start, length: length) else { break }
                sentSomething = true
                continue
            }
            let unsent = queuedOffset - sentOffset
            if unsent > 0 {
                let windowRoom = sndWnd - (sndNxt - sndUna)
                let congestionRoom = cwnd - pipe
                let length = Int(min(Int64(min(mss, windowRoom, congestionRoom)), unsent))
                if congestionRoom < mss { windowLimited = true }
                guard length > 0 else { break }
                if length < mss {
                    let allQueued = Int64(length) == unsent
                    let idle = sndNxt == sndUna
                    let pushNow = noDelay || lastRequestWantsNoDelay
                    let sillyAvoided = length >= maxSndWnd / 2 && maxSndWnd > 0
                    guard (allQueued && (idle || pushNow)) || sillyAvoided else { break }
                }
                let offset = sentOffset
                var flags: TCPFlags = .ack
                if Int64(length) == unsent { flags.insert(.psh) }
                guard transmit(seq: sndNxt, flags: flags, dataOffset: offset, dataLength: length, newData: true) else { break }
                retransmissions.sent(start: sndNxt, length: length, at: stack.now)
                sndNxt += length
                counters.bytesSent &+= UInt64(length)
                stack.statistics.tcp.segmentsOut &+= 1
                lastSendTime = stack.now
                trace(.send, start: sndNxt - length, end: sndNxt)
                sentSomething = true
                continue
            }
            if finQueued && finSeq == nil {
                let seq = sndNxt
                guard transmit(seq: seq, flags: [.fin, .ack]) else { break }
                finSeq = seq
                retransmissions.sent(start: seq, length: 1, at: stack.now)
                sndNxt += 1
                stack.statistics.tcp.segmentsOut &+= 1
                sentSomething = true
            }
            break
        }
        if ackNow { sendACK() }
        if sentSomething {
            if retransmitDeadline == nil { armRetransmitTimer() }
        }
        schedulePersistIfNeeded()
        updateTimer()
    }

    /// Whether the newest unsent request asked for WSK_FLAG_NODELAY.
    var lastRequestWantsNoDelay: Bool {
        sendQueue.last.map { $0.noDelay && sendQueue.count > sendQueueHead } ?? false
    }

    /// Bytes believed in the network: RFC 6675's pipe with SACK; without
    /// it, the flight less one segment per duplicate ACK (each one means a
    /// segment left the network).
    var currentPipe: Int {
        if sackEnabled { return retransmissions.pipe }
        let pipe = retransmissions.pipe
        return max(0, pipe - duplicateACKs * effectiveMSS)
    }

    /// Sends again the recorded segment at `start` (SYN, data or FIN).
    @discardableResult
    func retransmit(start: TCPSeq, length: Int) -> Bool {
        var flags: TCPFlags = .ack
        if start == iss && !state.isSynchronized {
            flags = state == .synSent ? .syn : [.syn, .ack]
        }
        let end = start + length
        var dataLength = 0
        var dataOffset: Int64 = 0
        let dataFrom = TCPSeq.max(start, dataStart)
        let dataTo = finSeq.map { TCPSeq.min(end, $0) } ?? end
        if dataTo > dataFrom && state.isSynchronized {
            dataOffset = offset(of: dataFrom)
            dataLength = dataTo - dataFrom
        }
        if let fin = finSeq, fin.isIn(start, end) { flags.insert(.fin) }
        guard transmit(seq: start, flags: flags, dataOffset: dataOffset, dataLength: dataLength) else { return false }
        retransmissions.retransmitted(start: start, at: stack.now)
        counters.retransmittedSegments &+= 1
        counters.retransmittedBytes &+= UInt64(dataLength)
        stack.statistics.tcp.segmentsRetransmitted &+= 1
        trace(.retransmit, start: start, end: end)
        return true
    }

    // MARK: - Traces

    /// Records one trace sample when a tracer is set.
    func trace(_ event: TCPTraceSample.Event, start: TCPSeq? = nil, end: TCPSeq? = nil) {
        guard let tracer else { return }
        func relative(_ seq: TCPSeq) -> UInt64 {
            // Unwrapped through the data stream offset, which only grows.
            UInt64(max(0, offset(of: TCPSeq.max(seq, dataStart))))
        }
        let sample = TCPTraceSample(
            time: stack.now - openedAt, event: event,
            segmentStart: start.map(relative) ?? 0, segmentEnd: end.map(relative) ?? 0,
            sndUna: relative(sndUna), sndNxt: relative(sndNxt),
            congestionWindow: congestion.congestionWindow, slowStartThreshold: congestion.slowStartThreshold,
            smoothedRTT: rtt.smoothedRTT, rto: rtt.rto, flightSize: sndNxt - sndUna, receiveWindow: sndWnd)
        tracer(sample)
    }
}
