import NetCore

/// The TCP options this stack understands (RFC 9293 §3.2): Maximum Segment
/// Size, Window Scale and Timestamps (RFC 7323), SACK-Permitted and SACK
/// (RFC 2018). Held as plain values with the SACK blocks inline, so parsing
/// a segment's options or writing them costs no allocation.
///
/// Emission puts each option in a slot of its own that is a multiple of four
/// bytes, filling the front of the slot with NOPs so the option's data lands
/// on the alignment a receiver expects, in the order and with the padding
/// Linux uses, so captures look familiar:
///
///     MSS              02 04 mm mm                      (4)
///     SACK-Permitted   04 02 | 08 0a TSval TSecr        (12, with Timestamps)
///     + Timestamps     01 01 | 08 0a TSval TSecr        (12, Timestamps alone)
///                      01 01 04 02                      (4, SACK-Permitted alone)
///     Window Scale     01 03 03 ws                      (4)
///     SACK             01 01 05 len  block…             (4 + 8n)
///
/// Only the SACK slot varies in size: it takes as many blocks, first ones
/// first, as fit in what the other slots leave of the 40-byte option space —
/// four on their own, three next to Timestamps — and is left out when none
/// fits.
public struct TCPOptions: Hashable, Sendable {
    /// Maximum Segment Size (kind 2, length 4): the largest segment the
    /// sender of a SYN will receive. Only meaningful, and only to be sent,
    /// on a SYN (RFC 9293 §3.7.1).
    public var maximumSegmentSize: UInt16?
    /// Window Scale (kind 3, length 3): the shift the sender will apply to
    /// the windows it advertises, raw as received; the connection clamps a
    /// shift above 14 (RFC 7323 §2.3).
    public var windowScale: UInt8?
    /// SACK-Permitted (kind 4, length 2): on a SYN, the sender accepts SACK.
    public var sackPermitted: Bool
    /// Timestamps (kind 8, length 10).
    public var timestamp: TCPTimestampOption?
    /// SACK (kind 5, length 2 + 8n, n = 1...4): the blocks received beyond a
    /// hole, the most recent first (RFC 2018 §4).
    public var sackBlocks: TCPSACKBlocks

    /// The most option bytes a header holds: a data offset of 15 words less
    /// the 20-byte fixed header.
    @usableFromInline static let maximumLength = 40

    /// Option kinds (RFC 9293 §3.2, IANA "TCP Option Kind Numbers").
    enum Kind {
        static let endOfOptionList: UInt8 = 0
        static let noOperation: UInt8 = 1
        static let maximumSegmentSize: UInt8 = 2
        static let windowScale: UInt8 = 3
        static let sackPermitted: UInt8 = 4
        static let sack: UInt8 = 5
        static let timestamp: UInt8 = 8
    }

    /// No options: what a segment without any carries.
    @inlinable
    public init() {
        maximumSegmentSize = nil
        windowScale = nil
        sackPermitted = false
        timestamp = nil
        sackBlocks = TCPSACKBlocks()
    }

