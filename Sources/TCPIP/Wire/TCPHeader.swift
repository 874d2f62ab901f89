import NetCore

/// A typed view over one TCP segment, header and payload (RFC 9293 §3.1),
/// checked when made: at least the 20-byte fixed header, a data offset that
/// covers it and fits the segment, a checksum over the pseudo-header of the
/// packet's addresses, and options whose lengths can be walked.
///
/// The view takes the addresses because the checksum covers them. Unlike
/// UDP, TCP has no "no checksum" value in either family: a Checksum of 0 is
/// an ordinary sum and is checked like any other.
public struct TCPHeader {
    /// The fixed header's length: a data offset of 5 words.
    public static let minimumLength = 20

    /// Why a segment was rejected; each is a drop counter of its own.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        /// Fewer than 20 bytes.
        case truncated
        /// The data offset is less than 5 words or runs past the end of the segment.
        case badDataOffset
        /// The sum over the pseudo-header and the segment does not fold to all ones.
        case badChecksum
        /// An option with an illegal length (RFC 9293 §3.1), after which the
        /// rest of the options cannot be found.
        case badOption
    }

    /// The whole segment, header and payload.
    public let bytes: UnsafeRawBufferPointer
    /// The options, parsed and validated when the view was made.
    public let options: TCPOptions

    /// A view over a segment that arrived over IPv4 from `source` to
    /// `destination`. A segment longer than the pseudo-header's 16-bit
    /// length could not have come in one IPv4 datagram and no checksum can
    /// match it, so it is `.badChecksum`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, source: IPv4Address, destination: IPv4Address) throws(Malformation) {
        let headerLength = try TCPHeader.checkLengths(bytes)
        guard bytes.count <= 0xFFFF else { throw .badChecksum }
        var sum = IPv4Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: bytes.count, protocolNumber: .tcp)
        sum.add(bytes)
        guard sum.folded == 0xFFFF else { throw .badChecksum }
        self.bytes = bytes
        options = try TCPOptions(parsing: bytes.slice(TCPHeader.minimumLength, headerLength - TCPHeader.minimumLength))
    }

    /// A view over a segment that arrived over IPv6 from `source` to
    /// `destination` (with a Routing header, the final destination; RFC 8200 §8.1).
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, source: IPv6Address, destination: IPv6Address) throws(Malformation) {
        let headerLength = try TCPHeader.checkLengths(bytes)
        var sum = IPv6Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: bytes.count, nextHeader: .tcp)
        sum.add(bytes)
        guard sum.folded == 0xFFFF else { throw .badChecksum }
        self.bytes = bytes
        options = try TCPOptions(parsing: bytes.slice(TCPHeader.minimumLength, headerLength - TCPHeader.minimumLength))
    }

    /// Source Port.
    @inlinable public var sourcePort: UInt16 { bytes.loadBigEndianUInt16(at: 0) }
    /// Destination Port.
    @inlinable public var destinationPort: UInt16 { bytes.loadBigEndianUInt16(at: 2) }
    /// Sequence Number: SEG.SEQ, the first sequence number the segment occupies.
    @inlinable public var sequenceNumber: TCPSeq { TCPSeq(bytes.loadBigEndianUInt32(at: 4)) }
    /// Acknowledgment Number: SEG.ACK, meaningful only with ACK set.
    @inlinable public var acknowledgmentNumber: TCPSeq { TCPSeq(bytes.loadBigEndianUInt32(at: 8)) }
    /// The header's length with options: the data offset × 4.
    @inlinable public var headerLength: Int { Int(bytes.loadUInt8(at: 12) >> 4) * 4 }
    /// The control bits (byte 13; the reserved bits of byte 12 are not flags).
    @inlinable public var flags: TCPFlags { TCPFlags(rawValue: bytes.loadUInt8(at: 13)) }
    /// Window: SEG.WND unscaled, as on the wire; the connection applies the
    /// peer's shift on every segment but a SYN (RFC 7323 §2.2).
    @inlinable public var window: UInt16 { bytes.loadBigEndianUInt16(at: 14) }
    /// Checksum, as sent.
    @inlinable public var checksum: UInt16 { bytes.loadBigEndianUInt16(at: 16) }
    /// Urgent Pointer, as sent; this stack never sets URG and reads the
    /// field only to report it.
    @inlinable public var urgentPointer: UInt16 { bytes.loadBigEndianUInt16(at: 18) }
    /// The data after the header and its options.
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(headerLength, bytes.count - headerLength) }

    /// SEG.LEN (RFC 9293 §3.4): the sequence numbers the segment occupies,
    /// its payload plus one each for SYN and FIN.
    @inlinable
    public var segmentLength: Int {
        let flags = self.flags
        return bytes.count - headerLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
    }

    /// Writes a header for IPv4 at the start of `segment`, whose payload the
    /// caller already put at offset `minimumLength + options.encodedLength`;
    /// the whole of `segment` is the segment. Computes the checksum over
    /// header, payload and pseudo-header. Urgent Pointer is always 0.
    @inlinable
    public static func emit(into segment: UnsafeMutableRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16,
                            sequenceNumber: TCPSeq, acknowledgmentNumber: TCPSeq, flags: TCPFlags, window: UInt16,
                            options: TCPOptions, source: IPv4Address, destination: IPv4Address) {
        precondition(segment.count <= 0xFFFF, "TCP segment too long for IPv4")
        writeHeader(into: segment, sourcePort: sourcePort, destinationPort: destinationPort,
                    sequenceNumber: sequenceNumber, acknowledgmentNumber: acknowledgmentNumber, flags: flags,
                    window: window, options: options)
        var sum = IPv4Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: segment.count, protocolNumber: .tcp)
        sum.add(UnsafeRawBufferPointer(segment))
        segment.storeBigEndian(sum.value, at: 16)
    }

    /// Writes a header for IPv6 over a placed payload; see the IPv4 `emit`.
    @inlinable
    public static func emit(into segment: UnsafeMutableRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16,
                            sequenceNumber: TCPSeq, acknowledgmentNumber: TCPSeq, flags: TCPFlags, window: UInt16,
                            options: TCPOptions, source: IPv6Address, destination: IPv6Address) {
        writeHeader(into: segment, sourcePort: sourcePort, destinationPort: destinationPort,
                    sequenceNumber: sequenceNumber, acknowledgmentNumber: acknowledgmentNumber, flags: flags,
                    window: window, options: options)
        var sum = IPv6Header.pseudoHeaderSum(source: source, destination: destination,
                                             upperLayerLength: segment.count, nextHeader: .tcp)
        sum.add(UnsafeRawBufferPointer(segment))
        segment.storeBigEndian(sum.value, at: 16)
    }

    /// The length checks both families share; returns the header's length.
    @inlinable
    static func checkLengths(_ bytes: UnsafeRawBufferPointer) throws(Malformation) -> Int {
        guard bytes.count >= minimumLength else { throw .truncated }
        let headerLength = Int(bytes.loadUInt8(at: 12) >> 4) * 4
        guard headerLength >= minimumLength, headerLength <= bytes.count else { throw .badDataOffset }
        return headerLength
    }

    /// Writes every field and the options, with a zero Checksum so that the
    /// sum taken next over the whole segment leaves the field out.
    @inlinable
    static func writeHeader(into segment: UnsafeMutableRawBufferPointer, sourcePort: UInt16, destinationPort: UInt16,
                            sequenceNumber: TCPSeq, acknowledgmentNumber: TCPSeq, flags: TCPFlags, window: UInt16,
                            options: TCPOptions) {
        let headerLength = minimumLength + options.encodedLength
        precondition(segment.count >= headerLength, "TCP segment shorter than its header")
        segment.storeBigEndian(sourcePort, at: 0)
        segment.storeBigEndian(destinationPort, at: 2)
        segment.storeBigEndian(sequenceNumber.rawValue, at: 4)
        segment.storeBigEndian(acknowledgmentNumber.rawValue, at: 8)
        segment.storeUInt8(UInt8(headerLength / 4) << 4, at: 12)
        segment.storeUInt8(flags.rawValue, at: 13)
        segment.storeBigEndian(window, at: 14)
        segment.storeBigEndian(UInt16(0), at: 16)
        segment.storeBigEndian(UInt16(0), at: 18)
        options.emit(into: segment.slice(minimumLength, headerLength - minimumLength))
    }
}
