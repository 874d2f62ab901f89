import NetCore

/// ICMPv6 message types this stack understands (RFC 4443 §2.1, RFC 4861
/// §4, RFC 2710 §3). Below 128 are errors, from 128 informational
/// messages, a split that decides how unknown types are treated (RFC 4443 §2.4).
public struct ICMPv6Type: RawRepresentable, Hashable, Sendable {
    /// The Type field.
    public var rawValue: UInt8
    /// Wraps a Type field value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Destination Unreachable (ICMP6_DST_UNREACH, RFC 4443 §3.1).
    public static let destinationUnreachable = ICMPv6Type(rawValue: 1)
    /// Packet Too Big (ICMP6_PACKET_TOO_BIG, RFC 4443 §3.2): drives path MTU discovery.
    public static let packetTooBig = ICMPv6Type(rawValue: 2)
    /// Time Exceeded (ICMP6_TIME_EXCEEDED, RFC 4443 §3.3).
    public static let timeExceeded = ICMPv6Type(rawValue: 3)
    /// Parameter Problem (ICMP6_PARAM_PROB, RFC 4443 §3.4).
    public static let parameterProblem = ICMPv6Type(rawValue: 4)
    /// Echo Request (ICMP6_ECHO_REQUEST, RFC 4443 §4.1).
    public static let echoRequest = ICMPv6Type(rawValue: 128)
    /// Echo Reply (ICMP6_ECHO_REPLY, RFC 4443 §4.2).
    public static let echoReply = ICMPv6Type(rawValue: 129)
    /// Multicast Listener Query (ICMP6_MEMBERSHIP_QUERY, RFC 2710 §3).
    public static let multicastListenerQuery = ICMPv6Type(rawValue: 130)
    /// Multicast Listener Report, version 1 (ICMP6_MEMBERSHIP_REPORT, RFC 2710 §3).
    public static let multicastListenerReport = ICMPv6Type(rawValue: 131)
    /// Multicast Listener Done (ICMP6_MEMBERSHIP_REDUCTION, RFC 2710 §3).
    public static let multicastListenerDone = ICMPv6Type(rawValue: 132)
    /// Router Solicitation (ND_ROUTER_SOLICIT, RFC 4861 §4.1).
    public static let routerSolicitation = ICMPv6Type(rawValue: 133)
    /// Router Advertisement (ND_ROUTER_ADVERT, RFC 4861 §4.2).
    public static let routerAdvertisement = ICMPv6Type(rawValue: 134)
    /// Neighbor Solicitation (ND_NEIGHBOR_SOLICIT, RFC 4861 §4.3).
    public static let neighborSolicitation = ICMPv6Type(rawValue: 135)
    /// Neighbor Advertisement (ND_NEIGHBOR_ADVERT, RFC 4861 §4.4).
    public static let neighborAdvertisement = ICMPv6Type(rawValue: 136)
    /// Redirect (ND_REDIRECT, RFC 4861 §4.5).
    public static let redirect = ICMPv6Type(rawValue: 137)
    /// Version 2 Multicast Listener Report (RFC 3810 §5.2).
    public static let multicastListenerReportV2 = ICMPv6Type(rawValue: 143)

    /// Whether this is an error message (high bit clear, RFC 4443 §2.1):
    /// an unknown error goes to the upper layer, an unknown informational
    /// message is dropped, and no error is ever sent about an error.
    @inlinable public var isError: Bool { rawValue & 0x80 == 0 }
}

/// A typed view over an ICMPv6 message (RFC 4443 §2.1; ICMP_MESSAGE in
/// Windows): type, code, checksum, four bytes whose meaning depends on the
/// type, then the body. Unlike ICMPv4, the checksum also covers an IPv6
/// pseudo-header (RFC 4443 §2.3), so the view needs the packet's addresses
/// to be made.
public struct ICMPv6Message {
    /// The fixed header: type, code, checksum and the four type-specific
    /// bytes. Every message RFC 4443 and RFC 4861 define is at least this
    /// long, so anything shorter is dropped.
    public static let headerLength = 8

