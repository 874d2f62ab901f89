import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct IPv6HeaderTests {
    /// An empty UDP datagram (8 bytes, all header) from 2001:db8::1 to
    /// 2001:db8::2, marked Expedited Forwarding with a flow label.
    static let header: [UInt8] = [
        0x6B, 0x81, 0x23, 0x45,  // version 6, traffic class 0xB8 (DSCP 46, ECN 0), flow label 0x12345
        0x00, 0x08,              // payload length 8
        0x11,                    // next header 17 (UDP)
        0x40,                    // hop limit 64
    ] + V6.docA + V6.docB        // source 2001:db8::1, destination 2001:db8::2
    /// The header and its 8 bytes of payload.
    static let packet: [UInt8] = header + udp
    /// The payload: a UDP header with no data, only carried here.
    static let udp: [UInt8] = [
        0xC0, 0x00,              // source port 49152
        0x00, 0x07,              // destination port 7 (echo)
        0x00, 0x08,              // length 8
        0xE4, 0x61,              // checksum (over the RFC 8200 §8.1 pseudo-header; tshark agrees)
    ]
    /// A packet with nothing after the fixed header (No Next Header), as it
    /// arrives in a minimum-size Ethernet frame: 40 bytes of IPv6 fill less
    /// than the 46-byte minimum payload, so 6 bytes of padding follow.
    static let padded: [UInt8] = [
        0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
        0x00, 0x00,              // payload length 0
        0x3B,                    // next header 59 (no next header)
        0xFF,                    // hop limit 255
    ] + V6.llA + V6.allNodes     // source fe80::200:5eff:fe00:5301, destination ff02::1
      + [UInt8](repeating: 0, count: 6)  // Ethernet padding

    @Test func accessors() throws {
        try Self.packet.withUnsafeBytes { raw in
            let header = try IPv6Header(raw)
            #expect(header.version == 6)
            #expect(header.trafficClass == 0xB8)
            #expect(header.dscp == 46)
            #expect(header.ecn == 0)
            #expect(header.flowLabel == 0x12345)
            #expect(header.payloadLength == 8)
            #expect(header.nextHeader == .udp)
            #expect(header.hopLimit == 64)
            #expect(header.source == IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 1))
            #expect(header.destination == IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 2))
            #expect(header.bytes.count == 48)
            #expect(Array(header.payload) == Self.udp)
        }
    }

    @Test func ecnBitsAreTheLowTrafficClassBits() throws {
        var bytes = Self.packet
        bytes[0] = 0x60; bytes[1] = 0x31  // traffic class 0x03 (DSCP 0, ECN CE), flow label 0x12345
        try bytes.withUnsafeBytes { raw in
            let header = try IPv6Header(raw)
            #expect(header.trafficClass == 0x03)
            #expect(header.dscp == 0)
            #expect(header.ecn == 3)
            #expect(header.flowLabel == 0x12345)
        }
    }

    @Test func emitReproducesTheFixture() {
        var buffer = Self.packet
        buffer.withUnsafeMutableBytes { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0xEE)
            IPv6Header.emit(into: raw, source: V6.address(V6.docA), destination: V6.address(V6.docB),
                            nextHeader: .udp, payloadLength: 8, hopLimit: 64, trafficClass: 0xB8, flowLabel: 0x12345)
        }
        #expect(Array(buffer[0..<40]) == Self.header)
        // Only the header was written.
        #expect(buffer[40...].allSatisfy { $0 == 0xEE })
    }

    @Test func emitThenParseRoundTrip() throws {
        var buffer = [UInt8](repeating: 0x5A, count: 40 + 21)
        buffer.withUnsafeMutableBytes { raw in
            // A flow label wider than 20 bits is cut, not spilled into the traffic class.
            IPv6Header.emit(into: raw, source: V6.address(V6.llA), destination: V6.address(V6.allNodes),
                            nextHeader: .icmpv6, payloadLength: 21, hopLimit: 255, trafficClass: 0x02,
                            flowLabel: 0xFFF0_0001)
        }
        try buffer.withUnsafeBytes { raw in
            let header = try IPv6Header(raw)
            #expect(header.version == 6)
            #expect(header.trafficClass == 0x02)
            #expect(header.flowLabel == 0x0_0001)
            #expect(header.payloadLength == 21)
            #expect(header.nextHeader == .icmpv6)
            #expect(header.hopLimit == 255)
            #expect(header.source == V6.address(V6.llA))
            #expect(header.destination == .allNodes)
            #expect(header.payload.allSatisfy { $0 == 0x5A })
        }
    }

    @Test func ethernetPaddingIsNotPartOfTheView() throws {
        try Self.padded.withUnsafeBytes { raw in
            let header = try IPv6Header(raw)
            #expect(header.bytes.count == 40)
            #expect(header.payload.count == 0)
            #expect(header.nextHeader == .noNextHeader)
        }
    }

    @Test func headerAloneIsAPacket() {
        var bare = Self.header
        bare[4] = 0; bare[5] = 0  // payload length 0
        #expect(V6.ipv6Malformation(bare) == nil)
        #expect(V6.ipv6Malformation(Self.packet) == nil)
        #expect(V6.ipv6Malformation(Self.padded) == nil)
    }

    @Test func truncatedThrows() {
        #expect(V6.ipv6Malformation(Array(Self.header[0..<39])) == .truncated)
        #expect(V6.ipv6Malformation([]) == .truncated)
        #expect(throws: IPv6Header.Malformation.truncated) {
            try Array(Self.header[0..<39]).withUnsafeBytes { _ = try IPv6Header($0) }
        }
    }

    @Test func versionFourThrows() {
        var bytes = Self.packet
        bytes[0] = 0x45  // version 4
        #expect(V6.ipv6Malformation(bytes) == .badVersion)
        bytes[0] = 0x0B  // version 0
        #expect(V6.ipv6Malformation(bytes) == .badVersion)
    }

    @Test func payloadLengthBeyondDataThrows() {
        #expect(V6.ipv6Malformation(Array(Self.packet[0..<47])) == .badPayloadLength)
        var bytes = Self.packet
        bytes[4] = 0xFF; bytes[5] = 0xFF  // payload length 65535
        #expect(V6.ipv6Malformation(bytes) == .badPayloadLength)
    }

    @Test func pseudoHeaderSumMatchesTheLaidOutBytes() {
        // The sum of the pseudo-header fields alone equals the sum of the
        // 40 bytes RFC 8200 §8.1 draws, built here by hand.
        let laidOut = V6.docA + V6.docB + [0x00, 0x01, 0x23, 0x45] + [0, 0, 0, 58]
        let expected = laidOut.withUnsafeBytes { InternetChecksum.checksum($0) }
        let sum = IPv6Header.pseudoHeaderSum(source: V6.address(V6.docA), destination: V6.address(V6.docB),
                                             upperLayerLength: 0x12345, nextHeader: .icmpv6)
        #expect(sum.value == expected)
    }
}
