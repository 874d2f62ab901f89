import Testing
@testable import NetCore

@Suite struct IPv4AddressTests {
    @Test(arguments: [
        ("0.0.0.0", UInt32(0)),
        ("255.255.255.255", 0xFFFF_FFFF),
        ("192.0.2.1", 0xC000_0201),
        ("127.0.0.1", 0x7F00_0001),
        ("10.0.0.0", 0x0A00_0000),
        ("1.2.3.4", 0x0102_0304),
        ("100.64.0.10", 0x6440_000A),
        ("203.0.113.255", 0xCB00_71FF),
    ])
    func parsesAndPrints(text: String, value: UInt32) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.rawValue == value)
        #expect(address.description == text)
    }

    @Test(arguments: [
        "", "1", "1.2", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.",
        "256.0.0.1", "1.2.3.256", "999.1.1.1", "1000.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.00",
        "00.0.0.0", "0x1.2.3.4", "1.2.3.0x4", "+1.2.3.4", "-1.2.3.4", "1.2.3.-4", " 1.2.3.4",
        "1.2.3.4 ", "1.2 .3.4", "1.2.3.4/24", "1.2.3.4:80", "a.b.c.d", "1.2.3.4a", "::1",
        "１.2.3.4", "1,2,3,4", "1.2.3.4\0",
    ])
    func rejectsInvalidText(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test func bytesInNetworkOrder() {
        let address = IPv4Address(192, 0, 2, 1)
        #expect(address.rawValue == 0xC000_0201)
        var out = [UInt8](repeating: 0, count: 6)
        out.withUnsafeMutableBytes { address.write(to: $0, at: 1) }
        #expect(out == [0, 192, 0, 2, 1, 0])
        out.withUnsafeBytes { raw in
            #expect(IPv4Address(bytes: UnsafeRawBufferPointer(rebasing: raw[1...])) == address)
        }
    }

    @Test func predicatesAndConstants() {
        func a(_ s: String, _ location: SourceLocation = #_sourceLocation) -> IPv4Address {
            guard let parsed = IPv4Address(s) else {
                Issue.record("unparsable \(s)", sourceLocation: location)
                return .any
            }
            return parsed
        }
        #expect(IPv4Address.any.description == "0.0.0.0" && IPv4Address.any.isUnspecified)
        #expect(IPv4Address.broadcast.description == "255.255.255.255" && IPv4Address.broadcast.isLimitedBroadcast)
        #expect(IPv4Address.loopback.description == "127.0.0.1" && IPv4Address.loopback.isLoopback)
        #expect(a("127.255.0.3").isLoopback && !(a("128.0.0.1").isLoopback))
        #expect(!(a("0.0.0.1").isUnspecified))
        #expect(!(a("255.255.255.254").isLimitedBroadcast))
        #expect(a("224.0.0.1").isMulticast && (a("239.255.255.255").isMulticast))
        #expect(!(a("223.255.255.255").isMulticast) && !(a("240.0.0.0").isMulticast))
        #expect(a("169.254.1.2").isLinkLocal && !(a("169.253.1.2").isLinkLocal) && !(a("169.255.0.0").isLinkLocal))
        for s in ["10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255"] {
            #expect(a(s).isPrivate, "\(s)")
        }
        for s in ["9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0"] {
            #expect(!(a(s).isPrivate), "\(s)")
        }
        for s in ["192.0.2.0", "192.0.2.255", "198.51.100.7", "203.0.113.200"] {
            #expect(a(s).isDocumentation, "\(s)")
        }
        for s in ["192.0.3.0", "192.0.1.255", "198.51.101.7", "203.0.112.200", "198.51.99.1"] {
            #expect(!(a(s).isDocumentation), "\(s)")
        }
    }

    @Test func ordersNumerically() throws {
        #expect(try #require(IPv4Address("9.255.255.255")) < (try #require(IPv4Address("10.0.0.0"))))
        #expect([IPv4Address.broadcast, .loopback, .any].sorted() == [.any, .loopback, .broadcast])
    }
}
