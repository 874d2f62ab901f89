import NetCore

/// An address scope (RFC 4007 §5, RFC 6724 §3.1), numbered as in the
/// multicast scope field and Windows' SCOPE_LEVEL, so that a smaller value
/// is a smaller region and RFC 6724's "Scope(A) < Scope(B)" is a plain
/// comparison.
///
/// A struct rather than an enum because a multicast address may carry any of
/// the sixteen scope values, unassigned ones included, and RFC 6724 compares
/// them numerically all the same.
public struct IPv6Scope: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 4-bit scope value (0…15).
    public let rawValue: UInt8

    /// Wraps a scope value; only the low four bits are meaningful.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }

    /// ScopeLevelInterface: ff01::/16, never leaves the host.
    public static let interfaceLocal = IPv6Scope(rawValue: 1)
    /// ScopeLevelLink: fe80::/10, ::1 and ff02::/16.
    public static let linkLocal = IPv6Scope(rawValue: 2)
    /// ScopeLevelAdmin: ff04::/16.
    public static let adminLocal = IPv6Scope(rawValue: 4)
    /// ScopeLevelSite: ff05::/16 and the deprecated fec0::/10 (RFC 3879).
    public static let siteLocal = IPv6Scope(rawValue: 5)
    /// ScopeLevelOrganization: ff08::/16.
    public static let organizationLocal = IPv6Scope(rawValue: 8)
    /// ScopeLevelGlobal: everything else, unique local fc00::/7 included
    /// (RFC 4193 §3.3 gives ULAs global scope).
    public static let global = IPv6Scope(rawValue: 14)

    /// The scope of `address` as RFC 6724 §3.1 and §3.2 define it.
    ///
    /// IPv4-mapped addresses get their IPv4 scope, so a dual-stack host
    /// compares IPv4 and IPv6 candidates on the same footing: 169.254/16
    /// and 127/8 are link-local, everything else — RFC 1918 addresses
    /// included, which is the change from RFC 3484 — global. The loopback
    /// ::1 is link-local (RFC 4291 §2.5.3).
    @inlinable
    public init(of address: IPv6Address) {
        if let scope = address.multicastScope {
            self.init(rawValue: scope)
        } else if let v4 = address.ipv4Mapped {
            self = v4.isLinkLocal || v4.isLoopback ? .linkLocal : .global
        } else if address.isLinkLocal || address.isLoopback {
            self = .linkLocal
        } else if address.high >> 54 == 0xFEC0 >> 6 {
            self = .siteLocal
        } else {
            self = .global
        }
    }

    /// Smaller scope first.
    @inlinable
    public static func < (lhs: IPv6Scope, rhs: IPv6Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The SCOPE_LEVEL name without its prefix, or the number for unnamed values.
    public var description: String {
        switch rawValue {
        case 1: "interface"
        case 2: "link"
        case 3: "subnet"
        case 4: "admin"
        case 5: "site"
        case 8: "organization"
        case 14: "global"
        default: "scope \(rawValue)"
        }
    }
}
