import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct ARPPacketTests {
    /// 192.0.2.1 (02:00:00:00:00:01) asks who has 192.0.2.2.
    static let request: [UInt8] = [
        0x00, 0x01,                          // hardware type 1 (Ethernet)
        0x08, 0x00,                          // protocol type 0x0800 (IPv4)
        0x06,                                // hardware address length 6
        0x04,                                // protocol address length 4
        0x00, 0x01,                          // operation 1 (request)
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // sender hardware address 02:00:00:00:00:01
        0xC0, 0x00, 0x02, 0x01,              // sender protocol address 192.0.2.1
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // target hardware address (unknown)
        0xC0, 0x00, 0x02, 0x02,              // target protocol address 192.0.2.2
    ]

    /// 192.0.2.2 (02:00:00:00:00:02) answers 192.0.2.1.
    static let reply: [UInt8] = [
        0x00, 0x01,                          // hardware type 1 (Ethernet)
        0x08, 0x00,                          // protocol type 0x0800 (IPv4)
        0x06,                                // hardware address length 6
        0x04,                                // protocol address length 4
        0x00, 0x02,                          // operation 2 (reply)
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // sender hardware address 02:00:00:00:00:02
        0xC0, 0x00, 0x02, 0x02,              // sender protocol address 192.0.2.2
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // target hardware address 02:00:00:00:00:01
        0xC0, 0x00, 0x02, 0x01,              // target protocol address 192.0.2.1
    ]

    static let macA = MACAddress(0x02, 0, 0, 0, 0, 0x01)
    static let macB = MACAddress(0x02, 0, 0, 0, 0, 0x02)
    static let ipA = IPv4Address(192, 0, 2, 1)
    static let ipB = IPv4Address(192, 0, 2, 2)

    /// The malformation `bytes` are rejected with, or nil when they parse.
    static func malformation(_ bytes: [UInt8]) -> ARPPacket.Malformation? {
        bytes.withUnsafeBytes { (raw) -> ARPPacket.Malformation? in
            do throws(ARPPacket.Malformation) {
                _ = try ARPPacket(raw)
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func deconstructsRequest() throws {
        try Self.request.withUnsafeBytes { raw in
            let packet = try ARPPacket(raw)
            #expect(packet.operation == .request)
            #expect(packet.senderHardwareAddress == Self.macA)
            #expect(packet.senderProtocolAddress == Self.ipA)
            #expect(packet.targetHardwareAddress == MACAddress(0, 0, 0, 0, 0, 0))
            #expect(packet.targetProtocolAddress == Self.ipB)
        }
    }

    @Test func deconstructsReply() throws {
        try Self.reply.withUnsafeBytes { raw in
            let packet = try ARPPacket(raw)
            #expect(packet.operation == .reply)
            #expect(packet.senderHardwareAddress == Self.macB)
            #expect(packet.senderProtocolAddress == Self.ipB)
            #expect(packet.targetHardwareAddress == Self.macA)
            #expect(packet.targetProtocolAddress == Self.ipA)
        }
    }

    @Test func acceptsEthernetPaddingAfterThePacket() throws {
        // An ARP packet arrives in a 60-byte frame: 18 bytes of padding follow it.
        let padded = Self.request + [UInt8](repeating: 0, count: 18)
        try padded.withUnsafeBytes { raw in
            let packet = try ARPPacket(raw)
            #expect(packet.targetProtocolAddress == Self.ipB)
        }
    }

    @Test func emitsRequestByteExact() {
        var buffer = [UInt8](repeating: 0xAA, count: ARPPacket.length)
        buffer.withUnsafeMutableBytes { raw in
            ARPPacket.emit(into: raw, operation: .request, senderHardware: Self.macA, senderProtocol: Self.ipA,
                           targetHardware: MACAddress(0, 0, 0, 0, 0, 0), targetProtocol: Self.ipB)
        }
        #expect(buffer == Self.request)
    }

    @Test func emitsReplyByteExact() {
        var buffer = [UInt8](repeating: 0xAA, count: ARPPacket.length)
        buffer.withUnsafeMutableBytes { raw in
            ARPPacket.emit(into: raw, operation: .reply, senderHardware: Self.macB, senderProtocol: Self.ipB,
                           targetHardware: Self.macA, targetProtocol: Self.ipA)
        }
        #expect(buffer == Self.reply)
    }

    @Test func wellFormedFixturesParse() {
        #expect(Self.malformation(Self.request) == nil)
        #expect(Self.malformation(Self.reply) == nil)
    }

    @Test func truncatedThrows() {
        #expect(Self.malformation(Array(Self.request[0..<27])) == .truncated)
        #expect(Self.malformation([]) == .truncated)
        #expect(throws: ARPPacket.Malformation.truncated) {
            try Array(Self.request[0..<27]).withUnsafeBytes { _ = try ARPPacket($0) }
        }
    }

    @Test func hardwareTypeSixThrows() {
        var bytes = Self.request
        bytes[0] = 0x00; bytes[1] = 0x06  // hardware type 6 (IEEE 802)
        #expect(Self.malformation(bytes) == .unsupportedHardware)
    }

    @Test func protocolIPv6Throws() {
        var bytes = Self.request
        bytes[2] = 0x86; bytes[3] = 0xDD  // protocol type 0x86DD
        #expect(Self.malformation(bytes) == .unsupportedProtocol)
    }

    @Test func hardwareLengthEightThrows() {
        var bytes = Self.request
        bytes[4] = 8  // hardware address length 8
        #expect(Self.malformation(bytes) == .badAddressLengths)
        var protocolLength = Self.request
        protocolLength[5] = 16  // protocol address length 16
        #expect(Self.malformation(protocolLength) == .badAddressLengths)
    }

    @Test func operationThreeThrows() {
        var bytes = Self.request
        bytes[6] = 0x00; bytes[7] = 0x03  // operation 3 (RARP request)
        #expect(Self.malformation(bytes) == .unknownOperation)
    }
}
