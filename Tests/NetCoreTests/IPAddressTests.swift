import Testing
@testable import NetCore

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1", AddressFamily.inet),
        ("0.0.0.0", "0.0.0.0", .inet),
        ("2001:0DB8::0001", "2001:db8::1", .inet6),
        ("::", "::", .inet6),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1", .inet6),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221", .inet6),
    ])
    func parsesEitherFamily(input: String, canonical: String, family: AddressFamily) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
        #expect(address.family == family)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", ":", "1::2::3", "1.2.3.4:80", "[::1]", "fe80::1%1", "01.2.3.4", "host"])
    func rejectsInvalidText(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func casesAndPredicates() throws {
        #expect(IPAddress("10.1.2.3") == .v4(IPv4Address(10, 1, 2, 3)))
        #expect(IPAddress("::1") == .v6(.loopback))
        #expect(IPAddress.v4(.any).isUnspecified && IPAddress.v6(.any).isUnspecified)
        #expect(IPAddress.v4(.loopback).isLoopback && IPAddress.v6(.loopback).isLoopback)
        #expect(IPAddress.v4(IPv4Address(224, 0, 0, 1)).isMulticast && IPAddress.v6(.allNodes).isMulticast)
        #expect(!IPAddress.v4(.broadcast).isMulticast)
        // The mapped form is a different address from the IPv4 one.
        #expect(IPAddress.v6(IPv6Address(ipv4Mapped: .loopback)) != IPAddress.v4(.loopback))
        #expect(AddressFamily.inet.rawValue == 2 && AddressFamily.inet6.rawValue == 23)
    }
}
