import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct ICMPv6MessageTests {
    /// An echo request from 2001:db8::1 to 2001:db8::2.
    static let echoRequest: [UInt8] = V6.checksummed([
        0x80,                    // type 128 (echo request)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x12, 0x34,              // identifier 0x1234
        0x00, 0x01,              // sequence number 1
        0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,  // data "abcdefgh"
    ], source: V6.docA, destination: V6.docB)

    /// Its reply, from 2001:db8::2 to 2001:db8::1.
    static let echoReply: [UInt8] = V6.checksummed([
        0x81,                    // type 129 (echo reply)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x12, 0x34,              // identifier 0x1234
        0x00, 0x01,              // sequence number 1
        0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,  // data "abcdefgh"
    ], source: V6.docB, destination: V6.docA)

    /// A router (2001:db8::fe) telling 2001:db8::1 that the UDP packet of
    /// IPv6HeaderTests did not fit a 1280-byte link.
    static let packetTooBig: [UInt8] = V6.checksummed([
        0x02,                    // type 2 (packet too big)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x00, 0x00, 0x05, 0x00,  // MTU 1280
    ] + IPv6HeaderTests.packet,  // the invoking packet, all 48 bytes of it
    source: V6.docRouter, destination: V6.docA)

    static func malformation(_ bytes: [UInt8], source: [UInt8] = V6.docA,
                             destination: [UInt8] = V6.docB) -> ICMPv6Message.Malformation? {
        V6.icmpMalformation(bytes, source: source, destination: destination)
    }

    /// Runs `body` over the message view of `bytes`, which must be valid.
    static func withMessage<R>(_ bytes: [UInt8], source: [UInt8], destination: [UInt8],
                               _ body: (ICMPv6Message) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { raw in
            try body(try ICMPv6Message(raw, source: V6.address(source), destination: V6.address(destination)))
        }
    }

    @Test func deconstructsEchoRequest() throws {
        try Self.withMessage(Self.echoRequest, source: V6.docA, destination: V6.docB) { message in
            #expect(message.type == .echoRequest)
            #expect(!message.type.isError)
            #expect(message.code == 0)
            #expect(message.checksum == V6.referenceChecksum(Self.echoRequest, source: V6.docA, destination: V6.docB))
            #expect(message.identifier == 0x1234)
            #expect(message.sequenceNumber == 1)
            #expect(Array(message.body) == Array("abcdefgh".utf8))
        }
    }

    @Test func deconstructsEchoReply() throws {
        try Self.withMessage(Self.echoReply, source: V6.docB, destination: V6.docA) { message in
            #expect(message.type == .echoReply)
            #expect(message.identifier == 0x1234)
            #expect(message.sequenceNumber == 1)
            #expect(Array(message.body) == Array("abcdefgh".utf8))
        }
    }

    @Test func deconstructsPacketTooBig() throws {
        try Self.withMessage(Self.packetTooBig, source: V6.docRouter, destination: V6.docA) { message in
            #expect(message.type == .packetTooBig)
            #expect(message.type.isError)
            #expect(message.code == 0)
            #expect(message.mtu == 1280)
            #expect(Array(message.body) == IPv6HeaderTests.packet)
            // The invoking packet inside is a packet in its own right.
            let invoking = try IPv6Header(message.body)
            #expect(invoking.destination == V6.address(V6.docB))
        }
    }

    /// `body` after eight bytes of 0xEE, with the header written by `emit`.
    static func emitted(_ body: [UInt8], _ emit: (UnsafeMutableRawBufferPointer) -> Void) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: 8) + body
        buffer.withUnsafeMutableBytes { emit($0) }
        return buffer
    }

    @Test func emitEchoByteExact() {
        let request = Self.emitted(Array("abcdefgh".utf8)) {
            ICMPv6Message.emitEcho(into: $0, type: .echoRequest, identifier: 0x1234, sequenceNumber: 1,
                                   source: V6.address(V6.docA), destination: V6.address(V6.docB))
        }
        #expect(request == Self.echoRequest)
        let reply = Self.emitted(Array("abcdefgh".utf8)) {
            ICMPv6Message.emitEcho(into: $0, type: .echoReply, identifier: 0x1234, sequenceNumber: 1,
                                   source: V6.address(V6.docB), destination: V6.address(V6.docA))
        }
        #expect(reply == Self.echoReply)
    }

    @Test func emitPacketTooBigByteExact() {
        let message = Self.emitted(IPv6HeaderTests.packet) {
            ICMPv6Message.emitPacketTooBig(into: $0, mtu: 1280, source: V6.address(V6.docRouter),
                                           destination: V6.address(V6.docA))
        }
        #expect(message == Self.packetTooBig)
    }

    @Test func emitParameterProblemVerifies() throws {
        let invoking = IPv6ExtensionHeaderWalkerTests.chain(option: 0x9E)
        let message = Self.emitted(invoking) {
            ICMPv6Message.emitParameterProblem(into: $0, code: ICMPv6Message.ParameterProblemCode.unrecognizedOption,
                                               pointer: 42, source: V6.address(V6.docB),
                                               destination: V6.address(V6.docA))
        }
        #expect(Array(message[0..<2]) == [0x04, 0x02])  // type 4, code 2
        #expect(Array(message[4..<8]) == [0x00, 0x00, 0x00, 0x2A])  // pointer 42
        let reference = V6.referenceChecksum(message, source: V6.docB, destination: V6.docA)
        #expect(Array(message[2..<4]) == [UInt8(reference >> 8), UInt8(reference & 0xFF)])
        try Self.withMessage(message, source: V6.docB, destination: V6.docA) { parsed in
            #expect(parsed.type == .parameterProblem)
            #expect(parsed.code == 2)
            #expect(parsed.pointer == 42)
            #expect(Array(parsed.body) == invoking)
        }
    }

    @Test func checksumIgnoresWhatTheFieldHolds() {
        var bytes = Self.echoRequest
        bytes[2] = 0xAB; bytes[3] = 0xCD
        let computed = bytes.withUnsafeBytes {
            ICMPv6Message.checksum($0, source: V6.address(V6.docA), destination: V6.address(V6.docB))
        }
        #expect(computed == V6.referenceChecksum(Self.echoRequest, source: V6.docA, destination: V6.docB))
    }

    @Test func oddLengthBody() throws {
        let message = Self.emitted([0x01, 0x02, 0x03]) {
            ICMPv6Message.emitEcho(into: $0, type: .echoRequest, identifier: 0xFFFF, sequenceNumber: 0xFFFE,
                                   source: V6.address(V6.llA), destination: V6.address(V6.llB))
        }
        #expect(message == V6.checksummed(message, source: V6.llA, destination: V6.llB))
        #expect(Self.malformation(message, source: V6.llA, destination: V6.llB) == nil)
    }

    @Test func truncatedThrows() {
        #expect(Self.malformation(Array(Self.echoRequest[0..<7])) == .truncated)
        #expect(Self.malformation([]) == .truncated)
        #expect(throws: ICMPv6Message.Malformation.truncated) {
            try Array(Self.echoRequest[0..<7]).withUnsafeBytes {
                _ = try ICMPv6Message($0, source: V6.address(V6.docA), destination: V6.address(V6.docB))
            }
        }
    }

    @Test func badChecksumThrows() {
        #expect(Self.malformation(Self.echoRequest) == nil)
        var data = Self.echoRequest
        data[15] ^= 0x01  // one bit of the data
        #expect(Self.malformation(data) == .badChecksum)
        var field = Self.echoRequest
        field[2] = 0x00; field[3] = 0x00  // checksum zeroed
        #expect(Self.malformation(field) == .badChecksum)
        // The pseudo-header is covered: another destination breaks it…
        #expect(Self.malformation(Self.echoRequest, destination: V6.docRouter) == .badChecksum)
        // …and so does another length, even when the bytes added sum to zero.
        #expect(Self.malformation(Self.echoRequest + [0x00, 0x00]) == .badChecksum)
    }

    @Test func errorAndInformationalTypes() {
        #expect(ICMPv6Type.destinationUnreachable.isError)
        #expect(ICMPv6Type.parameterProblem.isError)
        #expect(ICMPv6Type(rawValue: 127).isError)
        #expect(!ICMPv6Type.echoRequest.isError)
        #expect(!ICMPv6Type.neighborSolicitation.isError)
        #expect(!ICMPv6Type(rawValue: 255).isError)
    }
}
