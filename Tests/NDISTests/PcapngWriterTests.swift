import Foundation
import NetCore
import TestSupport
import Testing

import NDIS

// The fixtures spell out little-endian bytes: the writer uses host order, and
// the project's platforms (x86_64, arm64) are little-endian.

// MARK: - Fixtures

/// Section Header Block with shb_userappl "NetKernel".
private let sectionHeaderFixture: [UInt8] = [
    0x0A, 0x0D, 0x0D, 0x0A,  // block type: Section Header Block
    0x30, 0x00, 0x00, 0x00,  // block total length: 48
    0x4D, 0x3C, 0x2B, 0x1A,  // byte-order magic 0x1A2B3C4D, little-endian
    0x01, 0x00,  // major version 1
    0x00, 0x00,  // minor version 0
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // section length: -1 (unknown)
    0x04, 0x00, 0x09, 0x00,  // option shb_userappl (4), length 9
    0x4E, 0x65, 0x74, 0x4B, 0x65, 0x72, 0x6E, 0x65, 0x6C,  // "NetKernel"
    0x00, 0x00, 0x00,  // padding to 32 bits
    0x00, 0x00, 0x00, 0x00,  // opt_endofopt
    0x30, 0x00, 0x00, 0x00,  // block total length again: 48
]

/// Interface Description Block for "eth0", Ethernet, snaplen 65535.
private let interfaceFixture: [UInt8] = [
    0x01, 0x00, 0x00, 0x00,  // block type: Interface Description Block
    0x28, 0x00, 0x00, 0x00,  // block total length: 40
    0x01, 0x00,  // link type 1: Ethernet
    0x00, 0x00,  // reserved
    0xFF, 0xFF, 0x00, 0x00,  // snap length 65535
    0x02, 0x00, 0x04, 0x00,  // option if_name (2), length 4
    0x65, 0x74, 0x68, 0x30,  // "eth0" (no padding needed)
    0x09, 0x00, 0x01, 0x00,  // option if_tsresol (9), length 1
    0x09, 0x00, 0x00, 0x00,  // 9: 10^-9 s units, then 3 bytes of padding
    0x00, 0x00, 0x00, 0x00,  // opt_endofopt
    0x28, 0x00, 0x00, 0x00,  // block total length again: 40
]

/// A 42-byte ARP request: who has 192.0.2.2? tell 192.0.2.1.
private let arpRequest: [UInt8] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // destination: broadcast
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source
    0x08, 0x06,  // EtherType ARP
    0x00, 0x01,  // hardware type Ethernet
    0x08, 0x00,  // protocol type IPv4
    0x06, 0x04,  // hardware and protocol address lengths
    0x00, 0x01,  // operation: request
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // sender hardware address
    0xC0, 0x00, 0x02, 0x01,  // sender protocol address 192.0.2.1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // target hardware address: unknown
    0xC0, 0x00, 0x02, 0x02,  // target protocol address 192.0.2.2
]

/// The ARP reply answering `arpRequest`.
private let arpReply: [UInt8] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // destination: the asker
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // source
    0x08, 0x06,  // EtherType ARP
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04,  // Ethernet / IPv4, lengths 6 and 4
    0x00, 0x02,  // operation: reply
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // sender hardware address
    0xC0, 0x00, 0x02, 0x02,  // sender protocol address 192.0.2.2
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // target hardware address
    0xC0, 0x00, 0x02, 0x01,  // target protocol address 192.0.2.1
]

/// 1_700_000_000_123_456_789 ns: 2023-11-14T22:13:20.123456789Z, with every
/// nanosecond digit distinct so a reader that rounds would show it.
private let fixtureTimestamp = Instant(nanoseconds: 1_700_000_000_123_456_789)

