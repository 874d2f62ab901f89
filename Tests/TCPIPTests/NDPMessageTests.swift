import Testing
@testable import TCPIP
import NDIS
import NetCore

@Suite struct NDPMessageTests {
    /// 2001:db8:1::1, an off-link destination for the redirect.
    static let offLink: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
    /// The second router's MAC.
    static let macRouter2 = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0xFD)

    /// Host A asks host B's solicited-node group for B's MAC.
    static let solicitation: [UInt8] = V6.checksummed([
        0x87,                    // type 135 (neighbor solicitation)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x00, 0x00, 0x00, 0x00,  // reserved
    ] + V6.llB + [               // 8: target fe80::200:5eff:fe00:5302
        0x01,                    // 24: option 1 (source link-layer address)
        0x01,                    // 25: length 1 (8 bytes)
        0x00, 0x00, 0x5E, 0x00, 0x53, 0x01,  // 26: 00:00:5e:00:53:01
    ], source: V6.llA, destination: V6.solicitedB)

    /// Host B answers host A: solicited, override.
    static let advertisement: [UInt8] = V6.checksummed([
        0x88,                    // type 136 (neighbor advertisement)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x60, 0x00, 0x00, 0x00,  // flags S and O, reserved
    ] + V6.llB + [               // 8: target fe80::200:5eff:fe00:5302
        0x02,                    // 24: option 2 (target link-layer address)
        0x01,                    // 25: length 1 (8 bytes)
        0x00, 0x00, 0x5E, 0x00, 0x53, 0x02,  // 26: 00:00:5e:00:53:02
    ], source: V6.llB, destination: V6.llA)

    /// The router fe80::1 advertises to all nodes: a default router for
    /// 30 minutes, 2001:db8::/64 on-link and for autoconfiguration, MTU 1500.
    static let routerAdvertisement: [UInt8] = V6.checksummed([
        0x86,                    // type 134 (router advertisement)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x40,                    // cur hop limit 64
        0x40,                    // flags: O (other configuration), not M
        0x07, 0x08,              // router lifetime 1800 s
        0x00, 0x00, 0x75, 0x30,  // reachable time 30000 ms
        0x00, 0x00, 0x03, 0xE8,  // retrans timer 1000 ms
        0x01,                    // 16: option 1 (source link-layer address)
        0x01,                    // 17: length 1
        0x00, 0x00, 0x5E, 0x00, 0x53, 0xFE,  // 18: 00:00:5e:00:53:fe
        0x05,                    // 24: option 5 (MTU)
        0x01,                    // 25: length 1
        0x00, 0x00,              // 26: reserved
        0x00, 0x00, 0x05, 0xDC,  // 28: MTU 1500
        0xFD,                    // 32: option 253 (experimental, RFC 4727): skipped
        0x01,                    // 33: length 1
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06,  // 34: whatever it says
        0x03,                    // 40: option 3 (prefix information)
        0x04,                    // 41: length 4 (32 bytes)
        0x40,                    // 42: prefix length 64
        0xC0,                    // 43: flags L and A
        0x00, 0x27, 0x8D, 0x00,  // 44: valid lifetime 2592000 s (30 days)
        0x00, 0x09, 0x3A, 0x80,  // 48: preferred lifetime 604800 s (7 days)
        0x00, 0x00, 0x00, 0x00,  // 52: reserved
        0x20, 0x01, 0x0D, 0xB8, 0x00, 0x00, 0x00, 0x00,  // 56: prefix 2001:db8::
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ], source: V6.llRouter, destination: V6.allNodes)

    /// Host A asks all routers to advertise.
    static let routerSolicitation: [UInt8] = V6.checksummed([
        0x85,                    // type 133 (router solicitation)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x00, 0x00, 0x00, 0x00,  // reserved
        0x01,                    // 8: option 1 (source link-layer address)
        0x01,                    // 9: length 1
        0x00, 0x00, 0x5E, 0x00, 0x53, 0x01,  // 10: 00:00:5e:00:53:01
    ], source: V6.llA, destination: V6.allRouters)

    /// The packet host A sent to 2001:db8:1::1 through the wrong router,
    /// as the redirect quotes it: a bare header with No Next Header.
    static let redirected: [UInt8] = [
        0x60, 0x00, 0x00, 0x00,  // version 6, traffic class 0, flow label 0
        0x00, 0x00,              // payload length 0
        0x3B,                    // next header 59 (none)
        0x40,                    // hop limit 64
    ] + V6.docA + offLink        // source 2001:db8::1, destination 2001:db8:1::1

    /// The router fe80::1 tells host A to reach 2001:db8:1::1 through fe80::2.
    static let redirect: [UInt8] = V6.checksummed([
        0x89,                    // type 137 (redirect)
        0x00,                    // code 0
        0x00, 0x00,              // checksum (filled in by the reference sum)
        0x00, 0x00, 0x00, 0x00,  // reserved
    ] + V6.llRouter2             // 8: target fe80::2
      + offLink + [              // 24: destination 2001:db8:1::1
        0x02,                    // 40: option 2 (target link-layer address)
        0x01,                    // 41: length 1
        0x00, 0x00, 0x5E, 0x00, 0x53, 0xFD,  // 42: 00:00:5e:00:53:fd
        0x04,                    // 48: option 4 (redirected header)
        0x06,                    // 49: length 6 (48 bytes)
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 50: reserved
    ] + redirected,              // 56: the redirected packet
    source: V6.llRouter, destination: V6.llA)

    // MARK: Helpers

    /// Runs `body` over the message view of `bytes`, which must pass its checksum.
    static func withMessage<R>(_ bytes: [UInt8], source: [UInt8], destination: [UInt8],
                               _ body: (ICMPv6Message) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { raw in
            try body(try ICMPv6Message(raw, source: V6.address(source), destination: V6.address(destination)))
        }
    }

    /// The NDP malformation `make` throws for `bytes`, whose checksum is
    /// recomputed first so that only the NDP checks can fail; nil when it parses.
    static func malformation(_ bytes: [UInt8], source: [UInt8] = V6.llA, destination: [UInt8] = V6.llB,
                             _ make: (ICMPv6Message) throws(NDPMalformation) -> Void) throws -> NDPMalformation? {
        let fixed = V6.checksummed(bytes, source: source, destination: destination)
        return try withMessage(fixed, source: source, destination: destination) { message in
            do throws(NDPMalformation) {
                try make(message)
                return nil
            } catch {
                return error
            }
        }
    }

    /// What `options` yields, as strings that compare with `==`.
    static func describeOptions(_ options: NDPOptions) -> [String] {
        options.map { option in
            switch option {
            case .sourceLinkLayerAddress(let mac): return "sll \(mac)"
            case .targetLinkLayerAddress(let mac): return "tll \(mac)"
            case .prefixInformation(let info):
                return "prefix \(info.prefix)/\(info.prefixLength) L=\(info.onLink) A=\(info.autonomous) "
                    + "valid=\(info.validLifetime) preferred=\(info.preferredLifetime)"
            case .redirectedHeader(let bytes): return "redirected \(bytes.count)"
            case .mtu(let mtu): return "mtu \(mtu)"
            }
        }
    }

    // MARK: Neighbor Solicitation

    @Test func neighborSolicitation() throws {
        try Self.withMessage(Self.solicitation, source: V6.llA, destination: V6.solicitedB) { message in
            let ns = try NeighborSolicitation(message)
            #expect(ns.code == 0)
            #expect(ns.target == V6.address(V6.llB))
            #expect(Self.describeOptions(ns.options) == ["sll 00:00:5e:00:53:01"])
            #expect(ns.options.sourceLinkLayerAddress == V6.macA)
            #expect(ns.options.targetLinkLayerAddress == nil)
            #expect(ns.validate(hopLimit: 255, source: V6.address(V6.llA), destination: V6.address(V6.solicitedB)) == nil)
        }
    }

    @Test func emitNeighborSolicitationByteExact() {
        var buffer = [UInt8](repeating: 0xEE, count: 32)
        buffer.withUnsafeMutableBytes { raw in
            NDPOption.emitLinkLayerAddress(into: raw.slice(24, 8), type: .sourceLinkLayerAddress, address: V6.macA)
            NeighborSolicitation.emit(into: raw, target: V6.address(V6.llB), source: V6.address(V6.llA),
                                      destination: V6.address(V6.solicitedB))
        }
        #expect(buffer == Self.solicitation)
    }

    @Test func neighborSolicitationValidity() throws {
        try Self.withMessage(Self.solicitation, source: V6.llA, destination: V6.solicitedB) { message in
            let ns = try NeighborSolicitation(message)
            let a = V6.address(V6.llA), group = V6.address(V6.solicitedB)
            #expect(ns.validate(hopLimit: 254, source: a, destination: group) == .hopLimitNot255)
            #expect(ns.validate(hopLimit: 1, source: a, destination: group) == .hopLimitNot255)
            // Duplicate address detection: from ::, to the solicited-node group, without a link-layer option.
            #expect(ns.validate(hopLimit: 255, source: .unspecified, destination: group)
                    == .unspecifiedSourceWithLinkLayerAddress)
            #expect(ns.validate(hopLimit: 255, source: .unspecified, destination: .allNodes)
                    == .unspecifiedSourceNotToSolicitedNode)
            #expect(ns.validate(hopLimit: 255, source: .unspecified, destination: V6.address(V6.llB))
                    == .unspecifiedSourceNotToSolicitedNode)
        }
        // A DAD probe proper: no options.
        let probe = V6.checksummed(Array(Self.solicitation[0..<24]), source: V6.unspecified, destination: V6.solicitedB)
        try Self.withMessage(probe, source: V6.unspecified, destination: V6.solicitedB) { message in
            let ns = try NeighborSolicitation(message)
            #expect(ns.validate(hopLimit: 255, source: .unspecified, destination: V6.address(V6.solicitedB)) == nil)
        }
        // A multicast target.
        var multicast = Self.solicitation
        multicast.replaceSubrange(8..<24, with: V6.allNodes)
        multicast = V6.checksummed(multicast, source: V6.llA, destination: V6.solicitedB)
        try Self.withMessage(multicast, source: V6.llA, destination: V6.solicitedB) { message in
            let ns = try NeighborSolicitation(message)
            #expect(ns.validate(hopLimit: 255, source: V6.address(V6.llA), destination: V6.address(V6.solicitedB))
                    == .targetIsMulticast)
        }
        // A nonzero code.
        var coded = Self.solicitation
        coded[1] = 1
        coded = V6.checksummed(coded, source: V6.llA, destination: V6.solicitedB)
        try Self.withMessage(coded, source: V6.llA, destination: V6.solicitedB) { message in
            let ns = try NeighborSolicitation(message)
            #expect(ns.validate(hopLimit: 255, source: V6.address(V6.llA), destination: V6.address(V6.solicitedB))
                    == .nonzeroCode)
        }
    }

    @Test func malformedNeighborSolicitations() throws {
        let make: (ICMPv6Message) throws(NDPMalformation) -> Void = { _ = try NeighborSolicitation($0) }
        #expect(try Self.malformation(Self.solicitation, make) == nil)
        // Short: the target cut.
        #expect(try Self.malformation(Array(Self.solicitation[0..<23]), make) == .truncated)
        // The option's length is 0.
        var zero = Self.solicitation
        zero[25] = 0
        #expect(try Self.malformation(zero, make) == .zeroLengthOption)
        // The option cut short: its length says 8 bytes, 6 are there.
        #expect(try Self.malformation(Array(Self.solicitation[0..<30]), make) == .optionOverrun)
        // One stray byte after the target, with no room for a length.
        #expect(try Self.malformation(Array(Self.solicitation[0..<25]), make) == .optionOverrun)
        // The option's length says 16 bytes.
        var long = Self.solicitation
        long[25] = 2
        #expect(try Self.malformation(long, make) == .optionOverrun)
        // Another message type.
        #expect(try Self.malformation(Self.advertisement, make) == .wrongType)
    }

    // MARK: Neighbor Advertisement

    @Test func neighborAdvertisement() throws {
        try Self.withMessage(Self.advertisement, source: V6.llB, destination: V6.llA) { message in
            let na = try NeighborAdvertisement(message)
            #expect(!na.router)
            #expect(na.solicited)
            #expect(na.override)
            #expect(na.target == V6.address(V6.llB))
            #expect(Self.describeOptions(na.options) == ["tll 00:00:5e:00:53:02"])
            #expect(na.options.targetLinkLayerAddress == V6.macB)
            #expect(na.validate(hopLimit: 255, source: V6.address(V6.llB), destination: V6.address(V6.llA)) == nil)
            // The same, multicast, would be unsolicited by definition.
            #expect(na.validate(hopLimit: 255, source: V6.address(V6.llB), destination: .allNodes)
                    == .solicitedToMulticast)
            #expect(na.validate(hopLimit: 64, source: V6.address(V6.llB), destination: V6.address(V6.llA))
                    == .hopLimitNot255)
        }
    }

    @Test func emitNeighborAdvertisementByteExact() throws {
        var buffer = [UInt8](repeating: 0xEE, count: 32)
        buffer.withUnsafeMutableBytes { raw in
            NDPOption.emitLinkLayerAddress(into: raw.slice(24, 8), type: .targetLinkLayerAddress, address: V6.macB)
            NeighborAdvertisement.emit(into: raw, router: false, solicited: true, override: true,
                                       target: V6.address(V6.llB), source: V6.address(V6.llB),
                                       destination: V6.address(V6.llA))
        }
        #expect(buffer == Self.advertisement)
        // A router's unsolicited advertisement: R only.
        buffer.withUnsafeMutableBytes { raw in
            NeighborAdvertisement.emit(into: raw, router: true, solicited: false, override: false,
                                       target: V6.address(V6.llB), source: V6.address(V6.llB),
                                       destination: .allNodes)
        }
        #expect(Array(buffer[4..<8]) == [0x80, 0x00, 0x00, 0x00])
        try Self.withMessage(buffer, source: V6.llB, destination: V6.allNodes) { message in
            let na = try NeighborAdvertisement(message)
            #expect(na.router && !na.solicited && !na.override)
            #expect(na.validate(hopLimit: 255, source: V6.address(V6.llB), destination: .allNodes) == nil)
        }
    }

    @Test func malformedNeighborAdvertisements() throws {
        let make: (ICMPv6Message) throws(NDPMalformation) -> Void = { _ = try NeighborAdvertisement($0) }
        #expect(try Self.malformation(Self.advertisement, make) == nil)
        #expect(try Self.malformation(Array(Self.advertisement[0..<8]), make) == .truncated)
        var zero = Self.advertisement
        zero[25] = 0
        #expect(try Self.malformation(zero, make) == .zeroLengthOption)
        #expect(try Self.malformation(Array(Self.advertisement[0..<31]), make) == .optionOverrun)
        #expect(try Self.malformation(Self.solicitation, make) == .wrongType)
        // A multicast target is well formed but invalid.
        var multicast = Self.advertisement
        multicast.replaceSubrange(8..<24, with: V6.allRouters)
        multicast = V6.checksummed(multicast, source: V6.llB, destination: V6.llA)
        try Self.withMessage(multicast, source: V6.llB, destination: V6.llA) { message in
            let na = try NeighborAdvertisement(message)
            #expect(na.validate(hopLimit: 255, source: V6.address(V6.llB), destination: V6.address(V6.llA))
                    == .targetIsMulticast)
        }
    }

    // MARK: Router Advertisement

    @Test func routerAdvertisement() throws {
        #expect(Self.routerAdvertisement.count == 72)
        try Self.withMessage(Self.routerAdvertisement, source: V6.llRouter, destination: V6.allNodes) { message in
            let ra = try RouterAdvertisement(message)
            #expect(ra.code == 0)
            #expect(ra.currentHopLimit == 64)
            #expect(!ra.managed)
            #expect(ra.other)
            #expect(ra.flags == 0x40)
            #expect(ra.routerLifetime == 1800)
            #expect(ra.reachableTime == 30000)
            #expect(ra.retransTimer == 1000)
            // The experimental option is skipped, the rest come in order.
            #expect(Self.describeOptions(ra.options) == [
                "sll 00:00:5e:00:53:fe",
                "mtu 1500",
                "prefix 2001:db8::/64 L=true A=true valid=2592000 preferred=604800",
            ])
            #expect(ra.options.mtu == 1500)
            #expect(ra.options.sourceLinkLayerAddress == V6.macRouter)
            #expect(ra.options.contains(NDPOptionType(rawValue: 253)))
            #expect(!ra.options.contains(.targetLinkLayerAddress))
            for case .prefixInformation(let info) in ra.options {
                #expect(info.ipv6Prefix == IPv6Prefix("2001:db8::/64"))
            }
            #expect(ra.validate(hopLimit: 255, source: V6.address(V6.llRouter), destination: .allNodes) == nil)
            #expect(ra.validate(hopLimit: 255, source: V6.address(V6.docRouter), destination: .allNodes)
                    == .sourceNotLinkLocal)
            #expect(ra.validate(hopLimit: 254, source: V6.address(V6.llRouter), destination: .allNodes)
                    == .hopLimitNot255)
        }
    }

    @Test func emitRouterAdvertisementByteExact() {
        var buffer = [UInt8](repeating: 0xEE, count: 72)
        buffer.withUnsafeMutableBytes { raw in
            NDPOption.emitLinkLayerAddress(into: raw.slice(16, 8), type: .sourceLinkLayerAddress,
                                           address: V6.macRouter)
            NDPOption.emitMTU(into: raw.slice(24, 8), mtu: 1500)
            for (i, byte) in [0xFD, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06].enumerated() {
                raw.storeUInt8(UInt8(byte), at: 32 + i)
            }
            NDPOption.emitPrefixInformation(into: raw.slice(40, 32), prefix: IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 0),
                                            prefixLength: 64,
                                            onLink: true, autonomous: true, validLifetime: 2_592_000,
                                            preferredLifetime: 604_800)
            RouterAdvertisement.emit(into: raw, currentHopLimit: 64, managed: false, other: true,
                                     routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000,
                                     source: V6.address(V6.llRouter), destination: .allNodes)
        }
        #expect(buffer == Self.routerAdvertisement)
    }

    @Test func optionsOfKnownTypeButWrongLengthAreSkipped() throws {
        var bytes = Self.routerAdvertisement
        bytes[25] = 2       // the MTU option claims 16 bytes, swallowing the experimental one
        bytes[41] = 3       // the prefix option claims 24 bytes…
        bytes[64] = 0xFD    // …and the 8 left over become another experimental option
        bytes[65] = 1
        bytes = V6.checksummed(bytes, source: V6.llRouter, destination: V6.allNodes)
        try Self.withMessage(bytes, source: V6.llRouter, destination: V6.allNodes) { message in
            let ra = try RouterAdvertisement(message)
            #expect(Self.describeOptions(ra.options) == ["sll 00:00:5e:00:53:fe"])
            #expect(ra.options.mtu == nil)
            #expect(ra.options.contains(.mtu))
        }
    }

    @Test func malformedRouterAdvertisements() throws {
        let make: (ICMPv6Message) throws(NDPMalformation) -> Void = { _ = try RouterAdvertisement($0) }
        #expect(try Self.malformation(Self.routerAdvertisement, make) == nil)
        #expect(try Self.malformation(Array(Self.routerAdvertisement[0..<15]), make) == .truncated)
        // Exactly the fixed part, no options, is fine.
        #expect(try Self.malformation(Array(Self.routerAdvertisement[0..<16]), make) == nil)
        // The prefix option's length is 0: the good options before it do not save the message.
        var zero = Self.routerAdvertisement
        zero[41] = 0
        #expect(try Self.malformation(zero, make) == .zeroLengthOption)
        // The prefix option cut in its middle.
        #expect(try Self.malformation(Array(Self.routerAdvertisement[0..<60]), make) == .optionOverrun)
        #expect(try Self.malformation(Self.routerSolicitation, make) == .wrongType)
    }

    // MARK: Router Solicitation

    @Test func routerSolicitation() throws {
        try Self.withMessage(Self.routerSolicitation, source: V6.llA, destination: V6.allRouters) { message in
            let rs = try RouterSolicitation(message)
            #expect(rs.code == 0)
            #expect(Self.describeOptions(rs.options) == ["sll 00:00:5e:00:53:01"])
            #expect(rs.validate(hopLimit: 255, source: V6.address(V6.llA), destination: .allRouters) == nil)
            #expect(rs.validate(hopLimit: 255, source: .unspecified, destination: .allRouters)
                    == .unspecifiedSourceWithLinkLayerAddress)
            #expect(rs.validate(hopLimit: 2, source: V6.address(V6.llA), destination: .allRouters) == .hopLimitNot255)
        }
        // From a host with no address yet: no options at all.
        let bare = V6.checksummed(Array(Self.routerSolicitation[0..<8]), source: V6.unspecified,
                                  destination: V6.allRouters)
        try Self.withMessage(bare, source: V6.unspecified, destination: V6.allRouters) { message in
            let rs = try RouterSolicitation(message)
            #expect(Array(rs.options).isEmpty)
            #expect(rs.validate(hopLimit: 255, source: .unspecified, destination: .allRouters) == nil)
        }
    }

    @Test func emitRouterSolicitationByteExact() {
        var buffer = [UInt8](repeating: 0xEE, count: 16)
        buffer.withUnsafeMutableBytes { raw in
            NDPOption.emitLinkLayerAddress(into: raw.slice(8, 8), type: .sourceLinkLayerAddress, address: V6.macA)
            RouterSolicitation.emit(into: raw, source: V6.address(V6.llA), destination: .allRouters)
        }
        #expect(buffer == Self.routerSolicitation)
    }

    @Test func malformedRouterSolicitations() throws {
        let make: (ICMPv6Message) throws(NDPMalformation) -> Void = { _ = try RouterSolicitation($0) }
        #expect(try Self.malformation(Self.routerSolicitation, make) == nil)
        var zero = Self.routerSolicitation
        zero[9] = 0
        #expect(try Self.malformation(zero, make) == .zeroLengthOption)
        #expect(try Self.malformation(Array(Self.routerSolicitation[0..<12]), make) == .optionOverrun)
        #expect(try Self.malformation(Self.redirect, make) == .wrongType)
    }

    // MARK: Redirect

    @Test func redirect() throws {
        #expect(Self.redirect.count == 96)
        try Self.withMessage(Self.redirect, source: V6.llRouter, destination: V6.llA) { message in
            let redirect = try Redirect(message)
            #expect(redirect.code == 0)
            #expect(redirect.target == V6.address(V6.llRouter2))
            #expect(redirect.destination == V6.address(Self.offLink))
            #expect(Self.describeOptions(redirect.options) == ["tll 00:00:5e:00:53:fd", "redirected 40"])
            #expect(redirect.options.targetLinkLayerAddress == Self.macRouter2)
            for case .redirectedHeader(let quoted) in redirect.options {
                #expect(Array(quoted) == Self.redirected)
            }
            let router = V6.address(V6.llRouter), a = V6.address(V6.llA)
            #expect(redirect.validate(hopLimit: 255, source: router, destination: a) == nil)
            #expect(redirect.validate(hopLimit: 255, source: V6.address(V6.docRouter), destination: a)
                    == .sourceNotLinkLocal)
            #expect(redirect.validate(hopLimit: 128, source: router, destination: a) == .hopLimitNot255)
        }
    }

    @Test func emitRedirectByteExact() {
        var buffer = [UInt8](repeating: 0xEE, count: 96)
        buffer.withUnsafeMutableBytes { raw in
            NDPOption.emitLinkLayerAddress(into: raw.slice(40, 8), type: .targetLinkLayerAddress,
                                           address: Self.macRouter2)
            NDPOption.emitRedirectedHeader(into: raw.slice(48, 48))
            Self.redirected.withUnsafeBytes { raw.copyBytes($0, at: 56) }
            Redirect.emit(into: raw, target: V6.address(V6.llRouter2), destination: V6.address(Self.offLink),
                          ipSource: V6.address(V6.llRouter), ipDestination: V6.address(V6.llA))
        }
        #expect(buffer == Self.redirect)
    }

    @Test func redirectValidity() throws {
        let router = V6.address(V6.llRouter), a = V6.address(V6.llA)
        // On-link destination: the target is the destination itself, global or not.
        var onLink = Self.redirect
        onLink.replaceSubrange(8..<24, with: Self.offLink)
        onLink = V6.checksummed(onLink, source: V6.llRouter, destination: V6.llA)
        try Self.withMessage(onLink, source: V6.llRouter, destination: V6.llA) { message in
            let redirect = try Redirect(message)
            #expect(redirect.validate(hopLimit: 255, source: router, destination: a) == nil)
        }
        // A global target that is not the destination.
        var global = Self.redirect
        global.replaceSubrange(8..<24, with: V6.docRouter)
        global = V6.checksummed(global, source: V6.llRouter, destination: V6.llA)
        try Self.withMessage(global, source: V6.llRouter, destination: V6.llA) { message in
            let redirect = try Redirect(message)
            #expect(redirect.validate(hopLimit: 255, source: router, destination: a) == .redirectTargetNotLinkLocal)
        }
        // A multicast destination.
        var multicast = Self.redirect
        multicast.replaceSubrange(24..<40, with: V6.allNodes)
        multicast = V6.checksummed(multicast, source: V6.llRouter, destination: V6.llA)
        try Self.withMessage(multicast, source: V6.llRouter, destination: V6.llA) { message in
            let redirect = try Redirect(message)
            #expect(redirect.validate(hopLimit: 255, source: router, destination: a)
                    == .redirectDestinationIsMulticast)
        }
    }

    @Test func malformedRedirects() throws {
        let make: (ICMPv6Message) throws(NDPMalformation) -> Void = { _ = try Redirect($0) }
        #expect(try Self.malformation(Self.redirect, make) == nil)
        #expect(try Self.malformation(Array(Self.redirect[0..<39]), make) == .truncated)
        var zero = Self.redirect
        zero[49] = 0
        #expect(try Self.malformation(zero, make) == .zeroLengthOption)
        // The redirected header option says 48 bytes; the packet is cut at 40.
        #expect(try Self.malformation(Array(Self.redirect[0..<88]), make) == .optionOverrun)
        #expect(try Self.malformation(Self.solicitation, make) == .wrongType)
    }

    // MARK: Checksums

    @Test func fixturesFailTheirChecksumWhenCorrupted() {
        let fixtures: [([UInt8], [UInt8], [UInt8])] = [
            (Self.solicitation, V6.llA, V6.solicitedB),
            (Self.advertisement, V6.llB, V6.llA),
            (Self.routerAdvertisement, V6.llRouter, V6.allNodes),
            (Self.routerSolicitation, V6.llA, V6.allRouters),
            (Self.redirect, V6.llRouter, V6.llA),
        ]
        for (bytes, source, destination) in fixtures {
            #expect(V6.icmpMalformation(bytes, source: source, destination: destination) == nil)
            var corrupted = bytes
            corrupted[corrupted.count - 1] ^= 0x80
            #expect(V6.icmpMalformation(corrupted, source: source, destination: destination) == .badChecksum)
        }
    }
}
