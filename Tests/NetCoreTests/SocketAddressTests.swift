import Testing
@testable import NetCore

@Suite struct SocketAddressTests {
    @Test(arguments: [
        ("192.0.2.1:80", "192.0.2.1:80"),
        ("0.0.0.0:0", "0.0.0.0:0"),
        ("255.255.255.255:65535", "255.255.255.255:65535"),
        ("[2001:db8::1]:443", "[2001:db8::1]:443"),
        ("[2001:0DB8:0:0:0:0:0:1]:443", "[2001:db8::1]:443"),
        ("[::]:0", "[::]:0"),
        ("[::1]:65535", "[::1]:65535"),
        ("[fe80::1%3]:80", "[fe80::1%3]:80"),
        ("[fe80::1%0]:80", "[fe80::1]:80"),
        ("[fe80::1%4294967295]:1", "[fe80::1%4294967295]:1"),
        ("[::ffff:192.0.2.1]:8080", "[::ffff:192.0.2.1]:8080"),
        ("[64:ff9b::192.0.2.1%7]:53", "[64:ff9b::c000:201%7]:53"),
    ])
    func parsesAndPrints(input: String, canonical: String) throws {
        let address = try #require(SocketAddress(input))
        #expect(address.description == canonical)
        #expect(SocketAddress(canonical) == address)
    }

    @Test(arguments: [
        "", ":", ":80", "192.0.2.1", "192.0.2.1:", "192.0.2.1:65536", "192.0.2.1:-1", "192.0.2.1:+80",
        "192.0.2.1:080", "192.0.2.1:00", "192.0.2.1:8 0", "192.0.2.1 :80", "192.0.2.1:80:", "192.0.2.1:80:80",
        "192.0.2:80", "[192.0.2.1]:80", "2001:db8::1:443", "::1:80", "[::1]", "[::1]:", "[::1]80", "[::1]:x",
        "[::1]:99999", "[::1:80", "::1]:80", "[[::1]]:80", "[::1]]:80", "[fe80::1%]:80", "[fe80::1%eth0]:80",
        "[fe80::1%-1]:80", "[fe80::1%4294967296]:80", "[fe80::1%03]:80", "[fe80::1%1%2]:80", "[%1]:80",
        "[fe80::1]%3:80", "[]:80", " [::1]:80", "[::1]:80 ", "[::1]:4294967376",
    ])
    func rejectsInvalidText(input: String) {
        #expect(SocketAddress(input) == nil)
    }

    @Test func accessors() throws {
        let v4 = SocketAddress.v4(IPv4Address(192, 0, 2, 1), port: 80)
        #expect(v4.port == 80 && v4.family == .inet && v4.ip == .v4(IPv4Address(192, 0, 2, 1)))
        #expect(v4.scopeID == 0 && v4.flowInfo == 0)

        let link = try #require(IPv6Address("fe80::1"))
        var v6 = SocketAddress.v6(link, port: 546, scopeID: 3, flowInfo: 0x12345)
        #expect(v6.port == 546 && v6.family == .inet6 && v6.ip == .v6(link))
        #expect(v6.scopeID == 3 && v6.flowInfo == 0x12345)
        v6.port = 547
        #expect(v6 == .v6(link, port: 547, scopeID: 3, flowInfo: 0x12345))

        // Default scope and flow information.
        #expect(SocketAddress.v6(.loopback, port: 1) == .v6(.loopback, port: 1, scopeID: 0, flowInfo: 0))
        #expect(SocketAddress(.v6(.loopback), port: 9) == .v6(.loopback, port: 9))
        #expect(SocketAddress(.v4(.loopback), port: 9) == .v4(.loopback, port: 9))
        #expect(SocketAddress("[fe80::1%3]:80") == .v6(link, port: 80, scopeID: 3))
        // The mapped form stays an IPv6 endpoint.
        #expect(SocketAddress("[::ffff:127.0.0.1]:9")?.family == .inet6)
    }
}
