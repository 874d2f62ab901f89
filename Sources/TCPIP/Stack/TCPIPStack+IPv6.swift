import NDIS
import NetCore

extension TCPIPStack {
    /// An IPv6 packet arrived (RFC 8200): validated, its extension headers
    /// walked, and delivered if it is for this host — an address of the
    /// receiving interface (the strong host model, as Windows by default)
    /// or a group it joined — reassembled first if it is a fragment,
    /// forwarded if forwarding is on, dropped and counted otherwise.
    func ipv6Input(_ bytes: UnsafeRawBufferPointer, on interface: IPInterface, linkMulticast: Bool) {
        statistics.ipv6.received &+= 1
        let header: IPv6Header
        do { header = try IPv6Header(bytes) } catch {
            switch error {
            case .truncated, .badPayloadLength: statistics.ipv6.truncated &+= 1
            case .badVersion: statistics.ipv6.badVersion &+= 1
            }
            return
        }
        let source = header.source
        let destination = header.destination
        // RFC 4291 §2.5.2, §2.5.3, §2.7: no packet comes from a group, and
        // neither the unspecified nor the loopback address is ever on a wire.
        guard !source.isMulticast, !source.isLoopback, !destination.isUnspecified, !destination.isLoopback else {
            statistics.ipv6.badAddress &+= 1
            return
        }
        let toGroup = destination.isMulticast
        if toGroup {
            guard interface.hasJoined(destination) else {
                statistics.ipv6.notForUs &+= 1
                return
            }
        } else if let assigned = interface.holds(destination) {
            // RFC 4862 §5.4: a tentative address receives nothing but the
            // Neighbor Discovery that decides it, which is sent to groups.
            guard assigned.dadState.isUsable else {
                statistics.ipv6.toTentativeAddress &+= 1
                return
            }
        } else {
            if configuration.forwarding && !linkMulticast && !destination.isLinkLocal {
                forward(header, from: interface)
            } else {
                statistics.ipv6.notForUs &+= 1
            }
            return
        }
        let chain: IPv6ExtensionHeaderWalker
        do { chain = try IPv6ExtensionHeaderWalker(header, isRecognized: isRecognizedUpperLayer) } catch {
            statistics.ipv6.badExtensionHeaders &+= 1
            return
        }
        let toGroupOrLink = toGroup || linkMulticast
        if chain.needsReassembly {
            switch chain.verdict {
            case .incompleteHeaderChain, .erroneousHeaderField:
                // Faults of the fragment itself; anything after its Fragment
                // header is judged again once the datagram is whole.
                rejectChain(chain, header: header, on: interface, toGroup: toGroupOrLink)
            default:
                reassemble(header, chain: chain, on: interface, toGroup: toGroupOrLink)
            }
            return
        }
        deliver(header, chain: chain, on: interface, toGroup: toGroupOrLink)
    }

    /// The upper layers that have a handler; any other ends in a Parameter
    /// Problem, code 1 (RFC 8200 §4), the IPv6 protocol unreachable.
    func isRecognizedUpperLayer(_ protocolNumber: IPProtocol) -> Bool {
        protocolNumber == .icmpv6 || protocolNumber == .udp || protocolNumber == .tcp
    }

    /// A packet whose header chain said no: dropped, with the Parameter
    /// Problem its verdict calls for, if any.
    func rejectChain(_ chain: IPv6ExtensionHeaderWalker, header: IPv6Header, on interface: IPInterface, toGroup: Bool) {
        if case .unknownNextHeader = chain.verdict {
            statistics.ipv6.unknownNextHeader &+= 1
        } else {
            statistics.ipv6.headerErrors &+= 1
        }
        guard let (code, pointer) = chain.verdict.parameterProblem else { return }
        sendICMPv6Error(.parameterProblem, code: code, about: header, on: interface, toGroup: toGroup,
                        rest: UInt32(pointer))
    }

