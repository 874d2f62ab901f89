import Testing
@testable import TCPIP
import NetCore

@Suite("IPv6Scope")
struct IPv6ScopeTests {
    @Test("Scope of an address (RFC 6724 §3.1, §3.2)", arguments: [
        ("fe80::1", IPv6Scope.linkLocal),
        ("febf:ffff::1", .linkLocal), // the top of fe80::/10
        ("fec0::1", .siteLocal),
        ("ff01::1", .interfaceLocal),
        ("ff02::1", .linkLocal),
        ("ff05::1", .siteLocal),
        ("ff08::1", .organizationLocal),
        ("ff0e::1", .global),
        ("::1", .linkLocal),
        ("::ffff:169.254.1.1", .linkLocal),
        ("::ffff:127.0.0.1", .linkLocal),
        ("::ffff:192.0.2.1", .global),
        ("2001:db8::1", .global),
        ("fc00::1", .global), // RFC 4193 §3.3: ULAs are global
        ("2002::1", .global),
    ])
    func scope(address: String, expected: IPv6Scope) {
        #expect(IPv6Scope(of: IPv6Address(address)!) == expected)
    }

    @Test("A multicast address keeps an unassigned scope value as it is")
    func unassignedMulticastScope() {
        let scope = IPv6Scope(of: IPv6Address("ff03::1")!)
        #expect(scope.rawValue == 3)
        #expect(scope > .linkLocal && scope < .adminLocal)
        #expect(IPv6Scope(of: IPv6Address("ff0f::1")!).rawValue == 15)
    }

    @Test("Scopes order from smallest region to largest")
    func ordering() {
        let ordered: [IPv6Scope] = [.interfaceLocal, .linkLocal, .adminLocal, .siteLocal, .organizationLocal, .global]
        #expect(ordered.sorted() == ordered)
        #expect(ordered.reversed().sorted() == ordered)
        #expect(!(IPv6Scope.global < .global))
    }

    @Test("rawValue keeps only the low four bits")
    func rawValueMasked() {
        #expect(IPv6Scope(rawValue: 0x1E) == .global)
        #expect(IPv6Scope(rawValue: 0xF2) == .linkLocal)
    }
}