/// Enhanced Packet Block for `arpRequest` on interface 0, outbound, at `fixtureTimestamp`.
private let arpPacketFixture: [UInt8] =
    [
        0x06, 0x00, 0x00, 0x00,  // block type: Enhanced Packet Block
        0x58, 0x00, 0x00, 0x00,  // block total length: 28 + 44 + 16 = 88
        0x00, 0x00, 0x00, 0x00,  // interface ID 0
        0xFE, 0x9C, 0x97, 0x17,  // timestamp high 32 bits: 0x17979CFE
        0x15, 0xCD, 0x85, 0x3D,  // timestamp low 32 bits: 0x3D85CD15
        0x2A, 0x00, 0x00, 0x00,  // captured length 42
        0x2A, 0x00, 0x00, 0x00,  // original length 42
    ] + arpRequest
    + [
        0x00, 0x00,  // padding 42 -> 44
        0x02, 0x00, 0x04, 0x00,  // option epb_flags (2), length 4
        0x02, 0x00, 0x00, 0x00,  // direction bits 2: outbound
        0x00, 0x00, 0x00, 0x00,  // opt_endofopt
        0x58, 0x00, 0x00, 0x00,  // block total length again: 88
    ]

// MARK: - Helpers

/// A writer over a fresh memory sink, with the section header already written.
private func makeMemoryWriter() throws -> (PcapngWriter, MemoryCaptureSink) {
    let sink = MemoryCaptureSink()
    return (try PcapngWriter(sink: sink), sink)
}

extension PcapngWriter {
    /// Array convenience for tests; the real callers hold raw buffers.
    fileprivate func writePacket(
        interface: UInt32, timestamp: Instant, direction: CaptureDirection, _ bytes: [UInt8], originalLength: Int? = nil
    ) throws {
        try bytes.withUnsafeBytes { buffer in
            try writePacket(
                interface: interface, timestamp: timestamp, direction: direction, bytes: buffer,
                originalLength: originalLength)
        }
    }
}

extension CaptureSink {
    fileprivate func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in try write(buffer) }
    }
}

// MARK: - A small pcapng reader

