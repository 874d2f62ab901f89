/// The Internet checksum (RFC 1071): the 16-bit one's-complement sum used by
/// IPv4, ICMP, UDP and TCP, built up incrementally over any number of pieces
/// (pseudo-header fields, header, payload fragments).
///
/// Speed matters because every received and sent segment is summed once in
/// full. The sum is taken over 64-bit words loaded in the machine's own byte
/// order, eight independent add-with-carry chains at a time, and the carries
/// are folded only at the end. RFC 1071 §2(B) makes this legal: the
/// one's-complement sum is byte-order independent, so summing native words
/// and byte-swapping the folded result equals summing big-endian words.
///
/// All 16-bit values in and out are the numeric value of the big-endian
/// field, so `buffer.storeBigEndian(sum.value, at: offset)` writes the
/// correct bytes and `loadBigEndianUInt16` reads a comparable value.
public struct InternetChecksum: Sendable {
    /// One's-complement sum, modulo 2^64 - 1, of everything added so far,
    /// in native byte order. 0xFFFF divides 2^64 - 1, so folding this to 16
    /// bits at the end gives the 16-bit one's-complement sum.
    @usableFromInline
    internal var accumulator: UInt64

    /// Whether an odd number of bytes has been added, i.e. the next byte is
    /// the low-order half of a 16-bit word. Needed so a payload split into
    /// odd-length pieces sums the same as the whole.
    @usableFromInline
    internal var odd: Bool

    /// An empty sum; `value` of an empty sum is 0xFFFF.
    @inlinable
    public init() {
        accumulator = 0
        odd = false
    }

