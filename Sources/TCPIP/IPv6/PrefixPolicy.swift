import NetCore

/// One row of the RFC 6724 §2.1 policy table (a Windows "prefix policy", as
/// `netsh interface ipv6 show prefixpolicies` lists them).
public struct PrefixPolicy: Hashable, Sendable {
    /// The addresses the row applies to; the longest matching row wins.
    public var prefix: IPv6Prefix
    /// Precedence: destinations with a higher value are tried first (§6 rule 6).
    public var precedence: UInt32
    /// Label: a source is preferred for a destination with the same label
    /// (§5 rule 6, §6 rule 5), which keeps e.g. 6to4 sources with 6to4
    /// destinations.
    public var label: UInt32

    /// A row.
    public init(prefix: IPv6Prefix, precedence: UInt32, label: UInt32) {
        self.prefix = prefix
        self.precedence = precedence
        self.label = label
    }
}
