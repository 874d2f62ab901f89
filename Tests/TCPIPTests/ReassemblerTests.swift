import Testing
@testable import TCPIP
import NDIS
import NetCore

// MARK: - Building datagrams and fragments

/// One fragment as a sender would emit it.
fileprivate struct TestFragment {
    var key: ReassemblyKey
    var offset: Int
    var more: Bool
    var payload: [UInt8]
    /// The unfragmentable part, on offset-0 fragments only.
    var header: [UInt8]?
    /// IPv6: where the next-header field naming the fragment header sits in `header`.
    var nextHeaderField: Int = -1
}

/// A datagram before fragmentation, built the way a sender would, so that
/// reassembly must give `original` back byte for byte.
fileprivate struct TestDatagram {
    var key: ReassemblyKey
    /// The whole datagram: headers then payload, with its own length fields.
    var original: [UInt8]
    var headerLength: Int
    var nextHeaderField: Int
    var payload: [UInt8] { Array(original[headerLength...]) }

    static let source4 = IPv4Address(192, 0, 2, 1)
    static let destination4 = IPv4Address(192, 0, 2, 2)
    static let source6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 1)
    static let destination6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 2)

    /// An IPv4 datagram with `optionWords` words of NOP options.
    static func ipv4(payload: [UInt8], id: UInt16, optionWords: Int = 0, source: IPv4Address = source4,
                     protocolNumber: UInt8 = 17) -> TestDatagram {
        let hl = 20 + 4 * optionWords
        var h = [UInt8](repeating: 0, count: hl)
        h[0] = 0x40 | UInt8(hl / 4)
        put16(&h, 2, hl + payload.count)
        put16(&h, 4, Int(id))
        h[8] = 64
        h[9] = protocolNumber
        put32(&h, 12, source.rawValue)
        put32(&h, 16, destination4.rawValue)
        for i in 20..<hl { h[i] = 1 }
        put16(&h, 10, Int(referenceChecksum(h)))
        let key = ReassemblyKey(source: source, destination: destination4, protocolNumber: protocolNumber, identification: id)
        return TestDatagram(key: key, original: h + payload, headerLength: hl, nextHeaderField: -1)
    }

    /// An IPv6 datagram with `extensions` per-fragment extension headers
    /// (0: none, 1: hop-by-hop, 2: hop-by-hop and a 16-byte destination options).
    static func ipv6(payload: [UInt8], id: UInt32, extensions: Int = 0, source: IPv6Address = source6,
                     nextHeader: UInt8 = 17) -> TestDatagram {
        var h = [UInt8](repeating: 0, count: 40)
        h[0] = 0x60
        h[7] = 64
        write(source, &h, 8)
        write(destination6, &h, 24)
        var field = 6
        if extensions >= 1 {
            h[field] = 0
            field = h.count
            h += [0, 0, 1, 4, 0, 0, 0, 0]                     // hop-by-hop, PadN
        }
        if extensions >= 2 {
            h[field] = 60
            field = h.count
            h += [0, 1, 1, 12] + [UInt8](repeating: 0, count: 12)  // destination options, PadN
        }
        h[field] = nextHeader
        put16(&h, 4, h.count - 40 + payload.count)
        let key = ReassemblyKey(source: source, destination: destination6, nextHeader: nextHeader, identification: id)
        return TestDatagram(key: key, original: h + payload, headerLength: h.count, nextHeaderField: field)
    }

    /// The unfragmentable part as it appears in the first fragment, carrying
    /// `length` payload bytes.
    func firstHeader(fragmentLength length: Int) -> [UInt8] {
        var h = Array(original[..<headerLength])
        switch key.family {
        case .inet:
            put16(&h, 2, headerLength + length)
            put16(&h, 6, 0x2000)  // MF
            put16(&h, 10, 0)
            put16(&h, 10, Int(referenceChecksum(h)))
        case .inet6:
            put16(&h, 4, headerLength - 40 + 8 + length)
            h[nextHeaderField] = 44
        }
        return h
    }

    /// The fragment carrying payload `[start, end)`.
    func fragment(_ start: Int, _ end: Int, more: Bool? = nil, bytes: [UInt8]? = nil) -> TestFragment {
        let data = bytes ?? Array(original[(headerLength + start)..<(headerLength + end)])
        return TestFragment(key: key, offset: start, more: more ?? (end < original.count - headerLength),
                            payload: data, header: start == 0 ? firstHeader(fragmentLength: data.count) : nil,
                            nextHeaderField: nextHeaderField)
    }

    /// Fragments of at most `size` bytes (a multiple of 8), in order.
    func fragments(size: Int) -> [TestFragment] {
        let n = original.count - headerLength
        return stride(from: 0, to: n, by: size).map { fragment($0, min($0 + size, n)) }
    }

    /// Fragments cut at the given payload offsets (multiples of 8), in order.
    func fragments(cuts: [Int]) -> [TestFragment] {
        let n = original.count - headerLength
        let points = [0] + cuts.sorted() + [n]
        return (0..<(points.count - 1)).map { fragment(points[$0], points[$0 + 1]) }
    }
}

fileprivate func put16(_ b: inout [UInt8], _ at: Int, _ v: Int) {
    b[at] = UInt8(truncatingIfNeeded: v >> 8)
    b[at + 1] = UInt8(truncatingIfNeeded: v)
}

fileprivate func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
    for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32(i))) }
}

fileprivate func write(_ a: IPv6Address, _ b: inout [UInt8], _ at: Int) {
    for i in 0..<8 { put16(&b, at + 2 * i, Int(a.group(i))) }
}

/// RFC 1071 written out again, so the tests do not check the code with itself.
fileprivate func referenceChecksum(_ b: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var i = 0
    while i + 1 < b.count { sum += UInt32(b[i]) << 8 | UInt32(b[i + 1]); i += 2 }
    if i < b.count { sum += UInt32(b[i]) << 8 }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}

fileprivate func randomBytes(_ n: Int, _ rng: inout SeededRandom) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: n)
    var i = 0
    while i < n {
        var word = rng.next()
        for _ in 0..<8 where i < n { out[i] = UInt8(truncatingIfNeeded: word); word >>= 8; i += 1 }
    }
    return out
}

