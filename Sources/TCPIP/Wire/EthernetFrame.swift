import NetCore

/// A typed view over an Ethernet II frame: 6-byte destination, 6-byte
/// source, 2-byte EtherType, payload. No FCS: adapters strip it.
public struct EthernetFrame {
    /// The header's length.
    public static let headerLength = 14
    /// The smallest frame on the wire without its FCS: shorter ones are padded.
    public static let minimumLength = 60

    /// The frame's bytes.
    public let bytes: UnsafeRawBufferPointer

    /// A view over `bytes`, or nil when they cannot hold a header.
    @inlinable
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= EthernetFrame.headerLength else { return nil }
        self.bytes = bytes
    }

    @inlinable public var destination: MACAddress { MACAddress(bytes: bytes) }
    @inlinable public var source: MACAddress { MACAddress(bytes: bytes.slice(6, 6)) }
    @inlinable public var etherType: EtherType { EtherType(rawValue: bytes.loadBigEndianUInt16(at: 12)) }
    /// What follows the header (including any padding of a short frame).
    @inlinable public var payload: UnsafeRawBufferPointer {
        bytes.slice(EthernetFrame.headerLength, bytes.count - EthernetFrame.headerLength)
    }

    /// Writes a header into the first 14 bytes of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, destination: MACAddress, source: MACAddress,
                            etherType: EtherType) {
        destination.write(to: buffer, at: 0)
        source.write(to: buffer, at: 6)
        buffer.storeBigEndian(etherType.rawValue, at: 12)
    }
}
