import NetCore

/// The Neighbor Discovery option types (RFC 4861 §4.6).
public struct NDPOptionType: RawRepresentable, Hashable, Sendable {
    /// The Type field.
    public var rawValue: UInt8
    /// Wraps a Type field value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Source Link-Layer Address (ND_OPT_SOURCE_LINKADDR).
    public static let sourceLinkLayerAddress = NDPOptionType(rawValue: 1)
    /// Target Link-Layer Address (ND_OPT_TARGET_LINKADDR).
    public static let targetLinkLayerAddress = NDPOptionType(rawValue: 2)
    /// Prefix Information (ND_OPT_PREFIX_INFORMATION).
    public static let prefixInformation = NDPOptionType(rawValue: 3)
    /// Redirected Header (ND_OPT_REDIRECTED_HEADER).
    public static let redirectedHeader = NDPOptionType(rawValue: 4)
    /// MTU (ND_OPT_MTU).
    public static let mtu = NDPOptionType(rawValue: 5)
}

/// One Neighbor Discovery option, decoded (RFC 4861 §4.6), as `NDPOptions`
/// yields it. Options of other types, and options of these types with a
/// length this stack cannot use, are never yielded: RFC 4861 §4.6 has
/// receivers ignore what they do not recognise.
public enum NDPOption {
    /// Source Link-Layer Address: the sender's MAC, so the receiver can
    /// answer without a solicitation of its own.
    case sourceLinkLayerAddress(MACAddress)
    /// Target Link-Layer Address: the target's MAC, in advertisements and redirects.
    case targetLinkLayerAddress(MACAddress)
    /// Prefix Information, in router advertisements.
    case prefixInformation(NDPPrefixInformation)
    /// Redirected Header: as much of the redirected packet as fit,
    /// starting at its IPv6 header (the option's reserved bytes are not included).
    case redirectedHeader(UnsafeRawBufferPointer)
    /// MTU: the link MTU a router advertises, for links whose MTU is not fixed.
    case mtu(UInt32)

    /// The length of a link-layer address option for Ethernet (RFC 2464 §8): Length 1.
    public static let linkLayerAddressLength = 8
    /// The length of an MTU option: Length 1.
    public static let mtuLength = 8

    /// Writes a Source or Target Link-Layer Address option for an Ethernet
    /// address into the first eight bytes of `buffer`.
    @inlinable
    public static func emitLinkLayerAddress(into buffer: UnsafeMutableRawBufferPointer, type: NDPOptionType,
                                            address: MACAddress) {
        buffer.storeUInt8(type.rawValue, at: 0)
        buffer.storeUInt8(1, at: 1)
        address.write(to: buffer, at: 2)
    }

    /// Writes a Prefix Information option into the first 32 bytes of `buffer`.
    @inlinable
    public static func emitPrefixInformation(into buffer: UnsafeMutableRawBufferPointer, prefix: IPv6Address,
                                             prefixLength: UInt8, onLink: Bool, autonomous: Bool,
                                             validLifetime: UInt32, preferredLifetime: UInt32) {
        buffer.storeUInt8(NDPOptionType.prefixInformation.rawValue, at: 0)
        buffer.storeUInt8(4, at: 1)
        buffer.storeUInt8(prefixLength, at: 2)
        buffer.storeUInt8((onLink ? 0x80 : 0) | (autonomous ? 0x40 : 0), at: 3)
        buffer.storeBigEndian(validLifetime, at: 4)
        buffer.storeBigEndian(preferredLifetime, at: 8)
        buffer.storeBigEndian(UInt32(0), at: 12)  // Reserved2
        prefix.write(to: buffer, at: 16)
    }

    /// Writes an MTU option into the first eight bytes of `buffer`.
    @inlinable
    public static func emitMTU(into buffer: UnsafeMutableRawBufferPointer, mtu: UInt32) {
        buffer.storeUInt8(NDPOptionType.mtu.rawValue, at: 0)
        buffer.storeUInt8(1, at: 1)
        buffer.storeBigEndian(UInt16(0), at: 2)
        buffer.storeBigEndian(mtu, at: 4)
    }

    /// Writes the eight-byte head of a Redirected Header option over the
    /// whole of `buffer`, whose bytes past 8 the caller fills with the
    /// redirected packet and zero padding: the length must be a multiple of
    /// 8, since options are measured in 8-byte units.
    @inlinable
    public static func emitRedirectedHeader(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 8 && buffer.count % 8 == 0 && buffer.count <= 255 * 8,
                     "a Redirected Header option is a multiple of 8 bytes")
        buffer.storeUInt8(NDPOptionType.redirectedHeader.rawValue, at: 0)
        buffer.storeUInt8(UInt8(buffer.count / 8), at: 1)
        buffer.storeBigEndian(UInt16(0), at: 2)
        buffer.storeBigEndian(UInt32(0), at: 4)
    }
}
