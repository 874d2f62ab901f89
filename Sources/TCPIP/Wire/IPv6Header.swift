import NetCore

/// A typed view over the fixed IPv6 header and its packet (RFC 8200 §3;
/// IPV6_HEADER in Windows), checked when made: version 6 and a Payload
/// Length that fits the buffer. Bytes past 40 + Payload Length (Ethernet
/// padding) are not part of the view.
///
/// A Payload Length of 0 is taken at its word: a jumbogram (RFC 2675)
/// would carry its length in a hop-by-hop option, which this stack does
/// not support, so the walker then finds no room for that option.
public struct IPv6Header {
    /// The fixed header's length: IPv6 has no options in it, only extension headers after it.
    public static let length = 40
    /// The smallest link MTU IPv6 may run over (RFC 8200 §5): every link
    /// carries 1,280-byte packets, so no path MTU is ever taken below it.
    public static let minimumMTU = 1_280

    /// Why a packet was rejected; each is a drop counter of its own.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        /// Fewer than 40 bytes.
        case truncated
        /// The Version field is not 6.
        case badVersion
        /// Payload Length (PayloadLength) runs past the end of the buffer.
        case badPayloadLength
    }

    /// The packet's bytes, fixed header and payload, cut to 40 + Payload Length.
    public let bytes: UnsafeRawBufferPointer

    /// A view over `bytes`, checking the version and the payload length.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(Malformation) {
        guard bytes.count >= IPv6Header.length else { throw .truncated }
        guard bytes[0] >> 4 == 6 else { throw .badVersion }
        let total = IPv6Header.length + Int(bytes.loadBigEndianUInt16(at: 4))
        guard total <= bytes.count else { throw .badPayloadLength }
        self.bytes = bytes.slice(0, total)
    }

    /// Version: always 6 in a view that was made.
    @inlinable public var version: UInt8 { bytes[0] >> 4 }
    /// Traffic Class (RFC 8200 §7): the DSCP in its upper six bits, ECN in the lower two.
    @inlinable public var trafficClass: UInt8 { UInt8(truncatingIfNeeded: bytes.loadBigEndianUInt16(at: 0) >> 4) }
    /// The Differentiated Services codepoint, the upper six bits of the traffic class (RFC 2474).
    @inlinable public var dscp: UInt8 { trafficClass >> 2 }
    /// Explicit Congestion Notification, the lower two bits of the traffic class (RFC 3168).
    @inlinable public var ecn: UInt8 { trafficClass & 0x03 }
    /// Flow Label (RFC 6437): 20 bits, zero when the source does not label flows.
    @inlinable public var flowLabel: UInt32 { bytes.loadBigEndianUInt32(at: 0) & 0x000F_FFFF }
    /// Payload Length: the bytes after the fixed header, extension headers included.
    @inlinable public var payloadLength: Int { Int(bytes.loadBigEndianUInt16(at: 4)) }
    /// Next Header: the first extension header or the upper-layer protocol.
    @inlinable public var nextHeader: IPProtocol { IPProtocol(rawValue: bytes[6]) }
    /// Hop Limit: NDP insists on 255 to prove a packet never crossed a router (RFC 4861 §3.1).
    @inlinable public var hopLimit: UInt8 { bytes[7] }
    /// Source Address.
    @inlinable public var source: IPv6Address { IPv6Address(bytes: bytes.slice(8, 16)) }
    /// Destination Address: with a Routing header, the next segment rather than the final one.
    @inlinable public var destination: IPv6Address { IPv6Address(bytes: bytes.slice(24, 16)) }
    /// Everything after the fixed header: extension headers, then the upper-layer data.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(IPv6Header.length, payloadLength) }

    /// Writes a 40-byte fixed header at the start of `buffer` for a payload
    /// (extension headers included) of `payloadLength` bytes. IPv6 has no
    /// header checksum: upper layers cover the addresses through the
    /// pseudo-header instead.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, source: IPv6Address, destination: IPv6Address,
                            nextHeader: IPProtocol, payloadLength: Int, hopLimit: UInt8,
                            trafficClass: UInt8 = 0, flowLabel: UInt32 = 0) {
        precondition(payloadLength >= 0 && payloadLength <= 0xFFFF, "IPv6 payload length out of range")
        buffer.storeBigEndian(0x6000_0000 | UInt32(trafficClass) << 20 | (flowLabel & 0x000F_FFFF), at: 0)
        buffer.storeBigEndian(UInt16(payloadLength), at: 4)
        buffer.storeUInt8(nextHeader.rawValue, at: 6)
        buffer.storeUInt8(hopLimit, at: 7)
        source.write(to: buffer, at: 8)
        destination.write(to: buffer, at: 24)
    }

    /// The one's-complement sum of the upper-layer pseudo-header (RFC 8200
    /// §8.1): source, destination, the upper-layer length as 32 bits, three
    /// zero bytes and the next header. ICMPv6, UDP and TCP all start their
    /// checksum from it, since the fixed header has none of its own.
    @inlinable
    public static func pseudoHeaderSum(source: IPv6Address, destination: IPv6Address, upperLayerLength: Int,
                                       nextHeader: IPProtocol) -> InternetChecksum {
        var sum = InternetChecksum()
        sum.add(UInt32(truncatingIfNeeded: source.high >> 32))
        sum.add(UInt32(truncatingIfNeeded: source.high))
        sum.add(UInt32(truncatingIfNeeded: source.low >> 32))
        sum.add(UInt32(truncatingIfNeeded: source.low))
        sum.add(UInt32(truncatingIfNeeded: destination.high >> 32))
        sum.add(UInt32(truncatingIfNeeded: destination.high))
        sum.add(UInt32(truncatingIfNeeded: destination.low >> 32))
        sum.add(UInt32(truncatingIfNeeded: destination.low))
        sum.add(UInt32(truncatingIfNeeded: upperLayerLength))
        sum.add(UInt32(nextHeader.rawValue))
        return sum
    }
}
