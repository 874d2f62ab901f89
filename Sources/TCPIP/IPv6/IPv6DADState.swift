/// Where an address is in Duplicate Address Detection and its lifetimes
/// (NL_DAD_STATE, RFC 4862 §5.4 and §5.5.4). The raw values are Windows'
/// own, so they can be shown and compared as `netsh` and
/// MIB_UNICASTIPADDRESS_ROW.DadState report them.
public enum IPv6DADState: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// IpDadStateInvalid: the valid lifetime has run out; the address is
    /// about to be removed and must not be used at all.
    case invalid = 0
    /// IpDadStateTentative: DAD is still probing (RFC 4862 §5.4), so the
    /// address may not be a source yet: a duplicate would corrupt the
    /// owner's connections.
    case tentative = 1
    /// IpDadStateDuplicate: DAD found another owner; the address stays
    /// listed so the failure is visible, but is never used.
    case duplicate = 2
    /// IpDadStateDeprecated: the preferred lifetime has run out; existing
    /// connections keep it, new ones should choose another (RFC 6724 rule 3).
    case deprecated = 3
    /// IpDadStatePreferred: unique and within its preferred lifetime.
    case preferred = 4

    /// Whether the address may be a source at all (RFC 4862 §5.5.4):
    /// preferred and deprecated addresses may, the rest may not.
    @inlinable
    public var isUsable: Bool { self == .preferred || self == .deprecated }

    /// The Windows enumerator name, as `Get-NetIPAddress` would show it.
    public var description: String {
        switch self {
        case .invalid: "IpDadStateInvalid"
        case .tentative: "IpDadStateTentative"
        case .duplicate: "IpDadStateDuplicate"
        case .deprecated: "IpDadStateDeprecated"
        case .preferred: "IpDadStatePreferred"
        }
    }
}
