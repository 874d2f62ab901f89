/// A TCP connection's receive side (RFC 9293 §3.8.6, §3.10.7.4): the bytes
/// the application has not read yet and the segments that arrived beyond a
/// hole, in one ring. Out-of-order data is written straight at its place
/// (its offset past RCV.NXT), and a short list of ranges records which bytes
/// past the in-order part are held, so filling a hole costs no copy: the
/// joined run simply becomes readable. The ranges also give the SACK blocks
/// (RFC 2018 §4), most recent first.
///
/// The ring is allocated on the first write and can be given back when
/// nothing is held, so an idle connection costs only this struct. Writes do
/// not allocate otherwise (the range list is reserved once, on the first
/// out-of-order segment).
///
/// A value type with copy-on-write storage: a copy is independent of the
/// original, and the bytes are copied only if one of two sharing copies writes.
public struct TCPReceiveBuffer: Sendable {
    /// The ring's memory, freed when the last buffer holding it goes.
    // @unchecked: the bytes are written only through a uniquely referenced handle (copy-on-write), on the engine thread.
    private final class Storage: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let count: Int

        init(count: Int) {
            bytes = .allocate(byteCount: count, alignment: 16)
            self.count = count
        }

        deinit { bytes.deallocate() }
    }

    /// Bytes `start..<end` of the stream held beyond a hole; `generation`
    /// grows with every write that touches the range, which orders SACK
    /// blocks by recency without a list to reorder.
    private struct HeldRange {
        var start: Int
        var end: Int
        var generation: UInt64
    }

    /// The most bytes held, read or not: the receive buffer's size.
    public private(set) var capacity: Int
    /// In-order bytes ready to read.
    public private(set) var readable = 0
    /// Bytes held out of order.
    public private(set) var outOfOrderBytes = 0

    private let maximumRanges: Int
    private var storage: Storage?
    /// Ring index of the first in-order byte.
    private var head = 0
    /// Stream position (bytes since the start) of the first in-order byte;
    /// ranges are kept in stream positions so that RCV.NXT advancing moves none of them.
    private var consumed = 0
    /// Held out-of-order ranges, sorted, neither overlapping nor touching each
    /// other or the in-order data (touching ones are merged).
    private var ranges: [HeldRange] = []
    private var generation: UInt64 = 0

    /// A buffer of `capacity` bytes that holds at most `maximumRanges`
    /// separate out-of-order runs (each one a SACK block; the cap bounds the
    /// work and memory a peer can cause by sending every other byte).
    /// Negative values are taken as 0. Nothing is allocated yet.
    public init(capacity: Int, maximumRanges: Int = 32) {
        self.capacity = Swift.max(0, capacity)
        self.maximumRanges = Swift.max(0, maximumRanges)
    }

    /// What the receive window may offer (RFC 9293 §3.8.6): capacity −
    /// readable. The out-of-order bytes sit inside the window, so they do not
    /// shrink it.
    public var window: Int { capacity - readable }

    /// Whether any byte is held beyond a hole (and so SACK blocks are due).
    public var hasOutOfOrderData: Bool { !ranges.isEmpty }

    /// Bytes of memory currently allocated, the ring and the range list, for
    /// per-connection memory accounting.
    public var allocatedBytes: Int {
        (storage?.count ?? 0) + ranges.capacity * MemoryLayout<HeldRange>.stride
    }

    /// Stores `bytes` at `offset` bytes past the in-order end (RCV.NXT).
    ///
    /// Bytes before the in-order end (a negative offset) were already
    /// received and count as duplicates. Bytes past the window (capacity −
    /// readable from the in-order end) are rejected. Bytes already held are
    /// counted in `duplicate` and left as they are; new ones are stored. A
    /// write at offset 0 grows the in-order data by itself and every held run
    /// it reaches. A write that would start a new run while `maximumRanges`
    /// are held is rejected whole, as a receiver may drop any out-of-order
    /// segment (RFC 9293 §3.10.7.4).
    public mutating func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> TCPReceiveWriteResult {
        var result = TCPReceiveWriteResult()
        let count = bytes.count
        guard count > 0, let source = bytes.baseAddress else { return result }
        let skipped = offset < 0 ? Int(Swift.min(UInt(count), offset.magnitude)) : 0
        result.duplicate = skipped
        let window = capacity - readable
        let low = Swift.max(offset, 0)
        guard low < window else {
            result.rejected = count - skipped
            return result
        }
        let end = offset + count
        let high = Swift.min(end, window)
        result.rejected = end - high
        guard low < high else { return result }

        let inOrderEnd = consumed + readable
        let start = inOrderEnd + low
        let stop = inOrderEnd + high
        // The runs this write overlaps or touches: ranges[first..<past].
        var first = 0
        while first < ranges.count && ranges[first].end < start { first += 1 }
        var past = first
        var overlap = 0
        while past < ranges.count && ranges[past].start <= stop {
            overlap += Swift.max(0, Swift.min(stop, ranges[past].end) - Swift.max(start, ranges[past].start))
            past += 1
        }
        if start > inOrderEnd && first == past && ranges.count >= maximumRanges {
            result.rejected += high - low
            return result
        }

        let ring = uniqueBytes()
        // Stream position p is byte p − sourceStart of the write.
        let sourceStart = inOrderEnd + offset
        var cursor = start
        for index in first..<past {
            let held = ranges[index]
            if held.start > cursor {
                copyIn(ring, from: source + (cursor - sourceStart), count: held.start - cursor, at: cursor)
            }
            cursor = Swift.max(cursor, held.end)
        }
        if cursor < stop {
            copyIn(ring, from: source + (cursor - sourceStart), count: stop - cursor, at: cursor)
        }
        result.duplicate += overlap

        let runEnd = past > first ? Swift.max(stop, ranges[past - 1].end) : stop
        if start == inOrderEnd {
            for index in first..<past { outOfOrderBytes -= ranges[index].end - ranges[index].start }
            ranges.removeSubrange(first..<past)
            result.inOrder = runEnd - inOrderEnd
            readable += result.inOrder
        } else {
            generation += 1
            let run = HeldRange(start: past > first ? Swift.min(start, ranges[first].start) : start,
                                end: runEnd, generation: generation)
            result.stored = (stop - start) - overlap
            outOfOrderBytes += result.stored
            if past == first {
                let reserve = Swift.min(maximumRanges, 64)
                if ranges.capacity < reserve { ranges.reserveCapacity(reserve) }
                ranges.insert(run, at: first)
            } else {
                ranges[first] = run
                ranges.removeSubrange((first + 1)..<past)
            }
        }
        return result
    }

    /// Copies up to `destination.count` in-order bytes out and frees them; returns the count.
    public mutating func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let count = Swift.min(destination.count, readable)
        guard count > 0, let target = destination.baseAddress, let storage else { return 0 }
        let first = Swift.min(count, capacity - head)
        target.copyMemory(from: storage.bytes + head, byteCount: first)
        if first < count {
            (target + first).copyMemory(from: storage.bytes, byteCount: count - first)
        }
        consume(count)
        return count
    }

    /// The in-order bytes as at most two regions (the ring may wrap), without
    /// consuming them, for a receive indication that lends the client the
    /// data (WSK's receive event). The regions stay valid until the next
    /// mutating call.
    public func readableRegions() -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        guard readable > 0, let storage else {
            return (UnsafeRawBufferPointer(start: nil, count: 0), UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let first = Swift.min(readable, capacity - head)
        return (UnsafeRawBufferPointer(start: storage.bytes + head, count: first),
                UnsafeRawBufferPointer(start: first < readable ? storage.bytes : nil, count: readable - first))
    }

    /// Frees `count` in-order bytes (after `readableRegions`); more than are readable frees them all.
    public mutating func consume(_ count: Int) {
        let count = Swift.min(Swift.max(count, 0), readable)
        guard count > 0 else { return }
        head += count
        if head >= capacity { head -= capacity }
        readable -= count
        consumed += count
        if readable == 0 && ranges.isEmpty { head = 0 }
    }

    /// SACK blocks (RFC 2018 §4) for the out-of-order data, given the current
    /// RCV.NXT: the block holding the most recently written out-of-order
    /// bytes first, then the others by recency, at most `limit` (and never
    /// more than four). A D-SACK block (RFC 2883 §4), when given, goes first
    /// and counts toward the limit; the run it duplicated, having been written
    /// last, comes second as §4 asks.
    public func sackBlocks(receiveNext: TCPSeq, duplicate: TCPSACKBlock?, limit: Int) -> TCPSACKBlocks {
        var blocks = TCPSACKBlocks()
        let limit = Swift.min(limit, TCPSACKBlocks.capacity)
        guard limit > 0 else { return blocks }
        if let duplicate { blocks.append(duplicate) }
        let inOrderEnd = consumed + readable
        // Generations are unique, so each pass takes the newest run older than the last one taken.
        var olderThan = UInt64.max
        while blocks.count < limit {
            var newest = -1
            for index in ranges.indices where ranges[index].generation < olderThan {
                if newest < 0 || ranges[index].generation > ranges[newest].generation { newest = index }
            }
            guard newest >= 0 else { break }
            let run = ranges[newest]
            olderThan = run.generation
            blocks.append(TCPSACKBlock(start: receiveNext + (run.start - inOrderEnd),
                                       end: receiveNext + (run.end - inOrderEnd)))
        }
        return blocks
    }

    /// Grows the capacity (receive-window auto-tuning) keeping every byte and
    /// range; a smaller value is ignored, as shrinking could drop data
    /// already covered by an advertised window (RFC 9293 §3.8.6).
    public mutating func grow(to newCapacity: Int) {
        guard newCapacity > capacity else { return }
        if let old = storage {
            // Everything held lies within `used` bytes of the head; laid out again from index 0.
            let used = (ranges.last?.end ?? consumed + readable) - consumed
            let fresh = Storage(count: newCapacity)
            let first = Swift.min(used, capacity - head)
            fresh.bytes.copyMemory(from: old.bytes + head, byteCount: first)
            if first < used {
                (fresh.bytes + first).copyMemory(from: old.bytes, byteCount: used - first)
            }
            storage = fresh
            head = 0
        }
        capacity = newCapacity
    }

    /// Gives the storage back when nothing is held (readable == 0 and no
    /// out-of-order data), so an idle connection costs no buffer memory; the
    /// next write allocates again.
    public mutating func releaseStorageIfEmpty() {
        guard readable == 0 && ranges.isEmpty else { return }
        storage = nil
        ranges = []
        head = 0
    }

    /// The ring's bytes, allocated on first use and copied first if another
    /// copy of this buffer shares them.
    private mutating func uniqueBytes() -> UnsafeMutableRawPointer {
        if isKnownUniquelyReferenced(&storage), let storage { return storage.bytes }
        let fresh = Storage(count: capacity)
        if let old = storage {
            fresh.bytes.copyMemory(from: old.bytes, byteCount: Swift.min(old.count, capacity))
        }
        storage = fresh
        return fresh.bytes
    }

    /// Copies `count` bytes to the ring at stream `position`, wrapping at the end.
    private func copyIn(_ ring: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int, at position: Int) {
        var index = head + (position - consumed)
        if index >= capacity { index -= capacity }
        let first = Swift.min(count, capacity - index)
        (ring + index).copyMemory(from: source, byteCount: first)
        if first < count {
            ring.copyMemory(from: source + first, byteCount: count - first)
        }
    }
}
