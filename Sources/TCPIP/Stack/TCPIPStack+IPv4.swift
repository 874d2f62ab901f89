import NDIS
import NetCore

extension TCPIPStack {
    /// An IPv4 datagram arrived: validated, counted, and delivered if it is
    /// for this host (the strong host model: the address must be the
    /// receiving interface's, or a broadcast or multicast), forwarded if
    /// forwarding is on, dropped otherwise.
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
        if header.headerLength > IPv4Header.minimumLength,
           let pointer = IPv4Header.malformedOptionOffset(header.bytes) {
            statistics.ipv4.badOptions &+= 1
            sendICMPv4Error(.parameterProblem, code: 0, about: header, on: interface,
                            toGroup: broadcast || destination.isMulticast || linkBroadcast, rest: UInt32(pointer) << 24)
            return
        }
        guard interface.owns(destination) || broadcast || destination.isMulticast else {
            if configuration.forwarding && !linkBroadcast {
                forward(header, from: interface)
            } else {
                statistics.ipv4.notForUs &+= 1
            }
            return
        }
        let toGroup = broadcast || destination.isMulticast || linkBroadcast
        guard header.isFragment else {
            deliver(header, on: interface, toGroup: toGroup)
            return
        }
        reassemble(header, on: interface, toGroup: toGroup)
    }

    /// A fragment for this host: its payload is copied once into the
    /// datagram's reassembly slot; the whole datagram, once complete, is
    /// delivered from there and the slot freed.
    func reassemble(_ fragment: IPv4Header, on interface: IPInterface, toGroup: Bool) {
        statistics.ipv4.fragmentsReceived &+= 1
        reassembler.expire(now: now) { [unowned self] in self.reassemblyExpired($0) }
        let key = ReassemblyKey(source: fragment.source, destination: fragment.destination,
                                protocolNumber: fragment.protocolNumber.rawValue,
                                identification: fragment.identification)
        let result = reassembler.add(key: key, offset: fragment.fragmentOffset, moreFragments: fragment.moreFragments,
                                     payload: fragment.payload,
                                     unfragmentable: fragment.bytes.slice(0, fragment.headerLength), now: now)
        switch result {
        case .incomplete:
            break
        case .dropped:
            statistics.ipv4.fragmentsDropped &+= 1
        case .complete(let datagram, _):
            statistics.ipv4.reassembled &+= 1
            if let whole = try? IPv4Header(UnsafeRawBufferPointer(datagram.data)) {
                deliver(whole, on: interface, toGroup: toGroup)
            }
            reassembler.pool.free(datagram)
        }
        scheduleReassemblyTimer()
    }

    func scheduleReassemblyTimer() {
        guard reassemblyTimer == nil, let deadline = reassembler.nextDeadline else { return }
        reassemblyTimer = timers.schedule(at: deadline, .reassembly)
    }

    func reassemblyTimerFired() {
        reassemblyTimer = nil
        reassembler.expire(now: now) { [unowned self] in self.reassemblyExpired($0) }
        scheduleReassemblyTimer()
    }

    /// A datagram ran out of time: if its first fragment came, its sender
    /// hears "fragment reassembly time exceeded" (RFC 792 and RFC 4443, code 1).
    func reassemblyExpired(_ expired: ExpiredDatagram) {
        if expired.key.family == .inet6 {
            statistics.ipv6.reassemblyTimeouts &+= 1
            let destination = expired.key.destination
            guard expired.firstFragmentReceived, !destination.isMulticast,
                  let interface = interfaces.first(where: { $0.owns(destination) }) else { return }
            sendICMPv6Error(.timeExceeded, code: ICMPv6Message.TimeExceededCode.reassemblyTimeExceeded,
                            about: expired.leadingBytes, on: interface, toGroup: false)
            return
        }
        statistics.ipv4.reassemblyTimeouts &+= 1
        guard expired.firstFragmentReceived,
              let quoted = try? IPv4Header(truncated: expired.leadingBytes),
              let route = routes.lookup(quoted.source), let interface = interface(index: route.interfaceIndex)
        else { return }
        sendICMPv4Error(.timeExceeded, code: 1, about: quoted, on: interface, toGroup: false)
    }

    /// Hands a whole datagram for this host to its transport.
    func deliver(_ header: IPv4Header, on interface: IPInterface, toGroup: Bool) {
        switch header.protocolNumber {
        case .icmp:
            statistics.ipv4.delivered &+= 1
            icmpInput(header, on: interface, toGroup: toGroup)
        case .udp:
            statistics.ipv4.delivered &+= 1
            udpInput(header, on: interface, toGroup: toGroup)
        case .tcp:
            statistics.ipv4.delivered &+= 1
            tcpInput(header, on: interface, toGroup: toGroup)
        default:
            statistics.ipv4.unknownProtocol &+= 1
            sendICMPv4Error(.destinationUnreachable, code: 2, about: header, on: interface, toGroup: toGroup)
        }
    }

    /// Sends the transport payload in `list`'s data window to `destination`:
    /// route lookup, source selection, the IPv4 header written in place in
    /// the headroom, fragmentation if the path needs it and Don't Fragment
    /// is clear, then neighbour resolution. The list is the stack's from
    /// here on, sent or freed, whatever the status.
    @discardableResult
    func ipv4Output(_ list: NetBufferList, source: IPv4Address?, destination: IPv4Address, protocolNumber: IPProtocol,
                    timeToLive: UInt8? = nil, dontFragment: Bool = false, ecn: UInt8 = 0) -> NTStatus {
        statistics.ipv4.sendRequests &+= 1
        guard let route = routes.lookup(destination), let interface = interface(index: route.interfaceIndex) else {
            statistics.ipv4.noRoute &+= 1
            list.owningPool.free(list)
            return .networkUnreachable
        }
        let nb = list.firstNetBuffer
        let payloadLength = nb.dataLength
        guard payloadLength + IPv4Header.minimumLength <= IPv4Header.maximumDatagram,
              let from = source ?? interface.sourceAddress(toward: destination)
        else {
            statistics.ipv4.tooBig &+= 1
            list.owningPool.free(list)
            return .invalidBufferSize
        }
        let identification = identifications.next(source: from, destination: destination, protocolNumber: protocolNumber)
        let ttl = timeToLive ?? configuration.defaultTimeToLive
        let mtu = pathMTU(to: destination, over: interface)
        if interface.owns(destination) || payloadLength + IPv4Header.minimumLength <= mtu {
            guard nb.retreat(by: IPv4Header.minimumLength) else {
                list.owningPool.free(list)
                return .invalidDeviceState
            }
            IPv4Header.emit(into: nb.data, source: from, destination: destination, protocolNumber: protocolNumber,
                            payloadLength: payloadLength, identification: identification, timeToLive: ttl,
                            dontFragment: dontFragment, ecn: ecn)
            if interface.owns(destination) {
                deliverLocally(list, on: interface)
            } else {
                linkOutput(list, destination: destination, nextHop: route.nextHop ?? destination, on: interface)
            }
            return .success
        }
        guard !dontFragment else {
            statistics.ipv4.cannotFragment &+= 1
            list.owningPool.free(list)
            return .invalidBufferSize
        }
        var template = [UInt8](repeating: 0, count: IPv4Header.minimumLength)
        template.withUnsafeMutableBytes {
            IPv4Header.emit(into: $0, source: from, destination: destination, protocolNumber: protocolNumber,
                            payloadLength: 0, identification: identification, timeToLive: ttl)
        }
        let status = template.withUnsafeBytes {
            fragment(header: $0, payload: UnsafeRawBufferPointer(nb.data), baseOffset: 0, lastHasMoreFragments: false,
                     mtu: mtu, destination: destination, nextHop: route.nextHop ?? destination, on: interface)
        }
        list.owningPool.free(list)
        return status
    }

    /// The MTU towards `destination`: the interface's, or less if ICMP taught us so.
    func pathMTU(to destination: IPv4Address, over interface: IPInterface) -> Int {
        min(interface.mtu, pathMTUs.mtu(to: destination, now: now) ?? interface.mtu)
    }

    /// Splits a datagram into fragments of at most `mtu` bytes (RFC 791):
    /// every fragment a copy of `header` (the first with all its options,
    /// the rest with only the options marked "copied"), its slice of the
    /// payload, and its own offset and flags. Each goes out on its own.
    func fragment(header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, baseOffset: Int,
                  lastHasMoreFragments: Bool, mtu: Int, destination: IPv4Address, nextHop: IPv4Address,
                  on interface: IPInterface) -> NTStatus {
        let laterHeaderLength = IPv4Header.copiedOptionsHeaderLength(header)
        guard mtu - max(header.count, laterHeaderLength) >= 8 else {
            statistics.ipv4.cannotFragment &+= 1
            return .invalidBufferSize
        }
        statistics.ipv4.fragmented &+= 1
        var offset = 0
        while offset < payload.count {
            let headerLength = offset == 0 ? header.count : laterHeaderLength
            let room = (mtu - headerLength) & ~7
            let size = min(room, payload.count - offset)
            let more = offset + size < payload.count || lastHasMoreFragments
            guard let list = sendPool.allocate(length: headerLength + size) else {
                statistics.ipv4.noBuffer &+= 1
                return .insufficientResources
            }
            let data = list.firstNetBuffer.data
            if offset == 0 {
                data.copyBytes(header, at: 0)
            } else {
                IPv4Header.writeCopiedOptionsHeader(from: header, into: data)
            }
            data.copyBytes(payload.slice(offset, size), at: headerLength)
            IPv4Header.setFragment(in: data, totalLength: headerLength + size, moreFragments: more,
                                   fragmentOffset: baseOffset + offset)
            statistics.ipv4.fragmentsCreated &+= 1
            linkOutput(list, destination: destination, nextHop: nextHop, on: interface)
            offset += size
        }
        return .success
    }

    /// Puts an IP datagram in an Ethernet frame and sends it to `nextHop`
    /// (resolving it), or to the broadcast or multicast MAC.
    func linkOutput(_ list: NetBufferList, destination: IPv4Address, nextHop: IPv4Address, on interface: IPInterface) {
        let nb = list.firstNetBuffer
        guard nb.retreat(by: EthernetFrame.headerLength) else {
            list.owningPool.free(list)
            return
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
            resolveAndTransmit(list, nextHop: nextHop, on: interface)
        }
    }

    /// Forwards a datagram for another host (RFC 1812 §5.3): TTL checked and
    /// decremented (checksum patched, RFC 1624), the route looked up, and
    /// the datagram copied once into a send buffer — or fragmented, or
    /// answered with the ICMP error that explains why it could not go on.
    func forward(_ header: IPv4Header, from inbound: IPInterface) {
        guard header.timeToLive > 1 else {
            statistics.ipv4.timeToLiveExceeded &+= 1
            sendICMPv4Error(.timeExceeded, code: 0, about: header, on: inbound, toGroup: false)
            return
        }
        guard let route = routes.lookup(header.destination), let outbound = interface(index: route.interfaceIndex)
        else {
            statistics.ipv4.forwardNoRoute &+= 1
            sendICMPv4Error(.destinationUnreachable, code: 0, about: header, on: inbound, toGroup: false)
            return
        }
        let nextHop = route.nextHop ?? header.destination
        let mtu = outbound.mtu
        let oldTTLWord = header.bytes.loadBigEndianUInt16(at: 8)
        let newTTLWord = oldTTLWord &- 0x0100
        let checksum = InternetChecksum.update(header.checksum, old: oldTTLWord, new: newTTLWord)
        statistics.ipv4.forwarded &+= 1
        if header.totalLength <= mtu {
            guard let list = sendPool.allocate(length: header.totalLength) else {
                statistics.ipv4.noBuffer &+= 1
                return
            }
            let data = list.firstNetBuffer.data
            data.copyBytes(header.bytes, at: 0)
            data.storeBigEndian(newTTLWord, at: 8)
            data.storeBigEndian(checksum, at: 10)
            linkOutput(list, destination: header.destination, nextHop: nextHop, on: outbound)
            return
        }
        guard !header.dontFragment else {
            statistics.ipv4.cannotFragment &+= 1
            sendICMPv4Error(.destinationUnreachable, code: 4, about: header, on: inbound, toGroup: false,
                            rest: UInt32(mtu))
            return
        }
        var template = [UInt8](header.bytes.slice(0, header.headerLength))
        template.withUnsafeMutableBytes { bytes in
            bytes.storeBigEndian(newTTLWord, at: 8)
        }
        _ = template.withUnsafeBytes {
            fragment(header: $0, payload: header.payload, baseOffset: header.fragmentOffset,
                     lastHasMoreFragments: header.moreFragments, mtu: mtu, destination: header.destination,
                     nextHop: nextHop, on: outbound)
        }
    }

    /// A datagram to one of this host's own addresses never reaches a wire:
    /// it is received from a deferred call, so the sender is not re-entered.
    func deliverLocally(_ list: NetBufferList, on interface: IPInterface) {
        ndis.queueDeferredProcedureCall { [unowned self] in
            self.ipv4Input(UnsafeRawBufferPointer(list.firstNetBuffer.data), on: interface, linkBroadcast: false)
            list.owningPool.free(list)
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