    /// Hands a whole packet for this host to its upper layer.
    func deliver(_ header: IPv6Header, chain: IPv6ExtensionHeaderWalker, on interface: IPInterface, toGroup: Bool) {
        guard chain.verdict == .process else {
            rejectChain(chain, header: header, on: interface, toGroup: toGroup)
            return
        }
        statistics.ipv6.delivered &+= 1
        switch chain.upperLayer {
        case .icmpv6:
            icmpv6Input(header, message: chain.upperLayerBytes, on: interface, toGroup: toGroup)
        case .udp:
            udpInput(header, chain: chain, on: interface, toGroup: toGroup)
        case .tcp:
            tcpInput(header, chain: chain, on: interface, toGroup: toGroup)
        default:
            // No Next Header: nothing to deliver, and nothing wrong.
            break
        }
    }

    /// A fragment for this host: its data is copied once into the
    /// datagram's reassembly slot; the whole packet, once complete, is
    /// walked again and delivered from there, and the slot freed.
    func reassemble(_ header: IPv6Header, chain: IPv6ExtensionHeaderWalker, on interface: IPInterface, toGroup: Bool) {
        statistics.ipv6.fragmentsReceived &+= 1
        guard let fragment = chain.fragment, let at = chain.fragmentHeaderOffset else { return }
        reassembler.expire(now: now) { [unowned self] in self.reassemblyExpired($0) }
        let key = ReassemblyKey(source: header.source, destination: header.destination,
                                nextHeader: fragment.nextHeader.rawValue, identification: fragment.identification)
        let dataStart = at + IPv6FragmentHeader.length
        let result = reassembler.add(key: key, offset: fragment.fragmentOffset, moreFragments: fragment.moreFragments,
                                     payload: header.bytes.slice(dataStart, header.bytes.count - dataStart),
                                     unfragmentable: header.bytes.slice(0, at), now: now)
        switch result {
        case .incomplete:
            break
        case .dropped:
            statistics.ipv6.fragmentsDropped &+= 1
        case .complete(let datagram, _):
            statistics.ipv6.reassembled &+= 1
            let bytes = UnsafeRawBufferPointer(datagram.data)
            if let whole = try? IPv6Header(bytes) {
                do {
                    let wholeChain = try IPv6ExtensionHeaderWalker(whole, isRecognized: isRecognizedUpperLayer)
                    deliver(whole, chain: wholeChain, on: interface, toGroup: toGroup)
                } catch {
                    statistics.ipv6.badExtensionHeaders &+= 1
                }
            }
            reassembler.pool.free(datagram)
        }
        scheduleReassemblyTimer()
    }

    /// Sends the upper-layer message in `list`'s data window to
    /// `destination` (RFC 8200): the route looked up (for a link-local or
    /// multicast destination, `interface` names the link, as a scope ID
    /// does), the source chosen by RFC 6724 unless given, the fixed header
    /// written in place in the headroom, fragments made if the path needs
    /// them (only a source fragments in IPv6), then the next hop resolved by
    /// Neighbor Discovery. The list is the stack's from here on, sent or
    /// freed, whatever the status.
    @discardableResult
    func ipv6Output(_ list: NetBufferList, source: IPv6Address?, destination: IPv6Address, nextHeader: IPProtocol,
                    hopLimit: UInt8? = nil, interface scope: IPInterface? = nil,
                    allowFragmentation: Bool = true, trafficClass: UInt8 = 0) -> NTStatus {
        statistics.ipv6.sendRequests &+= 1
        guard let (interface, nextHop) = ipv6NextHop(to: destination, scope: scope) else {
            statistics.ipv6.noRoute &+= 1
            list.owningPool.free(list)
            return .networkUnreachable
        }
        let nb = list.firstNetBuffer
        let payloadLength = nb.dataLength
        guard payloadLength <= Int(UInt16.max) else {
            statistics.ipv6.tooBig &+= 1
            list.owningPool.free(list)
            return .invalidBufferSize
        }
        guard let from = source ?? selectSourceAddress(for: destination, outgoing: interface) else {
            statistics.ipv6.noSourceAddress &+= 1
            list.owningPool.free(list)
            return .invalidAddressComponent
        }
        let hops = hopLimit ?? (destination.isMulticast ? 1 : interface.currentHopLimit)
        let local = !destination.isMulticast && interface.owns(destination)
        let mtu = local ? Int(UInt16.max) + IPv6Header.length : ipv6PathMTU(to: destination, over: interface)
        if payloadLength + IPv6Header.length <= mtu {
            guard nb.retreat(by: IPv6Header.length) else {
                list.owningPool.free(list)
                return .invalidDeviceState
            }
            IPv6Header.emit(into: nb.data, source: from, destination: destination, nextHeader: nextHeader,
                            payloadLength: payloadLength, hopLimit: hops, trafficClass: trafficClass)
            if local {
                deliverLocally(list, ipv6On: interface)
            } else {
                linkOutput(list, destination: destination, nextHop: nextHop, on: interface)
            }
            return .success
        }
        guard allowFragmentation else {
            statistics.ipv6.tooBig &+= 1
            list.owningPool.free(list)
            return .invalidBufferSize
        }
        let status = fragment(UnsafeRawBufferPointer(nb.data), nextHeader: nextHeader, source: from,
                              destination: destination, hopLimit: hops, mtu: mtu, nextHop: nextHop, on: interface)
        list.owningPool.free(list)
        return status
    }

