import NetCore

extension SocketAddress {
    /// sizeof(SOCKADDR_IN).
    public static let sockaddrInLength = 16
    /// sizeof(SOCKADDR_IN6).
    public static let sockaddrIn6Length = 28

    /// Reads a Windows SOCKADDR_IN or SOCKADDR_IN6, as option and IOCTL
    /// buffers carry them: the family in host (little-endian) order, the
    /// port, address and flow info in network order, the scope ID in host
    /// order. Nil for a short buffer or another family.
    public init?(sockaddr bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 2 else { return nil }
        let family = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        switch family {
        case AddressFamily.inet.rawValue where bytes.count >= SocketAddress.sockaddrInLength:
            self = .v4(IPv4Address(bytes: bytes.slice(4, 4)), port: bytes.loadBigEndianUInt16(at: 2))
        case AddressFamily.inet6.rawValue where bytes.count >= SocketAddress.sockaddrIn6Length:
            let scope = bytes.loadUnaligned(fromByteOffset: 24, as: UInt32.self).littleEndian
            self = .v6(IPv6Address(bytes: bytes.slice(8, 16)), port: bytes.loadBigEndianUInt16(at: 2),
                       scopeID: scope, flowInfo: bytes.loadBigEndianUInt32(at: 4))
        default:
            return nil
        }
    }

    /// The address as a Windows SOCKADDR_IN or SOCKADDR_IN6.
    public var sockaddrBytes: [UInt8] {
        switch self {
        case .v4(let address, let port):
            var bytes = [UInt8](repeating: 0, count: SocketAddress.sockaddrInLength)
            bytes.withUnsafeMutableBytes { b in
                b.storeBytes(of: AddressFamily.inet.rawValue.littleEndian, toByteOffset: 0, as: UInt16.self)
                b.storeBigEndian(port, at: 2)
                address.write(to: b, at: 4)
            }
            return bytes
        case .v6(let address, let port, let scope, let flow):
            var bytes = [UInt8](repeating: 0, count: SocketAddress.sockaddrIn6Length)
            bytes.withUnsafeMutableBytes { b in
                b.storeBytes(of: AddressFamily.inet6.rawValue.littleEndian, toByteOffset: 0, as: UInt16.self)
                b.storeBigEndian(port, at: 2)
                b.storeBigEndian(flow, at: 4)
                address.write(to: b, at: 8)
                b.storeBytes(of: scope.littleEndian, toByteOffset: 24, as: UInt32.self)
            }
            return bytes
        }
    }
}
