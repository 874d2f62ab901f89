/// An IPv4 address (IN_ADDR).
///
/// Held as its host-order numeric value so that comparisons, prefix masks and
/// hashing are plain integer operations; the network byte order only exists
/// on the wire, at `init(bytes:)` and `write(to:at:)`.
public struct IPv4Address: RawRepresentable, Hashable, Comparable, Sendable, LosslessStringConvertible {
    /// The address as a number: 192.0.2.1 is 0xC000_0201.
    public var rawValue: UInt32

    /// Wraps a host-order numeric value.
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The address `a.b.c.d`.
    @inlinable
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Reads the address from the first four bytes of `bytes`, in network order.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        rawValue = bytes.loadBigEndianUInt32(at: 0)
    }

    /// Stores the address at `offset` in network order.
    @inlinable
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBigEndian(rawValue, at: offset)
    }

    /// 0.0.0.0 (INADDR_ANY): a wildcard bind, or "no address yet" as a DHCP client's source.
    public static let any = IPv4Address(rawValue: 0)

    /// 255.255.255.255 (INADDR_BROADCAST), the limited broadcast that routers never forward.
    public static let broadcast = IPv4Address(rawValue: 0xFFFF_FFFF)

    /// 127.0.0.1 (INADDR_LOOPBACK).
    public static let loopback = IPv4Address(127, 0, 0, 1)

    /// 0.0.0.0, which may never appear as a destination.
    @inlinable
    public var isUnspecified: Bool { rawValue == 0 }

    /// 127.0.0.0/8: must never leave the host (RFC 1122 §3.2.1.3).
    @inlinable
    public var isLoopback: Bool { rawValue >> 24 == 127 }

    /// 255.255.255.255, delivered to the whole link but never routed.
    @inlinable
    public var isLimitedBroadcast: Bool { rawValue == 0xFFFF_FFFF }

    /// 224.0.0.0/4 (class D): delivery goes through group membership, not the route table.
    @inlinable
    public var isMulticast: Bool { rawValue >> 28 == 0xE }

    /// 169.254.0.0/16 (RFC 3927): valid on one link only, so never forwarded.
    @inlinable
    public var isLinkLocal: Bool { rawValue >> 16 == 0xA9FE }

    /// The RFC 1918 ranges 10/8, 172.16/12 and 192.168/16, which are not
    /// routable on the public Internet.
    @inlinable
    public var isPrivate: Bool {
        rawValue >> 24 == 10 || rawValue >> 20 == 0xAC1 || rawValue >> 16 == 0xC0A8
    }

    /// TEST-NET-1/2/3 (RFC 5737): 192.0.2/24, 198.51.100/24, 203.0.113/24,
    /// reserved for examples and therefore safe in simulations and tests.
    @inlinable
    public var isDocumentation: Bool {
        let net = rawValue >> 8
        return net == 0xC0_00_02 || net == 0xC6_33_64 || net == 0xCB_00_71
    }

    /// Numeric order, which is also the order of the network-order bytes.
    @inlinable
    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a strict dotted quad, as glibc `inet_pton(AF_INET)` does: four
    /// decimal parts 0–255, no leading zeros, signs or spaces. The lenient
    /// `inet_aton` forms ("10.1", "0x7f.1", "010.0.0.1") are rejected because
    /// their meaning differs between implementations (octal vs decimal).
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, IPv4Address.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`. IPv6 uses it for an
    /// embedded trailing dotted quad.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPv4Address? {
        let n = text.count
        guard n >= 7, n <= 15 else { return nil }
        var value: UInt32 = 0
        var i = 0
        for part in 0..<4 {
            if part > 0 {
                guard i < n, text[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
            let start = i
            var partValue: UInt32 = 0
            while i < n, i - start < 3 {
                let d = text[i] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                partValue = partValue * 10 + UInt32(d)
                i += 1
            }
            let digits = i - start
            guard digits > 0, partValue <= 255 else { return nil }
            if digits > 1 && text[start] == UInt8(ascii: "0") { return nil }
            value = value << 8 | partValue
        }
        guard i == n else { return nil }
        return IPv4Address(rawValue: value)
    }

    /// The dotted quad.
    public var description: String {
        String(unsafeUninitializedCapacity: 15) { out in
            var i = 0
            AddressText.putDottedQuad(rawValue, out, &i)
            return i
        }
    }
}
