import NetCore

/// A typed view over a Neighbor Solicitation (RFC 4861 §4.3;
/// ND_NEIGHBOR_SOLICIT_HEADER in Windows): address resolution, a
/// reachability probe, or from the unspecified address a duplicate
/// address detection probe (RFC 4862 §5.4).
public struct NeighborSolicitation {
    /// The fixed part, target included; options follow.
    public static let minimumLength = 24

    /// Why a message could not be viewed.
    public typealias Malformation = NDPMalformation

    /// The whole ICMPv6 message.
    public let bytes: UnsafeRawBufferPointer
    /// The options after the fixed part, already checked.
    public let options: NDPOptions

    /// A checked view over a message whose checksum is already verified:
    /// type 135, long enough, and options that are all well formed.
    @inlinable
    public init(_ message: ICMPv6Message) throws(Malformation) {
        let bytes = message.bytes
        guard message.type == .neighborSolicitation else { throw .wrongType }
        guard bytes.count >= NeighborSolicitation.minimumLength else { throw .truncated }
        options = try NDPOptions(bytes.slice(NeighborSolicitation.minimumLength,
                                             bytes.count - NeighborSolicitation.minimumLength))
        self.bytes = bytes
    }

    /// Code: must be 0.
    @inlinable public var code: UInt8 { bytes[1] }
    /// Target Address: the address whose link-layer address is sought.
    @inlinable public var target: IPv6Address { IPv6Address(bytes: bytes.slice(8, 16)) }

    /// The RFC 4861 §7.1.1 checks that depend only on the packet, given its
    /// IP header's hop limit and addresses; nil when the message is valid.
    @inlinable
    public func validate(hopLimit: UInt8, source: IPv6Address, destination: IPv6Address) -> NDPValidationFailure? {
        if let failure = NDPValidationFailure.common(hopLimit: hopLimit, code: code) { return failure }
        if target.isMulticast { return .targetIsMulticast }
        if source.isUnspecified {
            let isSolicitedNode = destination.high == 0xFF02_0000_0000_0000
                && destination.low & 0xFFFF_FFFF_FF00_0000 == 0x0000_0001_FF00_0000
            if !isSolicitedNode { return .unspecifiedSourceNotToSolicitedNode }
            if options.contains(.sourceLinkLayerAddress) { return .unspecifiedSourceWithLinkLayerAddress }
        }
        return nil
    }

    /// Writes the fixed part at the start of `buffer`, whose options (past
    /// byte 24) the caller has already written, and computes the checksum
    /// over the whole of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, target: IPv6Address, source: IPv6Address,
                            destination: IPv6Address) {
        precondition(buffer.count >= minimumLength, "a Neighbor Solicitation needs 24 bytes")
        target.write(to: buffer, at: 8)
        ICMPv6Message.emit(into: buffer, type: .neighborSolicitation, code: 0, typeSpecific: 0,
                           source: source, destination: destination)
    }
}
