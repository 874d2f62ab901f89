import Testing
@testable import TCPIP
import NetCore

@Suite("PrefixPolicyTable")
struct PrefixPolicyTableTests {
    @Test("RFC 6724 §2.1 default precedence and label", arguments: [
        ("::1", UInt32(50), UInt32(0)),
        ("::ffff:192.0.2.1", 35, 4),
        ("2002::1", 30, 2),
        ("2002:c000:201::1", 30, 2),
        ("2001::1", 5, 5), // Teredo
        ("2001:0:ffff:ffff:ffff:ffff:ffff:ffff", 5, 5),
        ("fc00::1", 3, 13),
        ("fdff:ffff::1", 3, 13),
        ("2001:db8::1", 40, 1), // 2001:db8::/32 lies outside Teredo's 2001::/32
        ("fe80::1", 40, 1),
        ("::192.0.2.1", 1, 3), // IPv4-compatible, deprecated
        ("fec0::1", 1, 11),
        ("3ffe::1", 1, 12),
    ])
    func defaults(address: String, precedence: UInt32, label: UInt32) {
        let table = PrefixPolicyTable.rfc6724Default
        let a = IPv6Address(address)!
        #expect(table.precedence(of: a) == precedence)
        #expect(table.label(of: a) == label)
    }

    @Test("The longest matching row wins: ::1 is in ::/96 and ::/0 too")
    func loopbackRow() {
        let row = PrefixPolicyTable.rfc6724Default.policy(for: .loopback)
        #expect(row?.prefix == IPv6Prefix("::1/128"))
    }

    @Test("The longest matching row wins whatever the row order", arguments: [false, true])
    func longestRowWins(reversed: Bool) {
        var rows = [
            PrefixPolicy(prefix: IPv6Prefix("::/0")!, precedence: 1, label: 1),
            PrefixPolicy(prefix: IPv6Prefix("2001:db8::/32")!, precedence: 7, label: 7),
            PrefixPolicy(prefix: IPv6Prefix("2001:db8:1::/48")!, precedence: 9, label: 9),
            PrefixPolicy(prefix: IPv6Prefix("2001:db8:1:2::1/128")!, precedence: 11, label: 11),
        ]
        if reversed { rows.reverse() }
        let table = PrefixPolicyTable(rows)
        #expect(table.label(of: IPv6Address("2001:db8:1:2::1")!) == 11)
        #expect(table.label(of: IPv6Address("2001:db8:1:2::2")!) == 9)
        #expect(table.label(of: IPv6Address("2001:db8:2::1")!) == 7)
        #expect(table.label(of: IPv6Address("fe80::1")!) == 1)
        #expect(table.precedence(of: IPv6Address("2001:db8:1::1")!) == 9)
    }

    @Test("Without ::/0, an unmatched address has precedence 0 and no label")
    func noDefaultRow() {
        let table = PrefixPolicyTable([PrefixPolicy(prefix: IPv6Prefix("2001:db8:1::/48")!, precedence: 9, label: 9)])
        let outside = IPv6Address("2001:db8:2::1")!
        #expect(table.policy(for: outside) == nil)
        #expect(table.precedence(of: outside) == 0)
        #expect(table.label(of: outside) == nil)
        // Two unmatched addresses share "no label", which rule 6 counts as a match.
        #expect(table.label(of: outside) == table.label(of: IPv6Address("fe80::1")!))
        #expect(table.label(of: IPv6Address("2001:db8:1::1")!) == 9)
    }
}
