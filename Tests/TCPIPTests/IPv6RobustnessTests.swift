import Testing
@testable import TCPIP
import NDIS
import NetCore

/// Random and corrupted buffers fed to every IPv6, ICMPv6 and NDP view and
/// to the extension-header walker: whatever they hold, each view either
/// throws or reads only inside its bytes. A trap fails the whole run, so
/// the test passes by finishing.
@Suite struct IPv6RobustnessTests {
    /// splitmix64, local so that the stream never changes under the test
    /// when the stack's own generator does.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    }

    /// Whole IPv6 packets.
    static let packets: [[UInt8]] = [
        IPv6HeaderTests.packet,
        IPv6HeaderTests.padded,
        IPv6ExtensionHeaderWalkerTests.chain(),
        IPv6ExtensionHeaderWalkerTests.chain(option: 0xDE),
        IPv6ExtensionHeaderWalkerTests.unfragmentedChain(),
        IPv6ExtensionHeaderWalkerTests.laterFragment,
        IPv6ExtensionHeaderWalkerTests.routed(type: 0, segmentsLeft: 0),
        IPv6ExtensionHeaderWalkerTests.routed(type: 0, segmentsLeft: 1),
        IPv6ExtensionHeaderWalkerTests.destinationOptionsHeaders(16),
    ]

    /// ICMPv6 messages with the addresses their checksums cover.
    static let messages: [(bytes: [UInt8], source: [UInt8], destination: [UInt8])] = [
        (ICMPv6MessageTests.echoRequest, V6.docA, V6.docB),
        (ICMPv6MessageTests.echoReply, V6.docB, V6.docA),
        (ICMPv6MessageTests.packetTooBig, V6.docRouter, V6.docA),
        (NDPMessageTests.solicitation, V6.llA, V6.solicitedB),
        (NDPMessageTests.advertisement, V6.llB, V6.llA),
        (NDPMessageTests.routerAdvertisement, V6.llRouter, V6.allNodes),
        (NDPMessageTests.routerSolicitation, V6.llA, V6.allRouters),
        (NDPMessageTests.redirect, V6.llRouter, V6.llA),
    ]

    /// Next Header values worth planting where a walker will look.
    static let nextHeaders: [UInt8] = [0, 43, 44, 60, 58, 59, 6, 17, 0xFD]

    @Test func hundredThousandBuffersNeverTrap() {
        var random = Generator(state: 0x0820_0444_3486_1000)
        var touched = 0
        var parsedICMP = 0
        var parsedNDP = 0
        var walked = 0
        for round in 0..<100_000 {
            var buffer: [UInt8]
            var source = V6.docA
            var destination = V6.docB
            switch round % 4 {
            case 0:
                // Noise.
                buffer = (0..<random.below(160)).map { _ in random.byte() }
            case 1:
                // Noise shaped like an IPv6 packet with a chain of small headers.
                let count = 40 + random.below(200)
                buffer = (0..<count).map { _ in random.byte() }
                buffer[0] = 0x60 | buffer[0] & 0x0F
                let payload = random.below(8) == 0 ? random.below(0x10000) : count - 40 - random.below(3)
                buffer[4] = UInt8(truncatingIfNeeded: max(payload, 0) >> 8)
                buffer[5] = UInt8(truncatingIfNeeded: max(payload, 0))
                buffer[6] = Self.nextHeaders[random.below(Self.nextHeaders.count)]
                var offset = 40
                while offset + 2 <= count {
                    buffer[offset] = Self.nextHeaders[random.below(Self.nextHeaders.count)]
                    buffer[offset + 1] = UInt8(random.below(3))
                    offset += 8 * (1 + random.below(2))
                }
            case 2:
                // A fixture with a few bits flipped.
                if random.below(2) == 0 {
                    buffer = Self.packets[random.below(Self.packets.count)]
                } else {
                    let message = Self.messages[random.below(Self.messages.count)]
                    (buffer, source, destination) = message
                }
                for _ in 0...random.below(4) where !buffer.isEmpty {
                    buffer[random.below(buffer.count)] ^= UInt8(1) << UInt8(random.below(8))
                }
            default:
                // A fixture cut short or run long, then perhaps flipped.
                if random.below(2) == 0 {
                    buffer = Self.packets[random.below(Self.packets.count)]
                } else {
                    let message = Self.messages[random.below(Self.messages.count)]
                    (buffer, source, destination) = message
                }
                if random.below(2) == 0 {
                    buffer.removeLast(random.below(buffer.count + 1))
                } else {
                    buffer += (0..<random.below(24)).map { _ in random.byte() }
                }
                for _ in 0..<random.below(3) where !buffer.isEmpty {
                    buffer[random.below(buffer.count)] ^= UInt8(1) << UInt8(random.below(8))
                }
            }
            // Half the time the ICMPv6 checksum is made right, so that the
            // NDP views behind it see the corruption instead of the checksum.
            let fixChecksum = random.below(2) == 0
            let hopLimit = random.below(4) == 0 ? random.byte() : 255
            buffer.withUnsafeMutableBytes { raw in
                let (t, w, i, n) = Self.exercise(raw, source: V6.address(source), destination: V6.address(destination),
                                                 fixChecksum: fixChecksum, hopLimit: hopLimit)
                touched &+= t
                walked += w
                parsedICMP += i
                parsedNDP += n
            }
        }
        // Enough of the corrupted buffers got past the checks to reach the deeper views.
        #expect(walked > 10_000)
        #expect(parsedICMP > 10_000)
        #expect(parsedNDP > 2_000)
        #expect(touched != 0)
    }