    /// Parses the option bytes of a header (everything between byte 20 and
    /// the data offset).
    ///
    /// End of Option List stops the walk and No-Operation is one byte; every
    /// other kind has a length byte, and a missing length byte, a length
    /// below 2 or one running past the end is `.badOption`: RFC 9293 §3.1
    /// asks a receiver to be prepared for an illegal length, and the walk
    /// cannot find the next option after one. A known kind with the wrong
    /// length is skipped by its length, as Linux does, and so is an unknown
    /// kind (RFC 9293 §3.2 requires ignoring options a receiver does not
    /// implement); a SACK option whose length is not 2 + 8n for n in 1...4 is
    /// skipped too. Where an option appears twice, the last one counts.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(TCPHeader.Malformation) {
        self.init()
        var offset = 0
        while offset < bytes.count {
            let kind = bytes.loadUInt8(at: offset)
            if kind == Kind.endOfOptionList { break }
            if kind == Kind.noOperation {
                offset += 1
                continue
            }
            guard bytes.count - offset >= 2 else { throw .badOption }
            let length = Int(bytes.loadUInt8(at: offset + 1))
            guard length >= 2, length <= bytes.count - offset else { throw .badOption }
            let option = bytes.slice(offset, length)
            switch (kind, length) {
            case (Kind.maximumSegmentSize, 4):
                maximumSegmentSize = option.loadBigEndianUInt16(at: 2)
            case (Kind.windowScale, 3):
                windowScale = option.loadUInt8(at: 2)
            case (Kind.sackPermitted, 2):
                sackPermitted = true
            case (Kind.timestamp, 10):
                timestamp = TCPTimestampOption(value: option.loadBigEndianUInt32(at: 2),
                                               echoReply: option.loadBigEndianUInt32(at: 6))
            case (Kind.sack, _):
                let count = (length - 2) / 8
                guard (length - 2) % 8 == 0, count >= 1, count <= TCPSACKBlocks.capacity else { break }
                var blocks = TCPSACKBlocks()
                for index in 0..<count {
                    let edge = 2 + 8 * index
                    blocks.append(TCPSACKBlock(start: TCPSeq(option.loadBigEndianUInt32(at: edge)),
                                               end: TCPSeq(option.loadBigEndianUInt32(at: edge + 4))))
                }
                sackBlocks = blocks
            default:
                break
            }
            offset += length
        }
    }

    /// Bytes of every slot but the SACK one.
    @inlinable
    var fixedSlotsLength: Int {
        var length = 0
        if maximumSegmentSize != nil { length += 4 }
        if timestamp != nil {
            length += 12
        } else if sackPermitted {
            length += 4
        }
        if windowScale != nil { length += 4 }
        return length
    }

    /// SACK blocks that `emit` writes: as many as fit after the other slots.
    @inlinable
    var emittedSACKBlockCount: Int {
        guard !sackBlocks.isEmpty else { return 0 }
        let room = (TCPOptions.maximumLength - fixedSlotsLength - 4) / 8
        return Swift.max(0, Swift.min(sackBlocks.count, room))
    }

    /// Bytes `emit` writes: a multiple of 4, at most 40. SACK blocks beyond
    /// what fits are left out (with timestamps at most 3 fit; without, 4).
    @inlinable
    public var encodedLength: Int {
        let blocks = emittedSACKBlockCount
        return fixedSlotsLength + (blocks > 0 ? 4 + 8 * blocks : 0)
    }

    /// Writes exactly `encodedLength` bytes at the start of `buffer`,
    /// NOP-padded to 4-byte alignment, in the layout the type's
    /// documentation shows; returns the count.
    @discardableResult
    public func emit(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= encodedLength, "TCP option buffer too small")
        var offset = 0
        func put(_ byte: UInt8) {
            buffer.storeUInt8(byte, at: offset)
            offset += 1
        }
        if let maximumSegmentSize {
            put(Kind.maximumSegmentSize); put(4)
            buffer.storeBigEndian(maximumSegmentSize, at: offset)
            offset += 2
        }
        if let timestamp {
            if sackPermitted {
                put(Kind.sackPermitted); put(2)
            } else {
                put(Kind.noOperation); put(Kind.noOperation)
            }
            put(Kind.timestamp); put(10)
            buffer.storeBigEndian(timestamp.value, at: offset)
            buffer.storeBigEndian(timestamp.echoReply, at: offset + 4)
            offset += 8
        } else if sackPermitted {
            put(Kind.noOperation); put(Kind.noOperation)
            put(Kind.sackPermitted); put(2)
        }
        if let windowScale {
            put(Kind.noOperation); put(Kind.windowScale); put(3); put(windowScale)
        }
        let blocks = emittedSACKBlockCount
        if blocks > 0 {
            put(Kind.noOperation); put(Kind.noOperation)
            put(Kind.sack); put(UInt8(2 + 8 * blocks))
            for block in sackBlocks.prefix(blocks) {
                buffer.storeBigEndian(block.start.rawValue, at: offset)
                buffer.storeBigEndian(block.end.rawValue, at: offset + 4)
                offset += 8
            }
        }
        return offset
    }
}
