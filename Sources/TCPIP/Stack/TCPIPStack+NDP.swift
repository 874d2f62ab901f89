import NDIS
import NetCore

extension TCPIPStack {
    // MARK: - Neighbor Solicitation and Advertisement

    /// A Neighbor Solicitation arrived (RFC 4861 §7.2.3, RFC 4862 §5.4.3):
    /// address resolution or a reachability probe for one of our addresses
    /// is answered; a DAD probe for an address we are still probing means
    /// someone else wants it too; one for an address we hold is defended.
    func neighborSolicitationInput(_ message: ICMPv6Message, header: IPv6Header, on interface: IPInterface) {
        statistics.ndp.neighborSolicitationsIn &+= 1
        guard let solicitation = try? NeighborSolicitation(message),
              solicitation.validate(hopLimit: header.hopLimit, source: header.source,
                                    destination: header.destination) == nil else {
            statistics.ndp.invalid &+= 1
            return
        }
        let target = solicitation.target
        guard let assigned = interface.holds(target) else { return }
        let source = header.source
        guard assigned.dadState.isUsable else {
            if assigned.dadState == .tentative && source.isUnspecified {
                duplicateAddressDetected(target, on: interface)
            }
            return
        }
        if source.isUnspecified {
            statistics.ndp.addressesDefended &+= 1
            sendNeighborAdvertisement(target: target, to: .allNodes, solicited: false, on: interface)
            return
        }
        if let mac = solicitation.options.sourceLinkLayerAddress {
            interface.neighbors.linkLayerAddressLearnt(source, mac: mac, now: now, &neighborActions)
            performNeighborActions(on: interface)
        }
        sendNeighborAdvertisement(target: target, to: source, solicited: true, on: interface)
    }

    /// A Neighbor Advertisement arrived (RFC 4861 §7.2.5): one for an
    /// address we are probing means it is taken (RFC 4862 §5.4.4); any other
    /// goes to the Neighbor Cache.
    func neighborAdvertisementInput(_ message: ICMPv6Message, header: IPv6Header, on interface: IPInterface) {
        statistics.ndp.neighborAdvertisementsIn &+= 1
        guard let advertisement = try? NeighborAdvertisement(message),
              advertisement.validate(hopLimit: header.hopLimit, source: header.source,
                                     destination: header.destination) == nil else {
            statistics.ndp.invalid &+= 1
            return
        }
        let target = advertisement.target
        if let assigned = interface.holds(target) {
            if assigned.dadState == .tentative { duplicateAddressDetected(target, on: interface) }
            return
        }
        interface.neighbors.advertisementReceived(target: target,
                                                  linkLayerAddress: advertisement.options.targetLinkLayerAddress,
                                                  solicited: advertisement.solicited,
                                                  override: advertisement.override, isRouter: advertisement.router,
                                                  now: now, &neighborActions)
        performNeighborActions(on: interface)
    }

    /// Sends a Neighbor Solicitation for `target` (RFC 4861 §4.3): to its
    /// solicited-node group, or unicast to `mac` for a reachability probe;
    /// from the unspecified address without a link-layer option for DAD
    /// (RFC 4862 §5.4.2). Otherwise from the address RFC 6724 picks toward
    /// the target — the one the waiting packets carry, as §7.2.2 prefers —
    /// so the target learns the address it is about to hear from.
    func sendNeighborSolicitation(target: IPv6Address, unicastTo mac: MACAddress?, on interface: IPInterface,
                                  duplicateAddressDetection: Bool = false) {
        let source: IPv6Address
        if duplicateAddressDetection {
            source = .unspecified
        } else if let chosen = selectSourceAddress(for: target, outgoing: interface) ?? interface.linkLocalAddress {
            source = chosen
        } else {
            return
        }
        let destination = mac == nil ? target.solicitedNodeMulticast : target
        guard let list = allocateSolicitation(fixedLength: NeighborSolicitation.minimumLength, from: source,
                                              on: interface) else { return }
        let data = list.firstNetBuffer.data
        NeighborSolicitation.emit(into: data, target: target, source: source, destination: destination)
        statistics.ndp.neighborSolicitationsOut &+= 1
        sendNeighborDiscovery(list, source: source, destination: destination, directTo: mac, on: interface)
    }

