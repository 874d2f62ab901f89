import NetCore

extension TCPConnection {
    // MARK: - Sending

    /// Lends `bytes` to the connection to send (WskSend): they go out in
    /// order after every earlier send, are retransmitted from where they
    /// are, and `tag` is reported through `tcpSendCompleted` once the peer
    /// has acknowledged the last byte — the buffer must stay valid until
    /// then. `tag` nil is for all but the last part of a multi-part send.
    /// Data queued during the handshake goes out once it completes
    /// (WskConnectEx). STATUS_INVALID_DEVICE_STATE after the send side was
    /// closed or the connection ended.
    public func send(_ bytes: UnsafeRawBufferPointer, tag: UInt64?, noDelay: Bool = false) -> NTStatus {
        guard state.sendsData, !finQueued else { return .invalidDeviceState }
        if bytes.isEmpty {
            if let tag { sendQueue.append(TCPSendRequest(bytes: bytes, start: queuedOffset, tag: tag, noDelay: noDelay)) }
            completeSends(status: .success)
            return .success
        }
        if sndNxt == sndUna && stack.now - lastSendTime > rtt.rto && state.isSynchronized {
            congestion.idleRestart(now: stack.now)
        }
        sendQueue.append(TCPSendRequest(bytes: bytes, start: queuedOffset, tag: tag, noDelay: noDelay))
        queuedOffset += Int64(bytes.count)
        output()
        return .success
    }

    // MARK: - Receiving

    /// Copies buffered in-order data into `destination` (WskReceive with
    /// data waiting) and returns the count; the window opens again as the
    /// buffer drains, and the peer hears of it once the opening is worth a segment.
    public func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let before = receiveBuffer.window
        let count = receiveBuffer.read(into: destination)
        if count > 0 { windowOpened(from: before) }
        return count
    }

    /// The buffered in-order data, lent as at most two regions (an event
    /// indication of data that waited); `consume` frees what was taken.
    public func readableRegions() -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        receiveBuffer.readableRegions()
    }

    /// Frees `count` buffered bytes after `readableRegions`.
    public func consume(_ count: Int) {
        let before = receiveBuffer.window
        receiveBuffer.consume(min(count, receiveBuffer.readable))
        windowOpened(from: before)
    }

    /// Sends a window update when reading opened the window by at least
    /// min(half the buffer, one MSS) beyond what the peer was told.
    func windowOpened(from before: Int) {
        guard state.isSynchronized, state != .timeWait else { return }
        let advertised = max(0, rcvAdvertisedEdge - rcvNxt)
        let now = receiveBuffer.window
        if now - advertised >= min(receiveBuffer.capacity / 2, effectiveMSS) {
            ackNow = true
            output()
        }
        if receiveBuffer.readable == 0 && !receiveBuffer.hasOutOfOrderData { receiveBuffer.releaseStorageIfEmpty() }
    }

    /// SO_RCVBUF: fixes the receive buffer's size (auto-tuning stops, as on
    /// Windows when an application sets it). It can grow, never shrink below
    /// what the peer was already offered.
    public func setReceiveBufferSize(_ size: Int) {
        receiveBufferFixed = true
        if size > receiveBuffer.capacity { receiveBuffer.grow(to: size) }
    }

    // MARK: - Closing

    /// CLOSE (RFC 9293 §3.10.4), WskDisconnect without WSK_FLAG_ABORTIVE:
    /// the FIN follows the data already lent; `tcpDisconnectCompleted`
    /// reports its acknowledgment. Receiving goes on (half-close).
    public func shutdown() -> NTStatus {
        switch state {
        case .synSent:
            reportClosed(.connectionAborted)
            destroy()
            return .success
        case .synReceived:
            // RFC 9293 §3.10.4: the FIN waits for ESTABLISHED, so that what is
            // retransmitted until then is the SYN-ACK (`enterEstablished` moves on to FIN-WAIT-1).
            finQueued = true
            return .success
        case .established:
            finQueued = true
            state = .finWait1
        case .closeWait:
            finQueued = true
            state = .lastAck
        default:
            return .invalidDeviceState
        }
        output()
        return .success
    }

    /// ABORT (RFC 9293 §3.10.5), WskDisconnect with WSK_FLAG_ABORTIVE: a RST
    /// if the peer knows the connection, every pending send completes with
    /// STATUS_CONNECTION_ABORTED, and the TCB goes at once.
    public func abort() {
        guard state != .closed else { return }
        switch state {
        case .synReceived, .established, .finWait1, .finWait2, .closeWait:
            sendReset()
        default:
            break
        }
        reportClosed(.connectionAborted)
        destroy()
    }

    /// The owner is gone (WskCloseSocket): a connection still open is
    /// closed gracefully and finishes on its own — unless data arrived that
    /// nobody will read, which RFC 9293 §3.10.4 and RFC 2525 §2.17 answer
    /// with a RST so the peer learns it was lost.
    public func release() {
        owner = nil
        switch state {
        case .closed, .timeWait:
            return
        case .synSent:
            destroy()
        default:
            if receiveBuffer.readable > 0 {
                abort()
                return
            }
            if state == .established || state == .closeWait || state == .synReceived { _ = shutdown() }
            if state == .finWait2 { finWait2Deadline = stack.now + stack.configuration.tcp.finWait2Timeout }
            updateTimer()
        }
    }
}
