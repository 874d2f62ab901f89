import NDIS
import NetCore

extension TCPIPStack {
    // MARK: - Binding, listening, connecting

    /// WskBind for a TCP socket: checks that a specific local address is
    /// this host's, picks a random ephemeral port for port 0 (RFC 6056),
    /// and claims the address under WSK's sharing rules — the same statuses
    /// as `udpBind`.
    public func tcpBind(_ binding: TransportBinding) -> Result<TCPBindHandle, NTStatus> {
        var binding = binding
        let local = binding.local
        if binding.family == .inet && !local.isIPv4 { return .failure(.invalidAddress) }
        if binding.family == .inet6 && local.isIPv4 && binding.v6Only { return .failure(.invalidAddress) }
        if !local.isWildcard {
            let assigned = local.address.ipv4Mapped.map(isLocalAddress) ?? isLocalAddress(local.address)
            guard assigned else { return .failure(.invalidAddressComponent) }
        }
        if local.port == 0 {
            guard let port = tcpEndpoints.allocatePort(for: binding, random: &random) else {
                return .failure(.insufficientResources)
            }
            binding.local.port = port
        }
        return tcpEndpoints.bind(binding, owner: .bound).map { TCPBindHandle(id: $0, binding: binding) }
    }

    /// Releases a bound address that never listened or connected.
    public func tcpUnbind(_ handle: TCPBindHandle) {
        tcpEndpoints.unbind(handle.id, port: handle.binding.local.port)
    }

    /// WskListen (or a listen socket's bind): the bound address starts
    /// accepting connections, at most `backlog` waiting to be accepted.
    public func tcpListen(on handle: TCPBindHandle, backlog: Int,
                          owner: any TCPListenerOwner) -> Result<TCPListener, NTStatus> {
        let port = handle.binding.local.port
        guard tcpEndpoints.binding(handle.id, port: port) != nil else { return .failure(.invalidDeviceState) }
        tcpEndpoints.unbind(handle.id, port: port)
        let listener = TCPListener(stack: self, binding: handle.binding, handleID: 0, backlog: max(1, backlog))
        // The same binding was just removed, so it cannot conflict now.
        guard case .success(let id) = tcpEndpoints.bind(handle.binding, owner: .listener(listener)) else {
            return .failure(.invalidDeviceState)
        }
        listener.handleID = id
        listener.owner = owner
        return .success(listener)
    }

    /// Stops a listener (its `close()`).
    func tcpUnlisten(_ listener: TCPListener) {
        tcpEndpoints.unbind(listener.handleID, port: listener.binding.local.port)
    }