/// Walks a pcapng byte stream independently of the writer, checking the
/// invariants every reader relies on, so the tests do not just compare the
/// writer with itself.
private struct PcapngReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Interface: Equatable {
        var linkType: UInt16
        var snapLength: UInt32
        var name: String?
        var timestampResolution: UInt8?
    }

    struct Packet: Equatable {
        var interface: UInt32
        var timestampNanoseconds: UInt64
        var capturedLength: Int
        var originalLength: Int
        var data: [UInt8]
        var flags: UInt32?
    }

    var application: String?
    var interfaces: [Interface] = []
    var packets: [Packet] = []
    var blockTypes: [UInt32] = []

    init(_ bytes: [UInt8]) throws {
        func u16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
        func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16 }
        func fail(_ message: String) -> Failure { Failure(description: message) }

        /// Options from `start` to `end`, which must finish with opt_endofopt.
        func options(_ start: Int, _ end: Int) throws -> [(code: UInt16, value: [UInt8])] {
            var result: [(code: UInt16, value: [UInt8])] = []
            var offset = start
            while true {
                guard offset + 4 <= end else { throw fail("options at \(start) run past their block") }
                let code = u16(offset)
                let length = Int(u16(offset + 2))
                if code == 0 {
                    guard length == 0, offset + 4 == end else { throw fail("opt_endofopt at \(offset) is not last") }
                    return result
                }
                let padded = (length + 3) & ~3
                guard offset + 4 + padded <= end else { throw fail("option \(code) overruns its block") }
                let value = Array(bytes[(offset + 4)..<(offset + 4 + length)])
                guard bytes[(offset + 4 + length)..<(offset + 4 + padded)].allSatisfy({ $0 == 0 }) else {
                    throw fail("option \(code) padding is not zero")
                }
                result.append((code, value))
                offset += 4 + padded
            }
        }

        var offset = 0
        while offset < bytes.count {
            guard offset % 4 == 0 else { throw fail("block at \(offset) is not 32-bit aligned") }
            guard offset + 12 <= bytes.count else { throw fail("truncated block at \(offset)") }
            let type = u32(offset)
            let total = Int(u32(offset + 4))
            guard total >= 12, total % 4 == 0 else { throw fail("bad total length \(total) at \(offset)") }
            guard offset + total <= bytes.count else { throw fail("block at \(offset) runs past the end") }
            guard u32(offset + total - 4) == UInt32(total) else {
                throw fail("trailing total length differs at \(offset)")
            }
            let end = offset + total - 4
            if blockTypes.isEmpty, type != 0x0A0D_0D0A { throw fail("first block is not a Section Header Block") }
            blockTypes.append(type)

            switch type {
            case 0x0A0D_0D0A:
                guard u32(offset + 8) == 0x1A2B_3C4D else { throw fail("byte-order magic is not little-endian") }
                guard u16(offset + 12) == 1, u16(offset + 14) == 0 else { throw fail("version is not 1.0") }
                for option in try options(offset + 24, end) where option.code == 4 {
                    application = String(decoding: option.value, as: UTF8.self)
                }
            case 1:
                guard u16(offset + 10) == 0 else { throw fail("IDB reserved field is not zero") }
                var interface = Interface(linkType: u16(offset + 8), snapLength: u32(offset + 12))
                for option in try options(offset + 16, end) {
                    switch option.code {
                    case 2: interface.name = String(decoding: option.value, as: UTF8.self)
                    case 9: interface.timestampResolution = option.value.first
                    default: break
                    }
                }
                interfaces.append(interface)
            case 6:
                let interface = u32(offset + 8)
                guard Int(interface) < interfaces.count else {
                    throw fail("packet names interface \(interface) before its IDB")
                }
                let captured = Int(u32(offset + 20))
                let original = Int(u32(offset + 24))
                guard captured <= original else { throw fail("captured length exceeds original length") }
                let snapLength = interfaces[Int(interface)].snapLength
                guard snapLength == 0 || captured <= Int(snapLength) else { throw fail("captured exceeds snaplen") }
                let dataEnd = offset + 28 + ((captured + 3) & ~3)
                guard dataEnd <= end else { throw fail("packet data overruns its block") }
                guard bytes[(offset + 28 + captured)..<dataEnd].allSatisfy({ $0 == 0 }) else {
                    throw fail("packet padding is not zero")
                }
                var packet = Packet(
                    interface: interface,
                    timestampNanoseconds: UInt64(u32(offset + 12)) << 32 | UInt64(u32(offset + 16)),
                    capturedLength: captured, originalLength: original,
                    data: Array(bytes[(offset + 28)..<(offset + 28 + captured)]))
                for option in try options(dataEnd, end) where option.code == 2 {
                    guard option.value.count == 4 else { throw fail("epb_flags is not 4 bytes") }
                    packet.flags = option.value.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                }
                packets.append(packet)
            default:
                throw fail("unexpected block type \(type)")
            }
            offset += total
        }
    }
}

// MARK: - Valid frames for tshark

/// RFC 1071 Internet checksum, byte by byte, independent of the stack's own.
private func internetChecksum(_ bytes: ArraySlice<UInt8>) -> UInt16 {
    var sum: UInt32 = 0
    var index = bytes.startIndex
    while index < bytes.endIndex {
        let high = UInt32(bytes[index]) << 8
        let low = index + 1 < bytes.endIndex ? UInt32(bytes[index + 1]) : 0
        sum += high | low
        index += 2
    }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}

/// An Ethernet + IPv4 + ICMP echo frame with both checksums filled in.
private func icmpEcho(
    request: Bool, sourceMAC: [UInt8], destinationMAC: [UInt8], source: [UInt8], destination: [UInt8],
    identification: UInt16, sequence: UInt16
) -> [UInt8] {
    let payload = Array("abcdefghijklmnopqrstuvwabcdefghi".utf8)  // 32 bytes, as Windows ping sends
    var icmp: [UInt8] = [
        request ? 8 : 0, 0,  // type echo request / reply, code 0
        0, 0,  // checksum, filled below
        0x00, 0x01,  // identifier
        UInt8(sequence >> 8), UInt8(sequence & 0xFF),  // sequence number
    ]
    icmp += payload
    let icmpSum = internetChecksum(icmp[...])
    icmp[2] = UInt8(icmpSum >> 8)
    icmp[3] = UInt8(icmpSum & 0xFF)

    let totalLength = 20 + icmp.count
    var ip: [UInt8] = [
        0x45, 0x00,  // version 4, IHL 5; DSCP/ECN 0
        UInt8(totalLength >> 8), UInt8(totalLength & 0xFF),  // total length
        UInt8(identification >> 8), UInt8(identification & 0xFF),  // identification
        0x40, 0x00,  // flags: don't fragment
        64, 1,  // TTL 64, protocol ICMP
        0, 0,  // header checksum, filled below
    ]
    ip += source + destination
    let ipSum = internetChecksum(ip[...])
    ip[10] = UInt8(ipSum >> 8)
    ip[11] = UInt8(ipSum & 0xFF)

    return destinationMAC + sourceMAC + [0x08, 0x00] + ip + icmp
}