    /// Adds `bytes` as if they directly followed everything added before,
    /// whatever the lengths of this and earlier pieces.
    @inlinable
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let partial = InternetChecksum.nativeSum(base, bytes.count)
        if odd {
            // The piece starts in the middle of a word: each of its bytes
            // lands in the other half of a word, which for a one's-complement
            // sum is the same as swapping the bytes of its folded sum.
            addWide(UInt64(InternetChecksum.fold(partial).byteSwapped))
        } else {
            addWide(partial)
        }
        if bytes.count & 1 != 0 { odd.toggle() }
    }

    /// Adds a 16-bit field (its numeric value, sent big-endian), e.g. the
    /// protocol or length of a pseudo-header, without building a buffer.
    @inlinable
    public mutating func add(_ word: UInt16) {
        // The native-order value whose bytes in memory are the field's
        // big-endian bytes; straddling a word boundary swaps them.
        let native = odd ? word.bigEndian.byteSwapped : word.bigEndian
        addWide(UInt64(native))
    }

    /// Adds a 32-bit field as its two 16-bit halves, e.g. an IPv4 address's
    /// raw value in a pseudo-header.
    @inlinable
    public mutating func add(_ word: UInt32) {
        add(UInt16(truncatingIfNeeded: word >> 16))
        add(UInt16(truncatingIfNeeded: word))
    }

    /// The one's-complement sum folded to 16 bits, not yet complemented:
    /// 0xFFFF over a header that includes a correct checksum field.
    @inlinable
    public var folded: UInt16 {
        UInt16(bigEndian: InternetChecksum.fold(accumulator))
    }

    /// The value for the checksum field: the complement of `folded`.
    @inlinable
    public var value: UInt16 { ~folded }

    /// The checksum-field value for `bytes` alone.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var sum = InternetChecksum()
        sum.add(bytes)
        return sum.value
    }

    /// Whether a header or datagram whose checksum field is filled in is
    /// intact: the sum over all of it, checksum included, folds to 0xFFFF.
    @inlinable
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var sum = InternetChecksum()
        sum.add(bytes)
        return sum.folded == 0xFFFF
    }

    /// The checksum after one 16-bit field changes from `old` to `new`,
    /// without re-summing the rest (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
    /// Eqn. 3 rather than RFC 1141's form because it never produces 0xFFFF
    /// where a full recomputation gives 0x0000 (RFC 1624 §3).
    @inlinable
    public static func update(_ checksum: UInt16, old: UInt16, new: UInt16) -> UInt16 {
        let sum = UInt64(~checksum) &+ UInt64(~old) &+ UInt64(new)
        return ~fold(sum)
    }

    /// The checksum after a 32-bit field (two 16-bit words, e.g. an IPv4
    /// address rewritten by NAT) changes from `old` to `new`.
    @inlinable
    public static func update(_ checksum: UInt16, old: UInt32, new: UInt32) -> UInt16 {
        let sum = UInt64(~checksum)
            &+ UInt64(~UInt16(truncatingIfNeeded: old >> 16)) &+ UInt64(~UInt16(truncatingIfNeeded: old))
            &+ UInt64(UInt16(truncatingIfNeeded: new >> 16)) &+ UInt64(UInt16(truncatingIfNeeded: new))
        return ~fold(sum)
    }

    /// Adds a 64-bit partial sum with end-around carry, keeping the
    /// accumulator a one's-complement sum modulo 2^64 - 1.
    @inlinable
    internal mutating func addWide(_ value: UInt64) {
        InternetChecksum.accumulate(&accumulator, value)
    }

    /// Folds a sum modulo 2^64 - 1 to 16 bits with end-around carries.
    /// Zero stays zero and anything else lands in 1...0xFFFF, as the
    /// byte-at-a-time algorithm of RFC 1071 gives.
    @inlinable
    internal static func fold(_ value: UInt64) -> UInt16 {
        var t = (value & 0xFFFF_FFFF) &+ (value >> 32)  // < 2^33
        t = (t & 0xFFFF) &+ (t >> 16)                  // < 2^17 + 2^16
        t = (t & 0xFFFF) &+ (t >> 16)                  // <= 0x10001
        t = (t & 0xFFFF) &+ (t >> 16)                  // <= 0xFFFF
        return UInt16(truncatingIfNeeded: t)
    }

    /// One's-complement sum, modulo 2^64 - 1, of `count` bytes read as
    /// native-order words starting at an even offset; a trailing odd byte is
    /// the high-order (first) byte of a word whose second byte is zero.
    @inlinable
    internal static func nativeSum(_ base: UnsafeRawPointer, _ count: Int) -> UInt64 {
        // Eight independent carry chains: each step is an add and an
        // add-with-carry of zero, so the chains overlap in the pipeline
        // instead of waiting on one carry flag.
        var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0
        var s4: UInt64 = 0, s5: UInt64 = 0, s6: UInt64 = 0, s7: UInt64 = 0
        var offset = 0
        while count &- offset >= 64 {
            let p = base + offset
            accumulate(&s0, p.loadUnaligned(as: UInt64.self))
            accumulate(&s1, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            accumulate(&s2, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            accumulate(&s3, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            accumulate(&s4, p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
            accumulate(&s5, p.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
            accumulate(&s6, p.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
            accumulate(&s7, p.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
            offset &+= 64
        }
        while count &- offset >= 8 {
            accumulate(&s0, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset &+= 8
        }
        // A 32-bit word is congruent to the sum of its 16-bit halves modulo
        // 0xFFFF, so it can go straight into the 64-bit sum, as can a 16-bit one.
        if count &- offset >= 4 {
            accumulate(&s1, UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            offset &+= 4
        }
        if count &- offset >= 2 {
            accumulate(&s2, UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            offset &+= 2
        }
        if count &- offset == 1 {
            // The native value of the bytes [b, 0].
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            accumulate(&s3, UInt64(UInt16(littleEndian: UInt16(byte))))
        }
        accumulate(&s0, s1); accumulate(&s2, s3); accumulate(&s4, s5); accumulate(&s6, s7)
        accumulate(&s0, s2); accumulate(&s4, s6)
        accumulate(&s0, s4)
        return s0
    }

    /// `sum += value` with end-around carry. The result cannot overflow
    /// again: after a carry the wrapped sum is at most 2^64 - 2.
    @inlinable @inline(__always)
    internal static func accumulate(_ sum: inout UInt64, _ value: UInt64) {
        let (result, carry) = sum.addingReportingOverflow(value)
        sum = result &+ (carry ? 1 : 0)
    }
}
