/// An IPv6 address (IN6_ADDR).
///
/// Held as two host-order integers, the numeric values of the first and last
/// eight bytes in network order, so that equality, ordering, hashing and
/// prefix masks take two word operations instead of sixteen byte operations.
public struct IPv6Address: Hashable, Comparable, Sendable, LosslessStringConvertible {
    /// Bytes 0–7 (groups 0–3) as a number: 2001:db8:: has `high` 0x2001_0db8_0000_0000.
    public var high: UInt64
    /// Bytes 8–15 (groups 4–7) as a number: ::1 has `low` 1.
    public var low: UInt64

    /// Wraps the two halves.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads the address from the first sixteen bytes of `bytes`, in network order.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 16, "IPv6 address needs 16 bytes")
        high = bytes.loadBigEndianUInt64(at: 0)
        low = bytes.loadBigEndianUInt64(at: 8)
    }

    /// The address from its eight 16-bit groups, written as in the text form.
    @inlinable
    public init(_ g0: UInt16, _ g1: UInt16, _ g2: UInt16, _ g3: UInt16,
                _ g4: UInt16, _ g5: UInt16, _ g6: UInt16, _ g7: UInt16) {
        high = UInt64(g0) << 48 | UInt64(g1) << 32 | UInt64(g2) << 16 | UInt64(g3)
        low = UInt64(g4) << 48 | UInt64(g5) << 32 | UInt64(g6) << 16 | UInt64(g7)
    }

    /// The address from exactly eight groups; traps on any other count.
    public init(groups: [UInt16]) {
        precondition(groups.count == 8, "IPv6 address needs 8 groups")
        self.init(groups[0], groups[1], groups[2], groups[3], groups[4], groups[5], groups[6], groups[7])
    }

    /// Stores the address at `offset` in network order.
    @inlinable
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset &+ 16 <= buffer.count, "store out of bounds")
        buffer.storeBigEndian(high, at: offset)
        buffer.storeBigEndian(low, at: offset + 8)
    }

    /// The 16-bit group `index` (0–7), as written in the text form.
    @inlinable
    public func group(_ index: Int) -> UInt16 {
        precondition(index >= 0 && index < 8, "IPv6 group index out of range")
        let half = index < 4 ? high : low
        return UInt16(truncatingIfNeeded: half >> UInt64(48 - 16 * (index & 3)))
    }

    /// :: (in6addr_any): a wildcard bind, or the source of a DAD probe.
    public static let any = IPv6Address(high: 0, low: 0)

    /// ::, the same address as `any`, under the name RFC 4291 gives it.
    public static let unspecified = IPv6Address(high: 0, low: 0)

    /// ::1 (in6addr_loopback).
    public static let loopback = IPv6Address(high: 0, low: 1)

    /// ff02::1, the link-scope all-nodes group: the destination of router
    /// advertisements and unsolicited neighbour advertisements.
    public static let allNodes = IPv6Address(high: 0xFF02_0000_0000_0000, low: 1)

    /// ff02::2, the link-scope all-routers group: the destination of router solicitations.
    public static let allRouters = IPv6Address(high: 0xFF02_0000_0000_0000, low: 2)

    /// ::, which may never appear as a destination.
    @inlinable
    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// ::1, which must never leave the host.
    @inlinable
    public var isLoopback: Bool { high == 0 && low == 1 }

    /// ff00::/8: delivery goes through group membership, not the route table.
    @inlinable
    public var isMulticast: Bool { high >> 56 == 0xFF }

    /// fe80::/10 unicast: valid on one link only, so it needs a scope id to be
    /// usable and is never forwarded.
    @inlinable
    public var isLinkLocal: Bool { high >> 54 == 0xFE80 >> 6 }

    /// fc00::/7 (RFC 4193): site-private, like the RFC 1918 ranges of IPv4.
    @inlinable
    public var isUniqueLocal: Bool { high >> 57 == 0xFC >> 1 }

    /// ::ffff:0:0/96 (RFC 4291 §2.5.5.2): how a dual-stack socket sees an IPv4 peer.
    @inlinable
    public var isIPv4Mapped: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// 2001:db8::/32 (RFC 3849), reserved for examples and therefore safe in
    /// simulations and tests.
    @inlinable
    public var isDocumentation: Bool { high >> 32 == 0x2001_0DB8 }

    /// The 4-bit scope field of a multicast address (1 interface, 2 link,
    /// 5 site, 8 organisation, 14 global), which bounds how far it may be
    /// forwarded; nil for unicast.
    @inlinable
    public var multicastScope: UInt8? {
        isMulticast ? UInt8(truncatingIfNeeded: high >> 48) & 0x0F : nil
    }

    /// The IPv4-mapped form ::ffff:a.b.c.d, so a dual-stack socket can carry
    /// an IPv4 peer in an IPv6 address.
    @inlinable
    public init(ipv4Mapped address: IPv4Address) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(address.rawValue)
    }

    /// The IPv4 address inside an IPv4-mapped address, or nil for any other address.
    @inlinable
    public var ipv4Mapped: IPv4Address? {
        isIPv4Mapped ? IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)) : nil
    }

    /// The solicited-node group ff02::1:ffXX:XXXX (RFC 4291 §2.7.1) that
    /// neighbour solicitations for this address are sent to: the low 24 bits
    /// select the group, so a host joins one group per interface identifier
    /// instead of the whole link receiving every solicitation.
    @inlinable
    public var solicitedNodeMulticast: IPv6Address {
        IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x0000_0001_FF00_0000 | (low & 0xFF_FFFF))
    }

    /// The link-local address fe80::/64 with the modified EUI-64 interface
    /// identifier derived from `mac` (RFC 4291 appendix A): ff:fe is inserted
    /// in the middle and the universal/local bit is inverted, so that a
    /// burned-in MAC gives an identifier marked as globally unique.
    @inlinable
    public static func linkLocal(eui64From mac: MACAddress) -> IPv6Address {
        let oui = mac.rawValue >> 24
        let nic = mac.rawValue & 0xFF_FFFF
        let identifier = (oui << 40 | 0xFF_FE00_0000 | nic) ^ (0x02 << 56)
        return IPv6Address(high: 0xFE80_0000_0000_0000, low: identifier)
    }

    /// Numeric order, which is also the order of the network-order bytes.
    @inlinable
    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    /// Parses any RFC 4291 §2.2 text form: full or zero-suppressed groups,
    /// one `::` anywhere, and a trailing embedded dotted quad, in either case.
    ///
    /// A zone (`fe80::1%3`) is rejected: the zone is not part of the address
    /// but of the socket address, which parses it.
    public init?(_ description: String) {
        guard let parsed = AddressText.withUTF8(description, IPv6Address.parse) else { return nil }
        self = parsed
    }

    /// Parses the whole of `text`; see `init?(_:)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPv6Address? {
        let n = text.count
        guard n >= 2, n <= 45 else { return nil }  // "::" up to full groups with a dotted quad
        let colon = UInt8(ascii: ":")
        // Groups before the "::" shift into `head`, groups after it into
        // `tail`; the "::" is then the gap between them.
        var head: UInt128 = 0
        var tail: UInt128 = 0
        var count = 0
        var headCount = 0  // groups before the "::"
        var compressed = false
        var i = 0
        if text[0] == colon {
            guard text[1] == colon else { return nil }
            compressed = true
            i = 2
            if i == n { return .any }
        }
        while true {
            // At the start of a group, which must be non-empty.
            let start = i
            var value: UInt16 = 0
            while i < n, let digit = AddressText.hexValue(text[i]) {
                guard i - start < 4 else { return nil }
                value = value << 4 | UInt16(digit)
                i += 1
            }
            if i < n && text[i] == UInt8(ascii: ".") {
                // A dotted quad stands for the last two groups, so it must run to the end.
                guard count <= 6, let v4 = IPv4Address.parse(AddressText.slice(text, start, n)) else { return nil }
                if compressed { tail = tail << 32 | UInt128(v4.rawValue) } else { head = head << 32 | UInt128(v4.rawValue) }
                count += 2
                break
            }
            guard i > start, count < 8 else { return nil }
            if compressed { tail = tail << 16 | UInt128(value) } else { head = head << 16 | UInt128(value) }
            count += 1
            if i == n { break }
            guard text[i] == colon else { return nil }
            i += 1
            guard i < n else { return nil }  // a lone trailing ':'
            if text[i] == colon {
                guard !compressed else { return nil }
                compressed = true
                headCount = count
                i += 1
                if i == n { break }
            }
        }
        let value: UInt128
        if compressed {
            // "::" stands for at least one zero group.
            guard count <= 7 else { return nil }
            value = head << (16 * (8 - headCount)) | tail
        } else {
            guard count == 8 else { return nil }
            value = head
        }
        return IPv6Address(high: UInt64(truncatingIfNeeded: value >> 64), low: UInt64(truncatingIfNeeded: value))
    }

    /// The RFC 5952 canonical text form, so that equal addresses always print
    /// the same and logs can be compared with grep: lowercase, no leading
    /// zeros, the longest run of two or more zero groups (the first if tied)
    /// shortened to `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
    public var description: String {
        String(unsafeUninitializedCapacity: 39) { out in
            var i = 0
            if isIPv4Mapped {
                for c in "::ffff:".utf8 { AddressText.put(c, out, &i) }
                AddressText.putDottedQuad(UInt32(truncatingIfNeeded: low), out, &i)
                return i
            }
            // Find the run to compress: strictly longer than 1, first of the longest.
            var bestStart = -1
            var bestLength = 1
            var runStart = 0
            var runLength = 0
            for g in 0..<8 {
                if group(g) == 0 {
                    if runLength == 0 { runStart = g }
                    runLength += 1
                    if runLength > bestLength {
                        bestStart = runStart
                        bestLength = runLength
                    }
                } else {
                    runLength = 0
                }
            }
            var g = 0
            while g < 8 {
                if g == bestStart {
                    AddressText.put(UInt8(ascii: ":"), out, &i)
                    AddressText.put(UInt8(ascii: ":"), out, &i)
                    g += bestLength
                    continue
                }
                if g > 0 && g != bestStart + bestLength { AddressText.put(UInt8(ascii: ":"), out, &i) }
                AddressText.putHex(group(g), out, &i)
                g += 1
            }
            return i
        }
    }
}
