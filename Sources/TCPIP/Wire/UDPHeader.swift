import NetCore

/// A typed view over a UDP datagram (RFC 768), header and payload, checked
/// when made: at least the 8-byte header, a Length field that covers the
/// header and fits the buffer, and a checksum over the pseudo-header of the
/// packet's addresses. Bytes past Length (padding the IP layer did not trim)
/// are not part of the view.
///
/// The view takes the addresses because the checksum covers them, and the
/// family because the checksum rules differ: IPv4 lets a sender leave the
/// checksum out, IPv6 does not. A Length of 0, which a jumbogram (RFC 2675
/// §4) would carry, is rejected, as this stack does not support jumbograms.
public struct UDPHeader {
    /// The header's length: source port, destination port, Length, Checksum.
    public static let length = 8

    /// Why a datagram was rejected; each is a drop counter of its own.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        /// Fewer than 8 bytes.
        case truncated
        /// Length is less than the 8-byte header or runs past the end of the buffer.
        case badLength
        /// The sum over the pseudo-header and the datagram does not fold to
        /// all ones, or an IPv6 datagram carries no checksum at all.
        case badChecksum
    }

    /// The datagram's bytes, header and payload, cut to its Length.
    public let bytes: UnsafeRawBufferPointer

    /// A view over a datagram that arrived over IPv4 from `source` to
    /// `destination`. A Checksum of 0 means the sender computed none, which
    /// RFC 768 allows, so the datagram is taken unchecked; a computed sum of
    /// 0 is sent as 0xFFFF and so is never confused with it.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, source: IPv4Address, destination: IPv4Address) throws(Malformation) {
        let datagram = try UDPHeader.cutToLength(bytes)
        if datagram.loadBigEndianUInt16(at: 6) != 0 {
            var sum = IPv4Header.pseudoHeaderSum(source: source, destination: destination,
                                                 upperLayerLength: datagram.count, protocolNumber: .udp)
            sum.add(datagram)
            guard sum.folded == 0xFFFF else { throw .badChecksum }
        }
        self.bytes = datagram
    }

    /// A view over a datagram that arrived over IPv6 from `source` to
    /// `destination` (with a Routing header, the final destination). IPv6
    /// has no header checksum, so the UDP checksum is the only guard on the
    /// addresses and RFC 8200 §8.1 makes it mandatory: a Checksum of 0 is
    /// rejected even where the sum over the rest would pass.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, source: IPv6Address, destination: IPv6Address) throws(Malformation) {
        let datagram = try UDPHeader.cutToLength(bytes)
        guard datagram.loadBigEndianUInt16(at: 6) != 0 else { throw .badChecksum }
        var sum = IPv6Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: datagram.count, nextHeader: .udp)
        sum.add(datagram)
        guard sum.folded == 0xFFFF else { throw .badChecksum }
        self.bytes = datagram
    }

    /// Source Port: where a reply goes, or 0 when none is expected.
    @inlinable public var sourcePort: UInt16 { bytes.loadBigEndianUInt16(at: 0) }
    /// Destination Port.
    @inlinable public var destinationPort: UInt16 { bytes.loadBigEndianUInt16(at: 2) }
    /// Length: header and payload, and so also the view's byte count.
    @inlinable public var lengthField: Int { Int(bytes.loadBigEndianUInt16(at: 4)) }
    /// Checksum, as sent: 0 over IPv4 when the sender computed none.
    @inlinable public var checksum: UInt16 { bytes.loadBigEndianUInt16(at: 6) }
    /// The data after the 8-byte header, up to Length.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(UDPHeader.length, bytes.count - UDPHeader.length) }

    /// Writes the header of a datagram for IPv4 at the start of `buffer`,
    /// whose payload (`buffer` past byte 8) the caller has already filled;
    /// the whole of `buffer` is the datagram. The checksum is always
    /// computed, though IPv4 would allow leaving it out, because it is the
    /// only end-to-end check the payload gets.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16,
                            source: IPv4Address, destination: IPv4Address) {
        writeHeader(into: buffer, sourcePort: sourcePort, destinationPort: destinationPort)
        var sum = IPv4Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: buffer.count, protocolNumber: .udp)
        sum.add(UnsafeRawBufferPointer(buffer))
        storeChecksum(sum, into: buffer)
    }

    /// Writes the header of a datagram for IPv6 over a filled payload; see
    /// the IPv4 `emit`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16,
                            source: IPv6Address, destination: IPv6Address) {
        writeHeader(into: buffer, sourcePort: sourcePort, destinationPort: destinationPort)
        var sum = IPv6Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: buffer.count, nextHeader: .udp)
        sum.add(UnsafeRawBufferPointer(buffer))
        storeChecksum(sum, into: buffer)
    }

    /// The length checks both families share, and the datagram cut to
    /// Length: the IP layer's length may include padding, UDP's is exact.
    @inlinable
    static func cutToLength(_ bytes: UnsafeRawBufferPointer) throws(Malformation) -> UnsafeRawBufferPointer {
        guard bytes.count >= UDPHeader.length else { throw .truncated }
        let length = Int(bytes.loadBigEndianUInt16(at: 4))
        guard length >= UDPHeader.length, length <= bytes.count else { throw .badLength }
        return bytes.slice(0, length)
    }

    /// Writes ports and Length, and a zero Checksum so that the sum taken
    /// next over the whole buffer leaves the field out.
    @inlinable
    static func writeHeader(into buffer: UnsafeMutableRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16) {
        precondition(buffer.count >= length && buffer.count <= 0xFFFF, "UDP datagram length out of range")
        buffer.storeBigEndian(sourcePort, at: 0)
        buffer.storeBigEndian(destinationPort, at: 2)
        buffer.storeBigEndian(UInt16(buffer.count), at: 4)
        buffer.storeBigEndian(UInt16(0), at: 6)
    }

    /// Stores the checksum for `sum`, sent as 0xFFFF when it computes to 0
    /// (RFC 768): 0 on the wire means "no checksum", and 0xFFFF is the same
    /// value in one's-complement arithmetic, so the receiver's sum still checks.
    @inlinable
    static func storeChecksum(_ sum: InternetChecksum, into buffer: UnsafeMutableRawBufferPointer) {
        let value = sum.value
        buffer.storeBigEndian(value == 0 ? 0xFFFF : value, at: 6)
    }
}