    /// The largest error message to build (RFC 4443 §2.4(c)): as much of
    /// the invoking packet as fits in the IPv6 minimum MTU of 1280 with a
    /// 40-byte fixed header in front.
    public static let maximumErrorLength = 1280 - IPv6Header.length

    /// Why a message was rejected; each is a drop counter of its own.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        /// Fewer than eight bytes.
        case truncated
        /// The sum over the pseudo-header and the message does not fold to all ones.
        case badChecksum
    }

    /// Destination Unreachable codes (RFC 4443 §3.1).
    public enum DestinationUnreachableCode {
        /// No route to destination (ICMP6_DST_UNREACH_NOROUTE).
        public static let noRoute: UInt8 = 0
        /// Communication administratively prohibited (ICMP6_DST_UNREACH_ADMIN).
        public static let administrativelyProhibited: UInt8 = 1
        /// Beyond scope of source address (ICMP6_DST_UNREACH_BEYONDSCOPE).
        public static let beyondScope: UInt8 = 2
        /// Address unreachable (ICMP6_DST_UNREACH_ADDR): neighbour discovery failed.
        public static let addressUnreachable: UInt8 = 3
        /// Port unreachable (ICMP6_DST_UNREACH_NOPORT).
        public static let portUnreachable: UInt8 = 4
        /// Source address failed ingress/egress policy.
        public static let sourcePolicyFailed: UInt8 = 5
        /// Reject route to destination.
        public static let rejectRoute: UInt8 = 6
    }

    /// Time Exceeded codes (RFC 4443 §3.3).
    public enum TimeExceededCode {
        /// Hop limit exceeded in transit (ICMP6_TIME_EXCEED_TRANSIT).
        public static let hopLimitExceeded: UInt8 = 0
        /// Fragment reassembly time exceeded (ICMP6_TIME_EXCEED_REASSEMBLY).
        public static let reassemblyTimeExceeded: UInt8 = 1
    }

    /// Parameter Problem codes (RFC 4443 §3.4, RFC 7112 §5).
    public enum ParameterProblemCode {
        /// Erroneous header field encountered (ICMP6_PARAMPROB_HEADER).
        public static let erroneousHeaderField: UInt8 = 0
        /// Unrecognized Next Header type encountered (ICMP6_PARAMPROB_NEXTHEADER).
        public static let unrecognizedNextHeader: UInt8 = 1
        /// Unrecognized IPv6 option encountered (ICMP6_PARAMPROB_OPTION).
        public static let unrecognizedOption: UInt8 = 2
        /// IPv6 first fragment has incomplete IPv6 header chain (ICMP6_PARAMPROB_FIRSTFRAGMENT).
        public static let incompleteHeaderChain: UInt8 = 3
    }

    /// The message's bytes: the whole upper-layer part of the packet.
    public let bytes: UnsafeRawBufferPointer

    /// A checked view: long enough, and the checksum over the pseudo-header
    /// of `source` and `destination` (the packet's addresses; with a Routing
    /// header the final destination) and the whole message right.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, source: IPv6Address, destination: IPv6Address) throws(Malformation) {
        guard bytes.count >= ICMPv6Message.headerLength else { throw .truncated }
        var sum = IPv6Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: bytes.count, nextHeader: .icmpv6)
        sum.add(bytes)
        guard sum.folded == 0xFFFF else { throw .badChecksum }
        self.bytes = bytes
    }

    /// Type.
    @inlinable public var type: ICMPv6Type { ICMPv6Type(rawValue: bytes[0]) }
    /// Code: its meaning depends on the type.
    @inlinable public var code: UInt8 { bytes[1] }
    /// Checksum, as sent.
    @inlinable public var checksum: UInt16 { bytes.loadBigEndianUInt16(at: 2) }
    /// The four bytes after the checksum, whatever the type makes of them.
    @inlinable public var typeSpecific: UInt32 { bytes.loadBigEndianUInt32(at: 4) }
    /// Echo: the Identifier.
    @inlinable public var identifier: UInt16 { bytes.loadBigEndianUInt16(at: 4) }
    /// Echo: the Sequence Number.
    @inlinable public var sequenceNumber: UInt16 { bytes.loadBigEndianUInt16(at: 6) }
    /// Packet Too Big: the MTU of the next-hop link.
    @inlinable public var mtu: UInt32 { bytes.loadBigEndianUInt32(at: 4) }
    /// Parameter Problem: the Pointer, a byte offset into the invoking packet.
    @inlinable public var pointer: UInt32 { bytes.loadBigEndianUInt32(at: 4) }
    /// What follows the 8-byte header: echo data, or for an error as much
    /// of the invoking packet as fit.
    @inlinable public var body: UnsafeRawBufferPointer {
        bytes.slice(ICMPv6Message.headerLength, bytes.count - ICMPv6Message.headerLength)
    }

    /// The value for the Checksum field of `message` sent from `source` to
    /// `destination`, whatever the field now holds: it is summed as zero.
    @inlinable
    public static func checksum(_ message: UnsafeRawBufferPointer, source: IPv6Address,
                                destination: IPv6Address) -> UInt16 {
        precondition(message.count >= 4, "ICMPv6 message needs its checksum field")
        var sum = IPv6Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: message.count, nextHeader: .icmpv6)
        sum.add(message.slice(0, 2))
        sum.add(UInt16(0))
        sum.add(message.slice(4, message.count - 4))
        return sum.value
    }

    /// Computes the checksum of the whole of `buffer` and stores it, for a
    /// message whose other fields and body are all written.
    @inlinable
    public static func writeChecksum(into buffer: UnsafeMutableRawBufferPointer, source: IPv6Address,
                                     destination: IPv6Address) {
        let value = checksum(UnsafeRawBufferPointer(buffer), source: source, destination: destination)
        buffer.storeBigEndian(value, at: 2)
    }

    /// Writes the 8-byte header of any message at the start of `buffer`,
    /// whose body (`buffer` past byte 8) the caller has already filled, and
    /// computes the checksum over the whole of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, type: ICMPv6Type, code: UInt8,
                            typeSpecific: UInt32, source: IPv6Address, destination: IPv6Address) {
        precondition(buffer.count >= headerLength, "ICMPv6 message needs 8 bytes")
        buffer.storeUInt8(type.rawValue, at: 0)
        buffer.storeUInt8(code, at: 1)
        buffer.storeBigEndian(typeSpecific, at: 4)
        writeChecksum(into: buffer, source: source, destination: destination)
    }

    /// Writes an echo request or reply header over a filled body; see `emit`.
    @inlinable
    public static func emitEcho(into buffer: UnsafeMutableRawBufferPointer, type: ICMPv6Type, identifier: UInt16,
                                sequenceNumber: UInt16, source: IPv6Address, destination: IPv6Address) {
        emit(into: buffer, type: type, code: 0, typeSpecific: UInt32(identifier) << 16 | UInt32(sequenceNumber),
             source: source, destination: destination)
    }

    /// Writes a Packet Too Big header over the invoking packet already in
    /// the body; see `emit`.
    @inlinable
    public static func emitPacketTooBig(into buffer: UnsafeMutableRawBufferPointer, mtu: UInt32,
                                        source: IPv6Address, destination: IPv6Address) {
        emit(into: buffer, type: .packetTooBig, code: 0, typeSpecific: mtu, source: source, destination: destination)
    }

    /// Writes a Parameter Problem header over the invoking packet already
    /// in the body; `pointer` is the offset of the fault in that packet. See `emit`.
    @inlinable
    public static func emitParameterProblem(into buffer: UnsafeMutableRawBufferPointer, code: UInt8, pointer: UInt32,
                                            source: IPv6Address, destination: IPv6Address) {
        emit(into: buffer, type: .parameterProblem, code: code, typeSpecific: pointer,
             source: source, destination: destination)
    }
}