    /// The interface and next hop toward `destination`: a multicast or
    /// link-local destination stays on the `scope` link (or the first
    /// interface that has IPv6); anything else follows the route table.
    func ipv6NextHop(to destination: IPv6Address, scope: IPInterface?) -> (IPInterface, IPv6Address)? {
        if destination.isMulticast || destination.isLinkLocal {
            if let scope { return (scope, destination) }
        }
        guard let route = routes.lookup(destination, now: now), let interface = interface(index: route.interfaceIndex)
        else { return nil }
        return (interface, route.nextHop ?? destination)
    }

    /// Every IPv6 address of the host, for source address selection.
    var allIPv6Addresses: [IPv6UnicastAddress] {
        interfaces.count == 1 ? interfaces[0].ipv6Addresses : interfaces.flatMap(\.ipv6Addresses)
    }

    /// RFC 6724 §5 over every address of the host, preferring the outgoing interface's.
    public func selectSourceAddress(for destination: IPv6Address, outgoing: IPInterface?) -> IPv6Address? {
        SourceAddressSelection.selectSource(for: destination, candidates: allIPv6Addresses,
                                            outgoingInterface: outgoing?.index, now: now)?.address
    }

    /// The MTU toward `destination`: the link's, or less if Packet Too Big taught us so.
    func ipv6PathMTU(to destination: IPv6Address, over interface: IPInterface) -> Int {
        guard !destination.isMulticast, let learnt = ipv6PathMTUs.mtu(to: destination, now: now) else {
            return interface.ipv6MTU
        }
        return min(interface.ipv6MTU, learnt)
    }

    /// Splits a packet this host originates into fragments that fit `mtu`
    /// (RFC 8200 §4.5): each a fixed header, a Fragment header with one
    /// unpredictable identification for the datagram (RFC 7739), and an
    /// 8-byte-aligned slice of the data. This stack adds no extension
    /// headers of its own, so the unfragmentable part is the fixed header.
    func fragment(_ payload: UnsafeRawBufferPointer, nextHeader: IPProtocol, source: IPv6Address,
                  destination: IPv6Address, hopLimit: UInt8, mtu: Int, nextHop: IPv6Address,
                  on interface: IPInterface) -> NTStatus {
        let perFragment = IPv6Header.length + IPv6FragmentHeader.length
        let room = (mtu - perFragment) & ~7
        guard room >= 8 else {
            statistics.ipv6.tooBig &+= 1
            return .invalidBufferSize
        }
        var identification: UInt32 = 0
        while identification == 0 { identification = UInt32(truncatingIfNeeded: random.next()) }
        statistics.ipv6.fragmented &+= 1
        var offset = 0
        while offset < payload.count {
            let size = min(room, payload.count - offset)
            let more = offset + size < payload.count
            guard let list = sendPool.allocate(length: perFragment + size) else {
                statistics.ipv6.noBuffer &+= 1
                return .insufficientResources
            }
            let data = list.firstNetBuffer.data
            IPv6Header.emit(into: data, source: source, destination: destination, nextHeader: .fragment,
                            payloadLength: IPv6FragmentHeader.length + size, hopLimit: hopLimit)
            IPv6FragmentHeader.emit(into: data.slice(IPv6Header.length, IPv6FragmentHeader.length),
                                    nextHeader: nextHeader, fragmentOffset: offset, moreFragments: more,
                                    identification: identification)
            data.copyBytes(payload.slice(offset, size), at: perFragment)
            statistics.ipv6.fragmentsCreated &+= 1
            linkOutput(list, destination: destination, nextHop: nextHop, on: interface)
            offset += size
        }
        return .success
    }

