import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct IPv4HeaderTests {
    /// The classic textbook header (a UDP datagram of 115 bytes from
    /// 192.168.0.1 to 192.168.0.199), whose checksum 0xB861 is known good.
    /// Only parsed here, never sent.
    static let classicHeader: [UInt8] = [
        0x45,                    // version 4, IHL 5 (20 bytes)
        0x00,                    // DSCP 0, ECN 0
        0x00, 0x73,              // total length 115
        0x00, 0x00,              // identification 0
        0x40, 0x00,              // flags DF, fragment offset 0
        0x40,                    // TTL 64
        0x11,                    // protocol 17 (UDP)
        0xB8, 0x61,              // header checksum
        0xC0, 0xA8, 0x00, 0x01,  // source 192.168.0.1
        0xC0, 0xA8, 0x00, 0xC7,  // destination 192.168.0.199
    ]
    /// The header and its 95 bytes of payload.
    static let classic: [UInt8] = classicHeader + (0..<95).map { UInt8($0) }

    /// A header with four bytes of options (IHL 6): NOP, NOP, NOP, EOL.
    static let withOptions: [UInt8] = [
        0x46,                    // version 4, IHL 6 (24 bytes)
        0x00,                    // DSCP 0, ECN 0
        0x00, 0x20,              // total length 32
        0xAB, 0xCD,              // identification 0xABCD
        0x00, 0x00,              // no flags, fragment offset 0
        0x40,                    // TTL 64
        0x01,                    // protocol 1 (ICMP)
        0x48, 0x0B,              // header checksum
        0xC0, 0x00, 0x02, 0x01,  // source 192.0.2.1
        0xC0, 0x00, 0x02, 0x02,  // destination 192.0.2.2
        0x01, 0x01, 0x01, 0x00,  // options: NOP, NOP, NOP, end of list
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,  // payload
    ]

    /// A 28-byte datagram as it arrives in a minimum-size Ethernet frame:
    /// 18 bytes of padding follow it.
    static let padded: [UInt8] = [
        0x45,                    // version 4, IHL 5
        0x00,                    // DSCP 0, ECN 0
        0x00, 0x1C,              // total length 28
        0x00, 0x01,              // identification 1
        0x00, 0x00,              // no flags, fragment offset 0
        0x80,                    // TTL 128
        0x01,                    // protocol 1 (ICMP)
        0xB6, 0xDC,              // header checksum
        0xC0, 0x00, 0x02, 0x01,  // source 192.0.2.1
        0xC0, 0x00, 0x02, 0x02,  // destination 192.0.2.2
        0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8,  // payload (8 bytes)
    ] + [UInt8](repeating: 0, count: 18)  // Ethernet padding

    static func malformation(_ bytes: [UInt8]) -> IPv4Header.Malformation? {
        bytes.withUnsafeBytes { (raw) -> IPv4Header.Malformation? in
            do throws(IPv4Header.Malformation) {
                _ = try IPv4Header(raw)
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func classicAccessors() throws {
        try Self.classic.withUnsafeBytes { raw in
            let header = try IPv4Header(raw)
            #expect(header.headerLength == 20)
            #expect(header.dscp == 0)
            #expect(header.ecn == 0)
            #expect(header.totalLength == 115)
            #expect(header.identification == 0)
            #expect(header.dontFragment)
            #expect(!header.moreFragments)
            #expect(header.fragmentOffset == 0)
            #expect(!header.isFragment)
            #expect(header.timeToLive == 64)
            #expect(header.protocolNumber == .udp)
            #expect(header.checksum == 0xB861)
            #expect(header.source == IPv4Address(192, 168, 0, 1))
            #expect(header.destination == IPv4Address(192, 168, 0, 199))
            #expect(header.options.count == 0)
            #expect(header.payload.count == 95)
            #expect(Array(header.payload) == Array(Self.classic[20...]))
            #expect(header.bytes.count == 115)
            #expect(header.verifyChecksum())
        }
    }

    @Test func everyHeaderByteBreaksTheChecksum() throws {
        // Flipping any bit of the header (the checksum field included) is caught.
        for index in 0..<20 {
            for bit in 0..<8 {
                var bytes = Self.classic
                bytes[index] ^= UInt8(1) << UInt8(bit)
                // Some flips make the header unparseable (version, IHL, length):
                // those are caught earlier, by the view itself.
                let verified: Bool? = bytes.withUnsafeBytes { raw in
                    (try? IPv4Header(raw))?.verifyChecksum()
                }
                if let verified {
                    #expect(!verified, "flip of bit \(bit) of byte \(index) went unnoticed")
                }
            }
        }
    }

    @Test func flagsDSCPAndFragmentOffset() throws {
        var bytes = Self.classic
        bytes[1] = 0xB9              // DSCP 46 (EF), ECN 1
        bytes[6] = 0x20; bytes[7] = 0x10  // MF, fragment offset 16 units (128 bytes)
        try bytes.withUnsafeBytes { raw in
            let header = try IPv4Header(raw)
            #expect(header.dscp == 46)
            #expect(header.ecn == 1)
            #expect(!header.dontFragment)
            #expect(header.moreFragments)
            #expect(header.fragmentOffset == 128)
            #expect(header.isFragment)
            #expect(!header.verifyChecksum())
        }
        var last = Self.classic
        last[6] = 0x00; last[7] = 0x05  // last fragment: no MF, offset 40 bytes
        try last.withUnsafeBytes { raw in
            let header = try IPv4Header(raw)
            #expect(!header.moreFragments)
            #expect(header.fragmentOffset == 40)
            #expect(header.isFragment)
        }
    }

    @Test func emitReproducesTheClassicHeader() throws {
        var buffer = Self.classic
        buffer.withUnsafeMutableBytes { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0xEE)
            IPv4Header.emit(into: raw, source: IPv4Address(192, 168, 0, 1), destination: IPv4Address(192, 168, 0, 199),
                            protocolNumber: .udp, payloadLength: 95, identification: 0, timeToLive: 64,
                            dontFragment: true)
        }
        #expect(Array(buffer[0..<20]) == Self.classicHeader)
        // Only the header was written.
        #expect(buffer[20...].allSatisfy { $0 == 0xEE })
    }

    @Test func emitThenParseRoundTrip() throws {
        var buffer = [UInt8](repeating: 0x5A, count: 20 + 37)
        buffer.withUnsafeMutableBytes { raw in
            IPv4Header.emit(into: raw, source: IPv4Address(192, 0, 2, 10), destination: IPv4Address(192, 0, 2, 20),
                            protocolNumber: .icmp, payloadLength: 37, identification: 0xBEEF, timeToLive: 7,
                            dontFragment: false, dscp: 46, ecn: 2)
        }
        try buffer.withUnsafeBytes { raw in
            let header = try IPv4Header(raw)
            #expect(header.verifyChecksum())
            #expect(header.headerLength == 20)
            #expect(header.totalLength == 57)
            #expect(header.identification == 0xBEEF)
            #expect(header.timeToLive == 7)
            #expect(header.protocolNumber == .icmp)
            #expect(header.source == IPv4Address(192, 0, 2, 10))
            #expect(header.destination == IPv4Address(192, 0, 2, 20))
            #expect(header.dscp == 46)
            #expect(header.ecn == 2)
            #expect(!header.dontFragment && !header.isFragment)
            #expect(header.payload.count == 37)
            #expect(header.payload.allSatisfy { $0 == 0x5A })
        }
    }

    @Test func optionsAreSkipped() throws {
        try Self.withOptions.withUnsafeBytes { raw in
            let header = try IPv4Header(raw)
            #expect(header.headerLength == 24)
            #expect(header.verifyChecksum())
            #expect(header.identification == 0xABCD)
            #expect(header.protocolNumber == .icmp)
            #expect(header.source == IPv4Address(192, 0, 2, 1))
            #expect(header.destination == IPv4Address(192, 0, 2, 2))
            #expect(Array(header.options) == [0x01, 0x01, 0x01, 0x00])
            #expect(Array(header.payload) == [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        }
    }

    @Test func ethernetPaddingIsNotPartOfTheView() throws {
        #expect(Self.padded.count == 46)
        try Self.padded.withUnsafeBytes { raw in
            let header = try IPv4Header(raw)
            #expect(header.verifyChecksum())
            #expect(header.totalLength == 28)
            #expect(header.bytes.count == 28)
            #expect(Array(header.payload) == [0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8])
        }
    }

    @Test func fixturesParse() {
        #expect(Self.malformation(Self.classic) == nil)
        #expect(Self.malformation(Self.withOptions) == nil)
        #expect(Self.malformation(Self.padded) == nil)
        // Exactly the header, total length 20, is a datagram with no payload.
        var bare = Self.classicHeader
        bare[3] = 20
        #expect(Self.malformation(bare) == nil)
    }

    @Test func truncatedThrows() {
        #expect(Self.malformation(Array(Self.classic[0..<19])) == .truncated)
        #expect(Self.malformation([]) == .truncated)
        #expect(throws: IPv4Header.Malformation.truncated) {
            try Array(Self.classic[0..<19]).withUnsafeBytes { _ = try IPv4Header($0) }
        }
    }

    @Test func versionSixThrows() {
        var bytes = Self.classic
        bytes[0] = 0x65  // version 6, IHL 5
        #expect(Self.malformation(bytes) == .badVersion)
    }

    @Test func headerLengthFourThrows() {
        var bytes = Self.classic
        bytes[0] = 0x44  // version 4, IHL 4 (16 bytes): under the minimum
        #expect(Self.malformation(bytes) == .badHeaderLength)
    }

    @Test func headerLengthBeyondDataThrows() {
        // IHL 15 claims 60 bytes of header; only 32 are there.
        var bytes = Self.withOptions
        bytes[0] = 0x4F
        #expect(Self.malformation(bytes) == .badHeaderLength)
        // IHL 6 over exactly 20 bytes.
        #expect(Self.malformation(Array(Self.withOptions[0..<20])) == .badHeaderLength)
    }

    @Test func totalLengthUnderHeaderThrows() {
        var bytes = Self.classic
        bytes[2] = 0x00; bytes[3] = 0x13  // total length 19 < 20
        #expect(Self.malformation(bytes) == .badTotalLength)
        var options = Self.withOptions
        options[3] = 0x16  // total length 22 < the 24-byte header
        #expect(Self.malformation(options) == .badTotalLength)
    }

    @Test func totalLengthBeyondDataThrows() {
        #expect(Self.malformation(Array(Self.classic[0..<114])) == .badTotalLength)
        var bytes = Self.classic
        bytes[2] = 0xFF; bytes[3] = 0xFF  // total length 65535
        #expect(Self.malformation(bytes) == .badTotalLength)
    }
}
