/// A WSK NPI version: major in the high byte, minor in the low
/// (MAKE_WSK_VERSION). Within one major version a higher minor is a strict
/// superset, so a provider may answer a request with a higher minor.
public struct WskVersion: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 16-bit value.
    public let rawValue: UInt16

    /// A version from its 16-bit value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// MAKE_WSK_VERSION(major, minor).
    public init(major: UInt8, minor: UInt8) { rawValue = UInt16(major) << 8 | UInt16(minor) }

    /// WSK_MAJOR_VERSION.
    public var major: UInt8 { UInt8(rawValue >> 8) }
    /// WSK_MINOR_VERSION.
    public var minor: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    /// 1.0, the only version any public WSK client requests or provider offers.
    public static let v1_0 = WskVersion(major: 1, minor: 0)

    public static func < (lhs: WskVersion, rhs: WskVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "\(major).\(minor)" }
}
