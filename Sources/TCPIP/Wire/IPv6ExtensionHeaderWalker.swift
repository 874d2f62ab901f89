import NetCore

/// The IPv6 extension-header chain of one packet (RFC 8200 §4), walked in
/// order from the fixed header's Next Header when made: hop-by-hop options
/// (only first), routing, fragment and destination options headers are
/// stepped over until an upper-layer protocol or No Next Header ends the
/// chain. Nothing is allocated: the result is a handful of offsets into the
/// packet and a verdict saying whether to go on, drop, or answer with an
/// ICMPv6 Parameter Problem.
///
/// A walk stops at the first problem, as RFC 8200 §4 processes headers
/// strictly in order: an option that says "discard" in a hop-by-hop header
/// wins over a bad routing header after it. When the verdict is not
/// `.process`, the other results describe the chain only as far as it went.
///
/// Fragments: the walk goes on past a Fragment header whose offset is 0,
/// since RFC 7112 requires the first fragment to hold the whole header
/// chain; a later fragment holds only data, so the walk ends at its Fragment
/// header. Headers after a Fragment header belong to the fragmentable part:
/// a reassembler walks the reassembled packet again, and that second walk is
/// the one whose verdict on them counts.
public struct IPv6ExtensionHeaderWalker {
    /// More extension headers than this make the packet malformed: the
    /// limit bounds the work an attacker can ask for with a chain of empty
    /// 8-byte headers, far beyond what any real packet carries.
    public static let maximumHeaderCount = 16

