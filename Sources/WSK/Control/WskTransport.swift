import NetCore

/// WSK_TRANSPORT: one transport WSK_TRANSPORT_LIST_QUERY reports.
/// Encoded as Windows lays it out: Version, SocketType (USHORTs), Protocol
/// (ULONG), AddressFamily (USHORT), two bytes of padding, ProviderId (GUID),
/// 28 bytes in all, little-endian.
public struct WskTransport: Sendable, Equatable {
    /// Version.
    public var version: WskVersion
    /// SocketType.
    public var socketType: WskSocketType
    /// Protocol.
    public var protocolNumber: UInt32
    /// AddressFamily.
    public var addressFamily: AddressFamily

    /// The encoded size.
    public static let size = 28

    /// The transports this provider offers sockets for: TCP and UDP over both families.
    public static let available: [WskTransport] = [
        WskTransport(version: .v1_0, socketType: .stream, protocolNumber: 6, addressFamily: .inet),
        WskTransport(version: .v1_0, socketType: .stream, protocolNumber: 6, addressFamily: .inet6),
        WskTransport(version: .v1_0, socketType: .datagram, protocolNumber: 17, addressFamily: .inet),
        WskTransport(version: .v1_0, socketType: .datagram, protocolNumber: 17, addressFamily: .inet6),
    ]

    /// The 28 bytes of the record.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: WskTransport.size)
        out.withUnsafeMutableBytes { b in
            b.storeBytes(of: version.rawValue.littleEndian, toByteOffset: 0, as: UInt16.self)
            b.storeBytes(of: UInt16(socketType.rawValue).littleEndian, toByteOffset: 2, as: UInt16.self)
            b.storeBytes(of: protocolNumber.littleEndian, toByteOffset: 4, as: UInt32.self)
            b.storeBytes(of: addressFamily.rawValue.littleEndian, toByteOffset: 8, as: UInt16.self)
        }
        return out
    }

    /// Reads one record.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= WskTransport.size,
              let type = WskSocketType(rawValue: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self).littleEndian),
              let family = AddressFamily(rawValue: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian)
        else { return nil }
        version = WskVersion(rawValue: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self).littleEndian)
        socketType = type
        protocolNumber = bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        addressFamily = family
    }

    init(version: WskVersion, socketType: WskSocketType, protocolNumber: UInt32, addressFamily: AddressFamily) {
        self.version = version
        self.socketType = socketType
        self.protocolNumber = protocolNumber
        self.addressFamily = addressFamily
    }
}