    /// WskConnect: an active open from `handle`'s address (or, without one,
    /// the source address selection picks and a random ephemeral port unique
    /// for the 4-tuple, RFC 6056) to `remote`. STATUS_INVALID_ADDRESS for a
    /// family the socket cannot reach, STATUS_NETWORK_UNREACHABLE without a
    /// route, STATUS_ADDRESS_ALREADY_EXISTS when the 4-tuple is taken,
    /// STATUS_INSUFFICIENT_RESOURCES when no port is free.
    public func tcpConnect(from handle: TCPBindHandle?, family: AddressFamily, v6Only: Bool = true,
                           to remote: TransportAddress,
                           owner: any TCPConnectionOwner) -> Result<TCPConnection, NTStatus> {
        guard remote.port != 0, !remote.isWildcard, !remote.address.isMulticast else { return .failure(.invalidAddress) }
        let family = handle?.binding.family ?? family
        let v6Only = handle?.binding.v6Only ?? v6Only
        if remote.isIPv4 && family == .inet6 && v6Only { return .failure(.invalidAddress) }
        if !remote.isIPv4 && family == .inet { return .failure(.invalidAddress) }
        var local: TransportAddress
        if let handle, !handle.binding.local.isWildcard {
            local = handle.binding.local
            if local.isIPv4 != remote.isIPv4 { return .failure(.invalidAddress) }
        } else if let v4 = remote.address.ipv4Mapped {
            guard let source = ipv4SourceAddress(toward: v4) else { return .failure(.networkUnreachable) }
            local = TransportAddress(source, port: handle?.binding.local.port ?? 0)
        } else {
            guard let (outgoing, _) = ipv6NextHop(to: remote.address, scope: nil) else {
                return .failure(.networkUnreachable)
            }
            guard let source = selectSourceAddress(for: remote.address, outgoing: outgoing) else {
                return .failure(.invalidAddressComponent)
            }
            local = TransportAddress(address: source, port: handle?.binding.local.port ?? 0)
        }
        if local.port == 0 {
            guard let port = tcpEphemeralPort(local: local, remote: remote, family: family, v6Only: v6Only) else {
                return .failure(.insufficientResources)
            }
            local.port = port
        }
        let key = TCPConnectionKey(local: local, remote: remote)
        if let existing = tcpConnections[key] {
            // RFC 6191: a TIME-WAIT connection gives way to a new one.
            guard existing.state == .timeWait else { return .failure(.addressAlreadyExists) }
            existing.destroy()
        }
        let connection = TCPConnection(stack: self, id: nextTCPConnectionID, local: local, remote: remote)
        nextTCPConnectionID &+= 1
        connection.owner = owner
        if let handle { connection.bindHandle = handle.id }
        tcpConnections[key] = connection
        connection.startActiveOpen(iss: tcpISN.next(local: local, remote: remote, now: now))
        return .success(connection)
    }

    /// A random ephemeral port for an active open: unique for the 4-tuple
    /// and free of any bound or listening socket on the port.
    func tcpEphemeralPort(local: TransportAddress, remote: TransportAddress, family: AddressFamily,
                          v6Only: Bool) -> UInt16? {
        let range = tcpEndpoints.ephemeralPorts
        let low = Int(range.lowerBound)
        let size = Int(range.upperBound) - low + 1
        let start = Int(random.next() % UInt64(size))
        var probe = local
        for step in 0..<size {
            let port = UInt16(low + (start + step) % size)
            probe.port = port
            guard tcpEndpoints.isUnused(port: port) else { continue }
            if tcpConnections[TCPConnectionKey(local: probe, remote: remote)] == nil { return port }
        }
        return nil
    }

    // MARK: - Receive

    /// A TCP segment in an IPv4 packet for this host.
    func tcpInput(_ header: IPv4Header, on interface: IPInterface, toGroup: Bool) {
        statistics.tcp.segmentsIn &+= 1
        let segment: TCPHeader
        do { segment = try TCPHeader(header.payload, source: header.source, destination: header.destination) } catch {
            countTCPMalformation(error)
            return
        }
        // TCP is unicast only (RFC 1122 §4.2.3.10).
        guard !toGroup, !header.destination.isMulticast, !header.destination.isLimitedBroadcast,
              !interface.isSubnetBroadcast(header.destination)
        else { return }
        tcpDemultiplex(segment, local: TransportAddress(header.destination, port: segment.destinationPort),
                       remote: TransportAddress(header.source, port: segment.sourcePort),
                       congestionExperienced: header.ecn == 3)
    }

    /// A TCP segment in an IPv6 packet for this host.
    func tcpInput(_ header: IPv6Header, chain: IPv6ExtensionHeaderWalker, on interface: IPInterface, toGroup: Bool) {
        statistics.tcp.segmentsIn &+= 1
        let segment: TCPHeader
        do {
            segment = try TCPHeader(chain.upperLayerBytes, source: header.source, destination: header.destination)
        } catch {
            countTCPMalformation(error)
            return
        }
        guard !toGroup, !header.destination.isMulticast else { return }
        tcpDemultiplex(segment, local: TransportAddress(address: header.destination, port: segment.destinationPort),
                       remote: TransportAddress(address: header.source, port: segment.sourcePort),
                       congestionExperienced: header.ecn == 3)
    }

