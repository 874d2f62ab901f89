import NDIS
import NetCore
import Testing
@testable import TCPIP

/// Which IPv6 packets a router may forward (RFC 8200, RFC 4291).
@Suite struct StackIPv6ForwardingTests {
    static let router = IPv6Address("2001:db8::1")!
    static let elsewhere = IPv6Address("2001:db8::99")!

    /// Sends one packet from `source` to an on-link address the router
    /// does not hold, so that a router that forwards it sends it back out
    /// the same link; returns the router's counters and the IPv6 frames the
    /// router sent.
    func inject(from source: IPv6Address) throws -> (statistics: TCPIPStatistics, sent: Int) {
        let net = try TestNetwork(hosts: 1) {
            $0.forwarding = true
            $0.ipv6.dupAddrDetectTransmits = 0
        }
        let host = net.hosts[0]
        #expect(host.stack.addAddress(Self.router, prefixLength: 64, to: host.interface) == .success)
        net.drain()
        net.sniffer.frames.removeAll()
        var packet = [UInt8](repeating: 0, count: IPv6Header.length + 8)
        packet.withUnsafeMutableBytes {
            IPv6Header.emit(into: $0, source: source, destination: Self.elsewhere, nextHeader: IPProtocol(rawValue: 59),
                            payloadLength: 8, hopLimit: 64)
        }
        net.sniffer.send(Frames.ethernet(to: host.mac, etherType: 0x86DD, packet))
        net.drain()
        let sent = net.sniffer.frames(etherType: 0x86DD).filter { $0.bytes[6..<12].elementsEqual(host.mac.bytes) }
        let statistics = host.statistics
        net.run(for: .seconds(10))
        net.expectPoolsClean()
        return (statistics, sent.count)
    }

    @Test func aPacketFromAnotherNodeIsForwarded() throws {
        let result = try inject(from: IPv6Address("2001:db8::2")!)
        #expect(result.statistics.ipv6.forwarded == 1)
        // The Neighbor Solicitation for the next hop: the packet waits for it.
        #expect(result.sent == 1)
    }

    /// RFC 4291 §2.5.2: "An IPv6 packet with a source address of
    /// unspecified must never be forwarded by an IPv6 router."
    @Test func aPacketFromTheUnspecifiedAddressIsNeverForwarded() throws {
        let result = try inject(from: .unspecified)
        #expect(result.statistics.ipv6.forwarded == 0)
        #expect(result.statistics.ipv6.badAddress == 1)
        #expect(result.sent == 0)
    }
}
