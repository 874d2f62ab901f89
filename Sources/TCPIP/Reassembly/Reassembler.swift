import NDIS
import NetCore

/// IP fragment reassembly for both families: IPv4 (RFC 791, with the hole
/// bookkeeping of RFC 815 kept as a sorted range list) and IPv6 (RFC 8200
/// §4.5, RFC 5722, RFC 6946), as one table the stack shares.
///
/// ## Storage
/// Each datagram in progress owns one slot of `pool`, a pool of slots big
/// enough for the largest datagram, made once. A fragment's payload is
/// copied straight to its final place in that slot, so the fragment's
/// receive buffer can go back to the miniport at once and completion needs
/// no gathering copy. Payload offset 0 sits at a fixed point of every slot
/// (`slotSize - 65,535`); the unfragmentable part (the IPv4 header, or the
/// IPv6 header and the extension headers before the fragment header) is
/// written just in front of it when the offset-0 fragment arrives, so the
/// whole datagram ends up contiguous. Per-datagram state and fragment ranges
/// live in fixed tables sized from the limits: after `init`, adding,
/// completing and expiring allocate nothing.
///
/// ## Policy
/// See `ReassemblyLimits`: a fragment that would exceed a limit is refused,
/// no datagram is ever evicted, so the bounds hold against any flood and
/// datagrams already in progress can always finish. Deadlines run from a
/// datagram's first fragment and are not extended by later ones.
///
/// A value type holding a reference to its pool: do not copy it, as a copy
/// would share the slots and free them twice. Not thread-safe, like the rest
/// of the protocol core.
public struct Reassembler {
    /// The largest payload length field either family can carry, hence the
    /// largest reassembled datagram (IPv4 total length, IPv6 payload length).
    @usableFromInline static let maxLength = 65_535

    /// The bounds this reassembler keeps.
    public let limits: ReassemblyLimits
    /// The slots datagrams are assembled in. A completed datagram's buffer
    /// comes from here and the caller frees it here.
    public let pool: NetBufferPool
    /// Counters since creation (`removeAll` keeps them).
    public private(set) var statistics = ReassemblyStatistics()
    /// Bytes held, as `ReassemblyLimits.maxBytes` counts them: distinct
    /// payload bytes received plus each header kept.
    public private(set) var bytesHeld = 0
    /// Datagrams in the table, including IPv6 datagrams discarded for an
    /// overlap whose key is kept, slot-less, until they time out; both count
    /// against `ReassemblyLimits.maxDatagrams`.
    public var datagramsInProgress: Int { table.count }

    /// Where payload offset 0 lies in each slot; the header goes in front.
    let payloadStart: Int
    var table: [ReassemblyKey: Int32]
    var records: [ReassemblyRecord]
    /// Unused record indices, as a stack.
    var freeRecords: [Int32]
    /// `maxFragmentsPerDatagram` entries per record, sorted by start.
    var ranges: [FragmentRange]
    /// Each family's records in deadline order (one timeout per family makes
    /// arrival order the deadline order), so expiry and `nextDeadline` look
    /// at two heads only.
    var ipv4Head: Int32 = -1, ipv4Tail: Int32 = -1
    var ipv6Head: Int32 = -1, ipv6Tail: Int32 = -1

