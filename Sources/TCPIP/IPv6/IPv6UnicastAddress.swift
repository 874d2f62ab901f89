import NetCore

/// An IPv6 address assigned to an interface (MIB_UNICASTIPADDRESS_ROW for
/// AF_INET6): what source address selection chooses among and what DAD and
/// the RA lifetimes act upon.
public struct IPv6UnicastAddress: Hashable, Sendable, CustomStringConvertible {
    /// Address.
    public var address: IPv6Address
    /// The on-link prefix it was assigned with (OnLinkPrefixLength), which also
    /// bounds RFC 6724's CommonPrefixLen so that interface identifiers never
    /// decide a longest-match. For an IPv4-mapped address this is 96 plus the
    /// IPv4 prefix length.
    public var prefix: IPv6Prefix
    /// InterfaceIndex: RFC 6724 rule 5 and the §4 same-link restriction need it.
    public var interfaceIndex: UInt32
    /// PrefixOrigin and SuffixOrigin, folded into one.
    public var origin: IPv6AddressOrigin
    /// DadState as last set by DAD or the lifetime timers.
    public var dadState: IPv6DADState
    /// ValidLifetime as a deadline: from it on the address is invalid and
    /// must be removed (RFC 4862 §5.5.4). Nil is infinite (0xffffffff).
    public var validUntil: Instant?
    /// PreferredLifetime as a deadline: from it on the address is deprecated.
    /// Nil is infinite.
    public var preferredUntil: Instant?

    /// An address with its on-link prefix length, or nil for a length over 128.
    /// A manual address starts preferred, as Windows assigns one with DAD
    /// skipped only when told; the caller sets `.tentative` while probing.
    public init?(_ address: IPv6Address, prefixLength: Int, interfaceIndex: UInt32,
                 origin: IPv6AddressOrigin = .manual, dadState: IPv6DADState = .preferred,
                 validUntil: Instant? = nil, preferredUntil: Instant? = nil) {
        guard let prefix = IPv6Prefix(address: address, length: prefixLength) else { return nil }
        self.address = address
        self.prefix = prefix
        self.interfaceIndex = interfaceIndex
        self.origin = origin
        self.dadState = dadState
        self.validUntil = validUntil
        self.preferredUntil = preferredUntil
    }

    /// OnLinkPrefixLength.
    @inlinable
    public var prefixLength: Int { prefix.length }

    /// ScopeId's level: link-local for fe80::/10, global for the rest (RFC 6724 §3.1).
    @inlinable
    public var scope: IPv6Scope { IPv6Scope(of: address) }

    /// RFC 6724 rule 7's "temporary" as opposed to "public".
    @inlinable
    public var isTemporary: Bool { origin == .temporary }

    /// The DAD state once the lifetimes are applied at `now`: a preferred
    /// address past its preferred deadline is deprecated, and any address
    /// past its valid deadline invalid. Lets selection be right between a
    /// deadline and the timer that updates `dadState`.
    @inlinable
    public func dadState(at now: Instant) -> IPv6DADState {
        if let validUntil, validUntil <= now { return .invalid }
        if dadState == .preferred, let preferredUntil, preferredUntil <= now { return .deprecated }
        return dadState
    }

    /// `address/length` with the interface and the state, as `netsh` lists them.
    public var description: String { "\(address)/\(prefixLength) if \(interfaceIndex) \(dadState)" }
}
