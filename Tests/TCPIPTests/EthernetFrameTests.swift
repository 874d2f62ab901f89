import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct EthernetFrameTests {
    /// An Ethernet II header followed by a 4-byte payload.
    static let frame: [UInt8] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // destination 02:00:00:00:00:02
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source      02:00:00:00:00:01
        0x08, 0x06,                          // EtherType 0x0806 (ARP)
        0xDE, 0xAD, 0xBE, 0xEF,              // payload
    ]

    @Test func deconstructsHeader() throws {
        try Self.frame.withUnsafeBytes { bytes in
            let frame = try #require(EthernetFrame(bytes))
            #expect(frame.destination == MACAddress(0x02, 0, 0, 0, 0, 0x02))
            #expect(frame.source == MACAddress(0x02, 0, 0, 0, 0, 0x01))
            #expect(frame.etherType == .arp)
            #expect(frame.etherType.rawValue == 0x0806)
            #expect(Array(frame.payload) == [0xDE, 0xAD, 0xBE, 0xEF])
        }
    }

    @Test func emitWritesHeaderByteExact() {
        var buffer = [UInt8](repeating: 0xAA, count: 18)
        buffer.withUnsafeMutableBytes { raw in
            EthernetFrame.emit(into: raw, destination: MACAddress(0x02, 0, 0, 0, 0, 0x02),
                               source: MACAddress(0x02, 0, 0, 0, 0, 0x01), etherType: .arp)
        }
        // The header is written; the bytes after it are left alone.
        #expect(Array(buffer[0..<14]) == Array(Self.frame[0..<14]))
        #expect(Array(buffer[14...]) == [0xAA, 0xAA, 0xAA, 0xAA])
    }

    @Test func emitBroadcastIPv4() {
        var buffer = [UInt8](repeating: 0, count: 14)
        buffer.withUnsafeMutableBytes { raw in
            EthernetFrame.emit(into: raw, destination: .broadcast, source: MACAddress(0x02, 0, 0, 0, 0, 0x01),
                               etherType: .ipv4)
        }
        #expect(buffer == [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // destination: broadcast
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source 02:00:00:00:00:01
            0x08, 0x00,                          // EtherType 0x0800 (IPv4)
        ])
    }

    @Test func tooShortIsNil() {
        let thirteen = Array(Self.frame[0..<13])
        #expect(thirteen.withUnsafeBytes { EthernetFrame($0) } == nil)
        #expect([UInt8]().withUnsafeBytes { EthernetFrame($0) } == nil)
    }

    @Test func headerOnlyHasEmptyPayload() throws {
        let fourteen = Array(Self.frame[0..<14])
        try fourteen.withUnsafeBytes { bytes in
            let frame = try #require(EthernetFrame(bytes))
            #expect(frame.payload.count == 0)
            #expect(frame.etherType == .arp)
        }
    }
}