    /// A reassembler holding at most `limits`, assembling in slots of
    /// `slotSize` bytes. A slot holds the largest payload (65,535 bytes) and
    /// the rest is room for the header, so the default leaves 257 bytes:
    /// any IPv4 header, and an IPv6 one with up to 209 bytes of extension
    /// headers before the fragment header (8 are kept free to rebuild the
    /// fragment header for the Time Exceeded quote).
    public init(limits: ReassemblyLimits = ReassemblyLimits(), slotSize: Int = 65_536 + 256) {
        precondition(limits.maxDatagrams > 0 && limits.maxDatagrams < Int(Int32.max), "bad maxDatagrams")
        precondition(limits.maxFragmentsPerDatagram > 0, "bad maxFragmentsPerDatagram")
        precondition(limits.maxBytes >= 0 && limits.deliveryReserve >= 0, "bad limits")
        precondition(slotSize >= Reassembler.maxLength + 68, "a slot must hold 65,535 bytes and an IPv4 header")
        self.limits = limits
        pool = NetBufferPool(name: "Reassembly", capacity: limits.maxDatagrams + limits.deliveryReserve,
                             slotSize: slotSize, headroom: 0)
        payloadStart = slotSize - Reassembler.maxLength
        table = [:]
        table.reserveCapacity(limits.maxDatagrams)
        records = Array(repeating: .vacant, count: limits.maxDatagrams)
        // Lowest index on top, so records are used in order (easier to debug).
        freeRecords = Array((0..<Int32(limits.maxDatagrams)).reversed())
        ranges = Array(repeating: .empty, count: limits.maxDatagrams * limits.maxFragmentsPerDatagram)
    }

    /// Whether an IPv6 fragment is atomic (offset 0 and no more fragments,
    /// RFC 6946): a whole datagram that merely carries a fragment header, to
    /// be processed on its own and never mixed with fragments of the same
    /// identification. Callers handle it without the reassembler.
    @inlinable
    public static func isAtomic(offset: Int, moreFragments: Bool) -> Bool {
        offset == 0 && !moreFragments
    }