    /// Feeds `raw` to every view as packet, fragment header, ICMPv6 message
    /// and options area, reading every accessor of whatever parses. Returns
    /// a sum of what was read, and how many walks, ICMPv6 and NDP views succeeded.
    static func exercise(_ raw: UnsafeMutableRawBufferPointer, source: IPv6Address, destination: IPv6Address,
                         fixChecksum: Bool, hopLimit: UInt8) -> (Int, Int, Int, Int) {
        let bytes = UnsafeRawBufferPointer(raw)
        var touched = 0
        var walked = 0
        var parsedICMP = 0
        var parsedNDP = 0
        if let header = try? IPv6Header(bytes) {
            touched &+= Int(header.version) &+ Int(header.trafficClass) &+ Int(header.dscp) &+ Int(header.ecn)
            touched &+= Int(header.flowLabel) &+ header.payloadLength &+ Int(header.nextHeader.rawValue)
            touched &+= Int(header.hopLimit) &+ Int(truncatingIfNeeded: header.source.low)
            touched &+= Int(truncatingIfNeeded: header.destination.high) &+ header.payload.count
            for recognizeAll in [false, true] {
                guard let walker = try? IPv6ExtensionHeaderWalker(header, isRecognized: { _ in recognizeAll }) else {
                    continue
                }
                walked += 1
                touched &+= walker.upperLayerOffset &+ walker.upperLayerNamedAt &+ walker.unfragmentableEnd
                touched &+= walker.headerCount &+ (walker.fragmentHeaderOffset ?? 0) &+ (walker.fragmentNamedAt ?? 0)
                touched &+= Int(walker.routerAlert ?? 0) &+ walker.upperLayerBytes.count
                touched &+= Int(walker.upperLayer.rawValue) &+ (walker.needsReassembly ? 1 : 0)
                touched &+= walker.verdict.parameterProblem.map { Int($0.code) &+ $0.pointer } ?? 0
                if let fragment = walker.fragment {
                    touched &+= fragment.fragmentOffset &+ Int(fragment.identification)
                }
                if walker.verdict == .process && walker.upperLayer == .icmpv6 && !walker.needsReassembly {
                    let upper = raw.slice(walker.upperLayerOffset, raw.count - walker.upperLayerOffset)
                    let (t, i, n) = exerciseICMP(upper, source: header.source, destination: header.destination,
                                                 fixChecksum: fixChecksum, hopLimit: header.hopLimit)
                    touched &+= t
                    parsedICMP += i
                    parsedNDP += n
                }
            }
        }
        if let fragment = try? IPv6FragmentHeader(bytes) {
            touched &+= Int(fragment.nextHeader.rawValue) &+ fragment.fragmentOffset
            touched &+= Int(fragment.identification) &+ (fragment.moreFragments ? 1 : 0) &+ (fragment.isAtomic ? 1 : 0)
        }
        if let options = try? NDPOptions(bytes) {
            touched &+= touch(options)
        }
        let (t, i, n) = exerciseICMP(raw, source: source, destination: destination, fixChecksum: fixChecksum,
                                     hopLimit: hopLimit)
        return (touched &+ t, walked, parsedICMP + i, parsedNDP + n)
    }

