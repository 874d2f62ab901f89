import NetCore

extension TCPIPStack {
    /// GetIpStatisticsEx: the IP Helper query for one family's IP counters,
    /// MIB_IPSTATS made from `statistics` and the live tables. It is how
    /// this stack answers that query: there is no other, OID-style, form.
    ///
    /// For AF_INET, from `statistics.ipv4` and `statistics.arp`:
    /// - inHdrErrors: truncated, badVersion, badHeaderLength, badTotalLength,
    ///   badChecksum, badOptions and timeToLiveExceeded.
    /// - inAddrErrors: badSource and notForUs.
    /// - outDiscards: noBuffer, and ARP's droppedQueueFull and droppedCacheFull.
    /// - outNoRoutes: noRoute and forwardNoRoute.
    /// - reasmFails: reassemblyTimeouts and fragmentsDropped.
    /// - fragFails: cannotFragment.
    ///
    /// For AF_INET6, from `statistics.ipv6` and each interface's
    /// `neighborCacheStatistics`:
    /// - inHdrErrors: truncated, badVersion, badExtensionHeaders, headerErrors
    ///   and hopLimitExceeded.
    /// - inAddrErrors: badAddress, notForUs, toTentativeAddress and beyondScope.
    /// - outDiscards: noBuffer, and the neighbour caches' droppedQueueLimit and
    ///   droppedCacheFull (those of the interfaces bound now).
    /// - outNoRoutes: noRoute and forwardNoRoute.
    /// - reasmFails: reassemblyTimeouts and fragmentsDropped.
    /// - fragFails: tooBig (too big for the path with fragmentation refused,
    ///   or, from no caller here, for any datagram) and forwardTooBig.
    ///
    /// For both: inReceives from received, forwDatagrams from forwarded,
    /// inUnknownProtos from unknownProtocol or unknownNextHeader, inDelivers
    /// from delivered, outRequests from sendRequests, reasmReqds from
    /// fragmentsReceived, reasmOks from reassembled, fragOks from fragmented
    /// and fragCreates from fragmentsCreated; forwarding from
    /// `configuration.forwarding`; defaultTTL from
    /// `configuration.defaultTimeToLive` or `configuration.ipv6.defaultHopLimit`;
    /// reasmTimeout from `configuration.reassembly`; numIf, numAddr and
    /// numRoutes counted in `interfaces` and `routes` now.
    ///
    /// Counted by the stack but in no field: IPv4's tooBig (a datagram over
    /// 65,535 bytes, or no address to send from), IPv6's noSourceAddress, and
    /// ARP's droppedUnresolved and NDP's unreachableDrops (no next hop answered).
    public func getIpStatistics(family: AddressFamily) -> MIBIPStats {
        let forwarding: MIBIPStatsForwarding = configuration.forwarding ? .forwarding : .notForwarding
        switch family {
        case .inet:
            let ip = statistics.ipv4
            let arp = statistics.arp
            return MIBIPStats(
                forwarding: forwarding,
                defaultTTL: UInt32(configuration.defaultTimeToLive),
                inReceives: dword(ip.received),
                inHdrErrors: dword(ip.truncated &+ ip.badVersion &+ ip.badHeaderLength &+ ip.badTotalLength
                                   &+ ip.badChecksum &+ ip.badOptions &+ ip.timeToLiveExceeded),
                inAddrErrors: dword(ip.badSource &+ ip.notForUs),
                forwDatagrams: dword(ip.forwarded),
                inUnknownProtos: dword(ip.unknownProtocol),
                inDiscards: 0,
                inDelivers: dword(ip.delivered),
                outRequests: dword(ip.sendRequests),
                routingDiscards: 0,
                outDiscards: dword(ip.noBuffer &+ arp.droppedQueueFull &+ arp.droppedCacheFull),
                outNoRoutes: dword(ip.noRoute &+ ip.forwardNoRoute),
                reasmTimeout: seconds(configuration.reassembly.ipv4Timeout),
                reasmReqds: dword(ip.fragmentsReceived),
                reasmOks: dword(ip.reassembled),
                reasmFails: dword(ip.reassemblyTimeouts &+ ip.fragmentsDropped),
                fragOks: dword(ip.fragmented),
                fragFails: dword(ip.cannotFragment),
                fragCreates: dword(ip.fragmentsCreated),
                numIf: UInt32(interfaces.count),
                numAddr: UInt32(interfaces.reduce(0) { $0 + $1.addresses.count }),
                numRoutes: UInt32(routes.ipv4Count))
        case .inet6:
            let ip = statistics.ipv6
            let neighborDrops = interfaces.reduce(UInt64(0)) {
                let cache = $1.neighborCacheStatistics
                return $0 &+ cache.droppedQueueLimit &+ cache.droppedCacheFull
            }
            return MIBIPStats(
                forwarding: forwarding,
                defaultTTL: UInt32(configuration.ipv6.defaultHopLimit),
                inReceives: dword(ip.received),
                inHdrErrors: dword(ip.truncated &+ ip.badVersion &+ ip.badExtensionHeaders &+ ip.headerErrors
                                   &+ ip.hopLimitExceeded),
                inAddrErrors: dword(ip.badAddress &+ ip.notForUs &+ ip.toTentativeAddress &+ ip.beyondScope),
                forwDatagrams: dword(ip.forwarded),
                inUnknownProtos: dword(ip.unknownNextHeader),
                inDiscards: 0,
                inDelivers: dword(ip.delivered),
                outRequests: dword(ip.sendRequests),
                routingDiscards: 0,
                outDiscards: dword(ip.noBuffer &+ neighborDrops),
                outNoRoutes: dword(ip.noRoute &+ ip.forwardNoRoute),
                reasmTimeout: seconds(configuration.reassembly.ipv6Timeout),
                reasmReqds: dword(ip.fragmentsReceived),
                reasmOks: dword(ip.reassembled),
                reasmFails: dword(ip.reassemblyTimeouts &+ ip.fragmentsDropped),
                fragOks: dword(ip.fragmented),
                fragFails: dword(ip.tooBig &+ ip.forwardTooBig),
                fragCreates: dword(ip.fragmentsCreated),
                numIf: UInt32(interfaces.count),
                numAddr: UInt32(interfaces.reduce(0) { $0 + $1.ipv6Addresses.count }),
                numRoutes: UInt32(routes.ipv6.count))
        }
    }

