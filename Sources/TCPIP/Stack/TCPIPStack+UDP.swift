import NDIS
import NetCore

extension TCPIPStack {
    // MARK: - Endpoints

    /// The transport half of WskBind for a datagram socket: checks that a
    /// specific local address is this host's, picks a random ephemeral port
    /// for port 0 (RFC 6056), and claims the address in the demultiplexer
    /// under WSK's sharing rules. Fails with STATUS_INVALID_ADDRESS_COMPONENT
    /// for an address not assigned here, STATUS_INVALID_ADDRESS for an
    /// address of the wrong family, STATUS_ADDRESS_ALREADY_EXISTS or
    /// STATUS_ACCESS_DENIED for a conflict, and STATUS_INSUFFICIENT_RESOURCES
    /// when no ephemeral port is free.
    public func udpBind(_ binding: TransportBinding, receiver: any UDPReceiver) -> Result<UDPEndpointHandle, NTStatus> {
        var binding = binding
        let local = binding.local
        if binding.family == .inet && !local.isIPv4 { return .failure(.invalidAddress) }
        if binding.family == .inet6 && local.isIPv4 && binding.v6Only { return .failure(.invalidAddress) }
        if !local.isWildcard {
            let assigned = local.address.ipv4Mapped.map(isLocalAddress) ?? isLocalAddress(local.address)
            guard assigned else { return .failure(.invalidAddressComponent) }
        }
        if local.port == 0 {
            guard let port = udpEndpoints.allocatePort(for: binding, random: &random) else {
                return .failure(.insufficientResources)
            }
            binding.local.port = port
        }
        return udpEndpoints.bind(binding, owner: receiver).map { UDPEndpointHandle(id: $0, port: binding.local.port) }
    }

    /// Releases an endpoint's address (the socket closed).
    public func udpUnbind(_ handle: UDPEndpointHandle) {
        udpEndpoints.unbind(handle.id, port: handle.port)
    }

    /// Sets or clears the endpoint's fixed peer: the only address it then
    /// receives from (SIO_WSK_SET_REMOTE_ADDRESS).
    public func udpSetRemote(_ remote: TransportAddress?, of handle: UDPEndpointHandle) {
        udpEndpoints.setRemote(remote, of: handle.id, port: handle.port)
    }

    /// What the endpoint holds in the demultiplexer (WskGetLocalAddress reads it).
    public func udpBinding(_ handle: UDPEndpointHandle) -> TransportBinding? {
        udpEndpoints.binding(handle.id, port: handle.port)
    }

    // MARK: - Send