// MARK: - Byte-exact blocks

@Suite struct PcapngBlockTests {
    @Test func sectionHeaderBlockIsByteExact() throws {
        let (_, sink) = try makeMemoryWriter()
        #expect(sink.bytes == sectionHeaderFixture)
    }

    @Test func interfaceDescriptionBlockIsByteExact() throws {
        let (writer, sink) = try makeMemoryWriter()
        let id = try writer.addInterface(name: "eth0")
        #expect(id == 0)
        #expect(Array(sink.bytes.dropFirst(sectionHeaderFixture.count)) == interfaceFixture)
    }

    @Test func enhancedPacketBlockForArpRequestIsByteExact() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "eth0")
        try writer.writePacket(interface: 0, timestamp: fixtureTimestamp, direction: .outbound, arpRequest)
        #expect(sink.bytes == sectionHeaderFixture + interfaceFixture + arpPacketFixture)
        #expect(writer.packetCount == 1)
    }

    @Test func oddLengthPacketIsPaddedToThirtyTwoBits() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "eth0")
        let start = sink.bytes.count
        try writer.writePacket(
            interface: 0, timestamp: Instant(nanoseconds: 0x1_0000_0002), direction: .inbound,
            [0xA1, 0xA2, 0xA3, 0xA4, 0xA5])
        let expected: [UInt8] = [
            0x06, 0x00, 0x00, 0x00,  // Enhanced Packet Block
            0x34, 0x00, 0x00, 0x00,  // total length: 28 + 8 + 16 = 52
            0x00, 0x00, 0x00, 0x00,  // interface 0
            0x01, 0x00, 0x00, 0x00,  // timestamp high: 1
            0x02, 0x00, 0x00, 0x00,  // timestamp low: 2
            0x05, 0x00, 0x00, 0x00,  // captured length 5
            0x05, 0x00, 0x00, 0x00,  // original length 5
            0xA1, 0xA2, 0xA3, 0xA4, 0xA5,  // data
            0x00, 0x00, 0x00,  // padding 5 -> 8
            0x02, 0x00, 0x04, 0x00,  // epb_flags, length 4
            0x01, 0x00, 0x00, 0x00,  // inbound
            0x00, 0x00, 0x00, 0x00,  // opt_endofopt
            0x34, 0x00, 0x00, 0x00,  // total length again: 52
        ]
        #expect(Array(sink.bytes[start...]) == expected)
    }

    @Test func snapLengthTruncatesCapturedButKeepsOriginalLength() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "lo", snapLength: 6)
        let start = sink.bytes.count
        try writer.writePacket(
            interface: 0, timestamp: .zero, direction: .unknown, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        let expected: [UInt8] = [
            0x06, 0x00, 0x00, 0x00,  // Enhanced Packet Block
            0x34, 0x00, 0x00, 0x00,  // total length: 28 + 8 + 16 = 52
            0x00, 0x00, 0x00, 0x00,  // interface 0
            0x00, 0x00, 0x00, 0x00,  // timestamp high: 0 (virtual clock epoch)
            0x00, 0x00, 0x00, 0x00,  // timestamp low: 0
            0x06, 0x00, 0x00, 0x00,  // captured length: snaplen 6
            0x0A, 0x00, 0x00, 0x00,  // original length 10
            0x00, 0x01, 0x02, 0x03, 0x04, 0x05,  // the first 6 bytes only
            0x00, 0x00,  // padding 6 -> 8
            0x02, 0x00, 0x04, 0x00,  // epb_flags, length 4
            0x00, 0x00, 0x00, 0x00,  // direction unknown
            0x00, 0x00, 0x00, 0x00,  // opt_endofopt
            0x34, 0x00, 0x00, 0x00,  // total length again: 52
        ]
        #expect(Array(sink.bytes[start...]) == expected)
    }

    @Test func interfaceNameAndApplicationArePaddedAndAnySnapLengthIsKept() throws {
        let sink = MemoryCaptureSink()
        let writer = try PcapngWriter(sink: sink, application: "ab")
        try writer.addInterface(name: "wlan12", linkType: 105, snapLength: 0)
        let file = try PcapngReader(sink.bytes)
        #expect(file.application == "ab")
        #expect(file.interfaces == [.init(linkType: 105, snapLength: 0, name: "wlan12", timestampResolution: 9)])
        // "ab" pads to 4: SHB is 24 + 8 + 4 + 4 = 40; "wlan12" pads to 8: IDB is 16 + 12 + 8 + 4 + 4 = 44.
        #expect(sink.bytes.count == 40 + 44)
    }
}

