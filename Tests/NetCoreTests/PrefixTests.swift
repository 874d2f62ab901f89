import Testing
@testable import NetCore

@Suite struct IPv4PrefixTests {
    @Test(arguments: [
        ("192.0.2.0/24", "192.0.2.0/24", "255.255.255.0"),
        ("192.0.2.77/24", "192.0.2.0/24", "255.255.255.0"),
        ("10.1.2.3/8", "10.0.0.0/8", "255.0.0.0"),
        ("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0"),
        ("255.255.255.255/0", "0.0.0.0/0", "0.0.0.0"),
        ("192.0.2.1/32", "192.0.2.1/32", "255.255.255.255"),
        ("172.31.255.255/12", "172.16.0.0/12", "255.240.0.0"),
        ("198.51.100.200/25", "198.51.100.128/25", "255.255.255.128"),
        ("203.0.113.7/31", "203.0.113.6/31", "255.255.255.254"),
        ("128.0.0.1/1", "128.0.0.0/1", "128.0.0.0"),
    ])
    func parsesMasksAndPrints(input: String, canonical: String, mask: String) throws {
        let prefix = try #require(IPv4Prefix(input))
        #expect(prefix.description == canonical)
        #expect(prefix.mask.description == mask)
        #expect(IPv4Prefix(canonical) == prefix)
    }

    @Test(arguments: [
        "", "/", "/24", "192.0.2.0", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/+8",
        "192.0.2.0/024", "192.0.2.0/00", "192.0.2.0/24/", "192.0.2.0/2 4", "192.0.2.0 /24",
        "192.0.2/24", "192.0.2.0/4294967320", "2001:db8::/32", "192.0.2.0/0x18", "192.0.2.0/24 ",
    ])
    func rejectsInvalidText(input: String) {
        #expect(IPv4Prefix(input) == nil)
    }

    @Test func lengthBounds() {
        #expect(IPv4Prefix(address: .broadcast, length: 33) == nil)
        #expect(IPv4Prefix(address: .broadcast, length: -1) == nil)
        let host = IPv4Prefix(address: .broadcast, length: 32)
        #expect(host?.network == .broadcast && host?.length == 32)
        let all = IPv4Prefix(address: .broadcast, length: 0)
        #expect(all?.network == .any && all?.length == 0)
    }

    @Test func containment() throws {
        let net = try #require(IPv4Prefix("192.168.0.0/16"))
        #expect(net.contains(IPv4Address(192, 168, 0, 0)))
        #expect(net.contains(IPv4Address(192, 168, 255, 255)))
        #expect(!net.contains(IPv4Address(192, 169, 0, 0)))
        #expect(!net.contains(IPv4Address(192, 167, 255, 255)))

        #expect(net.contains(try #require(IPv4Prefix("192.168.4.0/24"))))
        #expect(net.contains(net))
        #expect(!net.contains(try #require(IPv4Prefix("192.0.0.0/8"))))  // wider
        #expect(!net.contains(try #require(IPv4Prefix("10.168.4.0/24"))))

        let everything = try #require(IPv4Prefix("0.0.0.0/0"))
        #expect(everything.contains(.broadcast) && everything.contains(.any) && everything.contains(net))
        let host = try #require(IPv4Prefix("192.168.1.1/32"))
        #expect(host.contains(IPv4Address(192, 168, 1, 1)) && !host.contains(IPv4Address(192, 168, 1, 0)))
        #expect(net.contains(host) && !host.contains(net))
    }

    @Test func equalityIgnoresHostBits() throws {
        #expect(IPv4Prefix("10.9.8.7/8") == IPv4Prefix("10.0.0.0/8"))
        #expect(IPv4Prefix("10.0.0.0/8") != IPv4Prefix("10.0.0.0/9"))
        #expect(Set([IPv4Prefix("10.9.8.7/8"), IPv4Prefix("10.0.0.0/8")]).count == 1)
    }
}