    func countTCPMalformation(_ error: TCPHeader.Malformation) {
        statistics.tcp.inErrors &+= 1
        switch error {
        case .truncated, .badDataOffset: statistics.tcp.malformed &+= 1
        case .badChecksum: statistics.tcp.badChecksum &+= 1
        case .badOption: statistics.tcp.badOption &+= 1
        }
    }

    /// The connection the segment is for, else the listener, else CLOSED's
    /// answer (RFC 9293 §3.10.7.1): a RST, unless the segment was one.
    func tcpDemultiplex(_ segment: TCPHeader, local: TransportAddress, remote: TransportAddress,
                        congestionExperienced: Bool = false) {
        if let connection = tcpConnections[TCPConnectionKey(local: local, remote: remote)] {
            if connection.state == .timeWait && segment.flags.contains(.syn) && !segment.flags.contains(.ack)
                && timeWaitAccepts(segment, connection) {
                statistics.tcp.timeWaitReused &+= 1
                connection.destroy()
            } else {
                connection.segmentArrived(segment, congestionExperienced: congestionExperienced)
                return
            }
        }
        if case .listener(let listener)? = tcpEndpoints.lookup(local: local, remote: remote) {
            listener.segmentArrived(segment, local: local, remote: remote)
            return
        }
        statistics.tcp.noConnection &+= 1
        guard !segment.flags.contains(.rst) else { return }
        if segment.flags.contains(.ack) {
            tcpSendReset(seq: segment.acknowledgmentNumber, ack: nil, local: local, remote: remote)
        } else {
            tcpSendReset(seq: TCPSeq(0), ack: segment.sequenceNumber + segment.segmentLength, local: local, remote: remote)
        }
    }

    /// RFC 6191 §2: a SYN may end TIME-WAIT early when its timestamp is
    /// newer than the last one seen (or, without timestamps, RFC 1122's
    /// rule: its sequence number lies beyond the old connection's).
    func timeWaitAccepts(_ syn: TCPHeader, _ connection: TCPConnection) -> Bool {
        if connection.timestampsEnabled {
            guard let timestamp = syn.options.timestamp else { return false }
            return Int32(bitPattern: timestamp.value &- connection.tsRecent) > 0
        }
        return syn.sequenceNumber > connection.rcvNxt
    }

    // MARK: - Passive opens

    /// A SYN accepted by a listener: a new connection in SYN-RECEIVED.
    func tcpCreatePassive(_ syn: TCPHeldSYN, listener: TCPListener) {
        let key = TCPConnectionKey(local: syn.local, remote: syn.remote)
        guard tcpConnections[key] == nil else { return }
        let connection = TCPConnection(stack: self, id: nextTCPConnectionID, local: syn.local, remote: syn.remote)
        nextTCPConnectionID &+= 1
        connection.listener = listener
        listener.halfOpenStarted(connection)
        tcpConnections[key] = connection
        connection.startPassiveOpen(syn: syn, iss: tcpISN.next(local: syn.local, remote: syn.remote, now: now))
    }

    /// The SYN queue is full: the SYN-ACK carries a cookie and no state is kept (RFC 4987 §3.6).
    func tcpSendCookie(_ syn: TCPHeldSYN) {
        let offered = Int(syn.options.maximumSegmentSize ?? (syn.remote.isIPv4 ? 536 : 1220))
        let parameters = TCPSYNCookieParameters(
            maximumSegmentSize: UInt16(min(offered, tcpPathMTU(to: syn.remote) - (syn.remote.isIPv4 ? 40 : 60))),
            windowScale: syn.options.windowScale, sackPermitted: syn.options.sackPermitted)
        let cookie = tcpCookies.encode(local: syn.local, remote: syn.remote, peerSequence: syn.sequenceNumber,
                                       parameters: parameters, now: now)
        var options = TCPOptions()
        options.maximumSegmentSize = UInt16(min(Int(UInt16.max), tcpPathMTU(to: syn.remote) - (syn.remote.isIPv4 ? 40 : 60)))
        if syn.options.windowScale != nil {
            var shift = 0
            while shift < 14 && (configuration.tcp.maximumReceiveBuffer >> shift) > Int(UInt16.max) { shift += 1 }
            options.windowScale = UInt8(shift)
        }
        options.sackPermitted = syn.options.sackPermitted
        if let timestamp = syn.options.timestamp {
            options.timestamp = TCPTimestampOption(value: UInt32(truncatingIfNeeded: now.nanoseconds / 1_000_000),
                                                   echoReply: timestamp.value)
        }
        statistics.tcp.synCookiesSent &+= 1
        tcpSendStateless(seq: cookie, ack: syn.sequenceNumber + 1, flags: [.syn, .ack],
                         window: UInt16(min(configuration.tcp.receiveBuffer, Int(UInt16.max))), options: options,
                         local: syn.local, remote: syn.remote)
    }