    /// GetIcmpStatisticsEx: the IP Helper query for one family's ICMP
    /// counters, MIB_ICMP_EX made from `statistics`. It is how this stack
    /// answers that query: there is no other, OID-style, form.
    ///
    /// rgdwTypeCount holds the types the stack has a counter for; the rest
    /// stay 0. For AF_INET, from `statistics.icmpv4`: Echo Reply (0),
    /// Destination Unreachable (3), Echo Request (8), Time Exceeded (11) and
    /// Parameter Problem (12), each way. For AF_INET6, from
    /// `statistics.icmpv6` and `statistics.ndp`: Destination Unreachable (1),
    /// Packet Too Big (2), Time Exceeded (3), Parameter Problem (4), Echo
    /// Request (128), Echo Reply (129), Router Solicitation (133), Router
    /// Advertisement (134), Neighbor Solicitation (135), Neighbor
    /// Advertisement (136) and Redirect (137, received only: the stack sends none).
    /// Messages received of any other type (`otherTypes`) count in dwMsgs
    /// but under no type, as the stack does not count them by type.
    ///
    /// icmpInStats.dwMsgs is `received`, malformed messages included;
    /// icmpInStats.dwErrors is truncated, badChecksum and errorsMalformed
    /// (errors quoting too little to use), and for AF_INET6 also `ndp.invalid`.
    /// icmpOutStats.dwMsgs is the sum of the types sent, every message the
    /// stack sends being of one of them. icmpOutStats.dwErrors is always 0:
    /// ICMP's own sends that find no buffer are counted with IP's (in
    /// dwOutDiscards), and errors suppressed by RFC 1122 and RFC 4443 or by
    /// rate limiting are policy, not failures.
    public func getIcmpStatistics(family: AddressFamily) -> MIBICMPStatsEx {
        switch family {
        case .inet:
            let icmp = statistics.icmpv4
            let received: [(ICMPv4Type, UInt64)] = [
                (.echoReply, icmp.echoRepliesIn), (.destinationUnreachable, icmp.destinationUnreachableIn),
                (.echoRequest, icmp.echoRequestsIn), (.timeExceeded, icmp.timeExceededIn),
                (.parameterProblem, icmp.parameterProblemIn),
            ]
            let sent: [(ICMPv4Type, UInt64)] = [
                (.echoReply, icmp.echoRepliesOut), (.destinationUnreachable, icmp.destinationUnreachableOut),
                (.echoRequest, icmp.echoRequestsOut), (.timeExceeded, icmp.timeExceededOut),
                (.parameterProblem, icmp.parameterProblemOut),
            ]
            return MIBICMPStatsEx(
                icmpInStats: icmpStats(messages: icmp.received,
                                       errors: icmp.truncated &+ icmp.badChecksum &+ icmp.errorsMalformed,
                                       byType: received.map { ($0.rawValue, $1) }),
                icmpOutStats: icmpStats(messages: nil, errors: 0, byType: sent.map { ($0.rawValue, $1) }))
        case .inet6:
            let icmp = statistics.icmpv6
            let ndp = statistics.ndp
            let received: [(ICMPv6Type, UInt64)] = [
                (.destinationUnreachable, icmp.destinationUnreachableIn), (.packetTooBig, icmp.packetTooBigIn),
                (.timeExceeded, icmp.timeExceededIn), (.parameterProblem, icmp.parameterProblemIn),
                (.echoRequest, icmp.echoRequestsIn), (.echoReply, icmp.echoRepliesIn),
                (.routerSolicitation, ndp.routerSolicitationsIn), (.routerAdvertisement, ndp.routerAdvertisementsIn),
                (.neighborSolicitation, ndp.neighborSolicitationsIn),
                (.neighborAdvertisement, ndp.neighborAdvertisementsIn), (.redirect, ndp.redirectsIn),
            ]
            let sent: [(ICMPv6Type, UInt64)] = [
                (.destinationUnreachable, icmp.destinationUnreachableOut), (.packetTooBig, icmp.packetTooBigOut),
                (.timeExceeded, icmp.timeExceededOut), (.parameterProblem, icmp.parameterProblemOut),
                (.echoRequest, icmp.echoRequestsOut), (.echoReply, icmp.echoRepliesOut),
                (.routerSolicitation, ndp.routerSolicitationsOut), (.routerAdvertisement, ndp.routerAdvertisementsOut),
                (.neighborSolicitation, ndp.neighborSolicitationsOut),
                (.neighborAdvertisement, ndp.neighborAdvertisementsOut),
            ]
            return MIBICMPStatsEx(
                icmpInStats: icmpStats(messages: icmp.received,
                                       errors: icmp.truncated &+ icmp.badChecksum &+ icmp.errorsMalformed
                                           &+ ndp.invalid,
                                       byType: received.map { ($0.rawValue, $1) }),
                icmpOutStats: icmpStats(messages: nil, errors: 0, byType: sent.map { ($0.rawValue, $1) }))
        }
    }
}

/// One direction's MIBICMPSTATS_EX: `byType` spread into rgdwTypeCount, and
/// dwMsgs either given or, when nil, the sum of the types.
private func icmpStats(messages: UInt64?, errors: UInt64, byType: [(UInt8, UInt64)]) -> MIBICMPStats {
    var typeCount = [UInt32](repeating: 0, count: 256)
    for (type, count) in byType { typeCount[Int(type)] = dword(count) }
    let total = messages ?? byType.reduce(0) { $0 &+ $1.1 }
    return MIBICMPStats(msgs: dword(total), errors: dword(errors), typeCount: typeCount)
}

/// A 64-bit count as a DWORD counter shows it: its low 32 bits (Counter32 wraps).
private func dword(_ count: UInt64) -> UInt32 {
    UInt32(truncatingIfNeeded: count)
}

/// A duration in whole seconds, a fraction rounding up: fragments may wait that long.
private func seconds(_ duration: Duration) -> UInt32 {
    let (whole, fraction) = duration.components
    return UInt32(clamping: whole + (fraction > 0 ? 1 : 0))
}