    /// Why a chain could not be walked; each is a drop counter of its own.
    /// None of these gets an ICMPv6 reply: the packet is not what it claims.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        /// An extension header (its length byte, or the length it states) runs past the payload.
        case truncatedHeader
        /// An option's length (IPV6_OPTION_HEADER DataLength) runs past the end of its options header.
        case optionOverrun
        /// More than `maximumHeaderCount` extension headers.
        case tooManyHeaders
    }

    /// What the stack must do with the packet, from RFC 8200 §4 and RFC 7112.
    /// The pointers are byte offsets from the start of the fixed header, as
    /// the ICMPv6 Parameter Problem Pointer field wants them (RFC 4443 §3.4).
    public enum Verdict: Equatable, Sendable {
        /// Go on: deliver to `upperLayer`, or (for a fragment) hand to reassembly.
        case process
        /// An unrecognised option whose two high type bits say discard
        /// (RFC 8200 §4.2; IP6OPT_TYPE_DISCARD, _FORCEICMP, _ICMP in Windows).
        /// With a pointer (to the option's type byte), answer with Parameter
        /// Problem code 2; nil is a silent drop (action 01, or 11 to a multicast destination).
        case discard(icmpPointer: Int?)
        /// Parameter Problem code 0, erroneous header field: a Routing header
        /// of a type this host does not implement with Segments Left above 0
        /// (pointing at Routing Type), or a fragment whose length or offset is impossible.
        case erroneousHeaderField(pointer: Int)
        /// Parameter Problem code 1: a Next Header value this stack does not
        /// recognise; the pointer is the Next Header field that named it.
        case unknownNextHeader(pointer: Int)
        /// Parameter Problem code 1 as well: a Hop-by-Hop Options header
        /// anywhere but straight after the fixed header (RFC 8200 §4.3), which
        /// routers would not have examined; the pointer is the Next Header field that named it.
        case hopByHopNotFirst(pointer: Int)
        /// Parameter Problem code 3, pointer 0 (RFC 7112 §5): a first fragment
        /// (offset 0, atomic ones included) that does not hold the whole
        /// header chain, which a firewall could not inspect.
        case incompleteHeaderChain

        /// The ICMPv6 Parameter Problem (RFC 4443 §3.4) code and pointer to
        /// answer with, or nil when the packet is processed or dropped
        /// silently. The sender must still apply RFC 4443 §2.4(e): no error
        /// in reply to a multicast destination except for code 2, and rate limiting.
        @inlinable
        public var parameterProblem: (code: UInt8, pointer: Int)? {
            switch self {
            case .process: return nil
            case .discard(let pointer): return pointer.map { (ICMPv6Message.ParameterProblemCode.unrecognizedOption, $0) }
            case .erroneousHeaderField(let pointer): return (ICMPv6Message.ParameterProblemCode.erroneousHeaderField, pointer)
            case .unknownNextHeader(let pointer), .hopByHopNotFirst(let pointer):
                return (ICMPv6Message.ParameterProblemCode.unrecognizedNextHeader, pointer)
            case .incompleteHeaderChain: return (ICMPv6Message.ParameterProblemCode.incompleteHeaderChain, 0)
            }
        }
    }

    /// Hop-by-hop option types this walker understands (RFC 8200 §4.2, RFC 2711).
    @usableFromInline
    enum OptionType {
        /// Pad1 (IP6OPT_PAD1): a single zero byte with no length.
        static let pad1: UInt8 = 0
        /// PadN (IP6OPT_PADN).
        static let padN: UInt8 = 1
        /// Router Alert (IP6OPT_ROUTER_ALERT, RFC 2711), which MLD messages carry.
        static let routerAlert: UInt8 = 5
    }

    /// The whole packet, fixed header first: every offset below is into it.
    public let bytes: UnsafeRawBufferPointer
    /// What to do with the packet.
    public let verdict: Verdict
    /// The protocol the chain ends in: an upper layer, `.noNextHeader`, or
    /// for a fragment past the first the Next Header of its Fragment header
    /// (what the reassembled data begins with).
    public let upperLayer: IPProtocol
    /// Where the upper-layer header (or a later fragment's data) begins.
    public let upperLayerOffset: Int
    /// The Next Header field that names `upperLayer`: 6 for the fixed
    /// header, else byte 0 of the last extension header.
    public let upperLayerNamedAt: Int
    /// Where the Fragment header is, if there is one.
    public let fragmentHeaderOffset: Int?
    /// The Next Header field that names the Fragment header, which a
    /// reassembler rewrites with the Fragment header's own Next Header
    /// (RFC 8200 §4.5) when it drops the Fragment header.
    public let fragmentNamedAt: Int?
    /// The end of the unfragmentable part (the per-fragment headers of
    /// RFC 8200 §4.5): the Fragment header's offset when there is one, and
    /// otherwise the end of the last hop-by-hop or routing header (40 without
    /// either), which is where a sender inserts a Fragment header.
    public let unfragmentableEnd: Int
    /// The value of a Router Alert option (RFC 2711) in the hop-by-hop
    /// header, if any: 0 for MLD, which must not be accepted without it.
    public let routerAlert: UInt16?
    /// How many extension headers were stepped over.
    public let headerCount: Int

    /// The Fragment header, if there is one.
    @inlinable
    public var fragment: IPv6FragmentHeader? {
        guard let offset = fragmentHeaderOffset else { return nil }
        return IPv6FragmentHeader(unchecked: bytes.slice(offset, IPv6FragmentHeader.length))
    }

    /// Whether this packet is a piece to hand to reassembly rather than a
    /// whole: it has a Fragment header that is not atomic (RFC 6946).
    @inlinable
    public var needsReassembly: Bool { fragment.map { !$0.isAtomic } ?? false }

    /// The upper-layer header and data (or a later fragment's data).
    @inlinable
    public var upperLayerBytes: UnsafeRawBufferPointer {
        bytes.slice(upperLayerOffset, bytes.count - upperLayerOffset)
    }

    /// The upper-layer protocols `init` recognises unless told otherwise:
    /// the ones this stack has handlers for.
    @inlinable
    public static func recognizedByDefault(_ protocolNumber: IPProtocol) -> Bool {
        protocolNumber == .icmpv6 || protocolNumber == .tcp || protocolNumber == .udp
    }

    /// Walks the chain of `header`'s packet. `isRecognized` says which
    /// upper-layer protocols have a handler, so that any other gets a
    /// Parameter Problem code 1 rather than a silent drop (RFC 8200 §4); it
    /// is asked only about the protocol that ends the chain, never about
    /// No Next Header or the extension headers walked here.
    public init(_ header: IPv6Header,
                isRecognized: (IPProtocol) -> Bool = IPv6ExtensionHeaderWalker.recognizedByDefault)
        throws(Malformation) {
        let packet = header.bytes
        let end = packet.count
        let destinationIsMulticast = header.destination.isMulticast

        var next = header.nextHeader
        var namedAt = 6
        var offset = IPv6Header.length
        var count = 0
        var unfragmentableEnd = IPv6Header.length
        var fragmentAt: Int?
        var fragmentNamedAt: Int?
        var routerAlert: UInt16?
        var verdict = Verdict.process
        // Past a first fragment's Fragment header, a chain cut short is the
        // RFC 7112 case with an ICMPv6 reply of its own, not plain garbage.
        var inFirstFragment = false

        walk: while true {
            guard next.isIPv6ExtensionHeader else {
                if next != .noNextHeader && !isRecognized(next) {
                    verdict = .unknownNextHeader(pointer: namedAt)
                }
                break walk
            }
            if next == .hopByHopOptions && offset != IPv6Header.length {
                verdict = .hopByHopNotFirst(pointer: namedAt)
                break walk
            }
            if next == .fragment && fragmentAt != nil {
                // A fragment of a fragment: only after the outer reassembly
                // is this Fragment header part of a whole packet.
                break walk
            }
            // Every extension header but the fragment states its length in
            // 8-byte units, not counting the first 8 (RFC 8200 §4, Hdr Ext Len).
            let length: Int
            if next == .fragment {
                length = IPv6FragmentHeader.length
            } else if offset + 2 <= end {
                length = (Int(packet[offset + 1]) + 1) * 8
            } else {
                length = Int.max
            }
            guard length <= end - offset else {
                if inFirstFragment {
                    verdict = .incompleteHeaderChain
                    break walk
                }
                throw .truncatedHeader
            }
            count += 1
            guard count <= IPv6ExtensionHeaderWalker.maximumHeaderCount else { throw .tooManyHeaders }

            switch next {
            case .hopByHopOptions, .destinationOptions:
                let options = try IPv6ExtensionHeaderWalker.processOptions(
                    packet, headerOffset: offset, headerLength: length,
                    destinationIsMulticast: destinationIsMulticast,
                    isHopByHop: next == .hopByHopOptions, routerAlert: &routerAlert)
                if options != .process {
                    verdict = options
                    break walk
                }
                if next == .hopByHopOptions { unfragmentableEnd = offset + length }
            case .routing:
                // This host implements no routing type: type 0 is deprecated
                // (RFC 5095) and the rest serve routers or mobility. One that
                // is used up (Segments Left 0) is ignored; one that is not
                // would need this host to forward, which it cannot.
                if packet[offset + 3] != 0 {
                    verdict = .erroneousHeaderField(pointer: offset + 2)
                    break walk
                }
                unfragmentableEnd = offset + length
            default:  // .fragment
                let fragment = IPv6FragmentHeader(unchecked: packet.slice(offset, IPv6FragmentHeader.length))
                fragmentAt = offset
                fragmentNamedAt = namedAt
                unfragmentableEnd = offset
                let dataLength = end - offset - IPv6FragmentHeader.length
                // RFC 8200 §4.5: all but the last fragment carry a multiple
                // of 8 bytes (point at Payload Length), and no fragment may
                // reach past a 65,535-byte reassembled payload (point at
                // Fragment Offset).
                if fragment.moreFragments && dataLength % 8 != 0 {
                    verdict = .erroneousHeaderField(pointer: 4)
                    break walk
                }
                if offset - IPv6Header.length + fragment.fragmentOffset + dataLength > 0xFFFF {
                    verdict = .erroneousHeaderField(pointer: offset + 2)
                    break walk
                }
                if fragment.fragmentOffset != 0 {
                    // Later fragments hold data only: nothing further to walk.
                    next = fragment.nextHeader
                    namedAt = offset
                    offset += length
                    break walk
                }
                inFirstFragment = true
            }
            next = IPProtocol(rawValue: packet[offset])
            namedAt = offset
            offset += length
        }

        self.bytes = packet
        self.verdict = verdict
        self.upperLayer = next
        self.upperLayerOffset = offset
        self.upperLayerNamedAt = namedAt
        self.fragmentHeaderOffset = fragmentAt
        self.fragmentNamedAt = fragmentNamedAt
        self.unfragmentableEnd = unfragmentableEnd
        self.routerAlert = routerAlert
        self.headerCount = count
    }

    /// Walks the type-length-value options of a hop-by-hop or destination
    /// options header (RFC 8200 §4.2) at `headerOffset` in `packet`, whose
    /// whole `headerLength` is known to fit. Returns `.process` or the
    /// `.discard` an unrecognised option asks for; the first such option decides.
    @usableFromInline
    static func processOptions(_ packet: UnsafeRawBufferPointer, headerOffset: Int, headerLength: Int,
                               destinationIsMulticast: Bool, isHopByHop: Bool,
                               routerAlert: inout UInt16?) throws(Malformation) -> Verdict {
        let end = headerOffset + headerLength
        var i = headerOffset + 2  // past Next Header and Hdr Ext Len
        while i < end {
            let type = packet[i]
            if type == OptionType.pad1 {
                i += 1
                continue
            }
            guard end - i >= 2 else { throw .optionOverrun }
            let dataLength = Int(packet[i + 1])
            guard end - i - 2 >= dataLength else { throw .optionOverrun }
            if type == OptionType.padN {
                // Padding is not checked for zeros: RFC 8200 only asks senders to zero it.
            } else if type == OptionType.routerAlert && isHopByHop && dataLength == 2 {
                routerAlert = packet.loadBigEndianUInt16(at: i + 2)
            } else {
                // The two high bits of the type say what a node that does
                // not know the option must do, so that new options can be
                // deployed without every node understanding them.
                switch type >> 6 {
                case 0b00: break
                case 0b01: return .discard(icmpPointer: nil)
                case 0b10: return .discard(icmpPointer: i)
                default: return .discard(icmpPointer: destinationIsMulticast ? nil : i)
                }
            }
            i += 2 + dataLength
        }
        return .process
    }
}