// MARK: - Reader round trips and edge cases

@Suite struct PcapngWriterBehaviourTests {
    @Test func readerWalksInterfacesPacketsTimestampsAndFlags() throws {
        let (writer, sink) = try makeMemoryWriter()
        #expect(try writer.addInterface(name: "eth0") == 0)
        try writer.writePacket(interface: 0, timestamp: fixtureTimestamp, direction: .outbound, arpRequest)
        // An interface added after packets still gets the next ID.
        #expect(try writer.addInterface(name: "eth1", snapLength: 16) == 1)
        #expect(writer.interfaceCount == 2)
        try writer.writePacket(
            interface: 1, timestamp: Instant(nanoseconds: 5_000_000_007), direction: .inbound, arpReply)
        try writer.writePacket(interface: 0, timestamp: Instant(nanoseconds: 3), direction: .unknown, [0x7F])
        try writer.writePacket(interface: 0, timestamp: Instant(nanoseconds: 4), direction: .inbound, [])
        #expect(writer.packetCount == 4)

        let file = try PcapngReader(sink.bytes)
        #expect(file.blockTypes == [0x0A0D_0D0A, 1, 6, 1, 6, 6, 6])
        #expect(file.application == "NetKernel")
        #expect(file.interfaces.map(\.name) == ["eth0", "eth1"])
        #expect(file.interfaces.map(\.snapLength) == [65535, 16])
        #expect(file.interfaces.allSatisfy { $0.linkType == 1 && $0.timestampResolution == 9 })
        #expect(
            file.packets == [
                .init(
                    interface: 0, timestampNanoseconds: 1_700_000_000_123_456_789, capturedLength: 42,
                    originalLength: 42, data: arpRequest, flags: 2),
                .init(
                    interface: 1, timestampNanoseconds: 5_000_000_007, capturedLength: 16, originalLength: 42,
                    data: Array(arpReply.prefix(16)), flags: 1),
                .init(
                    interface: 0, timestampNanoseconds: 3, capturedLength: 1, originalLength: 1, data: [0x7F],
                    flags: 0),
                .init(
                    interface: 0, timestampNanoseconds: 4, capturedLength: 0, originalLength: 0, data: [],
                    flags: 1),
            ])
    }

    @Test func originalLengthIsNeverBelowTheBytesGiven() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "eth0")
        try writer.writePacket(interface: 0, timestamp: .zero, direction: .inbound, arpRequest, originalLength: 1514)
        try writer.writePacket(interface: 0, timestamp: .zero, direction: .inbound, arpRequest, originalLength: 10)
        let packets = try PcapngReader(sink.bytes).packets
        #expect(packets.map(\.originalLength) == [1514, 42])
        #expect(packets.map(\.capturedLength) == [42, 42])
    }

    @Test func snapLengthZeroMeansNoLimit() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "eth0", snapLength: 0)
        let jumbo = (0..<70_001).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try writer.writePacket(interface: 0, timestamp: .zero, direction: .outbound, jumbo)
        let packet = try #require(try PcapngReader(sink.bytes).packets.first)
        #expect(packet.capturedLength == 70_001)
        #expect(packet.data == jumbo)
    }

    @Test func negativeTimestampIsWrittenAsZero() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "eth0")
        try writer.writePacket(interface: 0, timestamp: Instant(nanoseconds: -5), direction: .inbound, [1, 2, 3, 4])
        #expect(try PcapngReader(sink.bytes).packets.first?.timestampNanoseconds == 0)
    }

    @Test func unknownInterfaceIsRefusedAndNothingIsWritten() throws {
        let (writer, sink) = try makeMemoryWriter()
        #expect(throws: CaptureError.unknownInterface(0)) {
            try writer.writePacket(interface: 0, timestamp: .zero, direction: .inbound, arpRequest)
        }
        try writer.addInterface(name: "eth0")
        let before = sink.bytes
        #expect(throws: CaptureError.unknownInterface(1)) {
            try writer.writePacket(interface: 1, timestamp: .zero, direction: .inbound, arpRequest)
        }
        #expect(sink.bytes == before)
        #expect(writer.packetCount == 0)
    }

    @Test func closedWriterRefusesEverythingAndClosesItsSink() throws {
        let (writer, sink) = try makeMemoryWriter()
        try writer.addInterface(name: "eth0")
        try writer.flush()
        try writer.close()
        try writer.close()  // a second close is harmless
        #expect(sink.isClosed)
        #expect(throws: CaptureError.closed) {
            try writer.writePacket(interface: 0, timestamp: .zero, direction: .inbound, arpRequest)
        }
        #expect(throws: CaptureError.closed) { try writer.addInterface(name: "eth1") }
        #expect(throws: CaptureError.closed) { try writer.flush() }
        #expect(throws: CaptureError.closed) { try sink.write([1]) }
    }

    @Test func sinkErrorsReachTheCaller() throws {
        final class FailingSink: CaptureSink {
            var failAfter: Int
            init(failAfter: Int) { self.failAfter = failAfter }
            func write(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) {
                if failAfter == 0 { throw .writeFailed(errno: 28) }
                failAfter -= 1
            }
            func flush() throws(CaptureError) {}
            func close() throws(CaptureError) {}
        }
        #expect(throws: CaptureError.writeFailed(errno: 28)) { try PcapngWriter(sink: FailingSink(failAfter: 0)) }
        let writer = try PcapngWriter(sink: FailingSink(failAfter: 3))  // SHB, IDB, one EPB header
        try writer.addInterface(name: "eth0")
        #expect(throws: CaptureError.writeFailed(errno: 28)) {
            try writer.writePacket(interface: 0, timestamp: .zero, direction: .inbound, arpRequest)
        }
        #expect(writer.packetCount == 0)
    }
}

