import NetCore

/// A typed view over a Router Solicitation (RFC 4861 §4.1;
/// ND_ROUTER_SOLICIT_HEADER in Windows): a host asking routers to
/// advertise now rather than at their next periodic advertisement.
public struct RouterSolicitation {
    /// The fixed part: ICMPv6 header with four reserved bytes; options follow.
    public static let minimumLength = 8

    /// Why a message could not be viewed.
    public typealias Malformation = NDPMalformation

    /// The whole ICMPv6 message.
    public let bytes: UnsafeRawBufferPointer
    /// The options after the fixed part, already checked.
    public let options: NDPOptions

    /// A checked view over a message whose checksum is already verified:
    /// type 133, long enough, and options that are all well formed.
    @inlinable
    public init(_ message: ICMPv6Message) throws(Malformation) {
        let bytes = message.bytes
        guard message.type == .routerSolicitation else { throw .wrongType }
        guard bytes.count >= RouterSolicitation.minimumLength else { throw .truncated }
        options = try NDPOptions(bytes.slice(RouterSolicitation.minimumLength,
                                             bytes.count - RouterSolicitation.minimumLength))
        self.bytes = bytes
    }

    /// Code: must be 0.
    @inlinable public var code: UInt8 { bytes[1] }

    /// The RFC 4861 §6.1.1 checks that depend only on the packet, given its
    /// IP header's hop limit and addresses; nil when the message is valid.
    @inlinable
    public func validate(hopLimit: UInt8, source: IPv6Address, destination: IPv6Address) -> NDPValidationFailure? {
        if let failure = NDPValidationFailure.common(hopLimit: hopLimit, code: code) { return failure }
        if source.isUnspecified && options.contains(.sourceLinkLayerAddress) {
            return .unspecifiedSourceWithLinkLayerAddress
        }
        return nil
    }

    /// Writes the fixed part at the start of `buffer`, whose options (past
    /// byte 8) the caller has already written, and computes the checksum
    /// over the whole of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, source: IPv6Address,
                            destination: IPv6Address) {
        ICMPv6Message.emit(into: buffer, type: .routerSolicitation, code: 0, typeSpecific: 0,
                           source: source, destination: destination)
    }
}
