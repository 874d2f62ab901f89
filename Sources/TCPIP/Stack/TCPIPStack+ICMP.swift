import NDIS
import NetCore

extension TCPIPStack {
    /// An ICMPv4 message arrived in `header`'s datagram.
    func icmpInput(_ header: IPv4Header, on interface: IPInterface, toGroup: Bool) {
        statistics.icmpv4.received &+= 1
        let message: ICMPv4Message
        do { message = try ICMPv4Message(header.payload) } catch {
            switch error {
            case .truncated: statistics.icmpv4.truncated &+= 1
            case .badChecksum: statistics.icmpv4.badChecksum &+= 1
            }
            return
        }
        switch message.type {
        case .echoRequest:
            statistics.icmpv4.echoRequestsIn &+= 1
            // Answering broadcast pings makes a host a smurf amplifier.
            guard !toGroup else {
                statistics.icmpv4.broadcastEchoIgnored &+= 1
                return
            }
            sendEchoReply(to: message, from: header.destination, to: header.source)
        case .echoReply:
            statistics.icmpv4.echoRepliesIn &+= 1
            let body = message.body
            let sentAt = body.count >= 8 ? Instant(nanoseconds: Int64(bitPattern: body.loadBigEndianUInt64(at: 0))) : nil
            echoReplyHandler?(EchoReply(source: .v4(header.source), identifier: message.identifier,
                                        sequenceNumber: message.sequenceNumber, timeToLive: header.timeToLive,
                                        payloadLength: body.count, sentAt: sentAt, receivedAt: now))
        case .destinationUnreachable, .timeExceeded, .parameterProblem:
            icmpErrorInput(message, on: interface)
        default:
            statistics.icmpv4.otherTypes &+= 1
        }
    }

    /// The reply is the request with its type changed: one copy of the
    /// message into a send buffer, and the checksum patched (RFC 1624)
    /// rather than recomputed.
    func sendEchoReply(to request: ICMPv4Message, from local: IPv4Address, to remote: IPv4Address) {
        let fitsSendBuffer = request.bytes.count + IPv4Header.minimumLength + EthernetFrame.headerLength
            + configuration.headroom <= configuration.sendBufferSize
        guard let list = (fitsSendBuffer ? sendPool : largePool).allocate(length: request.bytes.count) else {
            statistics.ipv4.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        data.copyBytes(request.bytes, at: 0)
        let oldWord = data.loadBigEndianUInt16(at: 0)
        data.storeUInt8(ICMPv4Type.echoReply.rawValue, at: 0)
        let checksum = InternetChecksum.update(data.loadBigEndianUInt16(at: 2), old: oldWord,
                                               new: data.loadBigEndianUInt16(at: 0))
        data.storeBigEndian(checksum, at: 2)
        statistics.icmpv4.echoRepliesOut &+= 1
        ipv4Output(list, source: local, destination: remote, protocolNumber: .icmp)
    }

    /// Sends an ICMP echo request (what `ping` does). The first 8 bytes of
    /// the data carry the send time, so the reply yields its round trip.
    /// Payloads up to 65,507 bytes are fragmented unless `dontFragment`.
    /// Returns STATUS_NETWORK_UNREACHABLE without a route,
    /// STATUS_INSUFFICIENT_RESOURCES without a buffer,
    /// STATUS_INVALID_BUFFER_SIZE when Don't Fragment forbids the split, and
    /// STATUS_INVALID_PARAMETER for a payload no datagram can hold.
    @discardableResult
    public func sendEchoRequest(to destination: IPv4Address, identifier: UInt16, sequenceNumber: UInt16,
                                payloadLength: Int = 56, timeToLive: UInt8? = nil,
                                dontFragment: Bool = false) -> NTStatus {
        let length = ICMPv4Message.headerLength + payloadLength
        guard payloadLength >= 0, length + IPv4Header.minimumLength <= IPv4Header.maximumDatagram
        else { return .invalidParameter }
        guard !destination.isUnspecified else { return .invalidParameter }
        // A request that cannot fit one send buffer is built in a large one and fragmented.
        let fitsSendBuffer = length + IPv4Header.minimumLength + EthernetFrame.headerLength + configuration.headroom
            <= configuration.sendBufferSize
        guard let list = (fitsSendBuffer ? sendPool : largePool).allocate(length: length) else {
            statistics.ipv4.noBuffer &+= 1
            return .insufficientResources
        }
        let data = list.firstNetBuffer.data
        var i = ICMPv4Message.headerLength
        if payloadLength >= 8 {
            data.storeBigEndian(UInt64(bitPattern: now.nanoseconds), at: i)
            i += 8
        }
        while i < length {
            data[i] = UInt8(truncatingIfNeeded: i)
            i += 1
        }
        ICMPv4Message.emitEcho(into: data, type: .echoRequest, identifier: identifier, sequenceNumber: sequenceNumber)
        let status = ipv4Output(list, source: nil, destination: destination, protocolNumber: .icmp,
                                timeToLive: timeToLive, dontFragment: dontFragment)
        if status.isSuccess { statistics.icmpv4.echoRequestsOut &+= 1 }
        return status
    }
}