// MARK: - File sink

@Suite struct FileCaptureSinkTests {
    /// The same capture through memory and through files with buffers smaller
    /// than, equal to and larger than its writes must give identical bytes.
    @Test(arguments: [1, 7, 28, 100, 64 * 1024])
    func fileMatchesMemoryForAnyBufferSize(bufferCapacity: Int) throws {
        let directory = try ScratchDirectory(prefix: "netkernel-pcapng")
        let path = directory.path("capture.pcapng")

        func record(_ sink: some CaptureSink) throws {
            let writer = try PcapngWriter(sink: sink)
            try writer.addInterface(name: "eth0")
            try writer.addInterface(name: "eth1", snapLength: 20)
            for index in 0..<50 {
                let frame = index % 2 == 0 ? arpRequest : Array(repeating: UInt8(index), count: 1 + index * 37)
                try writer.writePacket(
                    interface: UInt32(index % 2), timestamp: Instant(nanoseconds: Int64(index) * 1_000_003),
                    direction: index % 3 == 0 ? .inbound : .outbound, frame)
            }
            try writer.close()
        }

        let memory = MemoryCaptureSink()
        try record(memory)
        try record(FileCaptureSink(path: path, bufferCapacity: bufferCapacity))

        let onDisk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(onDisk == memory.bytes)
        #expect(try PcapngReader(onDisk).packets.count == 50)
    }