/// What `add` returned, with a completed datagram copied out (and its slot freed).
fileprivate enum Outcome: Equatable, CustomStringConvertible {
    case incomplete
    case complete([UInt8], headerLength: Int)
    case dropped(ReassemblyDrop)

    var description: String {
        switch self {
        case .incomplete: return "incomplete"
        case let .complete(b, h): return "complete(\(b.count) bytes, header \(h))"
        case let .dropped(r): return "dropped(\(r))"
        }
    }
}

fileprivate extension Reassembler {
    mutating func add(_ f: TestFragment, now: Instant) -> ReassemblyResult {
        f.payload.withUnsafeBytes { p in
            if let h = f.header {
                return h.withUnsafeBytes { hp in
                    add(key: f.key, offset: f.offset, moreFragments: f.more, payload: p, unfragmentable: hp, now: now)
                }
            }
            return add(key: f.key, offset: f.offset, moreFragments: f.more, payload: p, unfragmentable: nil, now: now)
        }
    }

    /// Adds and turns the result into an `Outcome`, freeing a completed slot.
    mutating func feed(_ f: TestFragment, now: Instant) -> Outcome {
        switch add(f, now: now) {
        case .incomplete: return .incomplete
        case let .dropped(reason): return .dropped(reason)
        case let .complete(buffer, headerLength):
            let bytes = Array(buffer.data)
            pool.free(buffer)
            return .complete(bytes, headerLength: headerLength)
        }
    }

    /// Expires and copies out each report.
    mutating func expireAll(now: Instant) -> [(key: ReassemblyKey, first: Bool, leading: [UInt8])] {
        var out: [(key: ReassemblyKey, first: Bool, leading: [UInt8])] = []
        expire(now: now) { out.append(($0.key, $0.firstFragmentReceived, Array($0.leadingBytes))) }
        return out
    }
}

fileprivate let t0 = Instant(nanoseconds: 1_000_000_000_000)

// MARK: - Tests

