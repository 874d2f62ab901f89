import NDIS
import NetCore

extension TCPIPStack {
    /// Sends an ICMPv6 error about `header`'s packet; see the form taking bytes.
    func sendICMPv6Error(_ type: ICMPv6Type, code: UInt8, about header: IPv6Header, on interface: IPInterface,
                         toGroup: Bool, rest: UInt32 = 0) {
        sendICMPv6Error(type, code: code, about: header.bytes, on: interface, toGroup: toGroup, rest: rest)
    }

    /// Sends an ICMPv6 error about `packet` (its first bytes at least: the
    /// fixed header) back to its source, unless RFC 4443 §2.4(e) forbids it
    /// — never about an ICMPv6 error, never from an unspecified or group
    /// source, and about a packet sent to a group (by address or by link)
    /// only for Packet Too Big and an unrecognised option that asked for it
    /// (Parameter Problem code 2) — or the token bucket of §2.4(f) is
    /// empty. The message quotes as much of the packet as keeps it within
    /// the minimum MTU of 1,280 bytes.
    func sendICMPv6Error(_ type: ICMPv6Type, code: UInt8, about packet: UnsafeRawBufferPointer,
                         on interface: IPInterface, toGroup: Bool, rest: UInt32 = 0) {
        guard packet.count >= IPv6Header.length else { return }
        let source = IPv6Address(bytes: packet.slice(8, 16))
        let destination = IPv6Address(bytes: packet.slice(24, 16))
        let groupException = type == .packetTooBig
            || (type == .parameterProblem && code == ICMPv6Message.ParameterProblemCode.unrecognizedOption)
        guard !source.isUnspecified, !source.isMulticast,
              groupException || !(toGroup || destination.isMulticast),
              !Self.isICMPv6Error(packet) else {
            statistics.icmpv6.errorsSuppressed &+= 1
            return
        }
        guard icmpv6ErrorLimiter.allow(now: now) else {
            statistics.icmpv6.errorsRateLimited &+= 1
            return
        }
        let local = !destination.isMulticast && interface.owns(destination)
            ? destination : selectSourceAddress(for: source, outgoing: interface)
        guard let local else {
            statistics.ipv6.noSourceAddress &+= 1
            return
        }
        let quoted = min(packet.count, ICMPv6Message.maximumErrorLength - ICMPv6Message.headerLength)
        guard let list = sendPool.allocate(length: ICMPv6Message.headerLength + quoted) else {
            statistics.ipv6.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        data.copyBytes(packet.slice(0, quoted), at: ICMPv6Message.headerLength)
        ICMPv6Message.emit(into: data, type: type, code: code, typeSpecific: rest, source: local, destination: source)
        switch type {
        case .destinationUnreachable: statistics.icmpv6.destinationUnreachableOut &+= 1
        case .packetTooBig: statistics.icmpv6.packetTooBigOut &+= 1
        case .timeExceeded: statistics.icmpv6.timeExceededOut &+= 1
        default: statistics.icmpv6.parameterProblemOut &+= 1
        }
        ipv6Output(list, source: local, destination: source, nextHeader: .icmpv6, interface: interface)
    }

    /// Whether `packet` carries an ICMPv6 error message, found by stepping
    /// over whatever extension headers fit in the bytes at hand (a quote may
    /// be cut short). A fragment other than the first carries no ICMPv6
    /// header at all, so it is not one.
    static func isICMPv6Error(_ packet: UnsafeRawBufferPointer) -> Bool {
        var next = packet[6]
        var offset = IPv6Header.length
        for _ in 0..<IPv6ExtensionHeaderWalker.maximumHeaderCount {
            switch IPProtocol(rawValue: next) {
            case .icmpv6:
                return offset < packet.count && ICMPv6Type(rawValue: packet[offset]).isError
            case .hopByHopOptions, .routing, .destinationOptions:
                guard offset + 2 <= packet.count else { return false }
                next = packet[offset]
                offset += (Int(packet[offset + 1]) + 1) * 8
            case .fragment:
                guard offset + IPv6FragmentHeader.length <= packet.count,
                      packet.loadBigEndianUInt16(at: offset + 2) & 0xFFF8 == 0 else { return false }
                next = packet[offset]
                offset += IPv6FragmentHeader.length
            default:
                return false
            }
        }
        return false
    }

    /// An ICMPv6 error arrived: counted, and a Packet Too Big about a packet
    /// this host sent lowers the path MTU to its destination (RFC 8201),
    /// never below 1,280: a smaller report only means the path needs no
    /// more than the minimum, and no atomic fragments are sent (RFC 8021).
    func icmpv6ErrorInput(_ message: ICMPv6Message, on interface: IPInterface) {
        switch message.type {
        case .destinationUnreachable: statistics.icmpv6.destinationUnreachableIn &+= 1
        case .packetTooBig: statistics.icmpv6.packetTooBigIn &+= 1
        case .timeExceeded: statistics.icmpv6.timeExceededIn &+= 1
        default: statistics.icmpv6.parameterProblemIn &+= 1
        }
        let quoted = message.body
        guard quoted.count >= IPv6Header.length, quoted[0] >> 4 == 6 else {
            statistics.icmpv6.errorsMalformed &+= 1
            return
        }
        let quotedSource = IPv6Address(bytes: quoted.slice(8, 16))
        let quotedDestination = IPv6Address(bytes: quoted.slice(24, 16))
        guard isLocalAddress(quotedSource) else { return }
        if message.type == .packetTooBig && !quotedDestination.isMulticast {
            let linkMTU = routes.lookup(quotedDestination, now: now).flatMap { self.interface(index: $0.interfaceIndex)?.ipv6MTU }
                ?? interface.ipv6MTU
            let before = ipv6PathMTUs.mtu(to: quotedDestination, now: now) ?? linkMTU
            let advertised = Int(min(message.mtu, UInt32(Int32.max)))
            let after = ipv6PathMTUs.lower(to: quotedDestination, mtu: advertised, linkMTU: linkMTU, now: now)
            if after < before { statistics.icmpv6.pathMTUUpdates &+= 1 }
        }
        // A packet this stack sent carries no extension headers, so its
        // TCP or UDP header follows the fixed one.
        if (message.type == .destinationUnreachable || message.type == .packetTooBig)
            && quoted[6] == IPProtocol.tcp.rawValue && quoted.count >= IPv6Header.length + 8 {
            let status: NTStatus?
            if message.type == .packetTooBig {
                status = nil
            } else {
                switch message.code {
                case ICMPv6Message.DestinationUnreachableCode.noRoute: status = .networkUnreachable
                case ICMPv6Message.DestinationUnreachableCode.portUnreachable: status = .connectionRefused
                default: status = .hostUnreachable
                }
            }
            tcpErrorArrived(status, pathMTUChanged: message.type == .packetTooBig,
                            quotedSource: TransportAddress(address: quotedSource,
                                                           port: quoted.loadBigEndianUInt16(at: IPv6Header.length)),
                            quotedDestination: TransportAddress(address: quotedDestination,
                                                                port: quoted.loadBigEndianUInt16(at: IPv6Header.length + 2)),
                            quotedSequence: TCPSeq(quoted.loadBigEndianUInt32(at: IPv6Header.length + 4)))
        }
        if message.type == .destinationUnreachable && quoted[6] == IPProtocol.udp.rawValue
            && quoted.count >= IPv6Header.length + UDPHeader.length {
            let status: NTStatus
            switch message.code {
            case ICMPv6Message.DestinationUnreachableCode.noRoute: status = .networkUnreachable
            case ICMPv6Message.DestinationUnreachableCode.portUnreachable: status = .portUnreachable
            default: status = .hostUnreachable
            }
            udpErrorArrived(status,
                            quotedSource: TransportAddress(address: quotedSource,
                                                           port: quoted.loadBigEndianUInt16(at: IPv6Header.length)),
                            quotedDestination: TransportAddress(address: quotedDestination,
                                                                port: quoted.loadBigEndianUInt16(at: IPv6Header.length + 2)))
        }
    }

    /// Whether `address` is one of this host's usable IPv6 addresses.
    public func isLocalAddress(_ address: IPv6Address) -> Bool {
        interfaces.contains { $0.owns(address) }
    }
}