    /// Sends one datagram of `length` bytes from an endpoint to `remote`
    /// (RFC 768): `fill` writes the payload straight into the send buffer —
    /// the one copy from client memory — and the header and checksum follow.
    /// An IPv4-mapped remote goes out over IPv4, from a dual-stack socket
    /// too. Datagrams larger than the path are fragmented.
    /// STATUS_INVALID_ADDRESS for a family the socket cannot reach,
    /// STATUS_INVALID_BUFFER_SIZE for more than one datagram holds,
    /// STATUS_NETWORK_UNREACHABLE without a route,
    /// STATUS_INSUFFICIENT_RESOURCES without a buffer.
    public func udpSend(from handle: UDPEndpointHandle, to remote: TransportAddress, length: Int,
                        fill: (UnsafeMutableRawBufferPointer) -> Void) -> NTStatus {
        guard let binding = udpBinding(handle) else { return .invalidDeviceState }
        guard remote.port != 0, !remote.isWildcard else { return .invalidAddress }
        let toIPv4 = remote.isIPv4
        if toIPv4 && binding.family == .inet6 && binding.v6Only { return .invalidAddress }
        if !toIPv4 && binding.family == .inet { return .invalidAddress }
        let network = toIPv4 ? IPv4Header.minimumLength : 0
        guard length >= 0, UDPHeader.length + length + network <= Int(UInt16.max) else { return .invalidBufferSize }
        let datagramLength = UDPHeader.length + length
        if let v4 = remote.address.ipv4Mapped {
            let bound = binding.local.isWildcard ? nil : binding.local.address.ipv4Mapped
            guard let source = bound ?? ipv4SourceAddress(toward: v4) else {
                statistics.ipv4.noRoute &+= 1
                return .networkUnreachable
            }
            guard let list = allocateUpperLayer(length: datagramLength, network: IPv4Header.minimumLength) else {
                statistics.ipv4.noBuffer &+= 1
                return .insufficientResources
            }
            let data = list.firstNetBuffer.data
            fill(data.slice(UDPHeader.length, length))
            UDPHeader.emit(into: data, sourcePort: binding.local.port, destinationPort: remote.port,
                           source: source, destination: v4)
            statistics.udp.datagramsOut &+= 1
            return ipv4Output(list, source: source, destination: v4, protocolNumber: .udp)
        }
        let destination = remote.address
        guard let (outgoing, _) = ipv6NextHop(to: destination, scope: nil) else {
            statistics.ipv6.noRoute &+= 1
            return .networkUnreachable
        }
        let bound = binding.local.isWildcard ? nil : binding.local.address
        guard let source = bound ?? selectSourceAddress(for: destination, outgoing: outgoing) else {
            statistics.ipv6.noSourceAddress &+= 1
            return .invalidAddressComponent
        }
        guard let list = allocateUpperLayer(length: datagramLength, network: IPv6Header.length) else {
            statistics.ipv6.noBuffer &+= 1
            return .insufficientResources
        }
        let data = list.firstNetBuffer.data
        fill(data.slice(UDPHeader.length, length))
        UDPHeader.emit(into: data, sourcePort: binding.local.port, destinationPort: remote.port,
                       source: source, destination: destination)
        statistics.udp.datagramsOut &+= 1
        return ipv6Output(list, source: source, destination: destination, nextHeader: .udp, interface: outgoing)
    }

    /// The source an IPv4 datagram to `destination` leaves from: the
    /// address of the chosen route's interface (the IPv4 half of source selection).
    func ipv4SourceAddress(toward destination: IPv4Address) -> IPv4Address? {
        guard let route = routes.lookup(destination), let interface = interface(index: route.interfaceIndex) else {
            return nil
        }
        return interface.sourceAddress(toward: destination)
    }

    // MARK: - Receive

    /// A UDP datagram in an IPv4 packet for this host.
    func udpInput(_ header: IPv4Header, on interface: IPInterface, toGroup: Bool) {
        let datagram: UDPHeader
        do { datagram = try UDPHeader(header.payload, source: header.source, destination: header.destination) } catch {
            countUDPMalformation(error)
            return
        }
        let destination = header.destination
        let broadcast = destination.isLimitedBroadcast || interface.isSubnetBroadcast(destination)
        let delivered = udpDeliver(datagram, remote: TransportAddress(header.source, port: datagram.sourcePort),
                                   local: TransportAddress(destination, port: datagram.destinationPort),
                                   broadcast: broadcast, multicast: destination.isMulticast, on: interface)
        if !delivered {
            sendICMPv4Error(.destinationUnreachable, code: 3, about: header, on: interface, toGroup: toGroup)
        }
    }

    /// A UDP datagram in an IPv6 packet for this host.
    func udpInput(_ header: IPv6Header, chain: IPv6ExtensionHeaderWalker, on interface: IPInterface, toGroup: Bool) {
        let datagram: UDPHeader
        do {
            datagram = try UDPHeader(chain.upperLayerBytes, source: header.source, destination: header.destination)
        } catch {
            countUDPMalformation(error)
            return
        }
        let destination = header.destination
        let delivered = udpDeliver(datagram, remote: TransportAddress(address: header.source, port: datagram.sourcePort),
                                   local: TransportAddress(address: destination, port: datagram.destinationPort),
                                   broadcast: false, multicast: destination.isMulticast, on: interface)
        if !delivered {
            sendICMPv6Error(.destinationUnreachable, code: ICMPv6Message.DestinationUnreachableCode.portUnreachable,
                            about: header, on: interface, toGroup: toGroup)
        }
    }

