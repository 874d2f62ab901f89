import NDIS
import NetCore

extension TCPIPStack {
    /// An ICMPv6 message arrived (RFC 4443): checked against the
    /// pseudo-header, counted, and handed to echo, error or Neighbor
    /// Discovery handling.
    func icmpv6Input(_ header: IPv6Header, message bytes: UnsafeRawBufferPointer, on interface: IPInterface,
                     toGroup: Bool) {
        statistics.icmpv6.received &+= 1
        let message: ICMPv6Message
        do { message = try ICMPv6Message(bytes, source: header.source, destination: header.destination) } catch {
            switch error {
            case .truncated: statistics.icmpv6.truncated &+= 1
            case .badChecksum: statistics.icmpv6.badChecksum &+= 1
            }
            return
        }
        switch message.type {
        case .echoRequest:
            statistics.icmpv6.echoRequestsIn &+= 1
            sendEchoReply(to: message, request: header, on: interface)
        case .echoReply:
            statistics.icmpv6.echoRepliesIn &+= 1
            let body = message.body
            let sentAt = body.count >= 8 ? Instant(nanoseconds: Int64(bitPattern: body.loadBigEndianUInt64(at: 0))) : nil
            echoReplyHandler?(EchoReply(source: .v6(header.source), identifier: message.identifier,
                                        sequenceNumber: message.sequenceNumber, timeToLive: header.hopLimit,
                                        payloadLength: body.count, sentAt: sentAt, receivedAt: now))
        case .destinationUnreachable, .packetTooBig, .timeExceeded, .parameterProblem:
            icmpv6ErrorInput(message, on: interface)
        case .neighborSolicitation:
            neighborSolicitationInput(message, header: header, on: interface)
        case .neighborAdvertisement:
            neighborAdvertisementInput(message, header: header, on: interface)
        case .routerSolicitation:
            routerSolicitationInput(message, header: header, on: interface)
        case .routerAdvertisement:
            routerAdvertisementInput(message, header: header, on: interface)
        case .redirect:
            redirectInput(message, header: header, on: interface)
        default:
            statistics.icmpv6.otherTypes &+= 1
        }
    }

    /// The reply carries the request's identifier, sequence number and data
    /// (RFC 4443 §4.2), from the address the request was sent to — or, for
    /// a request to a group, from the address RFC 6724 picks.
    func sendEchoReply(to request: ICMPv6Message, request header: IPv6Header, on interface: IPInterface) {
        // A node with no address yet may send from ::, but nothing may be
        // sent to it (RFC 4291 §2.5.2): such a request has no one to answer.
        guard !header.source.isUnspecified else { return }
        let length = request.bytes.count
        guard let list = allocateUpperLayer(length: length, network: IPv6Header.length) else {
            statistics.ipv6.noBuffer &+= 1
            return
        }
        let local = header.destination.isMulticast
            ? selectSourceAddress(for: header.source, outgoing: interface) : header.destination
        guard let local else {
            list.owningPool.free(list)
            return
        }
        let data = list.firstNetBuffer.data
        data.copyBytes(request.bytes, at: 0)
        ICMPv6Message.emitEcho(into: data, type: .echoReply, identifier: request.identifier,
                               sequenceNumber: request.sequenceNumber, source: local, destination: header.source)
        statistics.icmpv6.echoRepliesOut &+= 1
        ipv6Output(list, source: local, destination: header.source, nextHeader: .icmpv6, interface: interface)
    }

    /// A buffer for an upper-layer message of `length` bytes that leaves
    /// room for the network and Ethernet headers: a send buffer if it fits
    /// one, else a large buffer, whose contents go out as fragments.
    func allocateUpperLayer(length: Int, network: Int) -> NetBufferList? {
        let fits = length + network + EthernetFrame.headerLength + configuration.headroom <= configuration.sendBufferSize
        return (fits ? sendPool : largePool).allocate(length: length)
    }

    /// Sends an ICMPv6 echo request (what `ping -6` does). The first 8 bytes
    /// of the data carry the send time, so the reply yields its round trip.
    /// Data up to 65,527 bytes is fragmented to fit the path. A link-local
    /// or multicast destination needs `interface`, as a scope ID.
    /// Returns STATUS_NETWORK_UNREACHABLE without a route,
    /// STATUS_INVALID_ADDRESS_COMPONENT without a usable source address,
    /// STATUS_INSUFFICIENT_RESOURCES without a buffer, and
    /// STATUS_INVALID_PARAMETER for an impossible destination or length.
    @discardableResult
    public func sendEchoRequest(to destination: IPv6Address, identifier: UInt16, sequenceNumber: UInt16,
                                payloadLength: Int = 56, hopLimit: UInt8? = nil,
                                interface: IPInterface? = nil) -> NTStatus {
        let length = ICMPv6Message.headerLength + payloadLength
        guard payloadLength >= 0, length <= Int(UInt16.max) else { return .invalidParameter }
        guard !destination.isUnspecified, !destination.isLoopback else { return .invalidParameter }
        guard let (outgoing, _) = ipv6NextHop(to: destination, scope: interface) else { return .networkUnreachable }
        guard let source = selectSourceAddress(for: destination, outgoing: outgoing) else {
            return .invalidAddressComponent
        }
        guard let list = allocateUpperLayer(length: length, network: IPv6Header.length) else {
            statistics.ipv6.noBuffer &+= 1
            return .insufficientResources
        }
        let data = list.firstNetBuffer.data
        var i = ICMPv6Message.headerLength
        if payloadLength >= 8 {
            data.storeBigEndian(UInt64(bitPattern: now.nanoseconds), at: i)
            i += 8
        }
        while i < length {
            data[i] = UInt8(truncatingIfNeeded: i)
            i += 1
        }
        ICMPv6Message.emitEcho(into: data, type: .echoRequest, identifier: identifier, sequenceNumber: sequenceNumber,
                               source: source, destination: destination)
        let status = ipv6Output(list, source: source, destination: destination, nextHeader: .icmpv6,
                                hopLimit: hopLimit, interface: outgoing)
        if status.isSuccess { statistics.icmpv6.echoRequestsOut &+= 1 }
        return status
    }
}
