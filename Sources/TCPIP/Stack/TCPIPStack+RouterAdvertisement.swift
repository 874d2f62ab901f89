import NDIS
import NetCore

extension TCPIPStack {
    /// Makes `interface` advertise as an IPv6 router (RFC 4861 §6.2): Router
    /// Advertisements go out once its link-local address is unique, then at
    /// random intervals, and in answer to Router Solicitations. The host
    /// should also forward (`Configuration.forwarding`) for the default
    /// route it offers to be of use.
    public func advertise(_ advertiser: RouterAdvertiserConfiguration, on interface: IPInterface) {
        interface.advertiser = advertiser
        if interface.hasJoined(.allNodes) && !interface.hasJoined(.allRouters) { joinGroup(.allRouters, on: interface) }
        if interface.linkLocalAddress != nil && interface.running { scheduleRouterAdvertisement(on: interface, at: now) }
    }

    /// Moves the next advertisement to `instant` if that is sooner.
    func scheduleRouterAdvertisement(on interface: IPInterface, at instant: Instant) {
        if let timer = interface.routerAdvertisementTimer { timers.cancel(timer) }
        interface.routerAdvertisementTimer = timers.schedule(at: instant, .routerAdvertisement(interface: interface.index))
    }

    /// Sends an unsolicited advertisement and arms the next, uniformly
    /// between MinRtrAdvInterval and MaxRtrAdvInterval (RFC 4861 §6.2.4).
    func routerAdvertisementTimerFired(_ index: UInt32) {
        guard let interface = interface(index: index), let advertiser = interface.advertiser else { return }
        interface.routerAdvertisementTimer = nil
        sendRouterAdvertisement(advertiser, on: interface)
        let spread = advertiser.maxInterval - advertiser.minInterval
        interface.routerAdvertisementTimer = timers.schedule(
            at: now + advertiser.minInterval + randomDuration(upTo: spread),
            .routerAdvertisement(interface: index))
    }

    /// A Router Solicitation arrived (RFC 4861 §6.2.6): a router learns the
    /// host's link-layer address and answers with a multicast advertisement
    /// after a random delay of up to MAX_RA_DELAY_TIME (0.5 s), so that
    /// several solicitations share one answer; hosts ignore solicitations.
    func routerSolicitationInput(_ message: ICMPv6Message, header: IPv6Header, on interface: IPInterface) {
        statistics.ndp.routerSolicitationsIn &+= 1
        guard let solicitation = try? RouterSolicitation(message),
              solicitation.validate(hopLimit: header.hopLimit, source: header.source,
                                    destination: header.destination) == nil else {
            statistics.ndp.invalid &+= 1
            return
        }
        guard interface.advertiser != nil, interface.linkLocalAddress != nil else { return }
        if !header.source.isUnspecified, let mac = solicitation.options.sourceLinkLayerAddress {
            interface.neighbors.linkLayerAddressLearnt(header.source, mac: mac, isRouter: false, now: now,
                                                       &neighborActions)
            performNeighborActions(on: interface)
        }
        let answerBy = now + randomDuration(upTo: .milliseconds(500))
        if let timer = interface.routerAdvertisementTimer, let pending = timers.deadline(of: timer), pending <= answerBy {
            return
        }
        scheduleRouterAdvertisement(on: interface, at: answerBy)
    }

    /// One Router Advertisement to all nodes, from the link-local address:
    /// the router's link-layer address, the MTU if configured, and every
    /// prefix.
    func sendRouterAdvertisement(_ advertiser: RouterAdvertiserConfiguration, on interface: IPInterface) {
        guard let source = interface.linkLocalAddress else { return }
        let length = RouterAdvertisement.minimumLength + NDPOption.linkLayerAddressLength
            + (advertiser.linkMTU == nil ? 0 : NDPOption.mtuLength)
            + advertiser.prefixes.count * NDPPrefixInformation.length
        guard let list = sendPool.allocate(length: length) else {
            statistics.ipv6.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        var offset = RouterAdvertisement.minimumLength
        NDPOption.emitLinkLayerAddress(into: data.slice(offset, NDPOption.linkLayerAddressLength),
                                       type: .sourceLinkLayerAddress, address: interface.macAddress)
        offset += NDPOption.linkLayerAddressLength
        if let mtu = advertiser.linkMTU {
            NDPOption.emitMTU(into: data.slice(offset, NDPOption.mtuLength), mtu: mtu)
            offset += NDPOption.mtuLength
        }
        for prefix in advertiser.prefixes {
            NDPOption.emitPrefixInformation(into: data.slice(offset, NDPPrefixInformation.length),
                                            prefix: prefix.prefix.network, prefixLength: UInt8(prefix.prefix.length),
                                            onLink: prefix.onLink, autonomous: prefix.autonomous,
                                            validLifetime: prefix.validLifetime,
                                            preferredLifetime: prefix.preferredLifetime)
            offset += NDPPrefixInformation.length
        }
        RouterAdvertisement.emit(into: data, currentHopLimit: advertiser.currentHopLimit, managed: false, other: false,
                                 routerLifetime: advertiser.routerLifetime, reachableTime: advertiser.reachableTime,
                                 retransTimer: advertiser.retransTimer, source: source, destination: .allNodes)
        statistics.ndp.routerAdvertisementsOut &+= 1
        sendNeighborDiscovery(list, source: source, destination: .allNodes, directTo: nil, on: interface)
    }
}