@Suite struct ReassemblerTests {
    /// Every fragment but the last is kept; the last returns the original datagram.
    fileprivate func expectReassembles(_ d: TestDatagram, _ fragments: [TestFragment], _ r: inout Reassembler,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for (i, f) in fragments.enumerated() {
            let outcome = r.feed(f, now: t0)
            if i < fragments.count - 1 {
                #expect(outcome == .incomplete, "fragment \(i) of \(fragments.count)", sourceLocation: sourceLocation)
            } else {
                #expect(outcome == .complete(d.original, headerLength: d.headerLength),
                        "\(d.original.count)-byte datagram", sourceLocation: sourceLocation)
            }
        }
        #expect(r.datagramsInProgress == 0, sourceLocation: sourceLocation)
        #expect(r.bytesHeld == 0, sourceLocation: sourceLocation)
        #expect(r.pool.outstanding == 0, sourceLocation: sourceLocation)
    }

    @Test func inOrderReversedAndRandomOrderReassembleByteIdentical() {
        var rng = SeededRandom(seed: 1)
        var r = Reassembler()
        var id: UInt32 = 0
        var expectedWhole: UInt64 = 0
        var expectedAtomic: UInt64 = 0
        for family in [AddressFamily.inet, .inet6] {
            let largest = family == .inet ? 65_507 : 65_527  // the largest UDP payloads
            for udpLength in [0, 1, 7, 8, 100, 1_000, 1_472, 1_473, 9_000, 40_000, largest - 1, largest] {
                let n = udpLength + 8  // with the UDP header: up to 65,515 and 65,535 bytes of IP payload
                let payload = randomBytes(n, &rng)
                // Fragments as a 1,500-byte (IPv4) or 1,280-byte (IPv6) link
                // cuts them, and for small datagrams 8 or 16 bytes, so every
                // size is split.
                let size = n > 1_024 ? (family == .inet ? 1_480 : 1_232) : (n > 64 ? 16 : 8)
                for order in 0..<3 {
                    id += 1
                    let d = family == .inet ? TestDatagram.ipv4(payload: payload, id: UInt16(id))
                                            : TestDatagram.ipv6(payload: payload, id: id, extensions: n > 65_511 ? 0 : Int(id % 3))
                    var fragments = d.fragments(size: size)
                    if order == 1 { fragments.reverse() }
                    if order == 2 { fragments.shuffle(using: &rng) }
                    if fragments.count == 1 { expectedAtomic += 1 } else { expectedWhole += 1 }
                    expectReassembles(d, fragments, &r)
                }
            }
        }
        #expect(r.statistics.datagramsReassembled == expectedWhole)
        #expect(r.statistics.atomicFragments == expectedAtomic)
        #expect(r.statistics.duplicates == 0 && r.statistics.datagramsDiscarded == 0)
    }

    @Test func theLargestDatagramsFitAndOneByteMoreDoesNot() {
        var rng = SeededRandom(seed: 2)
        var r = Reassembler()
        // IPv4: 65,535 total with a 20-byte header.
        let v4 = TestDatagram.ipv4(payload: randomBytes(65_515, &rng), id: 1)
        expectReassembles(v4, v4.fragments(size: 1_480).shuffled(using: &rng), &r)
        // IPv6: 65,535 bytes of payload length with no extension headers.
        let v6 = TestDatagram.ipv6(payload: randomBytes(65_535, &rng), id: 1)
        expectReassembles(v6, v6.fragments(size: 1_232).shuffled(using: &rng), &r)
        #expect(r.statistics.datagramsReassembled == 2)
    }

    @Test func duplicatesMixedInAreIgnoredAndCounted() {
        var rng = SeededRandom(seed: 3)
        var r = Reassembler()
        var inserted: UInt64 = 0
        for round in 0..<40 {
            let family: AddressFamily = round % 2 == 0 ? .inet : .inet6
            let n = Int.random(in: 100...20_000, using: &rng)
            let payload = randomBytes(n, &rng)
            let d = family == .inet ? TestDatagram.ipv4(payload: payload, id: UInt16(round))
                                    : TestDatagram.ipv6(payload: payload, id: UInt32(round), extensions: 1)
            let distinct = d.fragments(size: 8 * Int.random(in: 50...200, using: &rng)).shuffled(using: &rng)
            // Repeat fragments already sent anywhere before the last new one.
            var sequence: [TestFragment] = []
            for (i, f) in distinct.enumerated() {
                sequence.append(f)
                if i < distinct.count - 1 {
                    for _ in 0..<Int.random(in: 0...2, using: &rng) {
                        sequence.append(distinct[Int.random(in: 0...i, using: &rng)])
                        inserted += 1
                    }
                }
            }
            for (i, f) in sequence.enumerated() {
                let outcome = r.feed(f, now: t0)
                if i == sequence.count - 1 {
                    #expect(outcome == .complete(d.original, headerLength: d.headerLength))
                } else {
                    #expect(outcome == .incomplete || outcome == .dropped(.duplicate))
                }
            }
        }
        #expect(r.statistics.duplicates == inserted)
        #expect(r.statistics.datagramsReassembled + r.statistics.atomicFragments == 40)
        #expect(r.pool.outstanding == 0 && r.datagramsInProgress == 0)
    }

    @Test func ipv4OverlapWithDifferentBytesDropsTheDatagram() {
        var rng = SeededRandom(seed: 4)
        var r = Reassembler()
        let d = TestDatagram.ipv4(payload: randomBytes(64, &rng), id: 7)
        #expect(r.feed(d.fragment(0, 32), now: t0) == .incomplete)
        // [24, 48) overlaps [0, 32) by 8 bytes, one of which differs.
        var evil = Array(d.payload[24..<48])
        evil[3] ^= 0xFF
        #expect(r.feed(d.fragment(24, 48, bytes: evil), now: t0) == .dropped(.overlap))
        #expect(r.statistics.overlaps == 1 && r.statistics.datagramsDiscarded == 1)
        #expect(r.datagramsInProgress == 0 && r.bytesHeld == 0 && r.pool.outstanding == 0)
        // IPv4 keeps no memory of it: the same fragments start afresh and complete.
        expectReassembles(d, [d.fragment(32, 64), d.fragment(0, 32)], &r)
    }

    @Test func ipv4OverlapWithTheSameBytesIsAccepted() {
        var rng = SeededRandom(seed: 5)
        var r = Reassembler()
        let d = TestDatagram.ipv4(payload: randomBytes(96, &rng), id: 8)
        #expect(r.feed(d.fragment(0, 32), now: t0) == .incomplete)
        #expect(r.feed(d.fragment(16, 56), now: t0) == .incomplete)   // re-fragmented differently
        #expect(r.bytesHeld == 20 + 56)                                  // overlapping bytes count once
        #expect(r.feed(d.fragment(8, 24), now: t0) == .dropped(.duplicate))  // all held already
        #expect(r.feed(d.fragment(56, 96), now: t0) == .complete(d.original, headerLength: 20))
        #expect(r.statistics.duplicates == 1 && r.statistics.overlaps == 0)
    }

    @Test func ipv6AnyOverlapDiscardsTheDatagramUntilItTimesOut() {
        var rng = SeededRandom(seed: 6)
        var r = Reassembler()
        let d = TestDatagram.ipv6(payload: randomBytes(64, &rng), id: 0xDEAD_BEEF, extensions: 2)
        #expect(r.feed(d.fragment(0, 32), now: t0) == .incomplete)
        #expect(r.feed(d.fragment(0, 32), now: t0) == .dropped(.duplicate))  // an exact duplicate is harmless
        // Same bytes, other boundaries: still an overlap (RFC 5722).
        #expect(r.feed(d.fragment(24, 48), now: t0) == .dropped(.overlap))
        #expect(r.statistics.overlaps == 1)
        #expect(r.bytesHeld == 0 && r.pool.outstanding == 0)
        #expect(r.datagramsInProgress == 1)  // the key stays, slot-less, to refuse the rest
        #expect(r.feed(d.fragment(48, 64), now: t0) == .dropped(.discardedDatagram))
        #expect(r.feed(d.fragment(0, 32), now: t0) == .dropped(.discardedDatagram))
        #expect(r.statistics.refusedAfterOverlap == 2)
        // It times out silently: no Time Exceeded for a datagram already discarded.
        #expect(r.nextDeadline == t0 + .seconds(60))
        #expect(r.expireAll(now: t0 + .seconds(60)).isEmpty)
        #expect(r.datagramsInProgress == 0 && r.statistics.timeouts == 0)
        // Afterwards the key is free again.
        expectReassembles(d, [d.fragment(32, 64), d.fragment(0, 32)], &r)
    }

    @Test func ipv6OverlapBySameRangeButDifferentBytesOrFlagIsNotADuplicate() {
        var rng = SeededRandom(seed: 7)
        var r = Reassembler()
        let a = TestDatagram.ipv6(payload: randomBytes(64, &rng), id: 1)
        #expect(r.feed(a.fragment(16, 32), now: t0) == .incomplete)
        var changed = Array(a.payload[16..<32])
        changed[0] ^= 1
        #expect(r.feed(a.fragment(16, 32, bytes: changed), now: t0) == .dropped(.overlap))
        let b = TestDatagram.ipv6(payload: randomBytes(64, &rng), id: 2)
        #expect(r.feed(b.fragment(16, 32, more: true), now: t0) == .incomplete)
        #expect(r.feed(b.fragment(16, 32, more: false), now: t0) == .dropped(.overlap))
        #expect(r.statistics.overlaps == 2 && r.statistics.duplicates == 0)
    }

    @Test func aMiddleFragmentNotAMultipleOf8IsDroppedAlone() {
        var rng = SeededRandom(seed: 8)
        var r = Reassembler()
        for family in [AddressFamily.inet, .inet6] {
            let payload = randomBytes(48, &rng)
            let d = family == .inet ? TestDatagram.ipv4(payload: payload, id: 9) : TestDatagram.ipv6(payload: payload, id: 9)
            #expect(r.feed(d.fragment(0, 16), now: t0) == .incomplete)
            #expect(r.feed(d.fragment(16, 28), now: t0) == .dropped(.notMultipleOf8))
            #expect(r.datagramsInProgress == 1)  // the datagram is untouched
            #expect(r.feed(d.fragment(16, 32), now: t0) == .incomplete)
            #expect(r.feed(d.fragment(32, 48), now: t0) == .complete(d.original, headerLength: d.headerLength))
        }
        #expect(r.statistics.notMultipleOf8 == 2)
        // A last fragment may have any length.
        let odd = TestDatagram.ipv4(payload: randomBytes(21, &rng), id: 10)
        expectReassembles(odd, [odd.fragment(16, 21), odd.fragment(0, 16)], &r)
    }

    @Test func moreThan65535BytesIsDropped() {
        var rng = SeededRandom(seed: 9)
        var r = Reassembler()
        let v4 = TestDatagram.ipv4(payload: randomBytes(16, &rng), id: 1)
        // Offset 65,512 + 8 = 65,520 > 65,515 (65,535 less the smallest header): ping of death.
        #expect(r.feed(TestFragment(key: v4.key, offset: 65_512, more: false, payload: randomBytes(8, &rng)), now: t0)
                == .dropped(.oversize))
        #expect(r.feed(TestFragment(key: v4.key, offset: 65_504, more: false, payload: randomBytes(11, &rng)), now: t0)
                == .incomplete)  // ends at 65,515: fits a 20-byte header
        // With a 24-byte header the same end no longer fits: the datagram goes.
        let opts = TestDatagram.ipv4(payload: randomBytes(16, &rng), id: 1, optionWords: 1)
        #expect(r.feed(opts.fragment(0, 16, more: true), now: t0) == .dropped(.oversize))
        #expect(r.datagramsInProgress == 0 && r.pool.outstanding == 0)
        // The other order: header first, then a fragment past 65,535 - 24.
        #expect(r.feed(opts.fragment(0, 16, more: true), now: t0) == .incomplete)
        #expect(r.feed(TestFragment(key: opts.key, offset: 65_504, more: false, payload: randomBytes(8, &rng)), now: t0)
                == .dropped(.oversize))
        #expect(r.datagramsInProgress == 0)
        // IPv6: 65,528 + 16 > 65,535.
        let v6 = TestDatagram.ipv6(payload: randomBytes(16, &rng), id: 1)
        #expect(r.feed(TestFragment(key: v6.key, offset: 65_528, more: false, payload: randomBytes(16, &rng)), now: t0)
                == .dropped(.oversize))
        // With 8 bytes of extension headers the limit is 65,527.
        #expect(r.feed(TestFragment(key: v6.key, offset: 65_520, more: false, payload: randomBytes(15, &rng)), now: t0)
                == .incomplete)
        let ext = TestDatagram.ipv6(payload: randomBytes(16, &rng), id: 1, extensions: 1)
        #expect(r.feed(ext.fragment(0, 16, more: true), now: t0) == .dropped(.oversize))
        #expect(r.statistics.oversize == 5)
        #expect(r.pool.outstanding == 0 && r.datagramsInProgress == 0)
    }

    @Test func lengthsThatDisagreeDropTheDatagram() {
        var rng = SeededRandom(seed: 10)
        var r = Reassembler()
        let d = TestDatagram.ipv4(payload: randomBytes(64, &rng), id: 1)
        #expect(r.feed(d.fragment(48, 64), now: t0) == .incomplete)
        #expect(r.feed(d.fragment(32, 48, more: false), now: t0) == .dropped(.inconsistentLength))  // a second end
        #expect(r.datagramsInProgress == 0)
        #expect(r.feed(d.fragment(32, 48, more: false), now: t0) == .incomplete)
        #expect(r.feed(d.fragment(48, 64, more: true), now: t0) == .dropped(.inconsistentLength))  // data past the end
        #expect(r.feed(d.fragment(8, 16), now: t0) == .incomplete)
        #expect(r.feed(d.fragment(40, 56), now: t0) == .incomplete)
        #expect(r.feed(TestFragment(key: d.key, offset: 32, more: false, payload: randomBytes(5, &rng)), now: t0)
                == .dropped(.inconsistentLength))  // an end below data held
        #expect(r.statistics.inconsistentLength == 3 && r.pool.outstanding == 0)
    }

    @Test func malformedFragmentsAreRefusedAlone() {
        var rng = SeededRandom(seed: 11)
        var r = Reassembler()
        let d = TestDatagram.ipv6(payload: randomBytes(64, &rng), id: 3)
        #expect(r.feed(d.fragment(16, 32), now: t0) == .incomplete)
        #expect(r.feed(TestFragment(key: d.key, offset: 32, more: true, payload: []), now: t0) == .dropped(.malformed))
        #expect(r.feed(TestFragment(key: d.key, offset: 36, more: true, payload: randomBytes(8, &rng)), now: t0)
                == .dropped(.malformed))
        var headerless = d.fragment(0, 16)
        headerless.header = nil
        #expect(r.feed(headerless, now: t0) == .dropped(.malformed))
        var wrongChain = d.fragment(0, 16)
        wrongChain.header![6] = 17  // does not lead to a fragment header
        #expect(r.feed(wrongChain, now: t0) == .dropped(.malformed))
        var v4InV6 = d.fragment(0, 16)
        v4InV6.header![0] = 0x45
        #expect(r.feed(v4InV6, now: t0) == .dropped(.malformed))
        let v4 = TestDatagram.ipv4(payload: randomBytes(64, &rng), id: 3)
        var badIHL = v4.fragment(0, 16)
        badIHL.header![0] = 0x46
        #expect(r.feed(badIHL, now: t0) == .dropped(.malformed))
        #expect(r.statistics.malformed == 6)
        #expect(r.datagramsInProgress == 1)
        expectReassembles(d, [d.fragment(0, 16), d.fragment(32, 64)], &r)
    }

    @Test func interleavedDatagramsWithDifferentIDsStaySeparate() {
        var rng = SeededRandom(seed: 12)
        var r = Reassembler()
        let a = TestDatagram.ipv4(payload: randomBytes(3_000, &rng), id: 100)
        let b = TestDatagram.ipv4(payload: randomBytes(3_000, &rng), id: 101)  // same addresses and protocol
        let c = TestDatagram.ipv6(payload: Array(a.payload), id: 100)        // same number, other family
        var fa = a.fragments(size: 400)[...], fb = b.fragments(size: 400)[...], fc = c.fragments(size: 400)[...]
        var done: [UInt32: [UInt8]] = [:]
        while !(fa.isEmpty && fb.isEmpty && fc.isEmpty) {
            for (d, queue) in [(a, 0), (b, 1), (c, 2)] {
                let f: TestFragment?
                switch queue {
                case 0: f = fa.popFirst()
                case 1: f = fb.popFirst()
                default: f = fc.popFirst()
                }
                guard let f else { continue }
                if case let .complete(bytes, _) = r.feed(f, now: t0) {
                    done[d.key.identification &+ (d.key.family == .inet ? 0 : 1_000)] = bytes
                }
            }
        }
        #expect(done[100] == a.original)
        #expect(done[101] == b.original)
        #expect(done[1_100] == c.original)
        #expect(r.pool.outstanding == 0 && r.datagramsInProgress == 0)
    }

    @Test func atomicFragmentsStandAlone() {
        var rng = SeededRandom(seed: 13)
        #expect(Reassembler.isAtomic(offset: 0, moreFragments: false))
        #expect(!Reassembler.isAtomic(offset: 0, moreFragments: true))
        #expect(!Reassembler.isAtomic(offset: 8, moreFragments: false))
        var r = Reassembler()
        let d = TestDatagram.ipv6(payload: randomBytes(40, &rng), id: 5, extensions: 1)
        #expect(r.feed(d.fragment(16, 40), now: t0) == .incomplete)
        // An atomic fragment with the same identification comes back whole
        // and leaves the datagram in progress alone (RFC 6946).
        let atomic = TestDatagram.ipv6(payload: randomBytes(24, &rng), id: 5, extensions: 1)
        #expect(r.feed(atomic.fragment(0, 24), now: t0) == .complete(atomic.original, headerLength: 48))
        #expect(r.datagramsInProgress == 1 && r.statistics.atomicFragments == 1)
        expectReassembles(d, [d.fragment(0, 16)], &r)
    }

    @Test func timeoutsFireAtTheDeadlineNotBefore() {
        var rng = SeededRandom(seed: 14)
        var r = Reassembler()
        let v4 = TestDatagram.ipv4(payload: randomBytes(100, &rng), id: 1, optionWords: 2)
        let v6 = TestDatagram.ipv6(payload: randomBytes(3_000, &rng), id: 0x0102_0304, extensions: 2)
        let v4late = TestDatagram.ipv4(payload: randomBytes(100, &rng), id: 2)
        #expect(r.nextDeadline == nil)
        #expect(r.feed(v4.fragment(0, 48), now: t0) == .incomplete)                      // first fragment
        #expect(r.feed(v6.fragment(1_232, 2_464), now: t0 + .seconds(1)) == .incomplete)  // not first
        #expect(r.feed(v6.fragment(0, 1_232), now: t0 + .seconds(2)) == .incomplete)     // deadline unchanged
        #expect(r.feed(v4late.fragment(48, 100), now: t0 + .seconds(3)) == .incomplete)
        #expect(r.feed(v4.fragment(48, 96), now: t0 + .seconds(59)) == .incomplete)

        let first = t0 + .seconds(60)
        #expect(r.nextDeadline == first)
        #expect(r.expireAll(now: first - .nanoseconds(1)).isEmpty)
        let a = r.expireAll(now: first)
        #expect(a.count == 1)
        #expect(a.first?.key == v4.key && a.first?.first == true)
        // RFC 792: the first fragment's header and 64 bits of its data.
        let firstFragmentHeader = v4.firstHeader(fragmentLength: 48)
        #expect(a.first?.leading == firstFragmentHeader + v4.payload[0..<8])

        let second = t0 + .seconds(61)
        #expect(r.nextDeadline == second)
        #expect(r.expireAll(now: second - .nanoseconds(1)).isEmpty)
        let b = r.expireAll(now: second)
        #expect(b.count == 1)
        #expect(b.first?.key == v6.key && b.first?.first == true)
        // The first fragment as sent, fragment header included, cut to 1,232 bytes.
        let fragmentHeader: [UInt8] = [17, 0, 0, 1, 1, 2, 3, 4]
        let expected = v6.firstHeader(fragmentLength: 1_232) + fragmentHeader + v6.payload
        #expect(b.first?.leading == Array(expected[0..<1_232]))

        let c = r.expireAll(now: t0 + .seconds(3_600))
        #expect(c.count == 1 && c.first?.first == false && c.first?.leading.isEmpty == true)
        #expect(r.statistics.timeouts == 3)
        #expect(r.nextDeadline == nil && r.datagramsInProgress == 0 && r.bytesHeld == 0 && r.pool.outstanding == 0)
    }

    @Test func limitsRefuseTheNewFragment() {
        var rng = SeededRandom(seed: 15)
        var r = Reassembler(limits: ReassemblyLimits(maxDatagrams: 2, maxBytes: 1_000, maxFragmentsPerDatagram: 4,
                                                     deliveryReserve: 0))
        let a = TestDatagram.ipv4(payload: randomBytes(800, &rng), id: 1)
        let b = TestDatagram.ipv4(payload: randomBytes(800, &rng), id: 2)
        let c = TestDatagram.ipv4(payload: randomBytes(800, &rng), id: 3)
        #expect(r.feed(a.fragment(8, 16), now: t0) == .incomplete)
        #expect(r.feed(b.fragment(8, 16), now: t0) == .incomplete)
        #expect(r.feed(c.fragment(8, 16), now: t0) == .dropped(.tooManyDatagrams))  // no eviction
        #expect(r.datagramsInProgress == 2)
        // Four fragments at most: the fifth drops the datagram.
        for i in 2...4 { #expect(r.feed(a.fragment(8 * i, 8 * i + 8), now: t0) == .incomplete) }
        #expect(r.feed(a.fragment(48, 56), now: t0) == .dropped(.tooManyFragments))
        #expect(r.datagramsInProgress == 1)
        // Bytes: 8 held by b; 992 more fit, 993 do not, and drop b with them.
        #expect(r.feed(c.fragment(0, 600), now: t0) == .incomplete)  // 620 with the header
        #expect(r.bytesHeld == 628)
        #expect(r.feed(b.fragment(16, 392), now: t0) == .dropped(.byteLimit))
        #expect(r.datagramsInProgress == 1 && r.bytesHeld == 620)
        #expect(r.feed(b.fragment(16, 392), now: t0) == .incomplete)  // 376 more: 996
        #expect(r.feed(c.fragment(600, 608), now: t0) == .dropped(.byteLimit))  // 1,004: c goes
        #expect(r.datagramsInProgress == 1 && r.bytesHeld == 376)
        #expect(r.feed(a.fragment(0, 632), now: t0) == .dropped(.byteLimit))  // 1,028: refused alone
        #expect(r.datagramsInProgress == 1 && r.bytesHeld == 376)
        #expect(r.statistics.droppedDatagramLimit == 1 && r.statistics.droppedFragmentLimit == 1
                && r.statistics.droppedByteLimit == 3)
        r.removeAll()
        #expect(r.pool.outstanding == 0 && r.datagramsInProgress == 0 && r.bytesHeld == 0 && r.nextDeadline == nil)
    }

    @Test func aCallerHoldingCompletedDatagramsRunsThePoolDry() {
        var rng = SeededRandom(seed: 16)
        var r = Reassembler(limits: ReassemblyLimits(maxDatagrams: 1, deliveryReserve: 1))
        let a = TestDatagram.ipv4(payload: randomBytes(16, &rng), id: 1)
        let b = TestDatagram.ipv4(payload: randomBytes(16, &rng), id: 2)
        var held: [NetBuffer] = []
        for d in [a, b] {
            _ = r.add(d.fragment(8, 16), now: t0)
            if case let .complete(buffer, _) = r.add(d.fragment(0, 8), now: t0) { held.append(buffer) }
        }
        #expect(held.count == 2 && r.pool.outstanding == 2)
        #expect(r.feed(a.fragment(8, 16), now: t0) == .dropped(.noBuffer))
        #expect(r.statistics.droppedNoBuffer == 1)
        for buffer in held { r.pool.free(buffer) }
        #expect(r.feed(a.fragment(8, 16), now: t0) == .incomplete)
    }

    /// The security property: whatever a flood of fragments that never
    /// complete does, what is held stays inside the limits, legitimate
    /// datagrams get through once the flood's datagrams time out, and every
    /// slot comes back.
    @Test(arguments: [
        ReassemblyLimits(maxDatagrams: 32, maxBytes: 4 << 20, maxFragmentsPerDatagram: 48, deliveryReserve: 1),  // datagram bound
        ReassemblyLimits(maxDatagrams: 64, maxBytes: 96 << 10, maxFragmentsPerDatagram: 64, deliveryReserve: 0),  // byte bound
    ])
    func aFloodOfIncompleteFragmentsStaysInsideTheLimits(limits: ReassemblyLimits) {
        var rng = SeededRandom(seed: 17)
        var r = Reassembler(limits: limits)
        let noise = randomBytes(65_536, &rng)
        let attacker = IPv4Address(198, 51, 100, 66)
        let attacker6 = IPv6Address(0x2001, 0xDB8, 0x66, 0, 0, 0, 0, 0x66)
        let header4 = TestDatagram.ipv4(payload: [], id: 0, source: attacker).firstHeader(fragmentLength: 0)
        let header6 = TestDatagram.ipv6(payload: [], id: 0, source: attacker6).firstHeader(fragmentLength: 0)
        var now = t0
        var maxHeld = 0, maxInProgress = 0, completed = 0, reported = 0
        for i in 0..<100_000 {
            // Mostly one source with random identifications; some from many sources.
            let inet = rng.chance(0.5)
            let manySources = rng.chance(0.2)
            let id = UInt32.random(in: 0...0xFFFF, using: &rng)
            let key = inet
                ? ReassemblyKey(source: manySources ? IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next())) : attacker,
                                destination: TestDatagram.destination4, protocolNumber: 17, identification: UInt16(id))
                : ReassemblyKey(source: manySources ? IPv6Address(high: rng.next(), low: rng.next()) : attacker6,
                                destination: TestDatagram.destination6, nextHeader: 17, identification: id)
            let offset = 8 * Int.random(in: 0...7_000, using: &rng)
            let length = 8 * Int.random(in: 1...1_000, using: &rng)
            let more = offset == 0 || rng.chance(0.9)  // offset 0 always says more: never atomic
            let start = Int.random(in: 0...(65_536 - length), using: &rng)
            let header = offset == 0 ? (inet ? header4 : header6) : nil
            let result = noise[start..<(start + length)].withUnsafeBytes { p in
                let add = { (u: UnsafeRawBufferPointer?) in
                    r.add(key: key, offset: offset, moreFragments: more, payload: p, unfragmentable: u, now: now)
                }
                return header.map { h in h.withUnsafeBytes { add($0) } } ?? add(nil)
            }
            if case let .complete(buffer, _) = result { r.pool.free(buffer); completed += 1 }
            maxHeld = max(maxHeld, r.bytesHeld)
            maxInProgress = max(maxInProgress, r.datagramsInProgress)
            #expect(r.bytesHeld <= limits.maxBytes)
            #expect(r.datagramsInProgress <= limits.maxDatagrams)
            #expect(r.pool.outstanding <= limits.maxDatagrams)
            now = now + .milliseconds(1)  // 100 s in all: the first datagrams time out mid-flood
            if i % 97 == 0 { reported += r.expire(now: now) }
        }
        #expect(maxInProgress == limits.maxDatagrams || maxHeld > limits.maxBytes - 8_000)  // a bound was reached
        #expect(r.statistics.droppedDatagramLimit + r.statistics.droppedByteLimit > 0)
        #expect(r.statistics.timeouts > 0 && r.statistics.droppedNoBuffer == 0)
        #expect(r.pool.exhaustedCount == 0)

        let legit = TestDatagram.ipv4(payload: randomBytes(65_515, &rng), id: 4_242, source: IPv4Address(203, 0, 113, 9))
        let fragments = legit.fragments(size: 1_480)
        // Once the flood's datagrams time out, a legitimate one gets through whole.
        reported += r.expire(now: now + .seconds(61))
        #expect(r.datagramsInProgress == 0 && r.bytesHeld == 0 && r.pool.outstanding == 0)
        #expect(UInt64(reported) == r.statistics.timeouts)
        var outcome = Outcome.incomplete
        for f in fragments { outcome = r.feed(f, now: now + .seconds(62)) }
        #expect(outcome == .complete(legit.original, headerLength: 20))
        #expect(r.pool.outstanding == 0)

        // A second burst, then removeAll: every slot back.
        for i in 0..<1_000 {
            let key = ReassemblyKey(source: attacker, destination: TestDatagram.destination4, protocolNumber: 6,
                                    identification: UInt16(i))
            noise[0..<64].withUnsafeBytes { p in
                _ = r.add(key: key, offset: 64, moreFragments: true, payload: p, unfragmentable: nil, now: now)
            }
        }
        #expect(r.datagramsInProgress == limits.maxDatagrams || r.bytesHeld > limits.maxBytes - 64)
        r.removeAll()
        #expect(r.pool.outstanding == 0 && r.datagramsInProgress == 0 && r.bytesHeld == 0 && r.nextDeadline == nil)
    }

    /// The reassembler against `ReferenceReassembler` over random fragment
    /// sequences: same outcome for every fragment, same bytes, same state.
    @Test func matchesAReferenceReassembler() {
        var rng = SeededRandom(seed: 18)
        let limits = ReassemblyLimits(maxDatagrams: 16, maxBytes: 16 * 70_000, maxFragmentsPerDatagram: 48)
        var r = Reassembler(limits: limits)
        var reference = ReferenceReassembler(limits: limits)
        var now = t0
        var kinds: [String: Int] = [:]
        var failures = 0
        for sequence in 0..<2_000 {
            var all: [TestFragment] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                all += randomFragments(&rng, sequence: sequence)
            }
            all.shuffle(using: &rng)
            for f in all {
                let got = r.feed(f, now: now)
                let want = reference.add(f)
                if got != want {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("sequence \(sequence): offset \(f.offset) length \(f.payload.count) more \(f.more) of \(f.key): got \(got), want \(want)")
                    }
                }
                switch want {
                case .incomplete: kinds["incomplete", default: 0] += 1
                case .complete: kinds["complete", default: 0] += 1
                case let .dropped(reason): kinds["\(reason)", default: 0] += 1
                }
                if r.bytesHeld != reference.bytesHeld || r.datagramsInProgress != reference.table.count {
                    failures += 1
                    if failures <= 5 {
                        Issue.record("sequence \(sequence): held \(r.bytesHeld)/\(r.datagramsInProgress), reference \(reference.bytesHeld)/\(reference.table.count)")
                    }
                }
                now = now + .milliseconds(1)
            }
            // End of the sequence: whatever is left times out, reported as the reference expects.
            now = now + .seconds(61)
            let expired = r.expireAll(now: now)
            let expected = reference.table.filter { !$0.value.poisoned }
            #expect(expired.count == expected.count)
            for e in expired { #expect(expected[e.key].map { $0.header != nil } == e.first) }
            reference.table.removeAll()
            #expect(r.pool.outstanding == 0 && r.datagramsInProgress == 0)
        }
        #expect(failures == 0)
        // Every path was exercised, so agreement means something.
        for kind in ["incomplete", "complete", "duplicate", "overlap", "discardedDatagram", "notMultipleOf8",
                     "oversize", "inconsistentLength", "tooManyFragments"] {
            #expect(kinds[kind, default: 0] > 0, "no \(kind) outcome in the differential run")
        }
    }

    /// One datagram's fragments with random cuts, some lost, duplicated,
    /// overlapped (with equal or changed bytes) or malformed.
    fileprivate func randomFragments(_ rng: inout SeededRandom, sequence: Int) -> [TestFragment] {
        let inet = rng.chance(0.5)
        let n = rng.chance(0.1) ? Int.random(in: 8_000...(inet ? 65_511 : 65_511), using: &rng)
                                : Int.random(in: 1...3_000, using: &rng)
        let payload = randomBytes(n, &rng)
        let id = UInt32.random(in: 0...7, using: &rng)  // few identifications: keys collide across datagrams
        let d = inet ? TestDatagram.ipv4(payload: payload, id: UInt16(id), optionWords: Int.random(in: 0...1, using: &rng))
                     : TestDatagram.ipv6(payload: payload, id: id, extensions: Int.random(in: 0...2, using: &rng))
        let slots = (n - 1) / 8  // cut points strictly inside: 8, 16, …
        let count = slots == 0 ? 0 : Int.random(in: 0...min(slots, rng.chance(0.05) ? 60 : 30), using: &rng)
        var cuts = Set<Int>()
        while cuts.count < count { cuts.insert(8 * Int.random(in: 1...slots, using: &rng)) }
        var fragments = d.fragments(cuts: Array(cuts))
        if fragments.count > 1 && rng.chance(0.3) { fragments.remove(at: Int.random(in: 0..<fragments.count, using: &rng)) }
        for f in fragments where rng.chance(0.15) { fragments.append(f) }
        if rng.chance(0.3) {
            let a = 8 * Int.random(in: 0...((n - 1) / 8), using: &rng)
            let b = min(n, a + 8 * Int.random(in: 1...64, using: &rng))
            var bytes = Array(d.payload[a..<b])
            if rng.chance(0.5) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 0x5A }
            fragments.append(d.fragment(a, b, bytes: bytes))
        }
        if rng.chance(0.05) {  // a second, disagreeing end
            let e = min(n, 8 * Int.random(in: 1...max(1, (n - 1) / 8), using: &rng))
            fragments.append(d.fragment(max(0, e - 8), e, more: false))
        }
        if rng.chance(0.05) && n > 24 {  // a middle fragment of odd length
            fragments.append(d.fragment(8, 8 + 8 * Int.random(in: 0...1, using: &rng) + 3, more: true))
        }
        if rng.chance(0.03) {  // past 65,535
            fragments.append(TestFragment(key: d.key, offset: 65_520, more: false, payload: [UInt8](repeating: 1, count: 24)))
        }
        return fragments
    }
}

