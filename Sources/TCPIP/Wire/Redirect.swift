import NetCore

/// A typed view over a Redirect (RFC 4861 §4.5; ND_REDIRECT_HEADER in
/// Windows): a router telling a host of a better first hop for a
/// destination, or that the destination is itself on the link.
public struct Redirect {
    /// The fixed part, both addresses included; options follow.
    public static let minimumLength = 40

    /// Why a message could not be viewed.
    public typealias Malformation = NDPMalformation

    /// The whole ICMPv6 message.
    public let bytes: UnsafeRawBufferPointer
    /// The options after the fixed part, already checked.
    public let options: NDPOptions

    /// A checked view over a message whose checksum is already verified:
    /// type 137, long enough, and options that are all well formed.
    @inlinable
    public init(_ message: ICMPv6Message) throws(Malformation) {
        let bytes = message.bytes
        guard message.type == .redirect else { throw .wrongType }
        guard bytes.count >= Redirect.minimumLength else { throw .truncated }
        options = try NDPOptions(bytes.slice(Redirect.minimumLength, bytes.count - Redirect.minimumLength))
        self.bytes = bytes
    }

    /// Code: must be 0.
    @inlinable public var code: UInt8 { bytes[1] }
    /// Target Address: the better first hop, or the destination itself when
    /// it is on the link.
    @inlinable public var target: IPv6Address { IPv6Address(bytes: bytes.slice(8, 16)) }
    /// Destination Address: the destination being redirected.
    @inlinable public var destination: IPv6Address { IPv6Address(bytes: bytes.slice(24, 16)) }

    /// The RFC 4861 §8.1 checks that depend only on the packet, given its
    /// IP header's hop limit and addresses (`source` and `destination` are
    /// the IP header's, not the Destination Address field); nil when the
    /// message is valid. Whether the source is the current first hop for
    /// the destination is for the route cache to check.
    @inlinable
    public func validate(hopLimit: UInt8, source: IPv6Address, destination: IPv6Address) -> NDPValidationFailure? {
        if let failure = NDPValidationFailure.common(hopLimit: hopLimit, code: code) { return failure }
        if !source.isLinkLocal { return .sourceNotLinkLocal }
        let redirected = self.destination
        if redirected.isMulticast { return .redirectDestinationIsMulticast }
        let target = self.target
        if !target.isLinkLocal && target != redirected { return .redirectTargetNotLinkLocal }
        return nil
    }

    /// Writes the fixed part at the start of `buffer`, whose options (past
    /// byte 40) the caller has already written, and computes the checksum
    /// over the whole of `buffer`. `ipSource` and `ipDestination` are the
    /// packet's addresses, for the pseudo-header; `destination` is the
    /// Destination Address field.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, target: IPv6Address,
                            destination: IPv6Address, ipSource: IPv6Address, ipDestination: IPv6Address) {
        precondition(buffer.count >= minimumLength, "a Redirect needs 40 bytes")
        target.write(to: buffer, at: 8)
        destination.write(to: buffer, at: 24)
        ICMPv6Message.emit(into: buffer, type: .redirect, code: 0, typeSpecific: 0,
                           source: ipSource, destination: ipDestination)
    }
}
