import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct IPv6ExtensionHeaderWalkerTests {
    typealias Walker = IPv6ExtensionHeaderWalker

    /// An echo request (identifier 0x1234, sequence 1, "abcdefgh") from
    /// 2001:db8::1 to `destination`, its checksum filled in by the reference sum.
    static func echo(to destination: [UInt8] = V6.docB) -> [UInt8] {
        V6.checksummed([
            0x80,                    // type 128 (echo request)
            0x00,                    // code 0
            0x00, 0x00,              // checksum (filled in)
            0x12, 0x34,              // identifier 0x1234
            0x00, 0x01,              // sequence number 1
            0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,  // data "abcdefgh"
        ], source: V6.docA, destination: destination)
    }

    /// hop-by-hop → fragment → destination options → ICMPv6 echo request,
    /// from 2001:db8::1 to `destination`. The fragment header is atomic
    /// (offset 0, no M flag, RFC 6946), so the packet is whole. `option` is
    /// the type of the hop-by-hop header's experimental option (RFC 4727):
    /// 0x1E, 0x5E, 0x9E and 0xDE have action bits 00, 01, 10 and 11.
    static func chain(option: UInt8 = 0x1E, destination: [UInt8] = V6.docB) -> [UInt8] {
        let fixed: [UInt8] = [
            0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
            0x00, 0x30,              // payload length 48
            0x00,                    // next header 0 (hop-by-hop options)
            0x40,                    // hop limit 64
        ] + V6.docA + destination   // source 2001:db8::1, destination
        let hopByHop: [UInt8] = [
            0x2C,                    // 40: next header 44 (fragment)
            0x01,                    // 41: hdr ext len 1 (16 bytes)
            option, 0x02, 0xAB, 0xCD,  // 42: experimental option, 2 bytes of data
            0x00,                    // 46: Pad1
            0x01, 0x07,              // 47: PadN, 7 bytes of padding
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        let fragment: [UInt8] = [
            0x3C,                    // 56: next header 60 (destination options)
            0x00,                    // 57: reserved
            0x00, 0x00,              // 58: fragment offset 0, M flag clear
            0x12, 0x34, 0x56, 0x78,  // 60: identification 0x12345678
        ]
        let destinationOptions: [UInt8] = [
            0x3A,                    // 64: next header 58 (ICMPv6)
            0x00,                    // 65: hdr ext len 0 (8 bytes)
            0x01, 0x04,              // 66: PadN, 4 bytes of padding
            0x00, 0x00, 0x00, 0x00,
        ]
        return fixed + hopByHop + fragment + destinationOptions + echo(to: destination)  // 72: echo request
    }

    /// The chain without its fragment header: hop-by-hop → destination options → ICMPv6.
    static func unfragmentedChain() -> [UInt8] {
        var bytes = chain()
        bytes.removeSubrange(56..<64)
        bytes[5] = 0x28  // payload length 40
        bytes[40] = 0x3C  // hop-by-hop's next header 60 (destination options)
        return bytes
    }

    /// A later fragment on its own: 16 bytes of data at offset 1448 of an
    /// ICMPv6 message, more to come.
    static let laterFragment: [UInt8] = [
        0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
        0x00, 0x18,              // payload length 24
        0x2C,                    // next header 44 (fragment)
        0x40,                    // hop limit 64
    ] + V6.docA + V6.docB + [    // source 2001:db8::1, destination 2001:db8::2
        0x3A,                    // 40: next header 58 (ICMPv6, in the first fragment)
        0x00,                    // 41: reserved
        0x05, 0xA9,              // 42: fragment offset 181 units (1448 bytes), M flag set
        0x00, 0x00, 0xAB, 0xCD,  // 44: identification 0xABCD
    ] + (0xD0...0xDF).map { UInt8($0) }  // 48: 16 bytes of fragment data

    /// A routing header of type `type` with `segmentsLeft`, then an echo request.
    static func routed(type: UInt8, segmentsLeft: UInt8) -> [UInt8] {
        [
            0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
            0x00, 0x28,              // payload length 40
            0x2B,                    // next header 43 (routing)
            0x40,                    // hop limit 64
        ] + V6.docA + V6.docB + [    // source 2001:db8::1, destination 2001:db8::2
            0x3A,                    // 40: next header 58 (ICMPv6)
            0x02,                    // 41: hdr ext len 2 (24 bytes)
            type,                    // 42: routing type
            segmentsLeft,            // 43: segments left
            0x00, 0x00, 0x00, 0x00,  // 44: reserved
        ] + V6.docRouter             // 48: address[1] 2001:db8::fe
          + echo()                   // 64: echo request
    }

    /// `count` empty destination options headers, then No Next Header.
    static func destinationOptionsHeaders(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = [
            0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
            UInt8((count * 8) >> 8), UInt8((count * 8) & 0xFF),  // payload length
            count == 0 ? 0x3B : 0x3C,  // next header 60, or 59 (none) when there are no headers
            0x40,                    // hop limit 64
        ] + V6.docA + V6.docB
        for i in 0..<count {
            bytes += [
                i == count - 1 ? 0x3B : 0x3C,  // next header: another, or none after the last
                0x00,                    // hdr ext len 0 (8 bytes)
                0x01, 0x04, 0x00, 0x00, 0x00, 0x00,  // PadN, 4 bytes of padding
            ]
        }
        return bytes
    }

    /// Runs `body` over the walker of `bytes`, which must parse.
    static func withWalker<R>(_ bytes: [UInt8],
                              isRecognized: (IPProtocol) -> Bool = Walker.recognizedByDefault,
                              _ body: (Walker) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { raw in
            let walker = try Walker(try IPv6Header(raw), isRecognized: isRecognized)
            return try body(walker)
        }
    }

    static func verdict(_ bytes: [UInt8]) throws -> Walker.Verdict {
        try withWalker(bytes) { $0.verdict }
    }

    static func malformation(_ bytes: [UInt8]) -> Walker.Malformation? {
        bytes.withUnsafeBytes { (raw) -> Walker.Malformation? in
            guard let header = try? IPv6Header(raw) else { return nil }
            do throws(Walker.Malformation) {
                _ = try Walker(header)
                return nil
            } catch {
                return error
            }
        }
    }

    // MARK: The chain

    @Test func walksTheWholeChain() throws {
        let bytes = Self.chain()
        #expect(bytes.count == 88)
        try Self.withWalker(bytes) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.verdict.parameterProblem == nil)
            #expect(walker.upperLayer == .icmpv6)
            #expect(walker.upperLayerOffset == 72)
            #expect(walker.upperLayerNamedAt == 64)
            #expect(walker.fragmentHeaderOffset == 56)
            #expect(walker.fragmentNamedAt == 40)
            #expect(walker.unfragmentableEnd == 56)
            #expect(walker.headerCount == 3)
            #expect(walker.routerAlert == nil)
            #expect(!walker.needsReassembly)
            let fragment = try #require(walker.fragment)
            #expect(fragment.isAtomic)
            #expect(fragment.nextHeader == .destinationOptions)
            #expect(fragment.identification == 0x1234_5678)
            #expect(walker.upperLayerBytes.count == 16)
            // The upper layer is an intact echo request.
            let header = try IPv6Header(walker.bytes)
            let message = try ICMPv6Message(walker.upperLayerBytes, source: header.source,
                                            destination: header.destination)
            #expect(message.type == .echoRequest)
            #expect(message.identifier == 0x1234)
            #expect(message.sequenceNumber == 1)
        }
    }

    @Test func unfragmentedChainEndsTheUnfragmentablePartAfterHopByHop() throws {
        try Self.withWalker(Self.unfragmentedChain()) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.upperLayer == .icmpv6)
            #expect(walker.upperLayerOffset == 64)
            #expect(walker.upperLayerNamedAt == 56)
            #expect(walker.fragmentHeaderOffset == nil)
            #expect(walker.fragmentNamedAt == nil)
            #expect(walker.fragment == nil)
            // A sender would put a Fragment header after the hop-by-hop header.
            #expect(walker.unfragmentableEnd == 56)
            #expect(walker.headerCount == 2)
        }
    }

    @Test func noExtensionHeaders() throws {
        try Self.withWalker(IPv6HeaderTests.packet) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.upperLayer == .udp)
            #expect(walker.upperLayerOffset == 40)
            #expect(walker.upperLayerNamedAt == 6)
            #expect(walker.unfragmentableEnd == 40)
            #expect(walker.headerCount == 0)
        }
    }

    @Test func noNextHeaderEndsTheChainWithoutAskingAboutIt() throws {
        var asked: [UInt8] = []
        try Self.withWalker(IPv6HeaderTests.padded, isRecognized: { asked.append($0.rawValue); return false }) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.upperLayer == .noNextHeader)
            #expect(walker.upperLayerOffset == 40)
        }
        #expect(asked.isEmpty)
    }

    // MARK: Options

    @Test func unknownOptionActions() throws {
        // 00: skip over it.
        #expect(try Self.verdict(Self.chain(option: 0x1E)) == .process)
        // 01: discard silently.
        #expect(try Self.verdict(Self.chain(option: 0x5E)) == .discard(icmpPointer: nil))
        #expect(try Self.verdict(Self.chain(option: 0x5E)).parameterProblem == nil)
        // 10: discard and send Parameter Problem code 2 at the option, even to multicast.
        #expect(try Self.verdict(Self.chain(option: 0x9E)) == .discard(icmpPointer: 42))
        #expect(try Self.verdict(Self.chain(option: 0x9E, destination: V6.allNodes)) == .discard(icmpPointer: 42))
        let problem = try #require(try Self.verdict(Self.chain(option: 0x9E)).parameterProblem)
        #expect(problem.code == 2 && problem.pointer == 42)
        // 11: the same, but only when the destination is not multicast.
        #expect(try Self.verdict(Self.chain(option: 0xDE)) == .discard(icmpPointer: 42))
        #expect(try Self.verdict(Self.chain(option: 0xDE, destination: V6.allNodes)) == .discard(icmpPointer: nil))
    }

    @Test func discardingStopsTheWalkWhereItHappened() throws {
        try Self.withWalker(Self.chain(option: 0x5E)) { walker in
            #expect(walker.fragmentHeaderOffset == nil)
            #expect(walker.upperLayer == .hopByHopOptions)
            #expect(walker.upperLayerOffset == 40)
        }
    }

    @Test func unknownOptionInDestinationOptionsPointsIntoThatHeader() throws {
        var bytes = Self.chain()
        bytes[66] = 0x9E  // the PadN becomes an unknown option, action 10
        #expect(try Self.verdict(bytes) == .discard(icmpPointer: 66))
    }

    @Test func routerAlertIsReported() throws {
        var bytes = Self.chain()
        bytes[42] = 0x05; bytes[43] = 0x02; bytes[44] = 0x00; bytes[45] = 0x00  // Router Alert, value 0 (MLD)
        try Self.withWalker(bytes) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.routerAlert == 0)
        }
    }

    @Test func optionRunningPastItsHeaderIsMalformed() {
        var padN = Self.chain()
        padN[48] = 0x08  // PadN of 8 runs one byte past the 16-byte header
        #expect(Self.malformation(padN) == .optionOverrun)
        var unknown = Self.chain()
        unknown[43] = 0x0D  // the experimental option claims 13 bytes
        #expect(Self.malformation(unknown) == .optionOverrun)
        // The last byte of a header starts an option with no room for its length.
        var typeOnly = Self.unfragmentedChain()
        typeOnly[56 + 2] = 0x01; typeOnly[56 + 3] = 0x03  // destination options: PadN of 3, then…
        typeOnly[56 + 7] = 0x1E                          // …a type byte at the very end
        #expect(Self.malformation(typeOnly) == .optionOverrun)
        #expect(Self.malformation(Self.chain()) == nil)
    }

    // MARK: Next headers

    @Test func hopByHopAnywhereButFirst() throws {
        var bytes = Self.chain()
        bytes[64] = 0x00  // destination options names a hop-by-hop header next
        #expect(try Self.verdict(bytes) == .hopByHopNotFirst(pointer: 64))
        let problem = try #require(try Self.verdict(bytes).parameterProblem)
        #expect(problem.code == 1 && problem.pointer == 64)
    }

    @Test func unknownNextHeaderPointsAtTheFieldThatNamedIt() throws {
        var bytes = Self.chain()
        bytes[64] = 0xFD  // 253, reserved for experiments (RFC 3692)
        #expect(try Self.verdict(bytes) == .unknownNextHeader(pointer: 64))
        var fixed = IPv6HeaderTests.packet
        fixed[6] = 0xFD
        #expect(try Self.verdict(fixed) == .unknownNextHeader(pointer: 6))
        #expect(try Self.verdict(fixed).parameterProblem.map { [Int($0.code), $0.pointer] } == [1, 6])
        // IPv4's ICMP is not an IPv6 upper layer.
        fixed[6] = 0x01
        #expect(try Self.verdict(fixed) == .unknownNextHeader(pointer: 6))
        // A caller that knows protocol 253 gets it delivered.
        try Self.withWalker(bytes, isRecognized: { $0.rawValue == 253 }) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.upperLayer == IPProtocol(rawValue: 253))
            #expect(walker.upperLayerOffset == 72)
        }
    }

    // MARK: Routing

    @Test func routingHeaderWithSegmentsLeftIsAnErroneousField() throws {
        #expect(try Self.verdict(Self.routed(type: 0, segmentsLeft: 1)) == .erroneousHeaderField(pointer: 42))
        #expect(try Self.verdict(Self.routed(type: 2, segmentsLeft: 1)) == .erroneousHeaderField(pointer: 42))
        let problem = try #require(try Self.verdict(Self.routed(type: 0, segmentsLeft: 1)).parameterProblem)
        #expect(problem.code == 0 && problem.pointer == 42)
    }

    @Test func usedUpRoutingHeaderIsIgnored() throws {
        try Self.withWalker(Self.routed(type: 0, segmentsLeft: 0)) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.upperLayer == .icmpv6)
            #expect(walker.upperLayerOffset == 64)
            #expect(walker.upperLayerNamedAt == 40)
            #expect(walker.unfragmentableEnd == 64)
            #expect(walker.headerCount == 1)
        }
    }

    // MARK: Fragments

    @Test func laterFragmentEndsTheWalkAtItsFragmentHeader() throws {
        try Self.withWalker(Self.laterFragment, isRecognized: { _ in false }) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.needsReassembly)
            #expect(walker.upperLayer == .icmpv6)
            #expect(walker.upperLayerOffset == 48)
            #expect(walker.upperLayerNamedAt == 40)
            #expect(walker.fragmentHeaderOffset == 40)
            #expect(walker.fragmentNamedAt == 6)
            #expect(walker.unfragmentableEnd == 40)
            #expect(Array(walker.upperLayerBytes) == (0xD0...0xDF).map { UInt8($0) })
            let fragment = try #require(walker.fragment)
            #expect(fragment.nextHeader == .icmpv6)
            #expect(fragment.fragmentOffset == 1448)
            #expect(fragment.moreFragments)
            #expect(fragment.identification == 0xABCD)
            #expect(!fragment.isAtomic)
        }
    }

    @Test func fragmentNotAMultipleOfEightPointsAtPayloadLength() throws {
        var bytes = Array(Self.laterFragment.dropLast())
        bytes[5] = 0x17  // payload length 23: 15 bytes of data with M set
        #expect(try Self.verdict(bytes) == .erroneousHeaderField(pointer: 4))
        // The last fragment may end anywhere.
        bytes[43] = 0xA8  // M clear
        #expect(try Self.verdict(bytes) == .process)
    }

    @Test func fragmentPastTheLargestPacketPointsAtFragmentOffset() throws {
        var bytes = Self.laterFragment
        bytes[42] = 0xFF; bytes[43] = 0xF8  // offset 65528, last: 16 bytes would end at 65544
        #expect(try Self.verdict(bytes) == .erroneousHeaderField(pointer: 42))
        bytes[42] = 0xFF; bytes[43] = 0xE8  // offset 65512: ends at 65528, which fits
        #expect(try Self.verdict(bytes) == .process)
    }

    @Test func firstFragmentWithoutTheWholeChain() throws {
        let bytes: [UInt8] = [
            0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
            0x00, 0x10,              // payload length 16
            0x2C,                    // next header 44 (fragment)
            0x40,                    // hop limit 64
        ] + V6.docA + V6.docB + [    // source 2001:db8::1, destination 2001:db8::2
            0x3C,                    // 40: next header 60 (destination options)
            0x00,                    // 41: reserved
            0x00, 0x01,              // 42: fragment offset 0, M flag set: a first fragment
            0x00, 0x00, 0x00, 0x07,  // 44: identification 7
            0x3A,                    // 48: next header 58 (ICMPv6)
            0x01,                    // 49: hdr ext len 1: 16 bytes, of which only 8 are here
            0x01, 0x0C, 0x00, 0x00, 0x00, 0x00,  // 50: PadN of 12, cut off
        ]
        #expect(try Self.verdict(bytes) == .incompleteHeaderChain)
        let problem = try #require(try Self.verdict(bytes).parameterProblem)
        #expect(problem.code == 3 && problem.pointer == 0)
        try Self.withWalker(bytes) { walker in
            #expect(walker.needsReassembly)
            #expect(walker.fragmentHeaderOffset == 40)
        }
    }

    @Test func fragmentOfAFragmentEndsTheWalk() throws {
        let bytes: [UInt8] = [
            0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
            0x00, 0x18,              // payload length 24
            0x2C,                    // next header 44 (fragment)
            0x40,                    // hop limit 64
        ] + V6.docA + V6.docB + [    // source 2001:db8::1, destination 2001:db8::2
            0x2C,                    // 40: next header 44 (another fragment header)
            0x00,                    // 41: reserved
            0x00, 0x01,              // 42: fragment offset 0, M flag set
            0x00, 0x00, 0x00, 0x01,  // 44: identification 1
            0x3A,                    // 48: next header 58 (ICMPv6)
            0x00,                    // 49: reserved
            0x00, 0x08,              // 50: fragment offset 8 bytes, M clear
            0x00, 0x00, 0x00, 0x02,  // 52: identification 2
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // 56: data
        ]
        try Self.withWalker(bytes) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.upperLayer == .fragment)
            #expect(walker.upperLayerOffset == 48)
            #expect(walker.fragmentHeaderOffset == 40)
            #expect(walker.fragment?.identification == 1)
        }
    }

    // MARK: Malformations

    @Test func truncatedHeaders() {
        // Hop-by-hop that claims 16 bytes in a payload of 8.
        var short = Array(Self.unfragmentedChain()[0..<48])
        short[5] = 0x08
        #expect(Self.malformation(short) == .truncatedHeader)
        // Not even room for the length byte.
        var oneByte = Array(Self.unfragmentedChain()[0..<41])
        oneByte[5] = 0x01
        #expect(Self.malformation(oneByte) == .truncatedHeader)
        // A hop-by-hop header announced with no payload at all.
        var empty = Array(Self.unfragmentedChain()[0..<40])
        empty[5] = 0x00
        #expect(Self.malformation(empty) == .truncatedHeader)
        // A routing header cut in the middle.
        var routing = Array(Self.routed(type: 0, segmentsLeft: 0)[0..<56])
        routing[5] = 0x10
        #expect(Self.malformation(routing) == .truncatedHeader)
        // A fragment header cut in the middle.
        var fragment = Array(Self.laterFragment[0..<44])
        fragment[5] = 0x04
        #expect(Self.malformation(fragment) == .truncatedHeader)
    }

    @Test func tooManyHeaders() throws {
        let limit = Walker.maximumHeaderCount
        try Self.withWalker(Self.destinationOptionsHeaders(limit)) { walker in
            #expect(walker.verdict == .process)
            #expect(walker.headerCount == limit)
            #expect(walker.upperLayer == .noNextHeader)
        }
        #expect(Self.malformation(Self.destinationOptionsHeaders(limit + 1)) == .tooManyHeaders)
        #expect(Self.malformation(Self.destinationOptionsHeaders(200)) == .tooManyHeaders)
    }
}

