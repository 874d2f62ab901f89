import NDIS
import NetCore

extension TCPIPStack {
    // MARK: - Starting and stopping

    /// IPv6 comes up on an interface (RFC 4862 §5.3): the all-nodes group
    /// joined, the link-local and multicast routes added, a link-local
    /// address formed and probed by DAD, and any address assigned while the
    /// interface was down probed too. Router discovery follows once the
    /// link-local address is unique.
    func startIPv6(on interface: IPInterface) {
        guard !interface.hasJoined(.allNodes) else { return }
        joinGroup(.allNodes, on: interface)
        if isIPv6Router(interface) { joinGroup(.allRouters, on: interface) }
        routes.add(IPv6Route(destination: .linkLocal, interfaceIndex: interface.index))
        routes.add(IPv6Route(destination: .multicast, interfaceIndex: interface.index))
        if !interface.ipv6Addresses.contains(where: { $0.address.isLinkLocal }) {
            let identifier: UInt64
            var counter: UInt32 = 0
            if configuration.ipv6.stablePrivacyAddresses {
                (identifier, counter) = stableIdentifiers.identifier(prefix: .linkLocal,
                                                                     netIface: interface.stableInterfaceName)
            } else {
                identifier = InterfaceIdentifier.modifiedEUI64(interface.macAddress)
            }
            let address = IPv6Address(prefix: .linkLocal, interfaceIdentifier: identifier)!
            let linkLocal = IPv6UnicastAddress(address, prefixLength: 64, interfaceIndex: interface.index,
                                               origin: .linkLocal, dadState: .tentative)!
            assign(linkLocal, on: interface, retryPrefix: configuration.ipv6.stablePrivacyAddresses ? .linkLocal : nil,
                   dadCounter: counter, initialDelay: true)
        }
        for address in interface.ipv6Addresses
        where address.dadState == .tentative && interface.duplicateAddressProbes[address.address] == nil {
            beginDuplicateAddressDetection(address.address, on: interface, retryPrefix: nil, dadCounter: 0,
                                           initialDelay: true)
        }
    }

    /// Everything IPv6 held for an interface that goes away: queued packets
    /// freed, timers cancelled.
    func stopIPv6(on interface: IPInterface) {
        for chain in interface.neighbors.removeAll() {
            var current: NetBufferList? = chain
            while let list = current {
                current = list.next
                list.next = nil
                list.owningPool.free(list)
            }
        }
        for probe in interface.duplicateAddressProbes.values {
            if let timer = probe.timer { timers.cancel(timer) }
        }
        interface.duplicateAddressProbes.removeAll()
        if let timer = interface.routerSolicitationTimer { timers.cancel(timer) }
        if let timer = interface.routerAdvertisementTimer { timers.cancel(timer) }
        interface.routerSolicitationTimer = nil
        interface.routerAdvertisementTimer = nil
    }

    // MARK: - Addresses

    /// CreateUnicastIpAddressEntry for AF_INET6: assigns `address/prefixLength`
    /// to an interface, adds the on-link route for the prefix, and runs
    /// Duplicate Address Detection (the address stays tentative, unusable,
    /// until it passes). STATUS_INVALID_PARAMETER for a group, unspecified,
    /// loopback or IPv4-mapped address or a bad length;
    /// STATUS_ADDRESS_ALREADY_EXISTS if this host already holds it.
    @discardableResult
    public func addAddress(_ address: IPv6Address, prefixLength: Int, to interface: IPInterface) -> NTStatus {
        guard !address.isMulticast, !address.isUnspecified, !address.isLoopback, !address.isIPv4Mapped,
              let assigned = IPv6UnicastAddress(address, prefixLength: prefixLength, interfaceIndex: interface.index,
                                                origin: address.isLinkLocal ? .linkLocal : .manual,
                                                dadState: .tentative)
        else { return .invalidParameter }
        guard !interfaces.contains(where: { $0.holds(address) != nil }) else { return .addressAlreadyExists }
        if prefixLength < 128 && !address.isLinkLocal {
            routes.add(IPv6Route(destination: assigned.prefix, interfaceIndex: interface.index))
        }
        assign(assigned, on: interface, retryPrefix: nil, dadCounter: 0, initialDelay: false)
        return .success
    }

