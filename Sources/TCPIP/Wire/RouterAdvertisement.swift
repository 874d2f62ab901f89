import NetCore

/// A typed view over a Router Advertisement (RFC 4861 §4.2;
/// ND_ROUTER_ADVERT_HEADER in Windows): a router announcing itself as a
/// default router, with the link's parameters and prefixes in its options.
public struct RouterAdvertisement {
    /// The fixed part; options follow.
    public static let minimumLength = 16

    /// Why a message could not be viewed.
    public typealias Malformation = NDPMalformation

    /// The whole ICMPv6 message.
    public let bytes: UnsafeRawBufferPointer
    /// The options after the fixed part, already checked.
    public let options: NDPOptions

    /// A checked view over a message whose checksum is already verified:
    /// type 134, long enough, and options that are all well formed.
    @inlinable
    public init(_ message: ICMPv6Message) throws(Malformation) {
        let bytes = message.bytes
        guard message.type == .routerAdvertisement else { throw .wrongType }
        guard bytes.count >= RouterAdvertisement.minimumLength else { throw .truncated }
        options = try NDPOptions(bytes.slice(RouterAdvertisement.minimumLength,
                                             bytes.count - RouterAdvertisement.minimumLength))
        self.bytes = bytes
    }

    /// Code: must be 0.
    @inlinable public var code: UInt8 { bytes[1] }
    /// Cur Hop Limit: the hop limit hosts should use; 0 leaves theirs unchanged.
    @inlinable public var currentHopLimit: UInt8 { bytes[4] }
    /// The flags byte as sent, for the bits this view has no name for
    /// (RFC 4191 router preference, RFC 5175 extensions).
    @inlinable public var flags: UInt8 { bytes[5] }
    /// The M flag (ND_RA_FLAG_MANAGED): addresses are available from DHCPv6.
    @inlinable public var managed: Bool { bytes[5] & 0x80 != 0 }
    /// The O flag (ND_RA_FLAG_OTHER): other configuration is available from DHCPv6.
    @inlinable public var other: Bool { bytes[5] & 0x40 != 0 }
    /// Router Lifetime in seconds as a default router; 0 means not a default router at all.
    @inlinable public var routerLifetime: UInt16 { bytes.loadBigEndianUInt16(at: 6) }
    /// Reachable Time in milliseconds (BaseReachableTime); 0 means unspecified.
    @inlinable public var reachableTime: UInt32 { bytes.loadBigEndianUInt32(at: 8) }
    /// Retrans Timer in milliseconds between neighbour solicitations; 0 means unspecified.
    @inlinable public var retransTimer: UInt32 { bytes.loadBigEndianUInt32(at: 12) }

    /// The RFC 4861 §6.1.2 checks that depend only on the packet, given its
    /// IP header's hop limit and addresses; nil when the message is valid.
    @inlinable
    public func validate(hopLimit: UInt8, source: IPv6Address, destination: IPv6Address) -> NDPValidationFailure? {
        if let failure = NDPValidationFailure.common(hopLimit: hopLimit, code: code) { return failure }
        // Routers are known by their link-local addresses, which stay put
        // when global prefixes are renumbered.
        if !source.isLinkLocal { return .sourceNotLinkLocal }
        return nil
    }

    /// Writes the fixed part at the start of `buffer`, whose options (past
    /// byte 16) the caller has already written, and computes the checksum
    /// over the whole of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, currentHopLimit: UInt8, managed: Bool,
                            other: Bool, routerLifetime: UInt16, reachableTime: UInt32, retransTimer: UInt32,
                            source: IPv6Address, destination: IPv6Address) {
        precondition(buffer.count >= minimumLength, "a Router Advertisement needs 16 bytes")
        buffer.storeBigEndian(reachableTime, at: 8)
        buffer.storeBigEndian(retransTimer, at: 12)
        let flags: UInt8 = (managed ? 0x80 : 0) | (other ? 0x40 : 0)
        ICMPv6Message.emit(into: buffer, type: .routerAdvertisement, code: 0,
                           typeSpecific: UInt32(currentHopLimit) << 24 | UInt32(flags) << 16 | UInt32(routerLifetime),
                           source: source, destination: destination)
    }
}