@Suite struct IPv6PrefixTests {
    @Test(arguments: [
        ("2001:db8::/32", "2001:db8::/32", "ffff:ffff::"),
        ("2001:DB8:1:2::5/32", "2001:db8::/32", "ffff:ffff::"),
        ("2001:db8:1:2:3:4:5:6/64", "2001:db8:1:2::/64", "ffff:ffff:ffff:ffff::"),
        ("fe80::5054:ff:fe12:3456/10", "fe80::/10", "ffc0::"),
        ("febf:ffff::/10", "fe80::/10", "ffc0::"),
        ("::/0", "::/0", "::"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/0", "::/0", "::"),
        ("::1/128", "::1/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8::ffff:ffff/127", "2001:db8::ffff:fffe/127", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"),
        ("2001:db8::ffff:ffff:ffff:ffff/65", "2001:db8:0:0:8000::/65", "ffff:ffff:ffff:ffff:8000::"),
        ("2001:db8:0:ffff::/63", "2001:db8:0:fffe::/63", "ffff:ffff:ffff:fffe::"),
        ("::ffff:192.0.2.1/120", "::ffff:192.0.2.0/120", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00"),
        ("ff02::1:ff12:3456/104", "ff02::1:ff00:0/104", "ffff:ffff:ffff:ffff:ffff:ffff:ff00:0"),
    ])
    func parsesMasksAndPrints(input: String, canonical: String, mask: String) throws {
        let prefix = try #require(IPv6Prefix(input))
        #expect(prefix.description == canonical)
        #expect(prefix.mask.description == mask)
        #expect(IPv6Prefix(canonical) == prefix)
    }

    @Test(arguments: [
        "", "/", "/64", "2001:db8::", "2001:db8::/", "2001:db8::/129", "2001:db8::/-1", "2001:db8::/064",
        "2001:db8::/6 4", "2001:db8:::/32", "[2001:db8::]/32", "2001:db8::%1/32", "192.0.2.0/24",
        "2001:db8::/32/", "2001:db8::/1000",
    ])
    func rejectsInvalidText(input: String) {
        #expect(IPv6Prefix(input) == nil)
    }

    @Test func lengthBounds() {
        let ones = IPv6Address(high: ~0, low: ~0)
        #expect(IPv6Prefix(address: ones, length: 129) == nil)
        #expect(IPv6Prefix(address: ones, length: -1) == nil)
        #expect(IPv6Prefix(address: ones, length: 128)?.network == ones)
        #expect(IPv6Prefix(address: ones, length: 64)?.network == IPv6Address(high: ~0, low: 0))
        #expect(IPv6Prefix(address: ones, length: 0)?.network == .any)
        #expect(IPv6Prefix(address: ones, length: 100)?.length == 100)
    }

    @Test func containment() throws {
        func a(_ s: String) throws -> IPv6Address { try #require(IPv6Address(s)) }
        func p(_ s: String) throws -> IPv6Prefix { try #require(IPv6Prefix(s)) }
        let doc = try p("2001:db8::/32")
        #expect(doc.contains(try a("2001:db8::")))
        #expect(doc.contains(try a("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")))
        #expect(!doc.contains(try a("2001:db9::")))
        #expect(!doc.contains(try a("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")))

        // A prefix longer than 64 bits must compare the low half too.
        let long = try p("2001:db8::1:0/112")
        #expect(long.contains(try a("2001:db8::1:ffff")))
        #expect(!long.contains(try a("2001:db8::2:0")))
        #expect(!long.contains(try a("2001:db9::1:0")))

        #expect(doc.contains(long) && !long.contains(doc) && doc.contains(doc))
        #expect(!doc.contains(try p("2001::/16")))
        #expect(!doc.contains(try p("2001:db9::/48")))
        #expect(try p("::/0").contains(doc))
        #expect(try p("fe80::/10").contains(IPv6Address.linkLocal(eui64From: .broadcast)))
        #expect(try p("::1/128").contains(IPv6Address.loopback) && !(try p("::1/128").contains(IPv6Address.any)))
    }
}