    /// DeleteUnicastIpAddressEntry for AF_INET6. STATUS_NOT_FOUND when the
    /// interface does not hold the address.
    @discardableResult
    public func removeAddress(_ address: IPv6Address, from interface: IPInterface) -> NTStatus {
        guard let assigned = interface.holds(address) else { return .notFound }
        unassign(assigned, from: interface)
        if assigned.origin == .manual, assigned.prefixLength < 128,
           !interface.ipv6Addresses.contains(where: { $0.prefix == assigned.prefix }) {
            routes.remove(assigned.prefix, nextHop: .some(nil), interfaceIndex: interface.index)
        }
        return .success
    }

    /// Adds an address in the tentative state and starts DAD (or assigns
    /// it at once when DAD is off). Its solicited-node group is joined now,
    /// since DAD itself listens there for a competing probe.
    func assign(_ address: IPv6UnicastAddress, on interface: IPInterface, retryPrefix: IPv6Prefix?, dadCounter: UInt32,
                initialDelay: Bool) {
        var address = address
        let probing = configuration.ipv6.dupAddrDetectTransmits > 0
        address.dadState = probing ? .tentative : .preferred
        interface.ipv6Addresses.append(address)
        joinGroup(address.address.solicitedNodeMulticast, on: interface)
        scheduleLifetimeTimer()
        if !probing {
            addressBecameUnique(address.address, on: interface)
        } else if interface.hasJoined(.allNodes) {
            beginDuplicateAddressDetection(address.address, on: interface, retryPrefix: retryPrefix,
                                           dadCounter: dadCounter, initialDelay: initialDelay)
        }
    }

    /// Removes an address and everything that was there for it.
    func unassign(_ address: IPv6UnicastAddress, from interface: IPInterface) {
        interface.ipv6Addresses.removeAll { $0.address == address.address }
        if let probe = interface.duplicateAddressProbes.removeValue(forKey: address.address), let timer = probe.timer {
            timers.cancel(timer)
        }
        if address.dadState != .duplicate { leaveGroup(address.address.solicitedNodeMulticast, on: interface) }
    }

    // MARK: - Duplicate Address Detection

    /// Starts probing a tentative address (RFC 4862 §5.4.2): after a random
    /// delay when the interface has just started, else at once.
    func beginDuplicateAddressDetection(_ address: IPv6Address, on interface: IPInterface, retryPrefix: IPv6Prefix?,
                                        dadCounter: UInt32, initialDelay: Bool) {
        let delay = initialDelay ? randomDuration(upTo: configuration.ipv6.maxRouterSolicitationDelay) : .zero
        let timer = timers.schedule(at: now + delay, .duplicateAddressDetection(interface: interface.index,
                                                                                address: address))
        interface.duplicateAddressProbes[address] = DuplicateAddressProbe(
            transmitsLeft: configuration.ipv6.dupAddrDetectTransmits, timer: timer,
            retryPrefix: retryPrefix, dadCounter: dadCounter)
    }

    /// The next DAD step: another probe, or — RetransTimer after the last
    /// one, with no answer — the address is unique.
    func duplicateAddressTimerFired(_ index: UInt32, _ address: IPv6Address) {
        guard let interface = interface(index: index), var probe = interface.duplicateAddressProbes[address] else {
            return
        }
        probe.timer = nil
        if probe.transmitsLeft > 0 {
            probe.transmitsLeft -= 1
            probe.timer = timers.schedule(at: now + interface.neighbors.configuration.retransTimer,
                                          .duplicateAddressDetection(interface: index, address: address))
            interface.duplicateAddressProbes[address] = probe
            sendNeighborSolicitation(target: address, unicastTo: nil, on: interface, duplicateAddressDetection: true)
            return
        }
        interface.duplicateAddressProbes[address] = nil
        statistics.ndp.dadSucceeded &+= 1
        addressBecameUnique(address, on: interface)
    }

