import NetCore

/// A typed view over an IPv6 Fragment header (RFC 8200 §4.5;
/// IPV6_FRAGMENT_HEADER in Windows): always eight bytes, so there is no
/// length field to check, only that the eight bytes are there.
public struct IPv6FragmentHeader {
    /// The header's fixed length.
    public static let length = 8

    /// Why a fragment header could not be viewed.
    public enum Malformation: Error, Sendable, Equatable, CaseIterable {
        /// Fewer than eight bytes.
        case truncated
    }

    /// The header's eight bytes.
    public let bytes: UnsafeRawBufferPointer

    /// A view over the first eight bytes of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(Malformation) {
        guard bytes.count >= IPv6FragmentHeader.length else { throw .truncated }
        self.bytes = bytes.slice(0, IPv6FragmentHeader.length)
    }

    /// A view over eight bytes the caller has already measured (the
    /// extension-header walker), so it need not be checked again.
    @usableFromInline
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Next Header: the first header of the fragmentable part, which only
    /// the first fragment actually begins with.
    @inlinable public var nextHeader: IPProtocol { IPProtocol(rawValue: bytes[0]) }
    /// Fragment Offset, converted from its 8-byte units to bytes.
    @inlinable public var fragmentOffset: Int { Int(bytes.loadBigEndianUInt16(at: 2) & 0xFFF8) }
    /// The M flag (MoreFragments): clear only on the last fragment.
    @inlinable public var moreFragments: Bool { bytes[3] & 0x01 != 0 }
    /// Identification (Id): with source and destination, names the original packet.
    @inlinable public var identification: UInt32 { bytes.loadBigEndianUInt32(at: 4) }
    /// Whether this is an atomic fragment (RFC 6946): offset 0 and no M flag,
    /// a whole packet that must be processed at once, not held for reassembly.
    @inlinable public var isAtomic: Bool { fragmentOffset == 0 && !moreFragments }

    /// Writes an eight-byte Fragment header at the start of `buffer`;
    /// `fragmentOffset` is in bytes and must be a multiple of 8, since the
    /// field has no room for the low three bits.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, nextHeader: IPProtocol,
                            fragmentOffset: Int, moreFragments: Bool, identification: UInt32) {
        precondition(fragmentOffset >= 0 && fragmentOffset <= 0xFFF8 && fragmentOffset & 7 == 0,
                     "fragment offset must be a multiple of 8 below 65536")
        buffer.storeUInt8(nextHeader.rawValue, at: 0)
        buffer.storeUInt8(0, at: 1)
        buffer.storeBigEndian(UInt16(fragmentOffset) | (moreFragments ? 1 : 0), at: 2)
        buffer.storeBigEndian(identification, at: 4)
    }
}
