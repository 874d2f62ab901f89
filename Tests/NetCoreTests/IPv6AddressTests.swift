import Testing
@testable import NetCore

@Suite struct IPv6AddressTests {
    /// Valid text and its RFC 5952 canonical form.
    @Test(arguments: [
        // RFC 5952 §4.1: leading zeros
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:db8::0:1", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:db8:0000:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0::1:0:0:1", "2001:db8::1:0:0:1"),
        // §4.2.1: shorten as much as possible
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
        // §4.2.2: a single zero group is not compressed
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        // §4.2.3: longest run wins, first when tied
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
        ("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"),
        // §4.3: lowercase
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:DB8::ABCD:EF01", "2001:db8::abcd:ef01"),
        ("FE80::Aa:bB", "fe80::aa:bb"),
        // `::` at the edges, and alone
        ("::", "::"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::0", "::"),
        ("0::", "::"),
        ("::1", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1::", "1::"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("1::8", "1::8"),
        ("1:2:3::6:7:8", "1:2:3::6:7:8"),
        ("1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("fe80::", "fe80::"),
        ("ff02::1:ff00:1", "ff02::1:ff00:1"),
        ("0001:0010:0100:1000::", "1:10:100:1000::"),
        // embedded IPv4: mapped prints mixed, everything else in hex
        ("::ffff:192.0.2.128", "::ffff:192.0.2.128"),
        ("::FFFF:192.0.2.1", "::ffff:192.0.2.1"),
        ("0:0:0:0:0:ffff:c000:0280", "::ffff:192.0.2.128"),
        ("::ffff:0.0.0.0", "::ffff:0.0.0.0"),
        ("::ffff:0:0", "::ffff:0.0.0.0"),
        ("0:0:0:0:0:ffff:255.255.255.255", "::ffff:255.255.255.255"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("::192.0.2.1", "::c000:201"),
        ("::0.0.0.1", "::1"),
        ("::0.0.0.0", "::"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ("1::1.2.3.4", "1::102:304"),
        ("1:2:3:4:5::1.2.3.4", "1:2:3:4:5:0:102:304"),
        ("::ffff:1:192.0.2.1", "::ffff:1:c000:201"),
        ("::1:ffff:192.0.2.1", "::1:ffff:c000:201"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let address = try #require(IPv6Address(input))
        #expect(address.description == canonical)
        #expect(IPv6Address(canonical) == address)
    }

    @Test(arguments: [
        "", ":", ":::", "::::", "1:::2", ":::1", "1:::", "1::2::3", "::1::", "::1:2::",
        "1", "1:2", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
        "1:2:3:4::5:6:7:8", "12345::", "::12345", "1:2:3:4:5:6:7:00000", "0000a::",
        ":1::", "::1:", "1:", ":1", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "1::2:",
        "g::", "::g", "1:2:3:4:5:6:7:x", "::-1", "::+1", " ::1", "::1 ", ":: 1",
        "fe80::1%3", "fe80::1%eth0", "fe80::%1", "[::1]", "::1/128", "::1.2.3", "::1.2.3.4.5",
        "::256.1.1.1", "::1.2.3.04", "::1.2.3.4:1", "1.2.3.4::", "1.2.3.4::1", "::1.2.3.4::",
        "1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7:8:1.2.3.4", "1:2:3:4:5:1.2.3.4",
        "::ffff:1.2.3.4:0", "::1a.2.3.4", "::ffff:.1.2.3", "::1.2.3.4.", "::ffff:1.2.3.",
        "::ffff:192.0.2.1%1", "２００１:db8::1", "1:2:3:4:5:6:7:8 ", "1::2::",
        "0:0:0:0:0:0:0:0:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "0000:0000:0000:0000:0000:ffff:255.255.255.2555",
    ])
    func rejectsInvalidText(input: String) {
        #expect(IPv6Address(input) == nil)
    }

    @Test func groupsHalvesAndBytes() throws {
        let address = IPv6Address(0x2001, 0xDB8, 0, 0, 0x1, 0x2, 0x3, 0x4)
        #expect(address.high == 0x2001_0DB8_0000_0000)
        #expect(address.low == 0x0001_0002_0003_0004)
        #expect((0..<8).map(address.group) == [0x2001, 0xDB8, 0, 0, 1, 2, 3, 4])
        #expect(IPv6Address(groups: [0x2001, 0xDB8, 0, 0, 0x1, 0x2, 0x3, 0x4]) == address)
        #expect(address == (try #require(IPv6Address("2001:db8::1:2:3:4"))))

        let wire: [UInt8] = [0xFF, 0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0xFF]
        wire.withUnsafeBytes { raw in
            #expect(IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: raw[1...])) == address)
        }
        var out = [UInt8](repeating: 0xFF, count: 18)
        out.withUnsafeMutableBytes { address.write(to: $0, at: 1) }
        #expect(out == wire)
    }

    @Test func constants() {
        #expect(IPv6Address.any.description == "::")
        #expect(IPv6Address.unspecified == IPv6Address.any)
        #expect(IPv6Address.loopback.description == "::1")
        #expect(IPv6Address.allNodes.description == "ff02::1")
        #expect(IPv6Address.allRouters.description == "ff02::2")
    }

    @Test func predicates() {
        func a(_ s: String, _ location: SourceLocation = #_sourceLocation) -> IPv6Address {
            guard let parsed = IPv6Address(s) else {
                Issue.record("unparsable \(s)", sourceLocation: location)
                return .any
            }
            return parsed
        }
        #expect(IPv6Address.any.isUnspecified && !IPv6Address.loopback.isUnspecified)
        #expect(IPv6Address.loopback.isLoopback && !(a("::2").isLoopback) && !(a("1::1").isLoopback))

        #expect(a("ff02::1").isMulticast && (a("ff00::").isMulticast))
        #expect(!(a("fe80::1").isMulticast) && !(a("feff::").isMulticast))

        #expect(a("fe80::1").isLinkLocal && (a("febf:ffff::").isLinkLocal))
        #expect(!(a("fec0::1").isLinkLocal) && !(a("fe7f::1").isLinkLocal) && !(a("ff02::1").isLinkLocal))

        #expect(a("fc00::1").isUniqueLocal && (a("fd12:3456::1").isUniqueLocal))
        #expect(!(a("fe00::").isUniqueLocal) && !(a("fbff::").isUniqueLocal))

        #expect(a("::ffff:1.2.3.4").isIPv4Mapped && !(a("::fffe:1.2.3.4").isIPv4Mapped))
        #expect(!(a("1::ffff:1.2.3.4").isIPv4Mapped) && !(a("::1:ffff:1.2.3.4").isIPv4Mapped))

        #expect(a("2001:db8::").isDocumentation && (a("2001:db8:ffff::1").isDocumentation))
        #expect(!(a("2001:db9::").isDocumentation) && !(a("2001:db7:ffff::").isDocumentation))
    }

    @Test(arguments: [
        ("ff01::1", UInt8?.some(1)), ("ff02::1", 2), ("ff05::2", 5), ("ff08::", 8), ("ff0e::101", 14),
        ("ff12::1", 2), ("ff3e::8000:1", 14), ("fe80::1", nil), ("::", nil), ("2001:db8::", nil),
    ])
    func multicastScope(text: String, scope: UInt8?) throws {
        #expect(try #require(IPv6Address(text)).multicastScope == scope)
    }

    @Test func ipv4Mapping() throws {
        let v4 = try #require(IPv4Address("192.0.2.1"))
        let mapped = IPv6Address(ipv4Mapped: v4)
        #expect(mapped.description == "::ffff:192.0.2.1")
        #expect(mapped.isIPv4Mapped)
        #expect(mapped.ipv4Mapped == v4)
        #expect(IPv6Address.loopback.ipv4Mapped == nil)
        #expect(try #require(IPv6Address("64:ff9b::192.0.2.1")).ipv4Mapped == nil)
        #expect(try #require(IPv6Address("::192.0.2.1")).ipv4Mapped == nil)
    }

    @Test(arguments: [
        ("2001:db8::1234:5678", "ff02::1:ff34:5678"),
        ("fe80::5054:ff:fe12:3456", "ff02::1:ff12:3456"),
        ("::1", "ff02::1:ff00:1"),
        ("::", "ff02::1:ff00:0"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff02::1:ffff:ffff"),
    ])
    func solicitedNode(address: String, group: String) throws {
        let solicited = try #require(IPv6Address(address)).solicitedNodeMulticast
        #expect(solicited.description == group)
        #expect(solicited.isMulticast && solicited.multicastScope == 2)
    }

    @Test(arguments: [
        ("52:54:00:12:34:56", "fe80::5054:ff:fe12:3456"),
        ("00:1b:21:0a:0b:0c", "fe80::21b:21ff:fe0a:b0c"),
        ("02:00:00:00:00:00", "fe80::ff:fe00:0"),
        ("00:00:00:00:00:00", "fe80::200:ff:fe00:0"),
        ("ff:ff:ff:ff:ff:ff", "fe80::fdff:ffff:feff:ffff"),
    ])
    func linkLocalFromEUI64(mac: String, address: String) throws {
        let linkLocal = IPv6Address.linkLocal(eui64From: try #require(MACAddress(mac)))
        #expect(linkLocal.description == address)
        #expect(linkLocal.isLinkLocal)
    }

    @Test func ordersLikeTheBytes() throws {
        let sorted = ["::", "::1", "::ffff:0.0.0.0", "1::", "2001:db8::", "2001:db8::1", "fe80::", "ff02::1"]
        let addresses = try sorted.map { try #require(IPv6Address($0)) }
        #expect(addresses.reversed().sorted() == addresses)
    }
}
