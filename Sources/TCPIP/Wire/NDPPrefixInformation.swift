import NetCore

/// A typed view over a Prefix Information option (RFC 4861 §4.6.2;
/// ND_OPTION_PREFIX_INFO in Windows): a prefix a router says is on-link,
/// usable for stateless address autoconfiguration (RFC 4862), or both.
public struct NDPPrefixInformation {
    /// The option's length: Length 4, in 8-byte units.
    public static let length = 32
    /// A lifetime of all ones, which never runs out.
    public static let infiniteLifetime: UInt32 = 0xFFFF_FFFF

    /// The option's 32 bytes, type and length included.
    public let bytes: UnsafeRawBufferPointer

    /// A view over an option that `NDPOptions` has already measured as 32 bytes.
    @usableFromInline
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Prefix Length: how many leading bits of `prefix` are valid (0–128; anything above is nonsense to ignore).
    @inlinable public var prefixLength: UInt8 { bytes[2] }
    /// The L flag (on-link, ND_OPT_PI_FLAG_ONLINK): addresses under the prefix are reachable without a router.
    @inlinable public var onLink: Bool { bytes[3] & 0x80 != 0 }
    /// The A flag (autonomous, ND_OPT_PI_FLAG_AUTO): the prefix may be used for stateless autoconfiguration.
    @inlinable public var autonomous: Bool { bytes[3] & 0x40 != 0 }
    /// Valid Lifetime in seconds, for on-link determination and for addresses made from the prefix.
    @inlinable public var validLifetime: UInt32 { bytes.loadBigEndianUInt32(at: 4) }
    /// Preferred Lifetime in seconds: how long autoconfigured addresses stay preferred rather than deprecated.
    @inlinable public var preferredLifetime: UInt32 { bytes.loadBigEndianUInt32(at: 8) }
    /// Prefix, as sent: bits past `prefixLength` should be zero but are not checked.
    @inlinable public var prefix: IPv6Address { IPv6Address(bytes: bytes.slice(16, 16)) }
    /// `prefix` masked to `prefixLength`, or nil when the length exceeds 128.
    @inlinable public var ipv6Prefix: IPv6Prefix? { IPv6Prefix(address: prefix, length: Int(prefixLength)) }
}