    /// An ACK to a listener that may complete a cookie handshake: a valid
    /// cookie makes an ESTABLISHED connection from what the cookie carries.
    func tcpConnectionFromCookie(_ ack: TCPHeader, local: TransportAddress, remote: TransportAddress,
                                 listener: TCPListener) -> Bool {
        guard configuration.tcp.synCookies, !listener.conditionalAccept,
              let parameters = tcpCookies.decode(cookie: ack.acknowledgmentNumber - 1, local: local, remote: remote,
                                                 peerSequence: ack.sequenceNumber - 1, now: now)
        else {
            if configuration.tcp.synCookies { statistics.tcp.synCookiesInvalid &+= 1 }
            return false
        }
        guard listener.pendingConnections < listener.backlog else {
            statistics.tcp.acceptQueueOverflows &+= 1
            return true
        }
        statistics.tcp.synCookiesValid &+= 1
        let connection = TCPConnection(stack: self, id: nextTCPConnectionID, local: local, remote: remote)
        nextTCPConnectionID &+= 1
        connection.keepAlive = listener.keepAlive
        connection.noDelay = listener.noDelay
        if let size = listener.receiveBufferSize { connection.setReceiveBufferSize(size) }
        tcpConnections[TCPConnectionKey(local: local, remote: remote)] = connection
        connection.startFromCookie(ack: ack, iss: ack.acknowledgmentNumber - 1, parameters: parameters)
        listener.connectionEstablished(connection)
        if connection.state != .closed {
            connection.segmentArrived(ack)
        }
        return true
    }

    // MARK: - Send

    /// Hands a connection's segment to IP, Don't Fragment set over IPv4 so
    /// that path MTU discovery works (RFC 1191), never fragmented over IPv6.
    /// `ect` marks the packet ECN-capable, ECT(0) (RFC 3168 §6.1.2: new data of an ECN connection only).
    func tcpOutput(_ list: NetBufferList, connection: TCPConnection, ect: Bool = false) {
        let ecn: UInt8 = ect ? 0b10 : 0
        if let source = connection.local.address.ipv4Mapped, let destination = connection.remote.address.ipv4Mapped {
            ipv4Output(list, source: source, destination: destination, protocolNumber: .tcp, dontFragment: true, ecn: ecn)
        } else {
            ipv6Output(list, source: connection.local.address, destination: connection.remote.address, nextHeader: .tcp,
                       allowFragmentation: false, trafficClass: ecn)
        }
    }

    /// A RST with no connection behind it (RFC 9293 §3.10.7.1): SEQ from the
    /// offending ACK, or 0 with an ACK of everything the segment occupied.
    func tcpSendReset(seq: TCPSeq, ack: TCPSeq?, local: TransportAddress, remote: TransportAddress) {
        statistics.tcp.resetsOut &+= 1
        tcpSendStateless(seq: seq, ack: ack, flags: ack == nil ? .rst : [.rst, .ack], window: 0, options: TCPOptions(),
                         local: local, remote: remote)
    }

