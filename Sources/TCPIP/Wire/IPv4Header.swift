import NetCore

/// IP protocol numbers (the IPv4 Protocol / IPv6 Next Header field).
public struct IPProtocol: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let icmp = IPProtocol(rawValue: 1)
    public static let tcp = IPProtocol(rawValue: 6)
    public static let udp = IPProtocol(rawValue: 17)
    public static let icmpv6 = IPProtocol(rawValue: 58)
}

/// A typed view over an IPv4 header and its datagram (RFC 791), checked
/// when made: version 4, a header length of at least 20 bytes that fits,
/// and a total length that covers the header and fits the buffer. Bytes
/// past the total length (Ethernet padding) are not part of the view.
public struct IPv4Header {
    /// The header length without options.
    public static let minimumLength = 20
    /// The largest datagram the 16-bit total length allows.
    public static let maximumDatagram = 65_535

    /// Why a datagram was rejected; each is a drop counter of its own.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        case truncated, badVersion, badHeaderLength, badTotalLength, badChecksum
    }

    /// The datagram's bytes, header and payload, cut to its total length.
    public let bytes: UnsafeRawBufferPointer

    /// A view over `bytes`, checking version and lengths (not the checksum:
    /// see `verifyChecksum`, as a NIC may already have).
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(Malformation) {
        guard bytes.count >= IPv4Header.minimumLength else { throw .truncated }
        let first = bytes[0]
        guard first >> 4 == 4 else { throw .badVersion }
        let headerLength = Int(first & 0x0F) * 4
        guard headerLength >= IPv4Header.minimumLength, headerLength <= bytes.count else { throw .badHeaderLength }
        let total = Int(bytes.loadBigEndianUInt16(at: 2))
        guard total >= headerLength, total <= bytes.count else { throw .badTotalLength }
        self.bytes = bytes.slice(0, total)
    }

    /// A view over the start of a datagram that may be cut short — the
    /// quote inside an ICMP error, the first bytes of an expired datagram:
    /// the header must be whole, the payload may end early. `bytes` is all
    /// there is, so quote `bytes`, not `totalLength`.
    @inlinable
    public init(truncated bytes: UnsafeRawBufferPointer) throws(Malformation) {
        guard bytes.count >= IPv4Header.minimumLength else { throw .truncated }
        guard bytes[0] >> 4 == 4 else { throw .badVersion }
        let headerLength = Int(bytes[0] & 0x0F) * 4
        guard headerLength >= IPv4Header.minimumLength, headerLength <= bytes.count else { throw .badHeaderLength }
        let total = Int(bytes.loadBigEndianUInt16(at: 2))
        guard total >= headerLength else { throw .badTotalLength }
        self.bytes = bytes.slice(0, min(total, bytes.count))
    }

    /// Whether the header checksum is right (the sum over the header folds to all ones).
    @inlinable
    public func verifyChecksum() -> Bool {
        InternetChecksum.isValid(bytes.slice(0, headerLength))
    }

    @inlinable public var headerLength: Int { Int(bytes[0] & 0x0F) * 4 }
    @inlinable public var dscp: UInt8 { bytes[1] >> 2 }
    @inlinable public var ecn: UInt8 { bytes[1] & 0x03 }
    @inlinable public var totalLength: Int { Int(bytes.loadBigEndianUInt16(at: 2)) }
    @inlinable public var identification: UInt16 { bytes.loadBigEndianUInt16(at: 4) }
    @inlinable public var dontFragment: Bool { bytes[6] & 0x40 != 0 }
    @inlinable public var moreFragments: Bool { bytes[6] & 0x20 != 0 }
    /// The fragment offset in bytes.
    @inlinable public var fragmentOffset: Int { Int(bytes.loadBigEndianUInt16(at: 6) & 0x1FFF) * 8 }
    /// Whether this datagram is a fragment (not the whole).
    @inlinable public var isFragment: Bool { moreFragments || fragmentOffset != 0 }
    @inlinable public var timeToLive: UInt8 { bytes[8] }
    @inlinable public var protocolNumber: IPProtocol { IPProtocol(rawValue: bytes[9]) }
    @inlinable public var checksum: UInt16 { bytes.loadBigEndianUInt16(at: 10) }
    @inlinable public var source: IPv4Address { IPv4Address(bytes: bytes.slice(12, 4)) }
    @inlinable public var destination: IPv4Address { IPv4Address(bytes: bytes.slice(16, 4)) }
    /// The options, skipped rather than interpreted.
    @inlinable public var options: UnsafeRawBufferPointer { bytes.slice(20, headerLength - 20) }
    /// The payload present in the view (all of it, unless made with `init(truncated:)`).
    @inlinable public var payload: UnsafeRawBufferPointer { bytes.slice(headerLength, bytes.count - headerLength) }

    /// Writes a 20-byte header (no options) at the start of `buffer`, with
    /// its checksum, for a payload of `payloadLength` bytes; `fragmentOffset`
    /// is in bytes and must be a multiple of 8.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, source: IPv4Address, destination: IPv4Address,
                            protocolNumber: IPProtocol, payloadLength: Int, identification: UInt16,
                            timeToLive: UInt8, dontFragment: Bool = false, moreFragments: Bool = false,
                            fragmentOffset: Int = 0, dscp: UInt8 = 0, ecn: UInt8 = 0) {
        buffer.storeUInt8(0x45, at: 0)
        buffer.storeUInt8(dscp << 2 | (ecn & 3), at: 1)
        buffer.storeBigEndian(UInt16(IPv4Header.minimumLength + payloadLength), at: 2)
        buffer.storeBigEndian(identification, at: 4)
        let flags: UInt16 = (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0)
        buffer.storeBigEndian(flags | UInt16(fragmentOffset / 8), at: 6)
        buffer.storeUInt8(timeToLive, at: 8)
        buffer.storeUInt8(protocolNumber.rawValue, at: 9)
        buffer.storeBigEndian(UInt16(0), at: 10)
        source.write(to: buffer, at: 12)
        destination.write(to: buffer, at: 16)
        buffer.storeBigEndian(InternetChecksum.checksum(UnsafeRawBufferPointer(buffer.slice(0, 20))), at: 10)
    }
}
