import NDIS
import NetCore
import Testing
@testable import TCPIP

/// RFC 1122 §3.2.2: which datagrams an ICMP error may be sent about.
@Suite struct StackICMPErrorTests {
    static let ipA = TestNetwork.address(0)
    static let ipB = TestNetwork.address(1)
    static let unknownProtocol: UInt8 = 253

    /// Puts one crafted datagram on the wire for B and returns B's ICMP counters' change.
    func deliver(_ datagram: [UInt8], toMAC mac: MACAddress? = nil, forwarding: Bool = false)
        throws -> (sent: UInt64, suppressed: UInt64, atA: UInt64, sniffed: [[UInt8]]) {
        let net = try TestNetwork { $0.forwarding = forwarding }
        let a = net.hosts[0], b = net.hosts[1]
        // Let A and B know each other, so an error's ARP is not what is measured.
        _ = a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: 1)
        net.drain()
        let start = net.now
        net.sniffer.send(Frames.ethernet(to: mac ?? b.mac, etherType: 0x0800, datagram))
        net.drain()
        let icmp = net.sniffer.frames(etherType: 0x0800, since: start).map(\.bytes)
            .filter { $0.count > 42 && $0[23] == 1 && [3, 11, 12].contains($0[34]) && $0[6..<12].elementsEqual(b.mac.bytes) }
        let result = (b.statistics.icmpv4.destinationUnreachableOut + b.statistics.icmpv4.timeExceededOut,
                      b.statistics.icmpv4.errorsSuppressed,
                      a.statistics.icmpv4.destinationUnreachableIn + a.statistics.icmpv4.timeExceededIn,
                      icmp)
        net.expectPoolsClean()
        return result
    }

    @Test func anUnknownProtocolIsAnsweredWithProtocolUnreachableQuotingTheDatagram() throws {
        let payload: [UInt8] = Array(0..<40)
        let datagram = Frames.ipv4(from: Self.ipA, to: Self.ipB, protocolNumber: Self.unknownProtocol, payload)
        let result = try deliver(datagram)
        #expect(result.sent == 1)
        #expect(result.atA == 1)
        let error = try #require(result.sniffed.first)
        // Ethernet 14 + IP 20, then ICMP type 3 code 2, then the whole (short) original.
        #expect(error[34] == 3)
        #expect(error[35] == 2)
        #expect(Array(error[42..<(42 + datagram.count)]) == datagram)
    }

    @Test func noErrorAboutASubnetBroadcast() throws {
        let datagram = Frames.ipv4(from: Self.ipA, to: IPv4Address(192, 0, 2, 255),
                                   protocolNumber: Self.unknownProtocol, [1, 2, 3, 4, 5, 6, 7, 8])
        let result = try deliver(datagram)
        #expect(result.sent == 0)
        #expect(result.suppressed == 1)
    }

    @Test func noErrorAboutALinkLayerBroadcast() throws {
        let datagram = Frames.ipv4(from: Self.ipA, to: Self.ipB, protocolNumber: Self.unknownProtocol,
                                   [1, 2, 3, 4, 5, 6, 7, 8])
        let result = try deliver(datagram, toMAC: .broadcast)
        #expect(result.sent == 0)
        #expect(result.suppressed == 1)
    }

    @Test(arguments: [IPv4Address(0, 0, 0, 0), IPv4Address(240, 0, 0, 1), IPv4Address(127, 0, 0, 1)])
    func noErrorToASourceThatNamesNoHost(source: IPv4Address) throws {
        let datagram = Frames.ipv4(from: source, to: Self.ipB, protocolNumber: Self.unknownProtocol,
                                   [1, 2, 3, 4, 5, 6, 7, 8])
        let result = try deliver(datagram)
        #expect(result.sent == 0)
        #expect(result.suppressed == 1)
    }

    @Test func aForwardedErrorThatDiesIsNotReportedButAnEchoIs() throws {
        let unreachable: [UInt8] = {
            var message: [UInt8] = [3, 1, 0, 0, 0, 0, 0, 0] + Frames.ipv4(from: Self.ipA, to: Self.ipB, [0, 0, 0, 0, 0, 0, 0, 0])
            let sum = Frames.checksum(message)
            message[2] = UInt8(sum >> 8)
            message[3] = UInt8(sum & 0xFF)
            return message
        }()
        let far = IPv4Address(192, 0, 2, 77)
        let aboutError = try deliver(Frames.ipv4(from: Self.ipA, to: far, ttl: 1, unreachable), forwarding: true)
        #expect(aboutError.sent == 0)
        #expect(aboutError.suppressed == 1)
        let aboutEcho = try deliver(Frames.ipv4(from: Self.ipA, to: far, ttl: 1,
                                                Frames.echo(identifier: 5, sequenceNumber: 1)), forwarding: true)
        #expect(aboutEcho.sent == 1)
        #expect(aboutEcho.atA == 1)
    }

    @Test func aMalformedOptionIsAnsweredWithParameterProblemPointingAtIt() throws {
        // IHL 6: one option of type 0x44 (timestamp) claiming 9 bytes in a 4-byte area.
        var datagram = Frames.ipv4(from: Self.ipA, to: Self.ipB, Frames.echo(identifier: 3, sequenceNumber: 1))
        datagram.insert(contentsOf: [0x44, 9, 5, 0], at: 20)
        datagram[0] = 0x46
        let total = datagram.count
        datagram[2] = UInt8(total >> 8)
        datagram[3] = UInt8(total & 0xFF)
        datagram[10] = 0
        datagram[11] = 0
        let sum = Frames.checksum(Array(datagram[0..<24]))
        datagram[10] = UInt8(sum >> 8)
        datagram[11] = UInt8(sum & 0xFF)
        let result = try deliver(datagram)
        let error = try #require(result.sniffed.first { $0[34] == 12 })
        #expect(error[35] == 0)
        // The pointer names the option's length byte, 21 bytes into the header.
        #expect(error[38] == 21)
        #expect(result.atA == 0)
    }
}
