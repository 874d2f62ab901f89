// Shared pieces of the address parsers and printers.
//
// Parsing runs over a string's contiguous UTF-8 bytes so that no parser
// allocates: a native Swift string already stores its UTF-8 contiguously, so
// `withUTF8` hands out that storage without copying. Printing writes into the
// uninitialised storage of the result string for the same reason.

/// Byte-level helpers shared by the address text parsers and printers.
///
/// A namespace rather than free functions, so the helpers stay out of the
/// module's global scope.
enum AddressText {
    /// Runs `body` over the UTF-8 bytes of `text` without copying them.
    @inline(__always)
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text  // `withUTF8` is mutating: it may have to make a bridged string contiguous.
        return text.withUTF8(body)
    }

    /// The value of one hexadecimal digit, either case.
    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- (UInt8(ascii: "a") &- 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- (UInt8(ascii: "A") &- 10)
        default: return nil
        }
    }

    /// The lowercase ASCII hexadecimal digit for `value` (0–15).
    @inline(__always)
    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") &+ value : UInt8(ascii: "a") &+ (value &- 10)
    }

    /// The index of the first occurrence of `byte` in `text`, if any.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < text.count {
            if text[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// `text[start..<end]` as a buffer of its own, without copying.
    @inline(__always)
    static func slice(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: text[start..<end])
    }

    /// Parses the whole of `text` as an unsigned decimal number no larger than `max`.
    ///
    /// Strict in the way `inet_pton` is strict about dotted quads: at least one
    /// digit, digits only (no sign, no spaces), and no leading zero except in
    /// "0" itself, so that every accepted number has one spelling and parsed
    /// text prints back the same.
    static func parseDecimal(_ text: UnsafeBufferPointer<UInt8>, max: UInt32) -> UInt32? {
        guard !text.isEmpty, text.count <= 10 else { return nil }
        if text.count > 1 && text[0] == UInt8(ascii: "0") { return nil }
        var value: UInt64 = 0
        for c in text {
            let d = c &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + UInt64(d)
        }
        guard value <= UInt64(max) else { return nil }
        return UInt32(value)
    }

    /// Appends `byte` at `index`.
    @inline(__always)
    static func put(_ byte: UInt8, _ out: UnsafeMutableBufferPointer<UInt8>, _ index: inout Int) {
        out[index] = byte
        index += 1
    }

    /// Appends `value` in decimal, without leading zeros.
    @inline(__always)
    static func putDecimal(_ value: UInt8, _ out: UnsafeMutableBufferPointer<UInt8>, _ index: inout Int) {
        if value >= 100 { put(UInt8(ascii: "0") &+ value / 100, out, &index) }
        if value >= 10 { put(UInt8(ascii: "0") &+ (value / 10) % 10, out, &index) }
        put(UInt8(ascii: "0") &+ value % 10, out, &index)
    }

    /// Appends `value` as lowercase hexadecimal without leading zeros, the
    /// RFC 5952 spelling of an IPv6 group.
    @inline(__always)
    static func putHex(_ value: UInt16, _ out: UnsafeMutableBufferPointer<UInt8>, _ index: inout Int) {
        var shift = 12
        while shift > 0 && (value >> UInt16(shift)) == 0 { shift -= 4 }
        while shift >= 0 {
            put(hexDigit(UInt8(truncatingIfNeeded: value >> UInt16(shift)) & 0xF), out, &index)
            shift -= 4
        }
    }

    /// Appends a 32-bit host-order IPv4 value as a dotted quad.
    @inline(__always)
    static func putDottedQuad(_ value: UInt32, _ out: UnsafeMutableBufferPointer<UInt8>, _ index: inout Int) {
        putDecimal(UInt8(truncatingIfNeeded: value >> 24), out, &index)
        put(UInt8(ascii: "."), out, &index)
        putDecimal(UInt8(truncatingIfNeeded: value >> 16), out, &index)
        put(UInt8(ascii: "."), out, &index)
        putDecimal(UInt8(truncatingIfNeeded: value >> 8), out, &index)
        put(UInt8(ascii: "."), out, &index)
        putDecimal(UInt8(truncatingIfNeeded: value), out, &index)
    }
}