    /// A tentative address passed DAD: it becomes preferred (or deprecated,
    /// if its preferred lifetime already ran out), and a new link-local
    /// address starts router discovery or, on a router, advertising.
    func addressBecameUnique(_ address: IPv6Address, on interface: IPInterface) {
        guard let i = interface.ipv6Addresses.firstIndex(where: { $0.address == address }) else { return }
        interface.ipv6Addresses[i].dadState = .preferred
        interface.ipv6Addresses[i].dadState = interface.ipv6Addresses[i].dadState(at: now)
        guard address.isLinkLocal, interface.running else { return }
        if interface.advertiser != nil {
            scheduleRouterAdvertisement(on: interface, at: now)
        } else if configuration.ipv6.acceptRouterAdvertisements && !configuration.forwarding
                    && configuration.ipv6.maxRouterSolicitations > 0 {
            interface.routerSolicitationsSent = 0
            if let timer = interface.routerSolicitationTimer { timers.cancel(timer) }
            interface.routerSolicitationTimer = timers.schedule(
                at: now + randomDuration(upTo: configuration.ipv6.maxRouterSolicitationDelay),
                .routerSolicitation(interface: interface.index))
        }
    }

    /// Another node claims a tentative address (RFC 4862 §5.4.5): it is
    /// marked duplicate and never used. An RFC 7217 address is formed
    /// again with the next DAD_Counter, up to IDGEN_RETRIES times.
    func duplicateAddressDetected(_ address: IPv6Address, on interface: IPInterface) {
        guard let i = interface.ipv6Addresses.firstIndex(where: { $0.address == address }) else { return }
        statistics.ndp.dadFailed &+= 1
        let assigned = interface.ipv6Addresses[i]
        interface.ipv6Addresses[i].dadState = .duplicate
        let probe = interface.duplicateAddressProbes.removeValue(forKey: address)
        if let timer = probe?.timer { timers.cancel(timer) }
        leaveGroup(address.solicitedNodeMulticast, on: interface)
        guard let probe, let prefix = probe.retryPrefix,
              probe.dadCounter < configuration.ipv6.stableIdentifierRetries,
              let (next, counter) = stableIdentifiers.address(prefix: prefix, netIface: interface.stableInterfaceName,
                                                              dadCounter: probe.dadCounter + 1),
              interface.holds(next) == nil,
              var retry = IPv6UnicastAddress(next, prefixLength: assigned.prefixLength, interfaceIndex: interface.index,
                                             origin: assigned.origin, dadState: .tentative)
        else { return }
        retry.validUntil = assigned.validUntil
        retry.preferredUntil = assigned.preferredUntil
        assign(retry, on: interface, retryPrefix: prefix, dadCounter: counter, initialDelay: false)
    }

    // MARK: - Router discovery (host side)

    /// Sends the next Router Solicitation (RFC 4861 §6.3.7), up to
    /// MAX_RTR_SOLICITATIONS, RTR_SOLICITATION_INTERVAL apart.
    func routerSolicitationTimerFired(_ index: UInt32) {
        guard let interface = interface(index: index) else { return }
        interface.routerSolicitationTimer = nil
        guard interface.routerSolicitationsSent < configuration.ipv6.maxRouterSolicitations else { return }
        interface.routerSolicitationsSent += 1
        sendRouterSolicitation(on: interface)
        if interface.routerSolicitationsSent < configuration.ipv6.maxRouterSolicitations {
            interface.routerSolicitationTimer = timers.schedule(at: now + configuration.ipv6.routerSolicitationInterval,
                                                                .routerSolicitation(interface: index))
        }
    }

    /// A Router Solicitation to all routers, from the link-local address
    /// with our link-layer address so a router can answer straight away.
    func sendRouterSolicitation(on interface: IPInterface) {
        let source = interface.linkLocalAddress ?? .unspecified
        guard let list = allocateSolicitation(fixedLength: RouterSolicitation.minimumLength, from: source,
                                              on: interface) else { return }
        let data = list.firstNetBuffer.data
        RouterSolicitation.emit(into: data, source: source, destination: .allRouters)
        statistics.ndp.routerSolicitationsOut &+= 1
        sendNeighborDiscovery(list, source: source, destination: .allRouters, directTo: nil, on: interface)
    }

