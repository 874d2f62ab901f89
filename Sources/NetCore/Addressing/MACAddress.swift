/// An IEEE 802 48-bit MAC address.
///
/// Held as one integer rather than six bytes so that the comparisons and hash
/// lookups done for every received frame are single-word operations.
public struct MACAddress: Hashable, Comparable, Sendable, LosslessStringConvertible {
    /// The 48 address bits, first octet in bits 47…40; the top 16 bits are always zero.
    ///
    /// Exposed so that tables keyed by MAC address can use the integer directly.
    public let rawValue: UInt64

    /// Wraps a 48-bit value; traps if any of the top 16 bits is set, since
    /// such a value cannot have come from a six-byte address.
    @inlinable
    public init(rawValue: UInt64) {
        precondition(rawValue >> 48 == 0, "MAC address wider than 48 bits")
        self.rawValue = rawValue
    }

    /// An address from its six octets in transmission order.
    @inlinable
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        rawValue = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24
            | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }

    /// Reads the address from the first six bytes of a frame header or other
    /// wire structure.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 6, "MAC address needs 6 bytes")
        rawValue = UInt64(bytes.loadBigEndianUInt32(at: 0)) << 16
            | UInt64(bytes.loadBigEndianUInt16(at: 4))
    }

    /// Stores the six octets at `offset`, as they appear on the wire.
    @inlinable
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset &+ 6 <= buffer.count, "store out of bounds")
        buffer.storeBigEndian(UInt32(truncatingIfNeeded: rawValue >> 16), at: offset)
        buffer.storeBigEndian(UInt16(truncatingIfNeeded: rawValue), at: offset + 4)
    }

    /// The six octets in transmission order; allocates, so keep it off hot paths.
    public var bytes: [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * $0)) }
    }

    /// ff:ff:ff:ff:ff:ff, received by every station on the segment (ARP requests).
    public static let broadcast = MACAddress(rawValue: 0xFFFF_FFFF_FFFF)

    /// 00:00:00:00:00:00, the "unknown" target hardware address in ARP requests.
    public static let zero = MACAddress(rawValue: 0)

    /// Whether every station accepts the frame.
    @inlinable
    public var isBroadcast: Bool { rawValue == 0xFFFF_FFFF_FFFF }

    /// Whether the I/G (group) bit is set, so the frame goes to a filter list
    /// rather than being matched against the adapter's own address. Broadcast
    /// is a group address too.
    @inlinable
    public var isMulticast: Bool { rawValue & (0x01 << 40) != 0 }

    /// Whether the address names a single station; the only kind that may
    /// appear as a frame's source.
    @inlinable
    public var isUnicast: Bool { !isMulticast }

    /// Whether the U/L bit marks the address as assigned locally (virtual
    /// adapters, simulated hosts) rather than burned in under an OUI.
    @inlinable
    public var isLocallyAdministered: Bool { rawValue & (0x02 << 40) != 0 }

    /// The Ethernet group address an IPv4 multicast group is sent to
    /// (RFC 1112 §6.4): 01:00:5e followed by the group's low 23 bits.
    ///
    /// Only meaningful for a multicast `group`; 32 groups share each MAC
    /// address, so receivers must still filter on the IP destination.
    @inlinable
    public static func ipv4Multicast(_ group: IPv4Address) -> MACAddress {
        MACAddress(rawValue: 0x0100_5E00_0000 | UInt64(group.rawValue & 0x007F_FFFF))
    }

    /// The Ethernet group address an IPv6 multicast group is sent to
    /// (RFC 2464 §7): 33:33 followed by the group's last 32 bits.
    ///
    /// Only meaningful for a multicast `group`; receivers must still filter
    /// on the full IPv6 destination.
    @inlinable
    public static func ipv6Multicast(_ group: IPv6Address) -> MACAddress {
        MACAddress(rawValue: 0x3333_0000_0000 | (group.low & 0xFFFF_FFFF))
    }

    /// Numeric order, which is also the order of the transmitted octets, for sorted listings.
    @inlinable
    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses `aa:bb:cc:dd:ee:ff` or the Windows `aa-bb-cc-dd-ee-ff`, either
    /// case, exactly two hex digits per octet and one separator throughout.
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, MACAddress.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> MACAddress? {
        guard text.count == 17 else { return nil }
        let separator = text[2]
        guard separator == UInt8(ascii: ":") || separator == UInt8(ascii: "-") else { return nil }
        var value: UInt64 = 0
        var i = 0
        for octet in 0..<6 {
            if octet > 0 {
                guard text[i] == separator else { return nil }
                i += 1
            }
            guard let hi = AddressText.hexValue(text[i]), let lo = AddressText.hexValue(text[i + 1]) else { return nil }
            value = value << 8 | UInt64(hi << 4 | lo)
            i += 2
        }
        return MACAddress(rawValue: value)
    }

    /// Lowercase and colon-separated, the form Linux tools and most RFCs use.
    public var description: String {
        String(unsafeUninitializedCapacity: 17) { out in
            var i = 0
            for octet in 0..<6 {
                if octet > 0 { AddressText.put(UInt8(ascii: ":"), out, &i) }
                let byte = UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * octet))
                AddressText.put(AddressText.hexDigit(byte >> 4), out, &i)
                AddressText.put(AddressText.hexDigit(byte & 0xF), out, &i)
            }
            return i
        }
    }
}
