import Testing
@testable import TCPIP
import NetCore

/// TCP segments over both families. Addresses come only from 192.0.2.0/24
/// (RFC 5737) and 2001:db8::/32 (RFC 3849). Every fixture's checksum is
/// worked out in its comment, 16-bit words summed with the Checksum field
/// taken as 0 (zero words of the IPv6 pseudo-header left out), and checked
/// again against `referenceChecksum`, which shares no code with
/// `InternetChecksum` or the pseudo-header helpers. Each fixture's bytes
/// carry the IPv4 checksum; `v6` puts in the IPv6 one.
@Suite struct TCPHeaderTests {
    // MARK: Addresses

    private static let v4A = IPv4Address(192, 0, 2, 1)
    private static let v4B = IPv4Address(192, 0, 2, 2)
    private static let v4C = IPv4Address(192, 0, 2, 3)
    private static let v6A = IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 1)
    private static let v6B = IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 2)
    private static let v6C = IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 3)

    // MARK: Fixtures

    /// A segment as its fields, the way a test emits it and expects to read it back.
    private struct Fields: Equatable {
        var sourcePort: UInt16, destinationPort: UInt16
        var sequenceNumber: UInt32, acknowledgmentNumber: UInt32
        var flags: TCPFlags, window: UInt16
        var options: TCPOptions
        var payload: [UInt8]
        var headerLength: Int
        var segmentLength: Int
        var urgentPointer: UInt16

        init(sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32, acknowledgmentNumber: UInt32,
             flags: TCPFlags, window: UInt16, options: TCPOptions = TCPOptions(), payload: [UInt8] = [],
             headerLength: Int, segmentLength: Int) {
            self.sourcePort = sourcePort
            self.destinationPort = destinationPort
            self.sequenceNumber = sequenceNumber
            self.acknowledgmentNumber = acknowledgmentNumber
            self.flags = flags
            self.window = window
            self.options = options
            self.payload = payload
            self.headerLength = headerLength
            self.segmentLength = segmentLength
            urgentPointer = 0
        }

        init(_ header: TCPHeader) {
            sourcePort = header.sourcePort
            destinationPort = header.destinationPort
            sequenceNumber = header.sequenceNumber.rawValue
            acknowledgmentNumber = header.acknowledgmentNumber.rawValue
            flags = header.flags
            window = header.window
            options = header.options
            payload = Array(header.payload)
            headerLength = header.headerLength
            segmentLength = header.segmentLength
            urgentPointer = header.urgentPointer
        }
    }

    private static func options(mss: UInt16? = nil, windowScale: UInt8? = nil, sackPermitted: Bool = false,
                                timestamp: (UInt32, UInt32)? = nil) -> TCPOptions {
        var options = TCPOptions()
        options.maximumSegmentSize = mss
        options.windowScale = windowScale
        options.sackPermitted = sackPermitted
        options.timestamp = timestamp.map { TCPTimestampOption(value: $0.0, echoReply: $0.1) }
        return options
    }

    /// SYN from 192.0.2.1:49152 to 192.0.2.2:80 with MSS 1460,
    /// SACK-Permitted, Timestamps (TSval 0x1000) and Window Scale 7.
    ///
    /// IPv4:
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0006 + 0028 = 0x18431
    ///     header         C000 + 0050 + 0102 + 0304 + 0000 + 0000 + A002 + FAF0 + 0000 + 0000 = 0x25F48
    ///     options        0204 + 05B4 + 0402 + 080A + 0000 + 1000 + 0000 + 0000 + 0103 + 0307 = 0x027CE
    ///     total 0x40B47, folded 0x0B4B, complement 0xF4B4
    /// IPv6:
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002 + 0028 + 0006 = 0x05BA3
    ///     header         0x25F48, options 0x027CE, as above
    ///     total 0x2E2B9, folded 0xE2BB, complement 0x1D44
    private static let syn: [UInt8] = [
        0xC0, 0x00, 0x00, 0x50,                          // ports 49152 → 80
        0x01, 0x02, 0x03, 0x04,                          // Sequence Number
        0x00, 0x00, 0x00, 0x00,                          // Acknowledgment Number
        0xA0, 0x02,                                      // data offset 10, SYN
        0xFA, 0xF0,                                      // Window 64240
        0xF4, 0xB4,                                      // Checksum
        0x00, 0x00,                                      // Urgent Pointer
        0x02, 0x04, 0x05, 0xB4,                          // MSS 1460
        0x04, 0x02, 0x08, 0x0A,                          // SACK-Permitted, Timestamps
        0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,  // TSval, TSecr
        0x01, 0x03, 0x03, 0x07,                          // NOP, Window Scale 7
    ]
    private static let synV6Checksum: UInt16 = 0x1D44
    private static let synFields = Fields(
        sourcePort: 49152, destinationPort: 80, sequenceNumber: 0x0102_0304, acknowledgmentNumber: 0,
        flags: .syn, window: 64240,
        options: options(mss: 1460, windowScale: 7, sackPermitted: true, timestamp: (0x1000, 0)),
        headerLength: 40, segmentLength: 1)

    /// The SYN-ACK answering it, 192.0.2.2:80 to 192.0.2.1:49152.
    ///
    /// IPv4:
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0006 + 0028 = 0x18431
    ///     header         0050 + C000 + A0B0 + C0D0 + 0102 + 0305 + A012 + FE88 + 0000 + 0000 = 0x3C471
    ///     options        0204 + 05B4 + 0402 + 080A + 0000 + 2000 + 0000 + 1000 + 0103 + 0307 = 0x047CE
    ///     total 0x59070, folded 0x9075, complement 0x6F8A
    /// IPv6 (the pseudo-header sums the same whichever way the addresses go):
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002 + 0028 + 0006 = 0x05BA3
    ///     header         0x3C471, options 0x047CE, as above
    ///     total 0x467E2, folded 0x67E6, complement 0x9819
    private static let synAck: [UInt8] = [
        0x00, 0x50, 0xC0, 0x00,                          // ports 80 → 49152
        0xA0, 0xB0, 0xC0, 0xD0,                          // Sequence Number
        0x01, 0x02, 0x03, 0x05,                          // Acknowledgment Number
        0xA0, 0x12,                                      // data offset 10, SYN ACK
        0xFE, 0x88,                                      // Window 65160
        0x6F, 0x8A,                                      // Checksum
        0x00, 0x00,                                      // Urgent Pointer
        0x02, 0x04, 0x05, 0xB4,                          // MSS 1460
        0x04, 0x02, 0x08, 0x0A,                          // SACK-Permitted, Timestamps
        0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x10, 0x00,  // TSval, TSecr
        0x01, 0x03, 0x03, 0x07,                          // NOP, Window Scale 7
    ]
    private static let synAckV6Checksum: UInt16 = 0x9819
    private static let synAckFields = Fields(
        sourcePort: 80, destinationPort: 49152, sequenceNumber: 0xA0B0_C0D0, acknowledgmentNumber: 0x0102_0305,
        flags: [.syn, .ack], window: 65160,
        options: options(mss: 1460, windowScale: 7, sackPermitted: true, timestamp: (0x2000, 0x1000)),
        headerLength: 40, segmentLength: 1)

    /// The ACK that completes the handshake, with Timestamps.
    ///
    /// IPv4:
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0006 + 0020 = 0x18429
    ///     header         C000 + 0050 + 0102 + 0305 + A0B0 + C0D1 + 8010 + 01F6 + 0000 + 0000 = 0x2A7DE
    ///     options        0101 + 080A + 0000 + 1001 + 0000 + 2000 = 0x0390C
    ///     total 0x46513, folded 0x6517, complement 0x9AE8
    /// IPv6:
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002 + 0020 + 0006 = 0x05B9B
    ///     header         0x2A7DE, options 0x0390C, as above
    ///     total 0x33C85, folded 0x3C88, complement 0xC377
    private static let ack: [UInt8] = [
        0xC0, 0x00, 0x00, 0x50,                          // ports 49152 → 80
        0x01, 0x02, 0x03, 0x05,                          // Sequence Number
        0xA0, 0xB0, 0xC0, 0xD1,                          // Acknowledgment Number
        0x80, 0x10,                                      // data offset 8, ACK
        0x01, 0xF6,                                      // Window 502
        0x9A, 0xE8,                                      // Checksum
        0x00, 0x00,                                      // Urgent Pointer
        0x01, 0x01, 0x08, 0x0A,                          // NOP, NOP, Timestamps
        0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x20, 0x00,  // TSval, TSecr
    ]
    private static let ackV6Checksum: UInt16 = 0xC377
    private static let ackFields = Fields(
        sourcePort: 49152, destinationPort: 80, sequenceNumber: 0x0102_0305, acknowledgmentNumber: 0xA0B0_C0D1,
        flags: .ack, window: 502, options: options(timestamp: (0x1001, 0x2000)),
        headerLength: 32, segmentLength: 0)

    /// "hello" with PSH and ACK. Odd-length, so the last byte is summed as
    /// the high half of a word.
    ///
    /// IPv4:
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0006 + 0025 = 0x1842E
    ///     header         C000 + 0050 + 0102 + 0305 + A0B0 + C0D1 + 8018 + 01F6 + 0000 + 0000 = 0x2A7E6
    ///     options        0101 + 080A + 0000 + 1002 + 0000 + 2000 = 0x0390D
    ///     payload        6865 + 6C6C + 6F00 = 0x143D1
    ///     total 0x5A8F2, folded 0xA8F7, complement 0x5708
    /// IPv6:
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002 + 0025 + 0006 = 0x05BA0
    ///     header 0x2A7E6, options 0x0390D, payload 0x143D1, as above
    ///     total 0x48064, folded 0x8068, complement 0x7F97
    private static let data: [UInt8] = [
        0xC0, 0x00, 0x00, 0x50,                          // ports 49152 → 80
        0x01, 0x02, 0x03, 0x05,                          // Sequence Number
        0xA0, 0xB0, 0xC0, 0xD1,                          // Acknowledgment Number
        0x80, 0x18,                                      // data offset 8, PSH ACK
        0x01, 0xF6,                                      // Window 502
        0x57, 0x08,                                      // Checksum
        0x00, 0x00,                                      // Urgent Pointer
        0x01, 0x01, 0x08, 0x0A,                          // NOP, NOP, Timestamps
        0x00, 0x00, 0x10, 0x02, 0x00, 0x00, 0x20, 0x00,  // TSval, TSecr
        0x68, 0x65, 0x6C, 0x6C, 0x6F,                    // "hello"
    ]
    private static let dataV6Checksum: UInt16 = 0x7F97
    private static let dataFields = Fields(
        sourcePort: 49152, destinationPort: 80, sequenceNumber: 0x0102_0305, acknowledgmentNumber: 0xA0B0_C0D1,
        flags: [.psh, .ack], window: 502, options: options(timestamp: (0x1002, 0x2000)),
        payload: Array("hello".utf8), headerLength: 32, segmentLength: 5)

    /// FIN with ACK and no options.
    ///
    /// IPv4:
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0006 + 0014 = 0x1841D
    ///     header         C000 + 0050 + 0102 + 030A + A0B0 + C0D1 + 5011 + 01F6 + 0000 + 0000 = 0x277E4
    ///     total 0x3FC01, folded 0xFC04, complement 0x03FB
    /// IPv6:
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002 + 0014 + 0006 = 0x05B8F
    ///     header         0x277E4, as above
    ///     total 0x2D373, folded 0xD375, complement 0x2C8A
    private static let finAck: [UInt8] = [
        0xC0, 0x00, 0x00, 0x50,  // ports 49152 → 80
        0x01, 0x02, 0x03, 0x0A,  // Sequence Number
        0xA0, 0xB0, 0xC0, 0xD1,  // Acknowledgment Number
        0x50, 0x11,              // data offset 5, FIN ACK
        0x01, 0xF6,              // Window 502
        0x03, 0xFB,              // Checksum
        0x00, 0x00,              // Urgent Pointer
    ]
    private static let finAckV6Checksum: UInt16 = 0x2C8A
    private static let finAckFields = Fields(
        sourcePort: 49152, destinationPort: 80, sequenceNumber: 0x0102_030A, acknowledgmentNumber: 0xA0B0_C0D1,
        flags: [.fin, .ack], window: 502, headerLength: 20, segmentLength: 1)

    /// RST without ACK, 192.0.2.2:80 to 192.0.2.1:49152.
    ///
    /// IPv4:
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0006 + 0014 = 0x1841D
    ///     header         0050 + C000 + A0B0 + C0D1 + 0000 + 0000 + 5004 + 0000 + 0000 + 0000 = 0x271D5
    ///     total 0x3F5F2, folded 0xF5F5, complement 0x0A0A
    /// IPv6:
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002 + 0014 + 0006 = 0x05B8F
    ///     header         0x271D5, as above
    ///     total 0x2CD64, folded 0xCD66, complement 0x3299
    private static let rst: [UInt8] = [
        0x00, 0x50, 0xC0, 0x00,  // ports 80 → 49152
        0xA0, 0xB0, 0xC0, 0xD1,  // Sequence Number
        0x00, 0x00, 0x00, 0x00,  // Acknowledgment Number
        0x50, 0x04,              // data offset 5, RST
        0x00, 0x00,              // Window 0
        0x0A, 0x0A,              // Checksum
        0x00, 0x00,              // Urgent Pointer
    ]
    private static let rstV6Checksum: UInt16 = 0x3299
    private static let rstFields = Fields(
        sourcePort: 80, destinationPort: 49152, sequenceNumber: 0xA0B0_C0D1, acknowledgmentNumber: 0,
        flags: .rst, window: 0, headerLength: 20, segmentLength: 0)

    /// Each fixture with its IPv6 checksum, its fields, and whether it goes
    /// from A to B (client to server) or back.
    private static let fixtures: [(name: String, bytes: [UInt8], v6Checksum: UInt16, fields: Fields, fromA: Bool)] = [
        ("SYN", syn, synV6Checksum, synFields, true),
        ("SYN-ACK", synAck, synAckV6Checksum, synAckFields, false),
        ("ACK", ack, ackV6Checksum, ackFields, true),
        ("data", data, dataV6Checksum, dataFields, true),
        ("FIN-ACK", finAck, finAckV6Checksum, finAckFields, true),
        ("RST", rst, rstV6Checksum, rstFields, false),
    ]

    /// A SYN that Linux 6.18 sent over a TAP device from 192.0.2.1 to
    /// 192.0.2.2:80 (`connect()` from Python), copied from the frame: MSS
    /// 1460, SACK-Permitted with Timestamps, Window Scale 10.
    private static let linuxSYN: [UInt8] = [
        0xD6, 0x9E, 0x00, 0x50, 0xF0, 0xBA, 0x37, 0x66, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x02, 0xFA, 0xF0,
        0xBB, 0x27, 0x00, 0x00, 0x02, 0x04, 0x05, 0xB4, 0x04, 0x02, 0x08, 0x0A, 0x67, 0xE1, 0xA6, 0xEF,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0A,
    ]

    /// The same over IPv6, 2001:db8::1 to 2001:db8::2:80: MSS 1440.
    private static let linuxSYNv6: [UInt8] = [
        0x83, 0x72, 0x00, 0x50, 0x8E, 0xC4, 0xBB, 0x61, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x02, 0xFD, 0x20,
        0x96, 0x42, 0x00, 0x00, 0x02, 0x04, 0x05, 0xA0, 0x04, 0x02, 0x08, 0x0A, 0xBB, 0xEE, 0xCF, 0x61,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0A,
    ]

    // MARK: Reference checksum

    private static func pseudoHeader(_ source: IPv4Address, _ destination: IPv4Address, length: Int) -> [UInt8] {
        func bytes(_ a: IPv4Address) -> [UInt8] {
            [UInt8(a.rawValue >> 24), UInt8(a.rawValue >> 16 & 0xFF), UInt8(a.rawValue >> 8 & 0xFF), UInt8(a.rawValue & 0xFF)]
        }
        return bytes(source) + bytes(destination) + [0, 6, UInt8(length >> 8), UInt8(length & 0xFF)]
    }

    private static func pseudoHeader(_ source: IPv6Address, _ destination: IPv6Address, length: Int) -> [UInt8] {
        func bytes(_ a: IPv6Address) -> [UInt8] {
            (0..<8).flatMap { [UInt8(a.group($0) >> 8), UInt8(a.group($0) & 0xFF)] }
        }
        let length = UInt32(length)
        return bytes(source) + bytes(destination)
            + [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + [0, 0, 0, 6]
    }

    /// The checksum of `segment` behind `pseudoHeader`, the slow way: the
    /// Checksum field taken as zero, an odd byte padded, sixteen bits at a
    /// time with end-around carry, complemented.
    private static func referenceChecksum(pseudoHeader: [UInt8], segment: [UInt8]) -> UInt16 {
        var all = pseudoHeader + segment
        all[pseudoHeader.count + 16] = 0
        all[pseudoHeader.count + 17] = 0
        if all.count % 2 == 1 { all.append(0) }
        var sum: UInt32 = 0
        for i in stride(from: 0, to: all.count, by: 2) {
            sum += UInt32(all[i]) << 8 | UInt32(all[i + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    private static func reference(_ segment: [UInt8], _ source: IPv4Address, _ destination: IPv4Address) -> UInt16 {
        referenceChecksum(pseudoHeader: pseudoHeader(source, destination, length: segment.count), segment: segment)
    }

    private static func reference(_ segment: [UInt8], _ source: IPv6Address, _ destination: IPv6Address) -> UInt16 {
        referenceChecksum(pseudoHeader: pseudoHeader(source, destination, length: segment.count), segment: segment)
    }

    /// `segment` with its Checksum field set to `checksum`.
    private static func withChecksum(_ segment: [UInt8], _ checksum: UInt16) -> [UInt8] {
        var copy = segment
        copy[16] = UInt8(checksum >> 8)
        copy[17] = UInt8(checksum & 0xFF)
        return copy
    }

    /// `segment` with a correct IPv4 checksum, for fixtures broken on purpose elsewhere.
    private static func resummed(_ segment: [UInt8]) -> [UInt8] {
        withChecksum(segment, reference(segment, v4A, v4B))
    }

    private static func v6(_ fixture: (name: String, bytes: [UInt8], v6Checksum: UInt16, fields: Fields, fromA: Bool))
        -> [UInt8] {
        withChecksum(fixture.bytes, fixture.v6Checksum)
    }

    // MARK: Helpers

    private static func malformation(_ bytes: [UInt8], _ source: IPv4Address,
                                     _ destination: IPv4Address) -> TCPHeader.Malformation? {
        bytes.withUnsafeBytes { raw in
            do throws(TCPHeader.Malformation) {
                _ = try TCPHeader(raw, source: source, destination: destination)
                return nil
            } catch {
                return error
            }
        }
    }

    private static func malformation(_ bytes: [UInt8], _ source: IPv6Address,
                                     _ destination: IPv6Address) -> TCPHeader.Malformation? {
        bytes.withUnsafeBytes { raw in
            do throws(TCPHeader.Malformation) {
                _ = try TCPHeader(raw, source: source, destination: destination)
                return nil
            } catch {
                return error
            }
        }
    }

    private static func fields(_ bytes: [UInt8], _ source: IPv4Address, _ destination: IPv4Address) throws -> Fields {
        try bytes.withUnsafeBytes { try Fields(TCPHeader($0, source: source, destination: destination)) }
    }

    private static func fields(_ bytes: [UInt8], _ source: IPv6Address, _ destination: IPv6Address) throws -> Fields {
        try bytes.withUnsafeBytes { try Fields(TCPHeader($0, source: source, destination: destination)) }
    }

    private static func checksumField(_ bytes: [UInt8], _ source: IPv4Address, _ destination: IPv4Address) throws
        -> UInt16 {
        try bytes.withUnsafeBytes { try TCPHeader($0, source: source, destination: destination).checksum }
    }

    /// `fields.payload` behind a header's room of 0xEE bytes, so a header
    /// byte `emit` forgot to write shows up, with the header written by `emit`.
    private static func emitted(_ fields: Fields, _ emit: (UnsafeMutableRawBufferPointer) -> Void) -> [UInt8] {
        let room = TCPHeader.minimumLength + fields.options.encodedLength
        var buffer = [UInt8](repeating: 0xEE, count: room) + fields.payload
        buffer.withUnsafeMutableBytes { emit($0) }
        return buffer
    }

    private static func emitted(_ fields: Fields, _ source: IPv4Address, _ destination: IPv4Address) -> [UInt8] {
        emitted(fields) {
            TCPHeader.emit(into: $0, sourcePort: fields.sourcePort, destinationPort: fields.destinationPort,
                           sequenceNumber: TCPSeq(fields.sequenceNumber),
                           acknowledgmentNumber: TCPSeq(fields.acknowledgmentNumber), flags: fields.flags,
                           window: fields.window, options: fields.options, source: source, destination: destination)
        }
    }

    private static func emitted(_ fields: Fields, _ source: IPv6Address, _ destination: IPv6Address) -> [UInt8] {
        emitted(fields) {
            TCPHeader.emit(into: $0, sourcePort: fields.sourcePort, destinationPort: fields.destinationPort,
                           sequenceNumber: TCPSeq(fields.sequenceNumber),
                           acknowledgmentNumber: TCPSeq(fields.acknowledgmentNumber), flags: fields.flags,
                           window: fields.window, options: fields.options, source: source, destination: destination)
        }
    }

    // MARK: Fixtures against the reference

    @Test func handWorkedChecksumsMatchTheReference() {
        for fixture in Self.fixtures {
            let (v4Source, v4Destination) = fixture.fromA ? (Self.v4A, Self.v4B) : (Self.v4B, Self.v4A)
            let (v6Source, v6Destination) = fixture.fromA ? (Self.v6A, Self.v6B) : (Self.v6B, Self.v6A)
            let v4Field = UInt16(fixture.bytes[16]) << 8 | UInt16(fixture.bytes[17])
            #expect(Self.reference(fixture.bytes, v4Source, v4Destination) == v4Field, "\(fixture.name)")
            #expect(Self.reference(fixture.bytes, v6Source, v6Destination) == fixture.v6Checksum, "\(fixture.name)")
        }
        #expect(Self.reference(Self.linuxSYN, Self.v4A, Self.v4B) == 0xBB27)
        #expect(Self.reference(Self.linuxSYNv6, Self.v6A, Self.v6B) == 0x9642)
    }

    @Test func ipv4PseudoHeaderSumForTCP() {
        // The pseudo-header line of the SYN: 0x18431 folds to 0x8432.
        let sum = IPv4Header.pseudoHeaderSum(source: Self.v4A, destination: Self.v4B, upperLayerLength: 40,
                                             protocolNumber: .tcp)
        #expect(sum.folded == 0x8432)
    }

    // MARK: Parsing

    @Test func parsesEveryFormOverIPv4() throws {
        for fixture in Self.fixtures {
            let (source, destination) = fixture.fromA ? (Self.v4A, Self.v4B) : (Self.v4B, Self.v4A)
            #expect(try Self.fields(fixture.bytes, source, destination) == fixture.fields, "\(fixture.name)")
            let checksum = UInt16(fixture.bytes[16]) << 8 | UInt16(fixture.bytes[17])
            #expect(try Self.checksumField(fixture.bytes, source, destination) == checksum, "\(fixture.name)")
        }
    }

    @Test func parsesEveryFormOverIPv6() throws {
        for fixture in Self.fixtures {
            let (source, destination) = fixture.fromA ? (Self.v6A, Self.v6B) : (Self.v6B, Self.v6A)
            #expect(try Self.fields(Self.v6(fixture), source, destination) == fixture.fields, "\(fixture.name)")
        }
    }

    @Test func parsesALinuxSYN() throws {
        let v4 = try Self.fields(Self.linuxSYN, Self.v4A, Self.v4B)
        #expect(v4 == Fields(sourcePort: 54942, destinationPort: 80, sequenceNumber: 0xF0BA_3766,
                             acknowledgmentNumber: 0, flags: .syn, window: 64240,
                             options: Self.options(mss: 1460, windowScale: 10, sackPermitted: true,
                                                   timestamp: (0x67E1_A6EF, 0)),
                             headerLength: 40, segmentLength: 1))
        let v6 = try Self.fields(Self.linuxSYNv6, Self.v6A, Self.v6B)
        #expect(v6 == Fields(sourcePort: 33650, destinationPort: 80, sequenceNumber: 0x8EC4_BB61,
                             acknowledgmentNumber: 0, flags: .syn, window: 64800,
                             options: Self.options(mss: 1440, windowScale: 10, sackPermitted: true,
                                                   timestamp: (0xBBEE_CF61, 0)),
                             headerLength: 40, segmentLength: 1))
    }

    @Test func emitsALinuxSYNByteForByte() throws {
        let v4 = try Self.fields(Self.linuxSYN, Self.v4A, Self.v4B)
        #expect(Self.emitted(v4, Self.v4A, Self.v4B) == Self.linuxSYN)
        let v6 = try Self.fields(Self.linuxSYNv6, Self.v6A, Self.v6B)
        #expect(Self.emitted(v6, Self.v6A, Self.v6B) == Self.linuxSYNv6)
    }

    @Test func reservedBitsAreNeitherLengthNorFlags() throws {
        // The low nibble of byte 12 (reserved, and AccECN's AE bit) does not
        // change the data offset, and is not a control bit.
        var segment = Self.finAck
        segment[12] = 0x5F
        let fields = try Self.fields(Self.resummed(segment), Self.v4A, Self.v4B)
        #expect(fields.headerLength == 20)
        #expect(fields.flags == [.fin, .ack])
    }

    @Test func checksumZeroIsAnOrdinarySum() throws {
        // Two payload bytes equal to the checksum over the rest make the
        // sum all ones, so the field computes to 0; TCP has no "no checksum"
        // value and sends 0 as it is.
        var fields = Self.finAckFields
        fields.payload = [0, 0]
        let first = Self.emitted(fields, Self.v4A, Self.v4B)
        fields.payload = [first[16], first[17]]
        let zero = Self.emitted(fields, Self.v4A, Self.v4B)
        #expect(zero[16] == 0 && zero[17] == 0)
        #expect(Self.reference(zero, Self.v4A, Self.v4B) == 0)
        #expect(try Self.checksumField(zero, Self.v4A, Self.v4B) == 0)
    }

    // MARK: SEG.LEN

    @Test func segmentLengthCountsSYNAndFIN() throws {
        for (flags, payload, expected) in [
            (TCPFlags.syn, 0, 1), ([.syn, .ack], 0, 1), (.ack, 0, 0), ([.fin, .ack], 0, 1), (.rst, 0, 0),
            ([.psh, .ack], 100, 100), ([.fin, .ack], 100, 101), ([.syn, .fin], 0, 2), ([.syn, .fin], 7, 9),
            ([.syn, .fin, .rst, .psh, .ack, .urg, .ece, .cwr], 3, 5),
        ] as [(TCPFlags, Int, Int)] {
            let fields = Fields(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4,
                                flags: flags, window: 5, payload: [UInt8](repeating: 0x5A, count: payload),
                                headerLength: 20, segmentLength: expected)
            let v4 = Self.emitted(fields, Self.v4A, Self.v4B)
            #expect(try Self.fields(v4, Self.v4A, Self.v4B).segmentLength == expected, "\(flags)")
            let v6 = Self.emitted(fields, Self.v6A, Self.v6B)
            #expect(try Self.fields(v6, Self.v6A, Self.v6B).segmentLength == expected, "\(flags)")
        }
    }

    // MARK: Emitting

    @Test func emitsEveryFormByteExact() {
        for fixture in Self.fixtures {
            let (v4Source, v4Destination) = fixture.fromA ? (Self.v4A, Self.v4B) : (Self.v4B, Self.v4A)
            let (v6Source, v6Destination) = fixture.fromA ? (Self.v6A, Self.v6B) : (Self.v6B, Self.v6A)
            #expect(Self.emitted(fixture.fields, v4Source, v4Destination) == fixture.bytes, "\(fixture.name)")
            #expect(Self.emitted(fixture.fields, v6Source, v6Destination) == Self.v6(fixture), "\(fixture.name)")
        }
    }

    @Test func urgentPointerIsAlwaysZero() throws {
        var fields = Self.dataFields
        fields.flags.insert(.urg)
        let segment = Self.emitted(fields, Self.v4A, Self.v4B)
        #expect(segment[18] == 0 && segment[19] == 0)
        #expect(try Self.fields(segment, Self.v4A, Self.v4B).urgentPointer == 0)
    }

    // MARK: Round trips

    /// Random options of every kind; `emit` drops the SACK blocks that do
    /// not fit, so the expectation keeps only those.
    private static func randomOptions(_ random: inout SeededRandom) -> TCPOptions {
        var options = TCPOptions()
        if Bool.random(using: &random) { options.maximumSegmentSize = UInt16.random(in: 0...UInt16.max, using: &random) }
        if Bool.random(using: &random) { options.windowScale = UInt8.random(in: 0...UInt8.max, using: &random) }
        options.sackPermitted = Bool.random(using: &random)
        if Bool.random(using: &random) {
            options.timestamp = TCPTimestampOption(value: UInt32.random(in: 0...UInt32.max, using: &random),
                                                   echoReply: UInt32.random(in: 0...UInt32.max, using: &random))
        }
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let start = UInt32.random(in: 0...UInt32.max, using: &random)
            options.sackBlocks.append(TCPSACKBlock(start: TCPSeq(start),
                                                   end: TCPSeq(start &+ UInt32.random(in: 1...65535, using: &random))))
        }
        // The slots besides SACK, and what room for blocks they leave after the SACK slot's own 4 bytes.
        let fixed = (options.maximumSegmentSize != nil ? 4 : 0) + (options.windowScale != nil ? 4 : 0)
            + (options.timestamp != nil ? 12 : options.sackPermitted ? 4 : 0)
        options.sackBlocks.truncate(to: (40 - fixed - 4) / 8)
        return options
    }

    @Test func roundTripsEveryForm() throws {
        var random = SeededRandom(seed: 9293)
        let forms: [TCPFlags] = [.syn, [.syn, .ack], .ack, [.psh, .ack], [.fin, .ack], .rst, [.rst, .ack],
                                 [.syn, .ece, .cwr], [.syn, .ack, .ece], [.ack, .cwr], [.fin, .psh, .ack]]
        for flags in forms {
            for payloadLength in [0, 1, 2, 3, 63, 64, 65, 1_448] {
                let payload = (0..<payloadLength).map { _ in UInt8.random(in: 0...255, using: &random) }
                let options = Self.randomOptions(&random)
                let segmentLength = payloadLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
                let fields = Fields(sourcePort: UInt16.random(in: 0...UInt16.max, using: &random),
                                    destinationPort: UInt16.random(in: 0...UInt16.max, using: &random),
                                    sequenceNumber: UInt32.random(in: 0...UInt32.max, using: &random),
                                    acknowledgmentNumber: UInt32.random(in: 0...UInt32.max, using: &random),
                                    flags: flags, window: UInt16.random(in: 0...UInt16.max, using: &random),
                                    options: options, payload: payload,
                                    headerLength: 20 + options.encodedLength, segmentLength: segmentLength)
                let v4 = Self.emitted(fields, Self.v4A, Self.v4B)
                #expect(try Self.fields(v4, Self.v4A, Self.v4B) == fields, "\(flags) \(payloadLength)")
                #expect(Self.reference(v4, Self.v4A, Self.v4B) == UInt16(v4[16]) << 8 | UInt16(v4[17]))
                let v6 = Self.emitted(fields, Self.v6A, Self.v6B)
                #expect(try Self.fields(v6, Self.v6A, Self.v6B) == fields, "\(flags) \(payloadLength)")
                #expect(Self.reference(v6, Self.v6A, Self.v6B) == UInt16(v6[16]) << 8 | UInt16(v6[17]))
            }
        }
    }

    @Test func emitsTheLargestIPv4Segment() throws {
        // 65,535 bytes is what the pseudo-header's 16-bit length can carry.
        let payload = [UInt8](repeating: 0xA5, count: 65_535 - 20)
        let fields = Fields(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4,
                            flags: .ack, window: 5, payload: payload, headerLength: 20, segmentLength: payload.count)
        let v4 = Self.emitted(fields, Self.v4A, Self.v4B)
        #expect(try Self.fields(v4, Self.v4A, Self.v4B) == fields)
        // One byte more cannot be an IPv4 segment; it is refused, not trapped on.
        #expect(Self.malformation(v4 + [0], Self.v4A, Self.v4B) == .badChecksum)
        // IPv6 has a 32-bit length (jumbograms), so the same is fine there.
        var big = fields
        big.payload.append(0x5A)
        big.segmentLength += 1
        let v6 = Self.emitted(big, Self.v6A, Self.v6B)
        #expect(try Self.fields(v6, Self.v6A, Self.v6B) == big)
    }

    // MARK: Malformations

    @Test func truncated() {
        for count in 0..<TCPHeader.minimumLength {
            #expect(Self.malformation(Array(Self.syn[0..<count]), Self.v4A, Self.v4B) == .truncated)
            #expect(Self.malformation(Array(Self.v6(Self.fixtures[0])[0..<count]), Self.v6A, Self.v6B) == .truncated)
        }
    }

    @Test func dataOffsetBelowFiveWords() {
        for offset in UInt8(0)..<5 {
            var segment = Self.finAck
            segment[12] = offset << 4 | (segment[12] & 0x0F)
            #expect(Self.malformation(Self.resummed(segment), Self.v4A, Self.v4B) == .badDataOffset)
            #expect(Self.malformation(segment, Self.v6A, Self.v6B) == .badDataOffset)
        }
    }

    @Test func dataOffsetPastTheEnd() {
        // The SYN's 40-byte header cut to 36 bytes; a bare header claiming options.
        let cut = Array(Self.syn[0..<36])
        #expect(Self.malformation(Self.resummed(cut), Self.v4A, Self.v4B) == .badDataOffset)
        var claims = Self.rst
        claims[12] = 0x60
        #expect(Self.malformation(Self.resummed(claims), Self.v4A, Self.v4B) == .badDataOffset)
        claims[12] = 0xF0
        #expect(Self.malformation(Self.resummed(claims), Self.v4A, Self.v4B) == .badDataOffset)
        #expect(Self.malformation(claims, Self.v6A, Self.v6B) == .badDataOffset)
    }

    @Test func badOption() {
        // The SYN's Window Scale slot (01 03 03 07) replaced by a NOP and an
        // option of length 0, 1, or 4 running past the end.
        for bad: [UInt8] in [[0x01, 0x03, 0x00, 0x07], [0x01, 0x03, 0x01, 0x07], [0x01, 0x03, 0x04, 0x07],
                             [0x01, 0x01, 0x01, 0x03]] {
            var segment = Self.syn
            segment.replaceSubrange(36..<40, with: bad)
            #expect(Self.malformation(Self.resummed(segment), Self.v4A, Self.v4B) == .badOption, "\(bad)")
            let v6 = Self.withChecksum(segment, Self.reference(segment, Self.v6A, Self.v6B))
            #expect(Self.malformation(v6, Self.v6A, Self.v6B) == .badOption, "\(bad)")
        }
    }

    @Test func everyMalformationHasACause() {
        let causes: [[UInt8]] = [
            Array(Self.syn[0..<19]),
            Self.resummed(Array(Self.syn[0..<36])),
            Self.withChecksum(Self.syn, 0xF4B5),
            Self.resummed(Array(Self.syn[0..<36]) + [0x01, 0x01, 0x01, 0x03]),
        ]
        let seen = causes.map { Self.malformation($0, Self.v4A, Self.v4B) }
        #expect(seen == TCPHeader.Malformation.allCases.map { $0 })
    }

    @Test func everySingleBitErrorIsRejected() {
        // Flipping any one bit of the segment, Checksum included, is caught,
        // as the one's-complement sum detects every single-bit error. Lengths
        // are checked first, so a flip in the data offset may be reported as
        // that instead.
        for fixture in Self.fixtures {
            let (v4Source, v4Destination) = fixture.fromA ? (Self.v4A, Self.v4B) : (Self.v4B, Self.v4A)
            let (v6Source, v6Destination) = fixture.fromA ? (Self.v6A, Self.v6B) : (Self.v6B, Self.v6A)
            for bit in 0..<(fixture.bytes.count * 8) {
                var v4 = fixture.bytes
                v4[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
                let v4Error = Self.malformation(v4, v4Source, v4Destination)
                #expect(v4Error == .badChecksum || (bit / 8 == 12 && v4Error == .badDataOffset),
                        "\(fixture.name) bit \(bit)")
                var v6 = Self.v6(fixture)
                v6[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
                let v6Error = Self.malformation(v6, v6Source, v6Destination)
                #expect(v6Error == .badChecksum || (bit / 8 == 12 && v6Error == .badDataOffset),
                        "\(fixture.name) bit \(bit)")
            }
        }
    }

    @Test func checksumCoversTheAddresses() {
        #expect(Self.malformation(Self.syn, Self.v4A, Self.v4C) == .badChecksum)
        #expect(Self.malformation(Self.syn, Self.v4C, Self.v4B) == .badChecksum)
        #expect(Self.malformation(Self.syn, Self.v4B, Self.v4A) == nil)  // the sum is symmetric in the addresses
        let v6 = Self.v6(Self.fixtures[0])
        #expect(Self.malformation(v6, Self.v6A, Self.v6C) == .badChecksum)
        #expect(Self.malformation(v6, Self.v6C, Self.v6B) == .badChecksum)
        // Each family's sum is its own.
        #expect(Self.malformation(Self.syn, Self.v6A, Self.v6B) == .badChecksum)
        #expect(Self.malformation(v6, Self.v4A, Self.v4B) == .badChecksum)
    }

    // MARK: Flags

    @Test func flagsBits() {
        let expected: [(TCPFlags, UInt8)] = [(.fin, 0x01), (.syn, 0x02), (.rst, 0x04), (.psh, 0x08), (.ack, 0x10),
                                             (.urg, 0x20), (.ece, 0x40), (.cwr, 0x80)]
        for (flag, raw) in expected { #expect(flag.rawValue == raw) }
    }

    @Test func flagsDescription() {
        #expect(TCPFlags([.syn, .ack]).description == "SYN,ACK")
        #expect(TCPFlags([.ack, .fin]).description == "FIN,ACK")
        #expect(TCPFlags.rst.description == "RST")
        #expect(TCPFlags(rawValue: 0xFF).description == "FIN,SYN,RST,PSH,ACK,URG,ECE,CWR")
        #expect(TCPFlags().description == "none")
    }
}