    /// A Router Advertisement arrived (RFC 4861 §6.3.4): the router becomes
    /// (or stops being) a default router, the link's hop limit, timers and
    /// MTU are taken, and each prefix is processed for on-link
    /// determination and stateless autoconfiguration (RFC 4862 §5.5.3).
    func routerAdvertisementInput(_ message: ICMPv6Message, header: IPv6Header, on interface: IPInterface) {
        statistics.ndp.routerAdvertisementsIn &+= 1
        guard let advertisement = try? RouterAdvertisement(message),
              advertisement.validate(hopLimit: header.hopLimit, source: header.source,
                                     destination: header.destination) == nil else {
            statistics.ndp.invalid &+= 1
            return
        }
        guard configuration.ipv6.acceptRouterAdvertisements, !isIPv6Router(interface) else {
            statistics.ndp.routerAdvertisementsIgnored &+= 1
            return
        }
        let router = header.source
        // RFC 4861 §6.3.7: soliciting stops once a router offers itself as
        // a default router; one with lifetime 0 does not, so keep asking.
        if advertisement.routerLifetime != 0, let timer = interface.routerSolicitationTimer {
            timers.cancel(timer)
            interface.routerSolicitationTimer = nil
        }
        if advertisement.currentHopLimit != 0 { interface.currentHopLimit = advertisement.currentHopLimit }
        let reachable = advertisement.reachableTime
        let retrans = advertisement.retransTimer
        interface.neighbors.routerAdvertisementReceived(
            baseReachableTime: reachable == 0 ? nil : .milliseconds(Int64(reachable)),
            retransTimer: retrans == 0 ? nil : .milliseconds(Int64(retrans)), now: now)
        if advertisement.routerLifetime == 0 {
            if routes.remove(.defaultRoute, nextHop: .some(router), interfaceIndex: interface.index) > 0 {
                statistics.ndp.routersExpired &+= 1
            }
        } else {
            routes.add(IPv6Route(destination: .defaultRoute, nextHop: router, interfaceIndex: interface.index,
                                 expires: now + .seconds(Int64(advertisement.routerLifetime))))
        }
        let options = advertisement.options
        if let mac = options.sourceLinkLayerAddress {
            interface.neighbors.linkLayerAddressLearnt(router, mac: mac, isRouter: true, now: now, &neighborActions)
            performNeighborActions(on: interface)
        }
        if let mtu = options.mtu, mtu >= UInt32(IPv6Header.minimumMTU), mtu <= UInt32(interface.mtu) {
            interface.ipv6MTU = Int(mtu)
        }
        for case .prefixInformation(let information) in options {
            prefixInformationReceived(information, on: interface)
        }
        scheduleLifetimeTimer()
    }

    /// One Prefix Information option (RFC 4861 §6.3.4, RFC 4862 §5.5.3).
    func prefixInformationReceived(_ information: NDPPrefixInformation, on interface: IPInterface) {
        guard let prefix = information.ipv6Prefix, !prefix.network.isLinkLocal else {
            statistics.ndp.prefixesIgnored &+= 1
            return
        }
        let valid = information.validLifetime
        let preferred = information.preferredLifetime
        if information.onLink {
            if valid == 0 {
                routes.remove(prefix, nextHop: .some(nil), interfaceIndex: interface.index)
            } else {
                routes.add(IPv6Route(destination: prefix, interfaceIndex: interface.index, expires: deadline(valid)))
            }
        }
        guard information.autonomous else { return }
        // An interface identifier is 64 bits, so only a /64 can be completed
        // (RFC 4862 §5.5.3 d); preferred past valid is nonsense (§5.5.3 c).
        guard preferred <= valid, prefix.length == 64 else {
            statistics.ndp.prefixesIgnored &+= 1
            return
        }
        if let i = interface.ipv6Addresses.firstIndex(where: {
            $0.prefix == prefix && ($0.origin == .slaac || $0.origin == .stablePrivacy) && $0.dadState != .duplicate
        }) {
            refreshLifetimes(of: i, on: interface, valid: valid, preferred: preferred)
            return
        }
        guard valid > 0 else { return }
        let address: IPv6Address
        var counter: UInt32 = 0
        let stable = configuration.ipv6.stablePrivacyAddresses
        if stable {
            guard let made = stableIdentifiers.address(prefix: prefix, netIface: interface.stableInterfaceName) else { return }
            (address, counter) = made
        } else {
            address = IPv6Address(prefix: prefix, interfaceIdentifier: InterfaceIdentifier.modifiedEUI64(interface.macAddress))!
        }
        guard !interfaces.contains(where: { $0.holds(address) != nil }),
              let slaac = IPv6UnicastAddress(address, prefixLength: 64, interfaceIndex: interface.index,
                                             origin: stable ? .stablePrivacy : .slaac, dadState: .tentative,
                                             validUntil: deadline(valid), preferredUntil: deadline(preferred))
        else { return }
        statistics.ndp.autoconfiguredAddresses &+= 1
        assign(slaac, on: interface, retryPrefix: stable ? prefix : nil, dadCounter: counter, initialDelay: false)
    }

