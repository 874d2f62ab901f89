import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct ICMPv4MessageTests {
    static let echoRequest: [UInt8] = [
        0x08,                    // type 8 (echo request)
        0x00,                    // code 0
        0x54, 0x35,              // checksum
        0x12, 0x34,              // identifier 0x1234
        0x00, 0x01,              // sequence number 1
        0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,  // data "abcdefgh"
    ]

    static let echoReply: [UInt8] = [
        0x00,                    // type 0 (echo reply)
        0x00,                    // code 0
        0x5C, 0x35,              // checksum
        0x12, 0x34,              // identifier 0x1234
        0x00, 0x01,              // sequence number 1
        0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,  // data "abcdefgh"
    ]

    static func malformation(_ bytes: [UInt8]) -> ICMPv4Message.Malformation? {
        bytes.withUnsafeBytes { (raw) -> ICMPv4Message.Malformation? in
            do throws(ICMPv4Message.Malformation) {
                _ = try ICMPv4Message(raw)
                return nil
            } catch {
                return error
            }
        }
    }

    /// The message `emitEcho` makes over a buffer whose body is "abcdefgh".
    static func emitted(_ type: ICMPv4Type) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: 8) + Array("abcdefgh".utf8)
        buffer.withUnsafeMutableBytes { raw in
            ICMPv4Message.emitEcho(into: raw, type: type, identifier: 0x1234, sequenceNumber: 1)
        }
        return buffer
    }

    @Test func deconstructsEchoRequest() throws {
        try Self.echoRequest.withUnsafeBytes { raw in
            let message = try ICMPv4Message(raw)
            #expect(message.type == .echoRequest)
            #expect(message.code == 0)
            #expect(message.checksum == 0x5435)
            #expect(message.identifier == 0x1234)
            #expect(message.sequenceNumber == 1)
            #expect(Array(message.body) == Array("abcdefgh".utf8))
        }
    }

    @Test func deconstructsEchoReply() throws {
        try Self.echoReply.withUnsafeBytes { raw in
            let message = try ICMPv4Message(raw)
            #expect(message.type == .echoReply)
            #expect(message.code == 0)
            #expect(message.checksum == 0x5C35)
            #expect(message.identifier == 0x1234)
            #expect(message.sequenceNumber == 1)
            #expect(Array(message.body) == Array("abcdefgh".utf8))
        }
    }

    @Test func emitEchoRequestByteExact() {
        #expect(Self.emitted(.echoRequest) == Self.echoRequest)
    }

    @Test func emitEchoReplyByteExact() {
        #expect(Self.emitted(.echoReply) == Self.echoReply)
    }

    @Test func emitOddLengthBodyVerifies() throws {
        // An odd number of data bytes: the checksum pads the last with zero.
        var buffer = [UInt8](repeating: 0, count: 8) + [0x01, 0x02, 0x03]
        buffer.withUnsafeMutableBytes { raw in
            ICMPv4Message.emitEcho(into: raw, type: .echoRequest, identifier: 0xFFFF, sequenceNumber: 0xFFFE)
        }
        // 0x0800 + 0xFFFF + 0xFFFE + 0x0102 + 0x0300, folded: 0x0C01; complemented: 0xF3FE.
        #expect(Array(buffer[2...3]) == [0xF3, 0xFE])
        try buffer.withUnsafeBytes { raw in
            let message = try ICMPv4Message(raw)
            #expect(message.identifier == 0xFFFF)
            #expect(message.sequenceNumber == 0xFFFE)
            #expect(Array(message.body) == [0x01, 0x02, 0x03])
        }
    }

    @Test func headerOnlyMessageIsValid() {
        // Cutting the body off a message breaks its checksum…
        #expect(Self.malformation(Array(Self.emitted(.echoRequest)[0..<8])) == .badChecksum)
        // …but eight bytes with no body, summed as such, are a valid message.
        var bare = [UInt8](repeating: 0, count: 8)
        bare.withUnsafeMutableBytes { raw in
            ICMPv4Message.emitEcho(into: raw, type: .echoRequest, identifier: 0x1234, sequenceNumber: 1)
        }
        #expect(bare == [0x08, 0x00, 0xE5, 0xCA, 0x12, 0x34, 0x00, 0x01])
        #expect(Self.malformation(bare) == nil)
    }

    @Test func truncatedThrows() {
        #expect(Self.malformation(Array(Self.echoRequest[0..<7])) == .truncated)
        #expect(Self.malformation([]) == .truncated)
        #expect(throws: ICMPv4Message.Malformation.truncated) {
            try Array(Self.echoRequest[0..<7]).withUnsafeBytes { _ = try ICMPv4Message($0) }
        }
    }

    @Test func badChecksumThrows() {
        var bytes = Self.echoRequest
        bytes[15] ^= 0x01  // one bit of the data
        #expect(Self.malformation(bytes) == .badChecksum)
        var field = Self.echoRequest
        field[2] = 0x00; field[3] = 0x00  // checksum zeroed
        #expect(Self.malformation(field) == .badChecksum)
        #expect(Self.malformation(Self.echoRequest) == nil)
        #expect(Self.malformation(Self.echoReply) == nil)
    }
}