    /// Puts an IPv6 packet in an Ethernet frame: to the group's 33:33 MAC
    /// (RFC 2464 §7) for a multicast destination, else to `nextHop` through
    /// the Neighbor Cache, which may hold it until resolution completes.
    func linkOutput(_ list: NetBufferList, destination: IPv6Address, nextHop: IPv6Address, on interface: IPInterface) {
        let nb = list.firstNetBuffer
        guard nb.retreat(by: EthernetFrame.headerLength) else {
            list.owningPool.free(list)
            return
        }
        EthernetFrame.emit(into: nb.data, destination: .zero, source: interface.macAddress, etherType: .ipv6)
        padToMinimum(nb)
        if destination.isMulticast {
            MACAddress.ipv6Multicast(destination).write(to: nb.data, at: 0)
            transmit(list, on: interface)
            return
        }
        interface.neighbors.send(list, to: nextHop, now: now, &neighborActions)
        performNeighborActions(on: interface)
    }

    /// A packet to one of this host's own IPv6 addresses is received from a
    /// deferred call, so the sender is not re-entered.
    func deliverLocally(_ list: NetBufferList, ipv6On interface: IPInterface) {
        ndis.queueDeferredProcedureCall { [unowned self] in
            self.ipv6Input(UnsafeRawBufferPointer(list.firstNetBuffer.data), on: interface, linkMulticast: false)
            list.owningPool.free(list)
        }
    }

    /// Forwards a packet for another host (RFC 8200 §3, RFC 4443): the hop
    /// limit checked and decremented, the route looked up, and the packet
    /// copied once into a send buffer — never fragmented, as only sources
    /// fragment in IPv6: a packet too big for the next link is answered
    /// with Packet Too Big, which is what path MTU discovery runs on.
    func forward(_ header: IPv6Header, from inbound: IPInterface) {
        // RFC 4291 §2.5.2: a packet from the unspecified address is never
        // forwarded (only a node with no address yet sends one, to its own
        // link), and no error can go back to it.
        guard !header.source.isUnspecified else {
            statistics.ipv6.badAddress &+= 1
            return
        }
        guard header.hopLimit > 1 else {
            statistics.ipv6.hopLimitExceeded &+= 1
            sendICMPv6Error(.timeExceeded, code: ICMPv6Message.TimeExceededCode.hopLimitExceeded, about: header,
                            on: inbound, toGroup: false)
            return
        }
        guard let route = routes.lookup(header.destination, now: now), let outbound = interface(index: route.interfaceIndex)
        else {
            statistics.ipv6.forwardNoRoute &+= 1
            sendICMPv6Error(.destinationUnreachable, code: ICMPv6Message.DestinationUnreachableCode.noRoute,
                            about: header, on: inbound, toGroup: false)
            return
        }
        // A link-local source means nothing on another link (RFC 4007 §9).
        if header.source.isLinkLocal && outbound !== inbound {
            statistics.ipv6.beyondScope &+= 1
            sendICMPv6Error(.destinationUnreachable, code: ICMPv6Message.DestinationUnreachableCode.beyondScope,
                            about: header, on: inbound, toGroup: false)
            return
        }
        let length = header.bytes.count
        guard length <= outbound.ipv6MTU else {
            statistics.ipv6.forwardTooBig &+= 1
            sendICMPv6Error(.packetTooBig, code: 0, about: header, on: inbound, toGroup: false,
                            rest: UInt32(outbound.ipv6MTU))
            return
        }
        guard let list = sendPool.allocate(length: length) else {
            statistics.ipv6.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        data.copyBytes(header.bytes, at: 0)
        data.storeUInt8(header.hopLimit - 1, at: 7)
        statistics.ipv6.forwarded &+= 1
        linkOutput(list, destination: header.destination, nextHop: route.nextHop ?? header.destination, on: outbound)
    }
}