    /// RFC 4862 §5.5.3 e: the preferred lifetime is taken as advertised; the
    /// valid lifetime too if it is over two hours or beyond what remains,
    /// but a short one cannot cut the remainder below two hours, so a forged
    /// advertisement cannot take an address away at once.
    func refreshLifetimes(of index: Int, on interface: IPInterface, valid: UInt32, preferred: UInt32) {
        var address = interface.ipv6Addresses[index]
        address.preferredUntil = deadline(preferred)
        let twoHours: Duration = .seconds(7_200)
        let advertised = deadline(valid)
        let remaining = address.validUntil.map { $0 - now }
        if valid == NDPPrefixInformation.infiniteLifetime || .seconds(Int64(valid)) > twoHours
            || remaining.map({ .seconds(Int64(valid)) > $0 }) ?? false {
            address.validUntil = advertised
        } else if remaining.map({ $0 > twoHours }) ?? true {
            address.validUntil = now + twoHours
        }
        if address.dadState == .deprecated && address.preferredUntil.map({ $0 > now }) ?? true {
            address.dadState = .preferred
        }
        interface.ipv6Addresses[index] = address
    }

    /// A lifetime in seconds from an option as a deadline; all ones is infinite.
    func deadline(_ seconds: UInt32) -> Instant? {
        seconds == NDPPrefixInformation.infiniteLifetime ? nil : now + .seconds(Int64(seconds))
    }

    /// A uniform random duration in [0, `limit`).
    func randomDuration(upTo limit: Duration) -> Duration {
        let nanoseconds = limit.nanosecondsClamped
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64(random.next() % UInt64(nanoseconds)))
    }

    // MARK: - Lifetimes

    /// Arms the one timer for the earliest IPv6 lifetime event: an address
    /// becoming deprecated or invalid, or a learnt route expiring.
    func scheduleLifetimeTimer() {
        var earliest = routes.ipv6.nextExpiry
        func consider(_ instant: Instant?) {
            if let instant, earliest.map({ instant < $0 }) ?? true { earliest = instant }
        }
        for interface in interfaces {
            for address in interface.ipv6Addresses where address.dadState != .duplicate {
                consider(address.validUntil)
                if address.dadState == .preferred || address.dadState == .tentative { consider(address.preferredUntil) }
            }
        }
        guard earliest != lifetimeTimerDeadline else { return }
        if let timer = lifetimeTimer { timers.cancel(timer) }
        lifetimeTimer = earliest.map { timers.schedule(at: max($0, now), .ipv6Lifetimes) }
        lifetimeTimerDeadline = earliest
    }

    /// Deprecates addresses past their preferred lifetime, removes those
    /// past their valid lifetime (RFC 4862 §5.5.4), and drops expired routes.
    func ipv6LifetimesTimerFired() {
        lifetimeTimer = nil
        lifetimeTimerDeadline = nil
        for interface in interfaces {
            for address in interface.ipv6Addresses {
                let state = address.dadState(at: now)
                if state == .invalid {
                    statistics.ndp.addressesExpired &+= 1
                    unassign(address, from: interface)
                } else if state == .deprecated, address.dadState == .preferred,
                          let i = interface.ipv6Addresses.firstIndex(where: { $0.address == address.address }) {
                    interface.ipv6Addresses[i].dadState = .deprecated
                }
            }
        }
        let expired = routes.ipv6.removeExpired(now: now)
        statistics.ndp.routersExpired &+= UInt64(expired.filter { $0.destination.length == 0 }.count)
        scheduleLifetimeTimer()
    }
}
