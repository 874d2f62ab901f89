import NetCore

extension IPv4Header {
    /// The header length of a later fragment made from `header`: 20 bytes
    /// plus the options whose "copied" flag (the type's high bit) is set,
    /// padded to a multiple of 4 (RFC 791 §3.1).
    public static func copiedOptionsHeaderLength(_ header: UnsafeRawBufferPointer) -> Int {
        var length = minimumLength
        forEachOption(in: header) { option in
            if option[0] & 0x80 != 0 { length += option.count }
        }
        return (length + 3) & ~3
    }

    /// Writes the header of a later fragment: the fixed 20 bytes of
    /// `header` with only its copied options, padded with end-of-options.
    public static func writeCopiedOptionsHeader(from header: UnsafeRawBufferPointer,
                                                into buffer: UnsafeMutableRawBufferPointer) {
        buffer.copyBytes(header.slice(0, minimumLength), at: 0)
        var length = minimumLength
        forEachOption(in: header) { option in
            if option[0] & 0x80 != 0 {
                buffer.copyBytes(option, at: length)
                length += option.count
            }
        }
        let padded = (length + 3) & ~3
        while length < padded {
            buffer[length] = 0
            length += 1
        }
        buffer.storeUInt8(0x40 | UInt8(padded / 4), at: 0)
    }

    /// Sets a fragment's total length, flags and offset (in bytes) and its checksum.
    public static func setFragment(in buffer: UnsafeMutableRawBufferPointer, totalLength: Int, moreFragments: Bool,
                                   fragmentOffset: Int) {
        let headerLength = Int(buffer[0] & 0x0F) * 4
        buffer.storeBigEndian(UInt16(totalLength), at: 2)
        let keep = buffer.loadBigEndianUInt16(at: 6) & 0x8000
        buffer.storeBigEndian(keep | (moreFragments ? 0x2000 : 0) | UInt16(fragmentOffset / 8), at: 6)
        buffer.storeBigEndian(UInt16(0), at: 10)
        buffer.storeBigEndian(InternetChecksum.checksum(UnsafeRawBufferPointer(buffer.slice(0, headerLength))), at: 10)
    }

    /// The offset of the first malformed option (a length under 2 or past
    /// the header), for an ICMP Parameter Problem pointer; nil when every
    /// option is well formed.
    public static func malformedOptionOffset(_ header: UnsafeRawBufferPointer) -> Int? {
        let end = min(header.count, Int(header[0] & 0x0F) * 4)
        var i = minimumLength
        while i < end {
            let type = header[i]
            if type == 0 { return nil }
            if type == 1 {
                i += 1
                continue
            }
            guard i + 1 < end else { return i }
            let length = Int(header[i + 1])
            guard length >= 2, i + length <= end else { return i + 1 }
            i += length
        }
        return nil
    }

    /// Calls `body` with each option of a header's options area (type,
    /// length, data), stopping at end-of-options or at a malformed length.
    static func forEachOption(in header: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        let end = min(header.count, Int(header[0] & 0x0F) * 4)
        var i = minimumLength
        while i < end {
            let type = header[i]
            if type == 0 { return }
            if type == 1 {
                i += 1
                continue
            }
            guard i + 1 < end else { return }
            let length = Int(header[i + 1])
            guard length >= 2, i + length <= end else { return }
            body(header.slice(i, length))
            i += length
        }
    }
}