@Suite struct IPv6FragmentHeaderTests {
    /// The later fragment's header alone.
    static let header: [UInt8] = [
        0x3A,                    // next header 58 (ICMPv6)
        0x00,                    // reserved
        0x05, 0xA9,              // fragment offset 181 units (1448 bytes), M flag set
        0x00, 0x00, 0xAB, 0xCD,  // identification 0xABCD
    ]

    @Test func accessors() throws {
        try Self.header.withUnsafeBytes { raw in
            let header = try IPv6FragmentHeader(raw)
            #expect(header.nextHeader == .icmpv6)
            #expect(header.fragmentOffset == 1448)
            #expect(header.moreFragments)
            #expect(header.identification == 0xABCD)
            #expect(!header.isAtomic)
            #expect(header.bytes.count == 8)
        }
    }

    @Test func reservedBitsAreNotPartOfTheOffset() throws {
        var bytes = Self.header
        bytes[3] = 0xAF  // the two reserved bits set too
        try bytes.withUnsafeBytes { raw in
            let header = try IPv6FragmentHeader(raw)
            #expect(header.fragmentOffset == 1448)
            #expect(header.moreFragments)
        }
    }

    @Test func emitReproducesTheFixture() {
        var buffer = [UInt8](repeating: 0xEE, count: 10)
        buffer.withUnsafeMutableBytes { raw in
            IPv6FragmentHeader.emit(into: raw, nextHeader: .icmpv6, fragmentOffset: 1448, moreFragments: true,
                                    identification: 0xABCD)
        }
        #expect(Array(buffer[0..<8]) == Self.header)
        #expect(buffer[8...].allSatisfy { $0 == 0xEE })
    }

    @Test func truncatedThrows() {
        #expect(throws: IPv6FragmentHeader.Malformation.truncated) {
            try Array(Self.header[0..<7]).withUnsafeBytes { _ = try IPv6FragmentHeader($0) }
        }
        #expect(throws: IPv6FragmentHeader.Malformation.truncated) {
            try [UInt8]().withUnsafeBytes { _ = try IPv6FragmentHeader($0) }
        }
    }
}
