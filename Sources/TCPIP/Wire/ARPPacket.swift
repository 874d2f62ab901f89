import NetCore

/// The operation of an ARP packet (RFC 826).
public enum ARPOperation: UInt16, Sendable {
    case request = 1
    case reply = 2
}

/// A typed view over an ARP packet for IPv4 over Ethernet (RFC 826): the
/// only kind a stack on Ethernet needs; any other is rejected when viewed.
public struct ARPPacket {
    /// The length of an Ethernet/IPv4 ARP packet.
    public static let length = 28

    /// Why a packet could not be viewed.
    public enum Malformation: Error, Sendable, Equatable {
        case truncated, unsupportedHardware, unsupportedProtocol, badAddressLengths, unknownOperation
    }

    public let bytes: UnsafeRawBufferPointer
    public let operation: ARPOperation

    /// A checked view: hardware type 1 (Ethernet), protocol 0x0800, lengths 6 and 4.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(Malformation) {
        guard bytes.count >= ARPPacket.length else { throw .truncated }
        guard bytes.loadBigEndianUInt16(at: 0) == 1 else { throw .unsupportedHardware }
        guard bytes.loadBigEndianUInt16(at: 2) == EtherType.ipv4.rawValue else { throw .unsupportedProtocol }
        guard bytes[4] == 6 && bytes[5] == 4 else { throw .badAddressLengths }
        guard let op = ARPOperation(rawValue: bytes.loadBigEndianUInt16(at: 6)) else { throw .unknownOperation }
        self.bytes = bytes
        operation = op
    }

    @inlinable public var senderHardwareAddress: MACAddress { MACAddress(bytes: bytes.slice(8, 6)) }
    @inlinable public var senderProtocolAddress: IPv4Address { IPv4Address(bytes: bytes.slice(14, 4)) }
    @inlinable public var targetHardwareAddress: MACAddress { MACAddress(bytes: bytes.slice(18, 6)) }
    @inlinable public var targetProtocolAddress: IPv4Address { IPv4Address(bytes: bytes.slice(24, 4)) }

    /// Writes a 28-byte Ethernet/IPv4 ARP packet at the start of `buffer`.
    @inlinable
    public static func emit(into buffer: UnsafeMutableRawBufferPointer, operation: ARPOperation,
                            senderHardware: MACAddress, senderProtocol: IPv4Address,
                            targetHardware: MACAddress, targetProtocol: IPv4Address) {
        buffer.storeBigEndian(UInt16(1), at: 0)
        buffer.storeBigEndian(EtherType.ipv4.rawValue, at: 2)
        buffer.storeUInt8(6, at: 4)
        buffer.storeUInt8(4, at: 5)
        buffer.storeBigEndian(operation.rawValue, at: 6)
        senderHardware.write(to: buffer, at: 8)
        senderProtocol.write(to: buffer, at: 14)
        targetHardware.write(to: buffer, at: 18)
        targetProtocol.write(to: buffer, at: 24)
    }
}
