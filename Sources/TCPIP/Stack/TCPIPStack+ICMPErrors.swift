import NDIS
import NetCore

extension TCPIPStack {
    /// Sends an ICMPv4 error about `original` back to its source, unless
    /// RFC 1122 §3.2.2 forbids it — never about an ICMP error, a broadcast or
    /// multicast (by address or by link), a fragment other than the first,
    /// or a source that names no single host — or the token bucket is empty.
    /// The message quotes as much of the original as keeps it within 576 bytes.
    func sendICMPv4Error(_ type: ICMPv4Type, code: UInt8, about original: IPv4Header, on interface: IPInterface,
                         toGroup: Bool, rest: UInt32 = 0) {
        guard isErrorAllowed(about: original, on: interface, toGroup: toGroup) else {
            statistics.icmpv4.errorsSuppressed &+= 1
            return
        }
        guard icmpErrorLimiter.allow(now: now) else {
            statistics.icmpv4.errorsRateLimited &+= 1
            return
        }
        let quoted = min(original.bytes.count, 576 - IPv4Header.minimumLength - ICMPv4Message.headerLength)
        guard let list = sendPool.allocate(length: ICMPv4Message.headerLength + quoted) else {
            statistics.ipv4.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        data.storeUInt8(type.rawValue, at: 0)
        data.storeUInt8(code, at: 1)
        data.storeBigEndian(UInt16(0), at: 2)
        data.storeBigEndian(rest, at: 4)
        data.copyBytes(original.bytes.slice(0, quoted), at: ICMPv4Message.headerLength)
        data.storeBigEndian(InternetChecksum.checksum(UnsafeRawBufferPointer(data)), at: 2)
        switch type {
        case .destinationUnreachable: statistics.icmpv4.destinationUnreachableOut &+= 1
        case .timeExceeded: statistics.icmpv4.timeExceededOut &+= 1
        default: statistics.icmpv4.parameterProblemOut &+= 1
        }
        let source = interface.owns(original.destination) ? original.destination
            : interface.sourceAddress(toward: original.source)
        ipv4Output(list, source: source, destination: original.source, protocolNumber: .icmp)
    }

    func isErrorAllowed(about original: IPv4Header, on interface: IPInterface, toGroup: Bool) -> Bool {
        let destination = original.destination
        let source = original.source
        if toGroup || destination.isMulticast || destination.isLimitedBroadcast || interface.isSubnetBroadcast(destination) {
            return false
        }
        if original.fragmentOffset != 0 { return false }
        if source.isUnspecified || source.isLoopback || source.isMulticast || source.isLimitedBroadcast
            || source.rawValue >> 28 == 0xF || interface.isSubnetBroadcast(source) {
            return false
        }
        if original.protocolNumber == .icmp {
            let payload = original.payload
            // Errors are the types RFC 792 defines as such; queries and replies may be answered.
            guard payload.count >= 1 else { return false }
            let quotedType = payload[0]
            if [3, 4, 5, 11, 12].contains(quotedType) { return false }
        }
        return true
    }

    /// An ICMPv4 error arrived: counted, and a "fragmentation needed" about a
    /// datagram this host sent lowers the path MTU to its destination.
    func icmpErrorInput(_ message: ICMPv4Message, on interface: IPInterface) {
        switch message.type {
        case .destinationUnreachable: statistics.icmpv4.destinationUnreachableIn &+= 1
        case .timeExceeded: statistics.icmpv4.timeExceededIn &+= 1
        default: statistics.icmpv4.parameterProblemIn &+= 1
        }
        // The quoted datagram: its header and at least 8 bytes of its payload
        // (RFC 792), cut short as routers may.
        let quoted = message.body
        guard quoted.count >= IPv4Header.minimumLength + 8, quoted[0] >> 4 == 4 else {
            statistics.icmpv4.errorsMalformed &+= 1
            return
        }
        let headerLength = Int(quoted[0] & 0x0F) * 4
        guard headerLength >= IPv4Header.minimumLength, headerLength + 8 <= quoted.count else {
            statistics.icmpv4.errorsMalformed &+= 1
            return
        }
        let quotedSource = IPv4Address(bytes: quoted.slice(12, 4))
        let quotedDestination = IPv4Address(bytes: quoted.slice(16, 4))
        guard isLocalAddress(quotedSource) else { return }
        if message.type == .destinationUnreachable && message.code == 4 {
            var advertised = Int(message.bytes.loadBigEndianUInt16(at: 6))
            if advertised == 0 {
                advertised = PathMTUCache.plateau(below: Int(quoted.loadBigEndianUInt16(at: 2)))
            }
            let linkMTU = routes.lookup(quotedDestination).flatMap { self.interface(index: $0.interfaceIndex)?.mtu }
                ?? interface.mtu
            let before = pathMTUs.mtu(to: quotedDestination, now: now) ?? linkMTU
            let after = pathMTUs.lower(to: quotedDestination, mtu: advertised, linkMTU: linkMTU, now: now)
            if after < before { statistics.icmpv4.pathMTUUpdates &+= 1 }
        }
        if message.type == .destinationUnreachable && quoted[9] == IPProtocol.tcp.rawValue {
            let status: NTStatus?
            switch message.code {
            case 2, 3: status = .connectionRefused
            case 4: status = nil
            case 0: status = .networkUnreachable
            default: status = .hostUnreachable
            }
            tcpErrorArrived(status, pathMTUChanged: message.code == 4,
                            quotedSource: TransportAddress(quotedSource, port: quoted.loadBigEndianUInt16(at: headerLength)),
                            quotedDestination: TransportAddress(quotedDestination,
                                                                port: quoted.loadBigEndianUInt16(at: headerLength + 2)),
                            quotedSequence: TCPSeq(quoted.loadBigEndianUInt32(at: headerLength + 4)))
        }
        if message.type == .destinationUnreachable && quoted[9] == IPProtocol.udp.rawValue {
            let status: NTStatus
            switch message.code {
            case 0: status = .networkUnreachable
            case 2: status = .protocolUnreachable
            case 3: status = .portUnreachable
            default: status = .hostUnreachable
            }
            udpErrorArrived(status,
                            quotedSource: TransportAddress(quotedSource, port: quoted.loadBigEndianUInt16(at: headerLength)),
                            quotedDestination: TransportAddress(quotedDestination,
                                                                port: quoted.loadBigEndianUInt16(at: headerLength + 2)))
        }
    }
}
