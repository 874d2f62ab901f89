import NetCore

/// A socket in LISTEN (RFC 9293 §3.10.7.2) with its two queues: the SYN
/// queue of half-open connections (bounded; past its limit SYNs are
/// answered with SYN cookies) and the accept queue of established ones
/// waiting for `accept()` (bounded by the backlog). With conditional accept
/// (SO_CONDITIONAL_ACCEPT) a SYN is held unanswered until the owner decides.
public final class TCPListener {
    /// The stack the listener lives in.
    public unowned let stack: TCPIPStack
    /// The address listened on.
    public let binding: TransportBinding
    var handleID: UInt32
    /// Who hears about connections (the WSK socket).
    public weak var owner: (any TCPListenerOwner)?
    /// Established connections held for `accept()` at most.
    public var backlog: Int
    /// SO_CONDITIONAL_ACCEPT: SYNs wait for `tcpInspect` before any SYN-ACK.
    public var conditionalAccept = false
    /// Inherited by accepted connections: SO_KEEPALIVE.
    public var keepAlive = false
    /// Inherited by accepted connections: TCP_NODELAY.
    public var noDelay = false
    /// Inherited by accepted connections: SO_RCVBUF, when set.
    public var receiveBufferSize: Int?
    /// Half-open connections (SYN-RECEIVED).
    public private(set) var halfOpen = 0
    var acceptQueue: [TCPConnection] = []
    var held: [UInt64: TCPHeldSYN] = [:]
    var nextInspectID: UInt64 = 1
    /// Whether the listener was closed.
    public private(set) var isClosed = false

    init(stack: TCPIPStack, binding: TransportBinding, handleID: UInt32, backlog: Int) {
        self.stack = stack
        self.binding = binding
        self.handleID = handleID
        self.backlog = backlog
    }

    /// Connections established and waiting to be accepted (those reset meanwhile are dropped first).
    public var pendingConnections: Int {
        acceptQueue.removeAll { $0.state == .closed }
        return acceptQueue.count
    }

    /// WskAccept: the oldest established connection still alive, or nil when none waits.
    public func accept() -> TCPConnection? {
        while !acceptQueue.isEmpty {
            let connection = acceptQueue.removeFirst()
            if connection.state != .closed { return connection }
        }
        return nil
    }

    /// WskInspectComplete: the verdict on a SYN held by conditional accept.
    /// STATUS_INVALID_PARAMETER for an unknown or already settled request.
    public func completeInspect(_ id: UInt64, accept: Bool) -> NTStatus {
        guard let syn = held.removeValue(forKey: id) else { return .invalidParameter }
        if accept {
            stack.tcpCreatePassive(syn, listener: self)
        } else {
            stack.statistics.tcp.synsRejected &+= 1
            stack.tcpSendReset(seq: TCPSeq(0), ack: syn.sequenceNumber + 1, local: syn.local, remote: syn.remote)
        }
        return .success
    }

    /// Stops listening: the address is released, held SYNs are refused,
    /// and connections nobody accepted are reset.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        stack.tcpUnlisten(self)
        for syn in held.values {
            stack.tcpSendReset(seq: TCPSeq(0), ack: syn.sequenceNumber + 1, local: syn.local, remote: syn.remote)
        }
        held.removeAll()
        let waiting = acceptQueue
        acceptQueue.removeAll()
        for connection in waiting { connection.abort() }
        for connection in stack.tcpConnections.values where connection.listener === self { connection.abort() }
    }

    // MARK: - From the stack

    /// A segment for this listener (no connection matched its 4-tuple).
    func segmentArrived(_ segment: TCPHeader, local: TransportAddress, remote: TransportAddress) {
        let flags = segment.flags
        if flags.contains(.rst) {
            // Only a RST in the held SYN's sequence space (the peer's ISN + 1)
            // withdraws it: a blind RST cannot (RFC 5961 §3).
            if let (id, _) = held.first(where: {
                $0.value.remote == remote && $0.value.local == local
                    && segment.sequenceNumber == $0.value.sequenceNumber + 1
            }) {
                let syn = held.removeValue(forKey: id)!
                owner?.tcpInspectAborted(self, request: TCPConnectRequest(id: id, local: syn.local, remote: syn.remote))
            }
            return
        }
        if flags.contains(.ack) {
            if !flags.contains(.syn), stack.tcpConnectionFromCookie(segment, local: local, remote: remote, listener: self) {
                return
            }
            stack.tcpSendReset(seq: segment.acknowledgmentNumber, ack: nil, local: local, remote: remote)
            return
        }
        guard flags.contains(.syn) else { return }
        guard pendingConnections < backlog else {
            stack.statistics.tcp.acceptQueueOverflows &+= 1
            return
        }
        let syn = TCPHeldSYN(segment, local: local, remote: remote)
        if conditionalAccept {
            // A retransmitted SYN of a request still being inspected changes nothing.
            guard !held.values.contains(where: { $0.remote == remote && $0.local == local }) else { return }
            let id = nextInspectID
            nextInspectID += 1
            let request = TCPConnectRequest(id: id, local: local, remote: remote)
            held[id] = syn
            let decision = owner?.tcpInspect(self, request: request) ?? .reject
            switch decision {
            case .pending:
                return
            case .accept, .reject:
                _ = completeInspect(id, accept: decision == .accept)
            }
            return
        }
        if halfOpen >= stack.configuration.tcp.synQueueLimit {
            if stack.configuration.tcp.synCookies {
                stack.tcpSendCookie(syn)
            } else {
                stack.statistics.tcp.synQueueOverflows &+= 1
            }
            return
        }
        stack.tcpCreatePassive(syn, listener: self)
    }

    /// A new half-open connection of this listener.
    func halfOpenStarted(_ connection: TCPConnection) {
        halfOpen += 1
        connection.keepAlive = keepAlive
        connection.noDelay = noDelay
        if let receiveBufferSize { connection.setReceiveBufferSize(receiveBufferSize) }
    }

    /// A half-open connection went away before completing.
    func halfOpenEnded(_ connection: TCPConnection) {
        guard connection.listener === self else { return }
        connection.listener = nil
        halfOpen -= 1
    }

    /// A connection of this listener completed its handshake: it joins the
    /// accept queue, or is reset when the queue is full.
    func connectionEstablished(_ connection: TCPConnection) {
        if connection.listener === self {
            connection.listener = nil
            halfOpen -= 1
        }
        guard !isClosed, pendingConnections < backlog else {
            stack.statistics.tcp.acceptQueueOverflows &+= 1
            connection.abort()
            return
        }
        acceptQueue.append(connection)
        owner?.tcpConnectionReady(self)
    }
}