    func countUDPMalformation(_ error: UDPHeader.Malformation) {
        switch error {
        case .truncated, .badLength: statistics.udp.malformed &+= 1
        case .badChecksum: statistics.udp.badChecksum &+= 1
        }
    }

    /// Hands a datagram to the endpoint it is for — every matching one for
    /// a broadcast or multicast — and says whether anyone took it.
    func udpDeliver(_ datagram: UDPHeader, remote: TransportAddress, local: TransportAddress, broadcast: Bool,
                    multicast: Bool, on interface: IPInterface) -> Bool {
        let indication = UDPIndication(payload: datagram.payload, remote: remote, local: local, isBroadcast: broadcast,
                                       isMulticast: multicast, interfaceIndex: interface.index)
        if broadcast || multicast {
            var reached = 0
            udpEndpoints.forEachMatch(local: local, remote: remote) { receiver in
                reached += 1
                // Only one receiver could hold the frame; every one gets its own copy instead.
                receiveContext?.canRetain = false
                statistics.udp.datagramsIn &+= 1
                receiver.udpDatagramArrived(indication)
            }
            if reached == 0 { statistics.udp.noPort &+= 1 }
            return true
        }
        guard let receiver = udpEndpoints.lookup(local: local, remote: remote) else {
            statistics.udp.noPort &+= 1
            return false
        }
        statistics.udp.datagramsIn &+= 1
        receiver.udpDatagramArrived(indication)
        return true
    }

    /// Keeps an indicated datagram past its indication: the received frame
    /// itself when the miniport lent it to us (no copy; it goes back to the
    /// miniport on release), else one copy into a stack buffer. Nil, counted,
    /// when there is no buffer to copy into.
    public func keep(_ indication: UDPIndication) -> UDPDatagram? {
        let payload = indication.payload
        if let context = receiveContext, context.canRetain, !context.retained,
           let frame = context.list.firstNetBuffer.data.baseAddress, let start = payload.baseAddress,
           start >= UnsafeRawPointer(frame),
           start + payload.count <= UnsafeRawPointer(frame) + context.list.firstNetBuffer.dataLength {
            receiveContext?.retained = true
            statistics.udp.framesHeld &+= 1
            return UDPDatagram(list: context.list, binding: context.binding, offset: start - UnsafeRawPointer(frame),
                               length: payload.count, remote: indication.remote, local: indication.local,
                               isBroadcast: indication.isBroadcast, isMulticast: indication.isMulticast)
        }
        let pool = payload.count <= receivePool.slotSize ? receivePool : largePool
        guard let list = pool.allocate(length: payload.count) else {
            statistics.udp.keepFailures &+= 1
            return nil
        }
        list.firstNetBuffer.data.copyBytes(payload, at: 0)
        statistics.udp.datagramsCopied &+= 1
        return UDPDatagram(list: list, binding: nil, offset: 0, length: payload.count, remote: indication.remote,
                           local: indication.local, isBroadcast: indication.isBroadcast,
                           isMulticast: indication.isMulticast)
    }

    /// Gives a kept datagram back: the frame to its miniport, or the copy to its pool.
    public func release(_ datagram: UDPDatagram) {
        if let binding = datagram.binding {
            binding.returnNetBufferLists(datagram.list)
        } else {
            datagram.list.owningPool.free(datagram.list)
        }
    }

    // MARK: - ICMP errors

    /// An ICMP error quoted a UDP datagram this host sent: the endpoint with
    /// that fixed peer hears about it (connectionless sockets do not, as
    /// nobody could tell which send it answers).
    func udpErrorArrived(_ status: NTStatus, quotedSource: TransportAddress, quotedDestination: TransportAddress) {
        guard let receiver = udpEndpoints.lookupConnected(local: quotedSource, remote: quotedDestination) else { return }
        statistics.udp.errorsReported &+= 1
        receiver.udpErrorArrived(status, remote: quotedDestination)
    }
}