    /// Feeds `raw` to the ICMPv6 view and the five NDP views.
    static func exerciseICMP(_ raw: UnsafeMutableRawBufferPointer, source: IPv6Address, destination: IPv6Address,
                             fixChecksum: Bool, hopLimit: UInt8) -> (Int, Int, Int) {
        if fixChecksum && raw.count >= 4 {
            ICMPv6Message.writeChecksum(into: raw, source: source, destination: destination)
        }
        guard let message = try? ICMPv6Message(UnsafeRawBufferPointer(raw), source: source,
                                                destination: destination) else { return (0, 0, 0) }
        var touched = Int(message.type.rawValue) &+ Int(message.code) &+ Int(message.checksum)
        touched &+= Int(message.identifier) &+ Int(message.sequenceNumber) &+ Int(message.mtu)
        touched &+= Int(message.pointer) &+ Int(message.typeSpecific) &+ message.body.count
        var parsedNDP = 0
        if let rs = try? RouterSolicitation(message) {
            parsedNDP += 1
            touched &+= Int(rs.code) &+ touch(rs.options)
            touched &+= rs.validate(hopLimit: hopLimit, source: source, destination: destination) == nil ? 1 : 2
        }
        if let ra = try? RouterAdvertisement(message) {
            parsedNDP += 1
            touched &+= Int(ra.currentHopLimit) &+ Int(ra.flags) &+ (ra.managed ? 1 : 0) &+ (ra.other ? 1 : 0)
            touched &+= Int(ra.routerLifetime) &+ Int(ra.reachableTime) &+ Int(ra.retransTimer) &+ touch(ra.options)
            touched &+= ra.validate(hopLimit: hopLimit, source: source, destination: destination) == nil ? 1 : 2
        }
        if let ns = try? NeighborSolicitation(message) {
            parsedNDP += 1
            touched &+= Int(truncatingIfNeeded: ns.target.low) &+ touch(ns.options)
            touched &+= ns.validate(hopLimit: hopLimit, source: source, destination: destination) == nil ? 1 : 2
            touched &+= ns.validate(hopLimit: 255, source: .unspecified, destination: destination) == nil ? 1 : 2
        }
        if let na = try? NeighborAdvertisement(message) {
            parsedNDP += 1
            touched &+= (na.router ? 1 : 0) &+ (na.solicited ? 2 : 0) &+ (na.override ? 4 : 0)
            touched &+= Int(truncatingIfNeeded: na.target.high) &+ touch(na.options)
            touched &+= na.validate(hopLimit: hopLimit, source: source, destination: destination) == nil ? 1 : 2
        }
        if let redirect = try? Redirect(message) {
            parsedNDP += 1
            touched &+= Int(truncatingIfNeeded: redirect.target.low ^ redirect.destination.low)
            touched &+= touch(redirect.options)
            touched &+= redirect.validate(hopLimit: hopLimit, source: source, destination: destination) == nil ? 1 : 2
        }
        return (touched, 1, parsedNDP)
    }

    /// Reads every option and every field of every option.
    static func touch(_ options: NDPOptions) -> Int {
        var touched = 0
        for option in options {
            switch option {
            case .sourceLinkLayerAddress(let mac), .targetLinkLayerAddress(let mac):
                touched &+= Int(mac.rawValue)
            case .prefixInformation(let info):
                touched &+= Int(info.prefixLength) &+ (info.onLink ? 1 : 0) &+ (info.autonomous ? 1 : 0)
                touched &+= Int(info.validLifetime) &+ Int(info.preferredLifetime)
                touched &+= Int(truncatingIfNeeded: info.prefix.high) &+ (info.ipv6Prefix?.length ?? 0)
            case .redirectedHeader(let quoted):
                touched &+= quoted.count
            case .mtu(let mtu):
                touched &+= Int(mtu)
            }
        }
        touched &+= options.contains(.sourceLinkLayerAddress) ? 1 : 0
        touched &+= Int(options.sourceLinkLayerAddress?.rawValue ?? 0)
        touched &+= Int(options.targetLinkLayerAddress?.rawValue ?? 0)
        touched &+= Int(options.mtu ?? 0)
        return touched
    }
}
