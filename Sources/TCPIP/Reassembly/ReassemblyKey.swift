import NetCore

/// What makes fragments belong to one datagram (RFC 791 §3.2, RFC 8200 §4.5):
/// source, destination, protocol and identification, plus the family so an
/// IPv4 datagram and an IPv6 one can never be joined even when the mapped
/// addresses and the numbers happen to agree.
///
/// Both families share one key type (IPv4 addresses held IPv4-mapped, the
/// 16-bit IPv4 identification widened) so one table serves the whole stack.
///
/// For IPv6 the key includes the next header of the fragment header, which
/// RFC 8200 leaves out (it lets non-first fragments carry another value and
/// uses the first one's). Senders put the same value in every fragment, and
/// keeping it in the key lets the reassembler restore the next-header chain
/// itself; a sender that varies it gets datagrams that never complete and
/// time out, which is a safe failure.
public struct ReassemblyKey: Hashable, Sendable {
    /// Which IP the fragments came over.
    public var family: AddressFamily
    /// The source address (IPv4-mapped for IPv4).
    public var source: IPv6Address
    /// The destination address (IPv4-mapped for IPv4).
    public var destination: IPv6Address
    /// The IPv4 Protocol field, or the Next Header field of the IPv6 fragment header.
    public var protocolNumber: UInt8
    /// The IPv4 Identification (16 bits) or the IPv6 fragment header's (32 bits).
    public var identification: UInt32

    /// A key from its parts, as they are stored.
    @inlinable
    public init(family: AddressFamily, source: IPv6Address, destination: IPv6Address,
                protocolNumber: UInt8, identification: UInt32) {
        self.family = family
        self.source = source
        self.destination = destination
        self.protocolNumber = protocolNumber
        self.identification = identification
    }

    /// The key of an IPv4 fragment, as read from its header.
    @inlinable
    public init(source: IPv4Address, destination: IPv4Address, protocolNumber: UInt8, identification: UInt16) {
        self.init(family: .inet, source: IPv6Address(ipv4Mapped: source),
                  destination: IPv6Address(ipv4Mapped: destination),
                  protocolNumber: protocolNumber, identification: UInt32(identification))
    }

    /// The key of an IPv6 fragment: addresses from the IPv6 header, next
    /// header and identification from the fragment header.
    @inlinable
    public init(source: IPv6Address, destination: IPv6Address, nextHeader: UInt8, identification: UInt32) {
        self.init(family: .inet6, source: source, destination: destination,
                  protocolNumber: nextHeader, identification: identification)
    }
}