    @Test func flushMakesBufferedBlocksVisibleAndCloseIsFinal() throws {
        let directory = try ScratchDirectory(prefix: "netkernel-pcapng")
        let path = directory.path("live.pcapng")
        let sink = try FileCaptureSink(path: path)
        let writer = try PcapngWriter(sink: sink)
        try writer.addInterface(name: "eth0")
        // Still in the 64 KiB buffer: nothing has reached the file yet.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        try writer.flush()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == sectionHeaderFixture.count + interfaceFixture.count)

        try writer.close()
        #expect(sink.isClosed)
        try sink.close()  // harmless
        #expect(throws: CaptureError.closed) { try sink.write([1, 2, 3]) }
        #expect(throws: CaptureError.closed) { try sink.flush() }
    }

    @Test func existingFileIsTruncated() throws {
        let directory = try ScratchDirectory(prefix: "netkernel-pcapng")
        let path = directory.path("old.pcapng")
        try Data(repeating: 0xEE, count: 4096).write(to: URL(fileURLWithPath: path))
        let sink = try FileCaptureSink(path: path)
        _ = try PcapngWriter(sink: sink)
        try sink.close()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == sectionHeaderFixture)
    }

    @Test func openFailureReportsPathAndErrno() throws {
        let directory = try ScratchDirectory(prefix: "netkernel-pcapng")
        let path = directory.path("missing/capture.pcapng")
        #expect(throws: CaptureError.openFailed(path: path, errno: ENOENT)) {
            try FileCaptureSink(path: path)
        }
    }

    @Test func writeFailureReportsErrno() throws {
        // /dev/full accepts the open and fails every write with ENOSPC.
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let sink = try FileCaptureSink(path: "/dev/full", bufferCapacity: 16)
        try sink.write([1, 2, 3])
        #expect(throws: CaptureError.writeFailed(errno: ENOSPC)) { try sink.flush() }
        #expect(throws: CaptureError.writeFailed(errno: ENOSPC)) { try sink.write([UInt8](repeating: 0, count: 64)) }
    }
}

// MARK: - tshark