// MARK: - Reference

/// A deliberately simple reassembler for differential testing: one
/// optional byte per payload position and a list of the fragments taken,
/// with the rules of `Reassembler` written out as plainly as possible.
fileprivate struct ReferenceReassembler {
    struct Datagram {
        var bytes = [UInt8?](repeating: nil, count: 65_535)
        var filled = 0
        var header: [UInt8]?
        var nextHeaderField = -1
        var total: Int?
        var extent = 0
        var fragments: [(start: Int, end: Int, last: Bool, bytes: [UInt8])] = []
        var poisoned = false
    }

    let limits: ReassemblyLimits
    var table: [ReassemblyKey: Datagram] = [:]

    init(limits: ReassemblyLimits) { self.limits = limits }

    var bytesHeld: Int {
        table.values.reduce(0) { $0 + ($1.poisoned ? 0 : $1.filled + ($1.header?.count ?? 0)) }
    }

    func limit(_ family: AddressFamily, _ headerLength: Int?) -> Int {
        family == .inet ? 65_535 - (headerLength ?? 20) : 65_535 - ((headerLength ?? 40) - 40)
    }

    /// The header of the whole datagram, from the first fragment's.
    func fixed(_ header: [UInt8], key: ReassemblyKey, nextHeaderField: Int, total: Int) -> [UInt8] {
        var h = header
        if key.family == .inet {
            put16(&h, 2, h.count + total)
            h[6] &= 0xC0
            h[7] = 0
            put16(&h, 10, 0)
            put16(&h, 10, Int(referenceChecksum(h)))
        } else {
            put16(&h, 4, h.count - 40 + total)
            h[nextHeaderField] = key.protocolNumber
        }
        return h
    }

    mutating func add(_ f: TestFragment) -> Outcome {
        let n = f.payload.count
        let end = f.offset + n
        let family = f.key.family
        if n == 0 || f.offset % 8 != 0 || f.offset > 65_535 { return .dropped(.malformed) }
        if f.more && n % 8 != 0 { return .dropped(.notMultipleOf8) }
        if f.offset == 0 && f.header == nil { return .dropped(.malformed) }
        let headerLength = f.offset == 0 ? f.header!.count : nil
        if end > limit(family, headerLength) { return .dropped(.oversize) }
        if f.offset == 0 && !f.more {
            return .complete(fixed(f.header!, key: f.key, nextHeaderField: f.nextHeaderField, total: n) + f.payload,
                             headerLength: f.header!.count)
        }
        var d: Datagram
        if let existing = table[f.key] {
            d = existing
            if d.poisoned { return .dropped(.discardedDatagram) }
            if let h = d.header?.count ?? headerLength, max(d.extent, end) > limit(family, h) {
                table[f.key] = nil
                return .dropped(.oversize)
            }
            let inconsistent = f.more ? (d.total.map { end > $0 } ?? false)
                                      : (d.total.map { $0 != end } ?? false) || d.extent > end
            if inconsistent {
                table[f.key] = nil
                return .dropped(.inconsistentLength)
            }
        } else {
            if table.count >= limits.maxDatagrams { return .dropped(.tooManyDatagrams) }
            if bytesHeld + n + (headerLength ?? 0) > limits.maxBytes { return .dropped(.byteLimit) }
            d = Datagram()
        }
        var fresh = 0
        if family == .inet6 {
            for g in d.fragments where g.start < end && f.offset < g.end {
                if g.start == f.offset && g.end == end && g.last == !f.more && g.bytes == f.payload {
                    return .dropped(.duplicate)
                }
                table[f.key] = Datagram(bytes: [], poisoned: true)
                return .dropped(.overlap)
            }
            fresh = n
        } else {
            for i in 0..<n {
                if let b = d.bytes[f.offset + i] {
                    if b != f.payload[i] {
                        table[f.key] = nil
                        return .dropped(.overlap)
                    }
                } else {
                    fresh += 1
                }
            }
            if fresh == 0 && (f.more || d.total != nil) { return .dropped(.duplicate) }
        }
        if d.fragments.count >= limits.maxFragmentsPerDatagram {
            table[f.key] = nil
            return .dropped(.tooManyFragments)
        }
        let others = bytesHeld - (table[f.key].map { $0.filled + ($0.header?.count ?? 0) } ?? 0)
        let mine = d.filled + fresh + (d.header?.count ?? headerLength ?? 0)
        if others + mine > limits.maxBytes {
            table[f.key] = nil
            return .dropped(.byteLimit)
        }
        for i in 0..<n where d.bytes[f.offset + i] == nil {
            d.bytes[f.offset + i] = f.payload[i]
            d.filled += 1
        }
        if f.offset == 0 && d.header == nil {
            d.header = f.header
            d.nextHeaderField = f.nextHeaderField
        }
        d.fragments.append((f.offset, end, !f.more, f.payload))
        d.extent = max(d.extent, end)
        if !f.more { d.total = end }
        if let total = d.total, d.filled == total {
            table[f.key] = nil
            let payload = d.bytes[0..<total].map { $0! }
            return .complete(fixed(d.header!, key: f.key, nextHeaderField: d.nextHeaderField, total: total) + payload,
                             headerLength: d.header!.count)
        }
        table[f.key] = d
        return .incomplete
    }
}
