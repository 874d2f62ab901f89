import NetCore

/// A typed view over a Neighbor Advertisement (RFC 4861 §4.4;
/// ND_NEIGHBOR_ADVERT_HEADER in Windows): the answer to a solicitation,
/// or unsolicited news that a link-layer address has changed.
public struct NeighborAdvertisement {
    /// The fixed part, target included; options follow.
    public static let minimumLength = 24

    /// Why a message could not be viewed.
    public typealias Malformation = NDPMalformation

    /// The whole ICMPv6 message.
    public let bytes: UnsafeRawBufferPointer
    /// The options after the fixed part, already checked.
    public let options: NDPOptions

    /// A checked view over a message whose checksum is already verified:
    /// type 136, long enough, and options that are all well formed.
    @inlinable
    public init(_ message: ICMPv6Message) throws(Malformation) {
        let bytes = message.bytes
        guard message.type == .neighborAdvertisement else { throw .wrongType }
        guard bytes.count >= NeighborAdvertisement.minimumLength else { throw .truncated }
        options = try NDPOptions(bytes.slice(NeighborAdvertisement.minimumLength,
                                             bytes.count - NeighborAdvertisement.minimumLength))
        self.bytes = bytes
    }

    /// Code: must be 0.
    @inlinable public var code: UInt8 { bytes[1] }
    /// The R flag (ND_NA_FLAG_ROUTER): the sender is a router, which lets a
    /// host notice a router that has turned into a host.
    @inlinable public var router: Bool { bytes[4] & 0x80 != 0 }
    /// The S flag (ND_NA_FLAG_SOLICITED): an answer to a solicitation, which
    /// confirms reachability where an unsolicited advertisement does not.
    @inlinable public var solicited: Bool { bytes[4] & 0x40 != 0 }
    /// The O flag (ND_NA_FLAG_OVERRIDE): replace a cached link-layer address
    /// rather than only fill an empty one.
    @inlinable public var override: Bool { bytes[4] & 0x20 != 0 }
    /// Target Address: the address the advertisement is about.
    @inlinable public var target: IPv6Address { IPv6Address(bytes: bytes.slice(8, 16)) }

    /// The RFC 4861 §7.1.2 checks that depend only on the packet, given its
    /// IP header's hop limit and addresses; nil when the message is valid.
    @inlinable
    public func validate(hopLimit: UInt8, source: IPv6Address, destination: IPv6Address) -> NDPValidationFailure? {
        if let failure = NDPValidationFailure.common(hopLimit: hopLimit, code: code) { return failure }
        if target.isMulticast { return .targetIsMulticast }
        if destination.isMulticast && solicited { return .solicitedToMulticast }
        return nil
    }

    /// Writes the fixed part at the start of `buffer`, whose options (past
    /// byte 24) the caller has already written, and computes the checksum
    /// over the whole of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, router: Bool, solicited: Bool, override: Bool,
                            target: IPv6Address, source: IPv6Address, destination: IPv6Address) {
        precondition(buffer.count >= minimumLength, "a Neighbor Advertisement needs 24 bytes")
        target.write(to: buffer, at: 8)
        let flags: UInt32 = (router ? 0x8000_0000 : 0) | (solicited ? 0x4000_0000 : 0) | (override ? 0x2000_0000 : 0)
        ICMPv6Message.emit(into: buffer, type: .neighborAdvertisement, code: 0, typeSpecific: flags,
                           source: source, destination: destination)
    }
}