    /// A buffer for a solicitation (neighbour or router) whose fixed part is
    /// `fixedLength` bytes, its reserved word cleared and, unless it goes from
    /// the unspecified address (RFC 4861 §4.1, §4.3), a Source Link-Layer
    /// Address option after it. Nil, counted, without a buffer.
    func allocateSolicitation(fixedLength: Int, from source: IPv6Address, on interface: IPInterface) -> NetBufferList? {
        let withOption = !source.isUnspecified
        guard let list = sendPool.allocate(length: fixedLength + (withOption ? NDPOption.linkLayerAddressLength : 0))
        else {
            statistics.ipv6.noBuffer &+= 1
            return nil
        }
        let data = list.firstNetBuffer.data
        data.storeBigEndian(UInt32(0), at: 4)
        if withOption {
            NDPOption.emitLinkLayerAddress(into: data.slice(fixedLength, NDPOption.linkLayerAddressLength),
                                           type: .sourceLinkLayerAddress, address: interface.macAddress)
        }
        return list
    }

    /// Sends a Neighbor Advertisement for our `target` (RFC 4861 §7.2.4),
    /// with our link-layer address and Override set, as for any address
    /// that is not anycast.
    func sendNeighborAdvertisement(target: IPv6Address, to destination: IPv6Address, solicited: Bool,
                                   on interface: IPInterface) {
        let length = NeighborAdvertisement.minimumLength + NDPOption.linkLayerAddressLength
        guard let list = sendPool.allocate(length: length) else {
            statistics.ipv6.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        NDPOption.emitLinkLayerAddress(into: data.slice(NeighborAdvertisement.minimumLength, NDPOption.linkLayerAddressLength),
                                       type: .targetLinkLayerAddress, address: interface.macAddress)
        NeighborAdvertisement.emit(into: data, router: isIPv6Router(interface), solicited: solicited, override: true,
                                   target: target, source: target, destination: destination)
        statistics.ndp.neighborAdvertisementsOut &+= 1
        sendNeighborDiscovery(list, source: target, destination: destination, directTo: nil, on: interface)
    }

    /// Whether this host acts as a router on `interface` (the IsRouter flag
    /// it advertises): it forwards, or sends Router Advertisements there.
    func isIPv6Router(_ interface: IPInterface) -> Bool {
        configuration.forwarding || interface.advertiser != nil
    }

    /// Sends a Neighbor Discovery message on its link: Hop Limit 255, so
    /// that a receiver knows it was not forwarded (RFC 4861 §3.1), to a
    /// group's MAC, to `mac` when already known, or through the Neighbor Cache.
    func sendNeighborDiscovery(_ list: NetBufferList, source: IPv6Address, destination: IPv6Address,
                               directTo mac: MACAddress?, on interface: IPInterface) {
        let nb = list.firstNetBuffer
        let payloadLength = nb.dataLength
        guard nb.retreat(by: IPv6Header.length) else {
            list.owningPool.free(list)
            return
        }
        IPv6Header.emit(into: nb.data, source: source, destination: destination, nextHeader: .icmpv6,
                        payloadLength: payloadLength, hopLimit: 255)
        statistics.ipv6.sendRequests &+= 1
        guard let mac else {
            linkOutput(list, destination: destination, nextHop: destination, on: interface)
            return
        }
        guard nb.retreat(by: EthernetFrame.headerLength) else {
            list.owningPool.free(list)
            return
        }
        EthernetFrame.emit(into: nb.data, destination: mac, source: interface.macAddress, etherType: .ipv6)
        padToMinimum(nb)
        transmit(list, on: interface)
    }

    /// Carries out what the Neighbor Cache asked for. The actions are taken
    /// out first: sending an ICMPv6 error may come back through the cache.
    func performNeighborActions(on interface: IPInterface) {
        guard !neighborActions.isEmpty else { return }
        var actions: [NeighborAction] = []
        swap(&actions, &neighborActions)
        for action in actions {
            switch action {
            case .transmit(let list, let mac):
                mac.write(to: list.firstNetBuffer.data, at: 0)
                transmit(list, on: interface)
            case .solicit(let target, let mac):
                sendNeighborSolicitation(target: target, unicastTo: mac, on: interface)
            case .unreachable(_, let dropped):
                var current = dropped
                while let list = current {
                    current = list.next
                    list.next = nil
                    statistics.ndp.unreachableDrops &+= 1
                    let frame = UnsafeRawBufferPointer(list.firstNetBuffer.data)
                    let packet = frame.slice(EthernetFrame.headerLength, frame.count - EthernetFrame.headerLength)
                    // RFC 4861 §7.2.2: address unreachable, to whoever sent the packet.
                    sendICMPv6Error(.destinationUnreachable, code: ICMPv6Message.DestinationUnreachableCode.addressUnreachable,
                                    about: packet, on: interface, toGroup: false)
                    list.owningPool.free(list)
                }
            case .discard(let list):
                list.owningPool.free(list)
            case .routerBecameHost(let address):
                if routes.remove(IPv6Prefix.defaultRoute, nextHop: .some(address), interfaceIndex: interface.index) > 0 {
                    statistics.ndp.routersExpired &+= 1
                }
            }
        }
        actions.removeAll(keepingCapacity: true)
        if neighborActions.isEmpty { swap(&actions, &neighborActions) }
    }

    // MARK: - Redirect

    /// A Redirect arrived (RFC 4861 §8.3): accepted only from the router
    /// this host now uses as first hop toward the redirected destination
    /// (§8.1), so that no other node can steer traffic; it becomes a host
    /// route to a better first hop, or to the destination itself on-link.
    func redirectInput(_ message: ICMPv6Message, header: IPv6Header, on interface: IPInterface) {
        statistics.ndp.redirectsIn &+= 1
        guard let redirect = try? Redirect(message),
              redirect.validate(hopLimit: header.hopLimit, source: header.source,
                                destination: header.destination) == nil else {
            statistics.ndp.invalid &+= 1
            return
        }
        let destination = redirect.destination
        guard let current = routes.lookup(destination, now: now), current.interfaceIndex == interface.index,
              current.nextHop == header.source else {
            statistics.ndp.redirectsRejected &+= 1
            return
        }
        let target = redirect.target
        let onLink = target == destination
        routes.add(IPv6Route(destination: IPv6Prefix(address: destination, length: 128)!,
                             nextHop: onLink ? nil : target, interfaceIndex: interface.index, metric: 0,
                             expires: now + configuration.ipv6.redirectLifetime))
        if let mac = redirect.options.targetLinkLayerAddress {
            interface.neighbors.linkLayerAddressLearnt(target, mac: mac, isRouter: onLink ? nil : true, now: now,
                                                       &neighborActions)
            performNeighborActions(on: interface)
        }
        statistics.ndp.redirectsAccepted &+= 1
        scheduleLifetimeTimer()
    }

    // MARK: - Multicast groups

    /// Joins `group` on `interface`: counted per address that needs it, and
    /// the adapter's multicast list (OID_802_3_MULTICAST_LIST) updated when
    /// the group is new, so the miniport passes its frames.
    func joinGroup(_ group: IPv6Address, on interface: IPInterface) {
        let count = interface.ipv6Groups[group, default: 0]
        interface.ipv6Groups[group] = count + 1
        if count == 0 { updateMulticastList(of: interface) }
    }

    /// Leaves `group` once no address needs it.
    func leaveGroup(_ group: IPv6Address, on interface: IPInterface) {
        guard let count = interface.ipv6Groups[group] else { return }
        if count > 1 {
            interface.ipv6Groups[group] = count - 1
        } else {
            interface.ipv6Groups[group] = nil
            updateMulticastList(of: interface)
        }
    }

    func updateMulticastList(of interface: IPInterface) {
        let macs = Set(interface.ipv6Groups.keys.map { MACAddress.ipv6Multicast($0) }).sorted()
        _ = interface.binding.oidRequest(OidRequest(set: .ieee8023MulticastList, input: macs.flatMap(\.bytes)))
    }
}
