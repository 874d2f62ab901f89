import Testing
@testable import TCPIP
import NetCore

/// UDP over both families. Addresses come only from 192.0.2.0/24 (RFC 5737)
/// and 2001:db8::/32 (RFC 3849). Every fixture's checksum is worked out by
/// hand in its comment and checked again against `referenceChecksum`, which
/// shares no code with `InternetChecksum` or the pseudo-header helpers.
@Suite struct UDPHeaderTests {
    // MARK: Addresses

    private static let v4A = IPv4Address(192, 0, 2, 1)
    private static let v4B = IPv4Address(192, 0, 2, 2)
    private static let v4C = IPv4Address(192, 0, 2, 3)
    private static let v6A = IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 1)
    private static let v6B = IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 2)
    private static let v6C = IPv6Address(0x2001, 0x0DB8, 0, 0, 0, 0, 0, 3)

    // MARK: Fixtures

    /// "hello" from 192.0.2.1:49152 to 192.0.2.2:7. Odd-length, so the
    /// last byte is summed as the high half of a word.
    ///
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0011 + 000D = 0x18421
    ///     header         C000 + 0007 + 000D + 0000               = 0x0C014
    ///     payload        6865 + 6C6C + 6F00                      = 0x143D1
    ///     total 0x38806, folded 0x0003 + 0x8806 = 0x8809, complement 0x77F6
    private static let v4Hello: [UInt8] = [
        0xC0, 0x00,                    // source port 49152
        0x00, 0x07,                    // destination port 7
        0x00, 0x0D,                    // Length 13
        0x77, 0xF6,                    // Checksum
        0x68, 0x65, 0x6C, 0x6C, 0x6F,  // "hello"
    ]

    /// The same datagram from 2001:db8::1 to 2001:db8::2.
    ///
    ///     pseudo-header  2001 + 0DB8 + 0001            (source)
    ///                  + 2001 + 0DB8 + 0002            (destination)
    ///                  + 0000 + 000D + 0000 + 0011     = 0x05B93
    ///     header         C000 + 0007 + 000D + 0000     = 0x0C014
    ///     payload        6865 + 6C6C + 6F00            = 0x143D1
    ///     total 0x25F78, folded 0x0002 + 0x5F78 = 0x5F7A, complement 0xA085
    private static let v6Hello: [UInt8] = [
        0xC0, 0x00,                    // source port 49152
        0x00, 0x07,                    // destination port 7
        0x00, 0x0D,                    // Length 13
        0xA0, 0x85,                    // Checksum
        0x68, 0x65, 0x6C, 0x6C, 0x6F,  // "hello"
    ]

    /// Two payload bytes chosen so the checksum computes to 0, sent as
    /// 0xFFFF; 192.0.2.1:49152 to 192.0.2.2:7.
    ///
    ///     pseudo-header  C000 + 0201 + C000 + 0202 + 0011 + 000A = 0x1841E
    ///     header         C000 + 0007 + 000A + 0000               = 0x0C011
    ///     payload        BBCE
    ///     total 0x2FFFD, folded 0x0002 + 0xFFFD = 0xFFFF, complement 0x0000
    private static let v4ZeroSum: [UInt8] = [
        0xC0, 0x00,  // source port 49152
        0x00, 0x07,  // destination port 7
        0x00, 0x0A,  // Length 10
        0xFF, 0xFF,  // Checksum: 0 computed, 0xFFFF sent
        0xBB, 0xCE,  // payload
    ]

    /// The same for 2001:db8::1 to 2001:db8::2.
    ///
    ///     pseudo-header  2001 + 0DB8 + 0001 + 2001 + 0DB8 + 0002
    ///                  + 0000 + 000A + 0000 + 0011   = 0x05B90
    ///     header         C000 + 0007 + 000A + 0000   = 0x0C011
    ///     payload        E45D
    ///     total 0x1FFFE, folded 0x0001 + 0xFFFE = 0xFFFF, complement 0x0000
    private static let v6ZeroSum: [UInt8] = [
        0xC0, 0x00,  // source port 49152
        0x00, 0x07,  // destination port 7
        0x00, 0x0A,  // Length 10
        0xFF, 0xFF,  // Checksum: 0 computed, 0xFFFF sent
        0xE4, 0x5D,  // payload
    ]

    // MARK: Reference checksum

    /// The IPv4 pseudo-header of RFC 768, laid out as bytes.
    private static func pseudoHeader(_ source: IPv4Address, _ destination: IPv4Address, length: Int) -> [UInt8] {
        func bytes(_ a: IPv4Address) -> [UInt8] {
            [UInt8(a.rawValue >> 24), UInt8(a.rawValue >> 16 & 0xFF), UInt8(a.rawValue >> 8 & 0xFF), UInt8(a.rawValue & 0xFF)]
        }
        return bytes(source) + bytes(destination) + [0, 17, UInt8(length >> 8), UInt8(length & 0xFF)]
    }

    /// The IPv6 pseudo-header of RFC 8200 §8.1, laid out as bytes.
    private static func pseudoHeader(_ source: IPv6Address, _ destination: IPv6Address, length: Int) -> [UInt8] {
        func bytes(_ a: IPv6Address) -> [UInt8] {
            (0..<8).flatMap { [UInt8(a.group($0) >> 8), UInt8(a.group($0) & 0xFF)] }
        }
        let length = UInt32(length)
        return bytes(source) + bytes(destination)
            + [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + [0, 0, 0, 17]
    }

    /// The checksum of `datagram` behind `pseudoHeader`, the slow way: the
    /// Checksum field taken as zero, an odd byte padded, sixteen bits at a
    /// time with end-around carry, complemented. Not yet mapped 0 → 0xFFFF.
    private static func referenceChecksum(pseudoHeader: [UInt8], datagram: [UInt8]) -> UInt16 {
        var all = pseudoHeader + datagram
        all[pseudoHeader.count + 6] = 0
        all[pseudoHeader.count + 7] = 0
        if all.count % 2 == 1 { all.append(0) }
        var sum: UInt32 = 0
        for i in stride(from: 0, to: all.count, by: 2) {
            sum += UInt32(all[i]) << 8 | UInt32(all[i + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// The Checksum field as the datagram should carry it.
    private static func expectedField(_ datagram: [UInt8], _ source: IPv4Address, _ destination: IPv4Address) -> UInt16 {
        let sum = referenceChecksum(pseudoHeader: pseudoHeader(source, destination, length: datagram.count),
                                    datagram: datagram)
        return sum == 0 ? 0xFFFF : sum
    }

    private static func expectedField(_ datagram: [UInt8], _ source: IPv6Address, _ destination: IPv6Address) -> UInt16 {
        let sum = referenceChecksum(pseudoHeader: pseudoHeader(source, destination, length: datagram.count),
                                    datagram: datagram)
        return sum == 0 ? 0xFFFF : sum
    }

    // MARK: Helpers

    private static func malformation(_ bytes: [UInt8], _ source: IPv4Address,
                                     _ destination: IPv4Address) -> UDPHeader.Malformation? {
        bytes.withUnsafeBytes { raw in
            do throws(UDPHeader.Malformation) {
                _ = try UDPHeader(raw, source: source, destination: destination)
                return nil
            } catch {
                return error
            }
        }
    }

    private static func malformation(_ bytes: [UInt8], _ source: IPv6Address,
                                     _ destination: IPv6Address) -> UDPHeader.Malformation? {
        bytes.withUnsafeBytes { raw in
            do throws(UDPHeader.Malformation) {
                _ = try UDPHeader(raw, source: source, destination: destination)
                return nil
            } catch {
                return error
            }
        }
    }

    /// What the accessors of a valid datagram show, copied out of the view.
    private struct Fields: Equatable {
        var sourcePort: UInt16, destinationPort: UInt16, lengthField: Int, checksum: UInt16
        var viewCount: Int, payload: [UInt8]

        init(_ header: UDPHeader) {
            sourcePort = header.sourcePort
            destinationPort = header.destinationPort
            lengthField = header.lengthField
            checksum = header.checksum
            viewCount = header.bytes.count
            payload = Array(header.payload)
        }

        init(sourcePort: UInt16, destinationPort: UInt16, lengthField: Int, checksum: UInt16, payload: [UInt8]) {
            self.sourcePort = sourcePort
            self.destinationPort = destinationPort
            self.lengthField = lengthField
            self.checksum = checksum
            viewCount = lengthField
            self.payload = payload
        }
    }

    private static func fields(_ bytes: [UInt8], _ source: IPv4Address, _ destination: IPv4Address) throws -> Fields {
        try bytes.withUnsafeBytes { try Fields(UDPHeader($0, source: source, destination: destination)) }
    }

    private static func fields(_ bytes: [UInt8], _ source: IPv6Address, _ destination: IPv6Address) throws -> Fields {
        try bytes.withUnsafeBytes { try Fields(UDPHeader($0, source: source, destination: destination)) }
    }

    /// `payload` behind eight bytes of 0xEE, so a header field `emit` forgot
    /// to write shows up, with the header written by `emit`.
    private static func emitted(_ payload: [UInt8], _ emit: (UnsafeMutableRawBufferPointer) -> Void) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: UDPHeader.length) + payload
        buffer.withUnsafeMutableBytes { emit($0) }
        return buffer
    }

    private static let hello = Array("hello".utf8)

    // MARK: Fixtures against the reference

    @Test func handWorkedChecksumsMatchTheReference() {
        #expect(Self.expectedField(Self.v4Hello, Self.v4A, Self.v4B) == 0x77F6)
        #expect(Self.expectedField(Self.v6Hello, Self.v6A, Self.v6B) == 0xA085)
        #expect(Self.referenceChecksum(pseudoHeader: Self.pseudoHeader(Self.v4A, Self.v4B, length: 10),
                                       datagram: Self.v4ZeroSum) == 0)
        #expect(Self.referenceChecksum(pseudoHeader: Self.pseudoHeader(Self.v6A, Self.v6B, length: 10),
                                       datagram: Self.v6ZeroSum) == 0)
    }

    @Test func ipv4PseudoHeaderSum() {
        // The pseudo-header line of v4Hello: 0x18421 folds to 0x8422.
        let sum = IPv4Header.pseudoHeaderSum(source: Self.v4A, destination: Self.v4B, upperLayerLength: 13,
                                             protocolNumber: .udp)
        #expect(sum.folded == 0x8422)
    }

    // MARK: Parsing

    @Test func parsesIPv4() throws {
        let fields = try Self.fields(Self.v4Hello, Self.v4A, Self.v4B)
        #expect(fields == Fields(sourcePort: 49152, destinationPort: 7, lengthField: 13, checksum: 0x77F6,
                                 payload: Self.hello))
    }

    @Test func parsesIPv6() throws {
        let fields = try Self.fields(Self.v6Hello, Self.v6A, Self.v6B)
        #expect(fields == Fields(sourcePort: 49152, destinationPort: 7, lengthField: 13, checksum: 0xA085,
                                 payload: Self.hello))
    }

    @Test func emptyPayload() throws {
        let v4 = Self.emitted([]) {
            UDPHeader.emit(into: $0, sourcePort: 1, destinationPort: 2, source: Self.v4A, destination: Self.v4B)
        }
        #expect(try Self.fields(v4, Self.v4A, Self.v4B).payload.isEmpty)
        let v6 = Self.emitted([]) {
            UDPHeader.emit(into: $0, sourcePort: 1, destinationPort: 2, source: Self.v6A, destination: Self.v6B)
        }
        #expect(try Self.fields(v6, Self.v6A, Self.v6B).payload.isEmpty)
    }

    // MARK: Emitting

    @Test func emitIPv4ByteExact() {
        let datagram = Self.emitted(Self.hello) {
            UDPHeader.emit(into: $0, sourcePort: 49152, destinationPort: 7, source: Self.v4A, destination: Self.v4B)
        }
        #expect(datagram == Self.v4Hello)
    }

    @Test func emitIPv6ByteExact() {
        let datagram = Self.emitted(Self.hello) {
            UDPHeader.emit(into: $0, sourcePort: 49152, destinationPort: 7, source: Self.v6A, destination: Self.v6B)
        }
        #expect(datagram == Self.v6Hello)
    }

    @Test func computedZeroIsSentAsAllOnes() throws {
        let v4 = Self.emitted([0xBB, 0xCE]) {
            UDPHeader.emit(into: $0, sourcePort: 49152, destinationPort: 7, source: Self.v4A, destination: Self.v4B)
        }
        #expect(v4 == Self.v4ZeroSum)
        #expect(try Self.fields(v4, Self.v4A, Self.v4B).checksum == 0xFFFF)
        let v6 = Self.emitted([0xE4, 0x5D]) {
            UDPHeader.emit(into: $0, sourcePort: 49152, destinationPort: 7, source: Self.v6A, destination: Self.v6B)
        }
        #expect(v6 == Self.v6ZeroSum)
        #expect(try Self.fields(v6, Self.v6A, Self.v6B).checksum == 0xFFFF)
    }

    // MARK: The zero checksum

    @Test func ipv4ZeroChecksumMeansNone() throws {
        var none = Self.v4Hello
        none[6] = 0; none[7] = 0
        #expect(try Self.fields(none, Self.v4A, Self.v4B).checksum == 0)
        // Nothing is checked: neither the payload nor the addresses.
        none[12] ^= 0x01
        #expect(Self.malformation(none, Self.v4A, Self.v4C) == nil)
        #expect(try Self.fields(none, Self.v4C, Self.v4B).payload == Array("helln".utf8))
    }

    @Test func ipv6ZeroChecksumIsRejected() {
        var zeroed = Self.v6Hello
        zeroed[6] = 0; zeroed[7] = 0
        #expect(Self.malformation(zeroed, Self.v6A, Self.v6B) == .badChecksum)
        // Here the sum over the rest folds to all ones, as 0 and 0xFFFF are
        // both zero in one's complement, so only the explicit rule rejects it.
        var zeroSum = Self.v6ZeroSum
        zeroSum[6] = 0; zeroSum[7] = 0
        #expect(Self.malformation(zeroSum, Self.v6A, Self.v6B) == .badChecksum)
        // The same bytes over IPv4 addresses would simply carry no checksum.
        #expect(Self.malformation(zeroSum, Self.v4A, Self.v4B) == nil)
    }

    // MARK: Lengths

    @Test func truncated() {
        for count in 0..<UDPHeader.length {
            #expect(Self.malformation(Array(Self.v4Hello[0..<count]), Self.v4A, Self.v4B) == .truncated)
            #expect(Self.malformation(Array(Self.v6Hello[0..<count]), Self.v6A, Self.v6B) == .truncated)
        }
    }

    @Test func lengthBelowTheHeader() {
        for length in 0..<UDPHeader.length {
            var v4 = Self.v4Hello
            v4[4] = 0; v4[5] = UInt8(length)
            #expect(Self.malformation(v4, Self.v4A, Self.v4B) == .badLength)
            var v6 = Self.v6Hello
            v6[4] = 0; v6[5] = UInt8(length)
            #expect(Self.malformation(v6, Self.v6A, Self.v6B) == .badLength)
        }
    }

    @Test func lengthPastTheBuffer() {
        for length: [UInt8] in [[0x00, 0x0E], [0xFF, 0xFF]] {  // 14, one past; 65535
            var v4 = Self.v4Hello
            v4[4] = length[0]; v4[5] = length[1]
            #expect(Self.malformation(v4, Self.v4A, Self.v4B) == .badLength)
            var v6 = Self.v6Hello
            v6[4] = length[0]; v6[5] = length[1]
            #expect(Self.malformation(v6, Self.v6A, Self.v6B) == .badLength)
        }
        // The header alone, with Length claiming more.
        #expect(Self.malformation(Array(Self.v4Hello[0..<8]), Self.v4A, Self.v4B) == .badLength)
        #expect(Self.malformation(Array(Self.v6Hello[0..<8]), Self.v6A, Self.v6B) == .badLength)
    }

    @Test func paddingPastLengthIsExcluded() throws {
        // Non-zero padding: were it summed, the checksum would fail.
        let padding: [UInt8] = [0xDE, 0xAD, 0xBE]
        let v4 = try Self.fields(Self.v4Hello + padding, Self.v4A, Self.v4B)
        #expect(v4.viewCount == 13)
        #expect(v4.payload == Self.hello)
        let v6 = try Self.fields(Self.v6Hello + padding, Self.v6A, Self.v6B)
        #expect(v6.viewCount == 13)
        #expect(v6.payload == Self.hello)
    }

    // MARK: Checksum

    @Test func badChecksum() {
        for (offset, bit) in [(12, UInt8(0x01)), (0, 0x80), (3, 0x01), (7, 0x01)] {  // payload, ports, Checksum
            var v4 = Self.v4Hello
            v4[offset] ^= bit
            #expect(Self.malformation(v4, Self.v4A, Self.v4B) == .badChecksum)
            var v6 = Self.v6Hello
            v6[offset] ^= bit
            #expect(Self.malformation(v6, Self.v6A, Self.v6B) == .badChecksum)
        }
        // The pseudo-header is covered: another address breaks the sum.
        #expect(Self.malformation(Self.v4Hello, Self.v4A, Self.v4C) == .badChecksum)
        #expect(Self.malformation(Self.v4Hello, Self.v4C, Self.v4B) == .badChecksum)
        #expect(Self.malformation(Self.v6Hello, Self.v6A, Self.v6C) == .badChecksum)
        #expect(Self.malformation(Self.v6Hello, Self.v6C, Self.v6B) == .badChecksum)
        // Each family's sum is its own: the IPv4 datagram fails over IPv6.
        #expect(Self.malformation(Self.v4Hello, Self.v6A, Self.v6B) == .badChecksum)
    }

    // MARK: Round trip

    /// Lengths 0–130 reach every tail of the 64-byte summing loop, odd and
    /// even; 65,527 is the largest payload Length can describe.
    @Test func roundTrip() throws {
        var random = SeededRandom(seed: 768)
        for payloadLength in Array(0...130) + [1_472, 65_527] {
            let payload = (0..<payloadLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            let sourcePort = UInt16.random(in: 0...UInt16.max, using: &random)
            let destinationPort = UInt16.random(in: 1...UInt16.max, using: &random)
            let expected = Fields(sourcePort: sourcePort, destinationPort: destinationPort,
                                  lengthField: UDPHeader.length + payloadLength, checksum: 0, payload: payload)

            let v4 = Self.emitted(payload) {
                UDPHeader.emit(into: $0, sourcePort: sourcePort, destinationPort: destinationPort,
                               source: Self.v4A, destination: Self.v4B)
            }
            var v4Expected = expected
            v4Expected.checksum = Self.expectedField(v4, Self.v4A, Self.v4B)
            #expect(try Self.fields(v4, Self.v4A, Self.v4B) == v4Expected, "IPv4, \(payloadLength) bytes")

            let v6 = Self.emitted(payload) {
                UDPHeader.emit(into: $0, sourcePort: sourcePort, destinationPort: destinationPort,
                               source: Self.v6A, destination: Self.v6B)
            }
            var v6Expected = expected
            v6Expected.checksum = Self.expectedField(v6, Self.v6A, Self.v6B)
            #expect(try Self.fields(v6, Self.v6A, Self.v6B) == v6Expected, "IPv6, \(payloadLength) bytes")
        }
    }
}