    /// The earliest time `expire` has something to do, or nil when nothing is held.
    public var nextDeadline: Instant? {
        let a: Instant? = ipv4Head >= 0 ? records[Int(ipv4Head)].deadline : nil
        let b: Instant? = ipv6Head >= 0 ? records[Int(ipv6Head)].deadline : nil
        switch (a, b) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b): return b
        }
    }

    // MARK: Adding fragments

    /// Takes one fragment: copies its payload into its datagram's slot and
    /// reports whether the datagram is now whole. The caller keeps its own
    /// buffer and may free it as soon as this returns, whatever the result.
    ///
    /// - Parameters:
    ///   - key: the datagram the fragment belongs to.
    ///   - offset: the fragment offset in bytes (the header field times 8).
    ///   - moreFragments: the M flag.
    ///   - payload: the fragment's data after its headers (for IPv6, after
    ///     the fragment header).
    ///   - unfragmentable: for the offset-0 fragment, the headers to put in
    ///     front of the datagram as they arrived: the IPv4 header with its
    ///     options, or the IPv6 header and every extension header before the
    ///     fragment header (the last next-header field still naming the
    ///     fragment header, 44). Ignored for other fragments, may be nil.
    ///   - now: the current time, which starts a new datagram's timeout.
    ///
    /// On `.complete`, the header's length fields are set for the whole
    /// datagram: IPv4 total length, flags cleared of MF with offset 0 and the
    /// header checksum recomputed; IPv6 payload length, and the fragment
    /// header gone with the next-header field before it restored from
    /// `key.protocolNumber`. Nothing else in the header is checked here.
    ///
    /// An offset-0 fragment with no more to follow is returned whole at
    /// once, in a slot of its own, without touching any datagram of the same
    /// key (RFC 6946), though callers are expected to spare it the copy (see
    /// `isAtomic`). A datagram whose deadline passed is not expired here:
    /// call `expire` first for that.
    public mutating func add(key: ReassemblyKey, offset: Int, moreFragments: Bool,
                             payload: UnsafeRawBufferPointer, unfragmentable: UnsafeRawBufferPointer?,
                             now: Instant) -> ReassemblyResult {
        statistics.fragmentsReceived &+= 1
        let length = payload.count
        // Checks that need no state come first: whatever they reject could
        // never be part of a good datagram, so no datagram is disturbed.
        guard length > 0, offset >= 0, offset & 7 == 0, offset <= Reassembler.maxLength else {
            return refuse(.malformed)
        }
        if moreFragments && length & 7 != 0 { return refuse(.notMultipleOf8) }
        var header = HeaderShape(length: -1, nextHeaderField: -1)
        if offset == 0 {
            guard let u = unfragmentable, let shape = headerShape(u, family: key.family) else {
                return refuse(.malformed)
            }
            header = shape
        }
        let end = offset + length
        guard end <= payloadLimit(key.family, headerLength: header.length) else { return refuse(.oversize) }
        if !moreFragments && offset == 0 {
            return whole(key: key, payload: payload, header: unfragmentable!, shape: header)
        }
        if let index = table[key] {
            return addFragment(to: Int(index), offset: offset, end: end, moreFragments: moreFragments,
                               payload: payload, unfragmentable: unfragmentable, header: header)
        }
        return startDatagram(key: key, offset: offset, end: end, moreFragments: moreFragments,
                             payload: payload, unfragmentable: unfragmentable, header: header, now: now)
    }

    /// Checks an unfragmentable part enough to patch it safely on completion,
    /// or nil when it cannot be one.
    func headerShape(_ u: UnsafeRawBufferPointer, family: AddressFamily) -> HeaderShape? {
        switch family {
        case .inet:
            guard u.count >= 20, u[0] >> 4 == 4, Int(u[0] & 0x0F) * 4 == u.count else { return nil }
            return HeaderShape(length: u.count, nextHeaderField: -1)
        case .inet6:
            guard u.count >= 40, u.count <= payloadStart - 8, u[0] >> 4 == 6 else { return nil }
            // Walk the per-fragment headers (RFC 8200 §4.5: hop-by-hop,
            // routing, destination options) to the one naming the fragment
            // header, which must be the last byte of the part.
            var field = 6
            var cursor = 40
            while true {
                let next = u[field]
                if next == 44 { return cursor == u.count ? HeaderShape(length: u.count, nextHeaderField: field) : nil }
                guard next == 0 || next == 43 || next == 60, cursor + 2 <= u.count else { return nil }
                field = cursor
                cursor += (Int(u[cursor + 1]) + 1) * 8
                guard cursor <= u.count else { return nil }
            }
        }
    }

    /// The largest payload end a datagram may reach with a header of
    /// `headerLength` bytes (-1: not yet known, so assume the smallest), for
    /// the length field to still hold it: the IPv4 total length counts the
    /// header, the IPv6 payload length counts the extension headers.
    func payloadLimit(_ family: AddressFamily, headerLength: Int) -> Int {
        switch family {
        case .inet: return Reassembler.maxLength - (headerLength >= 0 ? headerLength : 20)
        case .inet6: return Reassembler.maxLength - (headerLength >= 0 ? headerLength - 40 : 0)
        }
    }

    /// An offset-0, last fragment: the whole datagram already.
    mutating func whole(key: ReassemblyKey, payload: UnsafeRawBufferPointer, header: UnsafeRawBufferPointer,
                        shape: HeaderShape) -> ReassemblyResult {
        guard let buffer = pool.allocateBuffer(length: pool.slotSize, headroom: 0) else { return refuse(.noBuffer) }
        let slot = buffer.data
        slot.copyBytes(header, at: payloadStart - shape.length)
        slot.copyBytes(payload, at: payloadStart)
        finish(buffer, key: key, headerLength: shape.length, nextHeaderField: shape.nextHeaderField,
               totalLength: payload.count)
        statistics.atomicFragments &+= 1
        return .complete(buffer, headerLength: shape.length)
    }

    /// The first fragment of a datagram not yet held.
    mutating func startDatagram(key: ReassemblyKey, offset: Int, end: Int, moreFragments: Bool,
                                payload: UnsafeRawBufferPointer, unfragmentable: UnsafeRawBufferPointer?,
                                header: HeaderShape, now: Instant) -> ReassemblyResult {
        guard !freeRecords.isEmpty else { return refuse(.tooManyDatagrams) }
        let newBytes = payload.count + max(header.length, 0)
        guard bytesHeld + newBytes <= limits.maxBytes else { return refuse(.byteLimit) }
        guard let buffer = pool.allocateBuffer(length: pool.slotSize, headroom: 0) else { return refuse(.noBuffer) }
        let index = Int(freeRecords.removeLast())
        let timeout = key.family == .inet ? limits.ipv4Timeout : limits.ipv6Timeout
        records[index] = ReassemblyRecord(key: key, buffer: buffer, deadline: now + timeout)
        table[key] = Int32(index)
        enqueue(index)
        store(into: index, offset: offset, end: end, moreFragments: moreFragments, payload: payload,
              unfragmentable: unfragmentable, header: header, covered: 0, newBytes: newBytes)
        return .incomplete
    }

    /// A fragment of a datagram held: every check that needs the datagram's
    /// state, in a fixed order, before anything is changed.
    mutating func addFragment(to index: Int, offset: Int, end: Int, moreFragments: Bool,
                              payload: UnsafeRawBufferPointer, unfragmentable: UnsafeRawBufferPointer?,
                              header: HeaderShape) -> ReassemblyResult {
        let record = records[index]
        if record.discarded { return refuse(.discardedDatagram) }
        let family = record.key.family

        // The header may only now be known, or known from an earlier
        // fragment: either way it caps every byte of the datagram.
        let headerLength = record.headerLength >= 0 ? record.headerLength : header.length
        if headerLength >= 0 && max(record.extent, end) > payloadLimit(family, headerLength: headerLength) {
            return discard(index, .oversize)
        }
        if moreFragments {
            if record.totalLength >= 0 && end > record.totalLength { return discard(index, .inconsistentLength) }
        } else if (record.totalLength >= 0 && record.totalLength != end) || record.extent > end {
            return discard(index, .inconsistentLength)
        }

        let slot = record.buffer!.data
        let target = slot.baseAddress! + payloadStart
        let base = index * limits.maxFragmentsPerDatagram
        var covered = 0
        switch family {
        case .inet6:
            // RFC 5722: any overlap discards the datagram, except an exact
            // duplicate (RFC 8200 §4.5 lets it be dropped alone).
            for i in base..<(base + record.fragmentCount) {
                let r = ranges[i]
                if Int(r.start) >= end { break }
                guard Int(r.end) > offset else { continue }
                if Int(r.start) == offset && Int(r.end) == end && r.isLast == !moreFragments
                    && Reassembler.equal(target + offset, payload.baseAddress!, count: payload.count) {
                    return refuse(.duplicate)
                }
                poison(index)
                return .dropped(.overlap)
            }
        case .inet:
            // IPv4 allows overlaps as long as they agree (a retransmission
            // fragmented differently); differing bytes mean someone is
            // trying to rewrite what a filter already saw, so the datagram goes.
            for i in base..<(base + record.fragmentCount) {
                let r = ranges[i]
                if Int(r.start) >= end { break }
                let from = max(Int(r.start), offset)
                let to = min(Int(r.end), end)
                guard to > from else { continue }
                if !Reassembler.equal(target + from, payload.baseAddress! + (from - offset), count: to - from) {
                    return discard(index, .overlap)
                }
            }
            covered = coverage(of: index, offset: offset, end: end)
            // Nothing new, unless it is the first word on the total length.
            if covered == payload.count && (moreFragments || record.totalLength >= 0) {
                return refuse(.duplicate)
            }
        }

        guard record.fragmentCount < limits.maxFragmentsPerDatagram else { return discard(index, .tooManyFragments) }
        let newBytes = payload.count - covered + (record.headerLength < 0 ? max(header.length, 0) : 0)
        guard bytesHeld + newBytes <= limits.maxBytes else { return discard(index, .byteLimit) }

        store(into: index, offset: offset, end: end, moreFragments: moreFragments, payload: payload,
              unfragmentable: unfragmentable, header: header, covered: covered, newBytes: newBytes)
        let updated = records[index]
        if updated.totalLength >= 0 && updated.received == updated.totalLength {
            return complete(index)
        }
        return .incomplete
    }

    /// Copies an accepted fragment into place and records it.
    mutating func store(into index: Int, offset: Int, end: Int, moreFragments: Bool,
                        payload: UnsafeRawBufferPointer, unfragmentable: UnsafeRawBufferPointer?,
                        header: HeaderShape, covered: Int, newBytes: Int) {
        let slot = records[index].buffer!.data
        slot.copyBytes(payload, at: payloadStart + offset)
        if offset == 0 && records[index].headerLength < 0 {
            slot.copyBytes(unfragmentable!, at: payloadStart - header.length)
            records[index].headerLength = header.length
            records[index].nextHeaderField = header.nextHeaderField
        }
        // Insert after every range starting at or before this one, keeping
        // the table sorted by start.
        let base = index * limits.maxFragmentsPerDatagram
        let count = records[index].fragmentCount
        var position = base + count
        while position > base && Int(ranges[position - 1].start) > offset {
            ranges[position] = ranges[position - 1]
            position -= 1
        }
        ranges[position] = FragmentRange(start: Int32(offset), end: Int32(end), isLast: !moreFragments)
        records[index].fragmentCount = count + 1
        records[index].received += payload.count - covered
        records[index].bytes += newBytes
        bytesHeld += newBytes
        records[index].extent = max(records[index].extent, end)
        if !moreFragments { records[index].totalLength = end }
    }

    /// Bytes of `[offset, end)` already received, over ranges that may
    /// overlap one another (IPv4 only): merges runs on the fly.
    func coverage(of index: Int, offset: Int, end: Int) -> Int {
        let base = index * limits.maxFragmentsPerDatagram
        var covered = 0
        var runStart = 0
        var runEnd = 0
        for i in base..<(base + records[index].fragmentCount) {
            let r = ranges[i]
            if Int(r.start) >= end { break }
            if Int(r.start) > runEnd {
                covered += max(0, min(runEnd, end) - max(runStart, offset))
                runStart = Int(r.start)
                runEnd = Int(r.end)
            } else {
                runEnd = max(runEnd, Int(r.end))
            }
        }
        return covered + max(0, min(runEnd, end) - max(runStart, offset))
    }

    /// How many payload bytes from offset 0 have arrived without a gap.
    func contiguousPrefix(of index: Int) -> Int {
        let base = index * limits.maxFragmentsPerDatagram
        var reach = 0
        for i in base..<(base + records[index].fragmentCount) {
            let r = ranges[i]
            if Int(r.start) > reach { break }
            reach = max(reach, Int(r.end))
        }
        return reach
    }

    /// Whether two byte runs are equal, a word at a time.
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i + 8 <= count {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < count {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    // MARK: Ending datagrams

    /// Hands a whole datagram's slot to the caller.
    mutating func complete(_ index: Int) -> ReassemblyResult {
        let record = records[index]
        let buffer = record.buffer!
        finish(buffer, key: record.key, headerLength: record.headerLength,
               nextHeaderField: record.nextHeaderField, totalLength: record.totalLength)
        records[index].buffer = nil
        release(index)
        statistics.datagramsReassembled &+= 1
        return .complete(buffer, headerLength: record.headerLength)
    }

    /// Sets the header's length fields for the whole datagram and cuts the
    /// buffer's window to it.
    func finish(_ buffer: NetBuffer, key: ReassemblyKey, headerLength: Int, nextHeaderField: Int, totalLength: Int) {
        let slot = buffer.data
        let h = payloadStart - headerLength
        switch key.family {
        case .inet:
            slot.storeBigEndian(UInt16(headerLength + totalLength), at: h + 2)
            // Keep the reserved and DF bits; MF and the offset describe the fragment.
            slot.storeBigEndian(slot.loadBigEndianUInt16(at: h + 6) & 0xC000, at: h + 6)
            slot.storeBigEndian(UInt16(0), at: h + 10)
            let sum = InternetChecksum.checksum(UnsafeRawBufferPointer(slot.slice(h, headerLength)))
            slot.storeBigEndian(sum, at: h + 10)
        case .inet6:
            slot.storeBigEndian(UInt16(headerLength - 40 + totalLength), at: h + 4)
            slot.storeUInt8(key.protocolNumber, at: h + nextHeaderField)
        }
        buffer.reset(length: headerLength + totalLength, headroom: h)
    }

    /// Counts a fragment refused and reports it; nothing held changes.
    mutating func refuse(_ reason: ReassemblyDrop) -> ReassemblyResult {
        switch reason {
        case .duplicate: statistics.duplicates &+= 1
        case .overlap: statistics.overlaps &+= 1
        case .discardedDatagram: statistics.refusedAfterOverlap &+= 1
        case .malformed: statistics.malformed &+= 1
        case .notMultipleOf8: statistics.notMultipleOf8 &+= 1
        case .oversize: statistics.oversize &+= 1
        case .inconsistentLength: statistics.inconsistentLength &+= 1
        case .tooManyFragments: statistics.droppedFragmentLimit &+= 1
        case .tooManyDatagrams: statistics.droppedDatagramLimit &+= 1
        case .byteLimit: statistics.droppedByteLimit &+= 1
        case .noBuffer: statistics.droppedNoBuffer &+= 1
        }
        return .dropped(reason)
    }

    /// Refuses a fragment and the datagram it belongs to.
    mutating func discard(_ index: Int, _ reason: ReassemblyDrop) -> ReassemblyResult {
        statistics.datagramsDiscarded &+= 1
        release(index)
        return refuse(reason)
    }

    /// Discards an IPv6 datagram for an overlap but keeps its key, slot-less,
    /// so its remaining fragments cannot start it again (RFC 5722).
    mutating func poison(_ index: Int) {
        statistics.overlaps &+= 1
        statistics.datagramsDiscarded &+= 1
        if let buffer = records[index].buffer { pool.free(buffer) }
        records[index].buffer = nil
        bytesHeld -= records[index].bytes
        records[index].bytes = 0
        records[index].fragmentCount = 0
        records[index].discarded = true
    }

    /// Forgets a datagram, freeing its slot if it still has one.
    mutating func release(_ index: Int) {
        dequeue(index)
        let record = records[index]
        table.removeValue(forKey: record.key)
        if let buffer = record.buffer { pool.free(buffer) }
        bytesHeld -= record.bytes
        records[index] = .vacant
        freeRecords.append(Int32(index))
    }

    // MARK: Timeouts

    /// Removes every datagram whose deadline is at or before `now`, earliest
    /// first, calling `report` for each one that was still live (an IPv6
    /// datagram already discarded for an overlap goes silently). The report's
    /// `leadingBytes` are valid only during the call. Returns how many were
    /// reported.
    ///
    /// A callback rather than an array so expiry allocates nothing; `report`
    /// must not use the reassembler.
    @discardableResult
    public mutating func expire(now: Instant, _ report: (ExpiredDatagram) -> Void = { _ in }) -> Int {
        var reported = 0
        while true {
            let a = ipv4Head >= 0 && records[Int(ipv4Head)].deadline <= now ? Int(ipv4Head) : -1
            let b = ipv6Head >= 0 && records[Int(ipv6Head)].deadline <= now ? Int(ipv6Head) : -1
            let index: Int
            if a >= 0 && b >= 0 {
                index = records[b].deadline < records[a].deadline ? b : a
            } else if a >= 0 || b >= 0 {
                index = max(a, b)
            } else {
                break
            }
            if !records[index].discarded {
                statistics.timeouts &+= 1
                let record = records[index]
                report(ExpiredDatagram(key: record.key, firstFragmentReceived: record.headerLength >= 0,
                                       leadingBytes: quote(index)))
                reported += 1
            }
            release(index)
        }
        return reported
    }

    /// The first fragment's leading bytes for an ICMP error, laid out in the
    /// datagram's slot (which is about to be freed, so it may be rearranged).
    mutating func quote(_ index: Int) -> UnsafeRawBufferPointer {
        let record = records[index]
        guard record.headerLength >= 0, let buffer = record.buffer else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let slot = buffer.data
        let prefix = contiguousPrefix(of: index)
        let h = payloadStart - record.headerLength
        switch record.key.family {
        case .inet:
            // RFC 792: the header and the first 64 bits of the data.
            return UnsafeRawBufferPointer(slot.slice(h, record.headerLength + min(8, prefix)))
        case .inet6:
            // The headers were kept without the fragment header; slide them
            // down 8 bytes and rebuild it (offset 0, M set) as it arrived,
            // so the quote is the first fragment as sent (RFC 4443 §3.3).
            let start = h - 8
            (slot.baseAddress! + start).copyMemory(from: slot.baseAddress! + h, byteCount: record.headerLength)
            let fragment = payloadStart - 8
            slot.storeUInt8(record.key.protocolNumber, at: fragment)
            slot.storeUInt8(0, at: fragment + 1)
            slot.storeBigEndian(UInt16(1), at: fragment + 2)
            slot.storeBigEndian(record.key.identification, at: fragment + 4)
            // 1,280-byte minimum MTU less the IPv6 and ICMPv6 headers.
            let length = min(record.headerLength + 8 + prefix, 1_232)
            return UnsafeRawBufferPointer(slot.slice(start, length))
        }
    }

    /// Drops every datagram held and returns every slot to the pool, as when
    /// the stack stops. Counters are kept; nothing is reported.
    public mutating func removeAll() {
        for index in 0..<records.count where records[index].buffer != nil {
            pool.free(records[index].buffer!)
        }
        table.removeAll(keepingCapacity: true)
        for index in 0..<records.count { records[index] = .vacant }
        freeRecords.removeAll(keepingCapacity: true)
        // A plain countdown: iterating a reversed range allocates in debug builds.
        var index = Int32(records.count)
        while index > 0 {
            index -= 1
            freeRecords.append(index)
        }
        ipv4Head = -1; ipv4Tail = -1
        ipv6Head = -1; ipv6Tail = -1
        bytesHeld = 0
    }

    // MARK: Deadline queues

    /// Links a record into its family's queue by deadline, from the tail as
    /// deadlines normally only grow.
    mutating func enqueue(_ index: Int) {
        let inet = records[index].key.family == .inet
        var head = inet ? ipv4Head : ipv6Head
        var tail = inet ? ipv4Tail : ipv6Tail
        let deadline = records[index].deadline
        var after = tail
        while after >= 0 && records[Int(after)].deadline > deadline { after = records[Int(after)].previous }
        let next = after >= 0 ? records[Int(after)].next : head
        records[index].previous = after
        records[index].next = next
        if after >= 0 { records[Int(after)].next = Int32(index) } else { head = Int32(index) }
        if next >= 0 { records[Int(next)].previous = Int32(index) } else { tail = Int32(index) }
        if inet { ipv4Head = head; ipv4Tail = tail } else { ipv6Head = head; ipv6Tail = tail }
    }

    /// Unlinks a record from its family's queue.
    mutating func dequeue(_ index: Int) {
        let inet = records[index].key.family == .inet
        var head = inet ? ipv4Head : ipv6Head
        var tail = inet ? ipv4Tail : ipv6Tail
        let previous = records[index].previous
        let next = records[index].next
        if previous >= 0 { records[Int(previous)].next = next } else { head = next }
        if next >= 0 { records[Int(next)].previous = previous } else { tail = previous }
        records[index].previous = -1
        records[index].next = -1
        if inet { ipv4Head = head; ipv4Tail = tail } else { ipv6Head = head; ipv6Tail = tail }
    }
}