    /// Builds and sends one segment that belongs to no connection.
    func tcpSendStateless(seq: TCPSeq, ack: TCPSeq?, flags: TCPFlags, window: UInt16, options: TCPOptions,
                          local: TransportAddress, remote: TransportAddress) {
        let length = TCPHeader.minimumLength + options.encodedLength
        let isIPv4 = remote.isIPv4
        guard let list = allocateUpperLayer(length: length, network: isIPv4 ? IPv4Header.minimumLength : IPv6Header.length)
        else {
            statistics.tcp.noBuffer &+= 1
            return
        }
        let segment = list.firstNetBuffer.data
        if let source = local.address.ipv4Mapped, let destination = remote.address.ipv4Mapped {
            TCPHeader.emit(into: segment, sourcePort: local.port, destinationPort: remote.port, sequenceNumber: seq,
                           acknowledgmentNumber: ack ?? TCPSeq(0), flags: flags, window: window, options: options,
                           source: source, destination: destination)
            ipv4Output(list, source: source, destination: destination, protocolNumber: .tcp)
        } else {
            TCPHeader.emit(into: segment, sourcePort: local.port, destinationPort: remote.port, sequenceNumber: seq,
                           acknowledgmentNumber: ack ?? TCPSeq(0), flags: flags, window: window, options: options,
                           source: local.address, destination: remote.address)
            ipv6Output(list, source: local.address, destination: remote.address, nextHeader: .tcp)
        }
    }

    /// The path MTU toward `remote`: the route's interface MTU, lowered by
    /// what ICMP taught the path MTU cache.
    func tcpPathMTU(to remote: TransportAddress) -> Int {
        if let v4 = remote.address.ipv4Mapped {
            guard let route = routes.lookup(v4), let interface = interface(index: route.interfaceIndex) else { return 576 }
            return pathMTU(to: v4, over: interface)
        }
        guard let (interface, _) = ipv6NextHop(to: remote.address, scope: nil) else { return 1280 }
        return ipv6PathMTU(to: remote.address, over: interface)
    }

    // MARK: - ICMP errors

    /// An ICMP error quoted a segment of one of our connections (RFC 5927
    /// checks: the quoted sequence number must be in flight). A smaller
    /// path MTU makes the connection resend at the new size at once; hard
    /// errors during the handshake end it (RFC 1122 §4.2.3.9).
    func tcpErrorArrived(_ status: NTStatus?, pathMTUChanged: Bool, quotedSource: TransportAddress,
                         quotedDestination: TransportAddress, quotedSequence: TCPSeq) {
        guard let connection = tcpConnections[TCPConnectionKey(local: quotedSource, remote: quotedDestination)],
              quotedSequence.isIn(connection.sndUna, connection.sndNxt) || connection.sndUna == connection.sndNxt
        else { return }
        connection.icmpError(status, pathMTUChanged: pathMTUChanged)
    }

    // MARK: - Connections

    /// Forgets a connection that closed.
    func tcpRemove(_ connection: TCPConnection) {
        let key = connection.key
        if tcpConnections[key] === connection { tcpConnections[key] = nil }
        if let id = connection.bindHandle {
            tcpEndpoints.unbind(id, port: connection.local.port)
            connection.bindHandle = nil
        }
    }

    /// The TCP connections the stack holds, in no particular order (GetTcpTable2).
    public var tcpConnectionList: [TCPConnection] { Array(tcpConnections.values) }

    /// Spends one challenge ACK from the stack-wide budget (RFC 5961 §7).
    func takeChallengeACK() -> Bool {
        if now - challengeACKWindowStart >= .seconds(1) {
            challengeACKWindowStart = now
            challengeACKsInWindow = 0
        }
        guard challengeACKsInWindow < configuration.tcp.challengeACKsPerSecond else { return false }
        challengeACKsInWindow += 1
        return true
    }

    /// A random 64-bit value from the stack's generator.
    func tcpRandom() -> UInt64 { random.next() }

    func scheduleTCPTimer(at deadline: Instant, for connection: TCPConnection) -> TimerID {
        timers.schedule(at: deadline, .tcp(connection))
    }

    func cancelTCPTimer(_ id: TimerID) {
        _ = timers.cancel(id)
    }
}