@Suite struct PcapngTsharkTests {
    @Test(
        .enabled(
            if: Wireshark.tshark != nil || Wireshark.isCI,
            "tshark is not installed (Debian package tshark); skipped. With CI=true this test fails instead."))
    func tsharkReadsTheCaptureCleanly() throws {
        guard let tshark = Wireshark.tshark else {
            Issue.record("CI=true but tshark is not installed: install the Debian package tshark")
            return
        }
        let directory = try ScratchDirectory(prefix: "netkernel-pcapng")
        let path = directory.path("two-interfaces.pcapng")

        let hostA: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]
        let hostB: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02]
        let addressA: [UInt8] = [192, 0, 2, 1]
        let addressB: [UInt8] = [192, 0, 2, 2]
        let echoRequest = icmpEcho(
            request: true, sourceMAC: hostA, destinationMAC: hostB, source: addressA, destination: addressB,
            identification: 0x1234, sequence: 1)
        let echoReply = icmpEcho(
            request: false, sourceMAC: hostB, destinationMAC: hostA, source: addressB, destination: addressA,
            identification: 0x4321, sequence: 1)
        // The builder's own checksums must verify, or tshark's verdict would be about the test.
        #expect(internetChecksum(echoRequest[14..<34]) == 0)
        #expect(internetChecksum(echoRequest[34...]) == 0)
        #expect(echoRequest.count == 74)

        // Nanosecond digits all distinct so any rounding to microseconds shows.
        let timestamps: [Int64] = [
            1_700_000_000_123_456_789,
            1_700_000_000_123_987_654,
            1_700_000_001_000_000_001,
            1_700_000_001_000_250_999,
        ]
        let expectedEpochs = ["1700000000.123456789", "1700000000.123987654", "1700000001.000000001", "1700000001.000250999"]

        let writer = try PcapngWriter(sink: FileCaptureSink(path: path))
        let eth0 = try writer.addInterface(name: "eth0")
        let eth1 = try writer.addInterface(name: "eth1", snapLength: 1514)
        try writer.writePacket(interface: eth0, timestamp: Instant(nanoseconds: timestamps[0]), direction: .outbound, arpRequest)
        try writer.writePacket(interface: eth0, timestamp: Instant(nanoseconds: timestamps[1]), direction: .inbound, arpReply)
        try writer.writePacket(interface: eth1, timestamp: Instant(nanoseconds: timestamps[2]), direction: .outbound, echoRequest)
        try writer.writePacket(interface: eth1, timestamp: Instant(nanoseconds: timestamps[3]), direction: .inbound, echoReply)
        try writer.close()

        // Checksum validation is off by default in Wireshark; turn it on so a
        // wrong checksum would be reported rather than ignored.
        let checks = ["-o", "ip.check_checksum:TRUE"]

        let summary = try Wireshark.run(tshark, ["-n", "-r", path] + checks, in: directory)
        #expect(summary.status == 0, "tshark -r failed: \(summary.stderr)")
        let lines = summary.stdout.split(separator: "\n")
        #expect(lines.count == 4, "tshark -r printed:\n\(summary.stdout)")
        #expect(lines.count == 4 && lines[0].contains("ARP") && lines[0].contains("Who has 192.0.2.2"))
        #expect(lines.count == 4 && lines[1].contains("ARP") && lines[1].contains("192.0.2.2 is at"))
        #expect(lines.count == 4 && lines[2].contains("ICMP") && lines[2].contains("Echo (ping) request"))
        #expect(lines.count == 4 && lines[3].contains("ICMP") && lines[3].contains("Echo (ping) reply"))

        let detail = try Wireshark.run(tshark, ["-n", "-r", path, "-V"] + checks, in: directory)
        #expect(detail.status == 0, "tshark -V failed: \(detail.stderr)")
        let text = detail.stdout
        #expect(!text.contains("Malformed"), "tshark -V:\n\(text)")
        #expect(!text.contains("Bad"), "tshark -V:\n\(text)")
        let checksumWarnings = text.split(separator: "\n").filter {
            $0.contains("[Expert Info") && $0.lowercased().contains("checksum")
        }
        #expect(checksumWarnings.isEmpty, "\(checksumWarnings)")
        // The checksums were actually checked, and found good.
        #expect(text.contains("[Header checksum status: Good]"), "IPv4 checksum not verified:\n\(text)")
        #expect(text.contains("[Checksum Status: Good]"), "ICMP checksum not verified:\n\(text)")
        #expect(text.contains("Interface name: eth0"))
        #expect(text.contains("Interface name: eth1"))

        let epochs = try Wireshark.run(
            tshark, ["-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.interface_id", "-e", "frame.len"],
            in: directory)
        #expect(epochs.status == 0, "tshark -T fields failed: \(epochs.stderr)")
        let rows = epochs.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.map { $0.first ?? "" } == expectedEpochs)
        #expect(rows.map { $0.dropFirst().first ?? "" } == ["0", "0", "1", "1"])
        #expect(rows.map { $0.last ?? "" } == ["42", "42", "74", "74"])

        if let capinfos = Wireshark.capinfos {
            let info = try Wireshark.run(capinfos, [path], in: directory)
            #expect(info.status == 0, "capinfos failed: \(info.stderr)")
            #expect(info.stdout.contains("nanoseconds (9)"), "capinfos:\n\(info.stdout)")
            #expect(info.stdout.contains("2023-11-14 22:13:20.123456789"), "capinfos:\n\(info.stdout)")
            #expect(info.stdout.contains("2023-11-14 22:13:21.000250999"), "capinfos:\n\(info.stdout)")
            #expect(info.stdout.contains("NetKernel"), "capinfos:\n\(info.stdout)")
            #expect(info.stdout.range(of: #"Number of packets:\s+4\b"#, options: .regularExpression) != nil)
        }
    }
}
