import NetCore

/// ICMPv4 message types this stack understands (RFC 792).
public struct ICMPv4Type: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let echoReply = ICMPv4Type(rawValue: 0)
    public static let destinationUnreachable = ICMPv4Type(rawValue: 3)
    public static let echoRequest = ICMPv4Type(rawValue: 8)
    public static let timeExceeded = ICMPv4Type(rawValue: 11)
    public static let parameterProblem = ICMPv4Type(rawValue: 12)
}

/// A typed view over an ICMPv4 message: type, code, checksum, then four
/// bytes whose meaning depends on the type (identifier and sequence number
/// for echo), then the body.
public struct ICMPv4Message {
    /// The fixed header: type, code, checksum and the four type-specific bytes.
    public static let headerLength = 8

    public enum Malformation: Error, Sendable, Equatable {
        case truncated, badChecksum
    }

    public let bytes: UnsafeRawBufferPointer

    /// A checked view: long enough, and the checksum over the whole message right.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(Malformation) {
        guard bytes.count >= ICMPv4Message.headerLength else { throw .truncated }
        guard InternetChecksum.isValid(bytes) else { throw .badChecksum }
        self.bytes = bytes
    }

    @inlinable public var type: ICMPv4Type { ICMPv4Type(rawValue: bytes[0]) }
    @inlinable public var code: UInt8 { bytes[1] }
    @inlinable public var checksum: UInt16 { bytes.loadBigEndianUInt16(at: 2) }
    /// Echo: the identifier.
    @inlinable public var identifier: UInt16 { bytes.loadBigEndianUInt16(at: 4) }
    /// Echo: the sequence number.
    @inlinable public var sequenceNumber: UInt16 { bytes.loadBigEndianUInt16(at: 6) }
    /// What follows the 8-byte header.
    @inlinable public var body: UnsafeRawBufferPointer {
        bytes.slice(ICMPv4Message.headerLength, bytes.count - ICMPv4Message.headerLength)
    }

    /// Writes an echo request or reply header at the start of `buffer`, whose
    /// body (`buffer` past byte 8) the caller has already filled, and
    /// computes the checksum over the whole of `buffer`.
    @inlinable
    public static func emitEcho(into buffer: UnsafeMutableRawBufferPointer, type: ICMPv4Type, identifier: UInt16,
                                sequenceNumber: UInt16) {
        buffer.storeUInt8(type.rawValue, at: 0)
        buffer.storeUInt8(0, at: 1)
        buffer.storeBigEndian(UInt16(0), at: 2)
        buffer.storeBigEndian(identifier, at: 4)
        buffer.storeBigEndian(sequenceNumber, at: 6)
        buffer.storeBigEndian(InternetChecksum.checksum(UnsafeRawBufferPointer(buffer)), at: 2)
    }
}
