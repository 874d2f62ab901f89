import NetCore

/// The RFC 6724 policy table: precedence and label by longest prefix match.
/// Small and rarely changed, so a linear scan is the whole implementation.
public struct PrefixPolicyTable: Sendable {
    /// The rows, in no particular order.
    public var policies: [PrefixPolicy]

    /// A table of `policies`.
    public init(_ policies: [PrefixPolicy]) {
        self.policies = policies
    }

    /// The RFC 6724 §2.1 default table, which is also Windows' default set of
    /// prefix policies: loopback first, then native IPv6, IPv4 (as
    /// IPv4-mapped) ahead of 6to4, Teredo, ULAs and the deprecated ranges.
    public static let rfc6724Default = PrefixPolicyTable([
        row("::1/128", 50, 0),
        row("::/0", 40, 1),
        row("::ffff:0:0/96", 35, 4),
        row("2002::/16", 30, 2),
        row("2001::/32", 5, 5),
        row("fc00::/7", 3, 13),
        row("::/96", 1, 3),
        row("fec0::/10", 1, 11),
        row("3ffe::/16", 1, 12),
    ])

    static func row(_ prefix: String, _ precedence: UInt32, _ label: UInt32) -> PrefixPolicy {
        PrefixPolicy(prefix: IPv6Prefix(prefix)!, precedence: precedence, label: label)
    }

    /// The row with the longest prefix containing `address`; nil only in a
    /// table without ::/0.
    public func policy(for address: IPv6Address) -> PrefixPolicy? {
        var best: PrefixPolicy?
        for policy in policies where policy.prefix.contains(address) {
            if best.map({ policy.prefix.length > $0.prefix.length }) ?? true { best = policy }
        }
        return best
    }

    /// Precedence(A); 0 when no row matches, so an unmatched destination sorts last.
    public func precedence(of address: IPv6Address) -> UInt32 {
        policy(for: address)?.precedence ?? 0
    }

    /// Label(A); nil when no row matches, and two unmatched addresses share
    /// that "no label", as the RFC's table without ::/0 leaves open.
    public func label(of address: IPv6Address) -> UInt32? {
        policy(for: address)?.label
    }
}
