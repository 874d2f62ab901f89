import NDIS
import NetCore

extension TCPIPStack {
    /// An IPv4 datagram arrived: validated, counted, and delivered if it is
    /// for this host (the strong host model: the address must be the
    /// receiving interface's, or a broadcast or multicast).
    func ipv4Input(_ bytes: UnsafeRawBufferPointer, on interface: IPInterface, linkBroadcast: Bool) {
        statistics.ipv4.received &+= 1
        let header: IPv4Header
        do { header = try IPv4Header(bytes) } catch {
            switch error {
            case .truncated: statistics.ipv4.truncated &+= 1
            case .badVersion: statistics.ipv4.badVersion &+= 1
            case .badHeaderLength: statistics.ipv4.badHeaderLength &+= 1
            case .badTotalLength: statistics.ipv4.badTotalLength &+= 1
            case .badChecksum: statistics.ipv4.badChecksum &+= 1
            }
            return
        }
        guard header.verifyChecksum() else {
            statistics.ipv4.badChecksum &+= 1
            return
        }
        let source = header.source
        guard !source.isMulticast, !source.isLimitedBroadcast, !interface.isSubnetBroadcast(source) else {
            statistics.ipv4.badSource &+= 1
            return
        }
        let destination = header.destination
        let broadcast = destination.isLimitedBroadcast || interface.isSubnetBroadcast(destination)
        guard interface.owns(destination) || broadcast || destination.isMulticast else {
            statistics.ipv4.notForUs &+= 1
            return
        }
        guard !header.isFragment else {
            statistics.ipv4.fragmentsDropped &+= 1
            return
        }
        switch header.protocolNumber {
        case .icmp:
            statistics.ipv4.delivered &+= 1
            icmpInput(header, on: interface, toGroup: broadcast || destination.isMulticast || linkBroadcast)
        default:
            statistics.ipv4.unknownProtocol &+= 1
        }
    }

    /// Sends the transport payload in `list`'s data window to `destination`:
    /// route lookup, source selection, the IPv4 header written in place in
    /// the headroom, then neighbour resolution. The list is the stack's from
    /// here on, sent or freed, whatever the status.
    @discardableResult
    func ipv4Output(_ list: NetBufferList, source: IPv4Address?, destination: IPv4Address, protocolNumber: IPProtocol,
                    timeToLive: UInt8? = nil) -> NTStatus {
        statistics.ipv4.sendRequests &+= 1
        guard let route = routes.lookup(destination), let interface = interface(index: route.interfaceIndex) else {
            statistics.ipv4.noRoute &+= 1
            sendPool.free(list)
            return .networkUnreachable
        }
        let nb = list.firstNetBuffer
        let payloadLength = nb.dataLength
        guard payloadLength + IPv4Header.minimumLength <= interface.mtu else {
            statistics.ipv4.tooBig &+= 1
            sendPool.free(list)
            return .invalidBufferSize
        }
        guard let from = source ?? interface.sourceAddress(toward: destination),
              nb.retreat(by: IPv4Header.minimumLength)
        else {
            sendPool.free(list)
            return .invalidDeviceState
        }
        IPv4Header.emit(into: nb.data, source: from, destination: destination, protocolNumber: protocolNumber,
                        payloadLength: payloadLength, identification: UInt16.random(in: 0...UInt16.max, using: &random),
                        timeToLive: timeToLive ?? configuration.defaultTimeToLive)
        if interface.owns(destination) {
            deliverLocally(list, on: interface)
            return .success
        }
        guard nb.retreat(by: EthernetFrame.headerLength) else {
            sendPool.free(list)
            return .invalidDeviceState
        }
        EthernetFrame.emit(into: nb.data, destination: .zero, source: interface.macAddress, etherType: .ipv4)
        padToMinimum(nb)
        if destination.isLimitedBroadcast || interface.isSubnetBroadcast(destination) {
            MACAddress.broadcast.write(to: nb.data, at: 0)
            transmit(list, on: interface)
        } else if destination.isMulticast {
            MACAddress.ipv4Multicast(destination).write(to: nb.data, at: 0)
            transmit(list, on: interface)
        } else {
            resolveAndTransmit(list, nextHop: route.nextHop ?? destination, on: interface)
        }
        return .success
    }

    /// A datagram to one of this host's own addresses never reaches a wire:
    /// it is received from a deferred call, so the sender is not re-entered.
    func deliverLocally(_ list: NetBufferList, on interface: IPInterface) {
        ndis.queueDeferredProcedureCall { [unowned self] in
            self.ipv4Input(UnsafeRawBufferPointer(list.firstNetBuffer.data), on: interface, linkBroadcast: false)
            self.sendPool.free(list)
        }
    }

    /// Ethernet frames are at least 60 bytes before the FCS; shorter ones are zero-padded.
    func padToMinimum(_ nb: NetBuffer) {
        let short = EthernetFrame.minimumLength - nb.dataLength
        if short > 0, let tail = nb.append(short) { tail.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    /// Hands a finished frame to the interface's binding.
    func transmit(_ list: NetBufferList, on interface: IPInterface) {
        statistics.ethernet.framesOut &+= 1
        interface.binding.sendNetBufferLists(list)
    }
}
