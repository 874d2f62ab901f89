import NetCore
@testable import TCPIP
import Testing

@Suite struct TCPReceiveBufferTests {
    /// Stream byte `position`: a pattern that does not repeat within 251 bytes, so a misplaced byte shows.
    static func streamByte(_ position: Int) -> UInt8 { UInt8(truncatingIfNeeded: position % 251 &* 7 &+ 3) }

    static func stream(_ range: Range<Int>) -> [UInt8] { range.map(streamByte) }

    /// Writes stream bytes `range` at `offset` past the in-order end.
    static func write(_ buffer: inout TCPReceiveBuffer, _ range: Range<Int>, at offset: Int) -> TCPReceiveWriteResult {
        stream(range).withUnsafeBytes { buffer.write($0, at: offset) }
    }

    static func read(_ buffer: inout TCPReceiveBuffer, upTo count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { buffer.read(into: $0) }
        return Array(out.prefix(n))
    }

    static func blocks(_ pairs: [(UInt32, UInt32)]) -> TCPSACKBlocks {
        TCPSACKBlocks(pairs.map { TCPSACKBlock(start: TCPSeq($0.0), end: TCPSeq($0.1)) })
    }

    @Test func inOrderWritesAndReadsCrossTheRingsWrap() {
        var buffer = TCPReceiveBuffer(capacity: 16)
        #expect(buffer.allocatedBytes == 0)
        #expect(Self.write(&buffer, 0..<10, at: 0) == TCPReceiveWriteResult(inOrder: 10))
        #expect(buffer.readable == 10)
        #expect(buffer.window == 6)
        #expect(Self.read(&buffer, upTo: 7) == Self.stream(0..<7))
        #expect(buffer.window == 13)
        // Head at ring index 7: 9 bytes to the end of the ring, then 4 more from index 0.
        #expect(Self.write(&buffer, 10..<20, at: 0) == TCPReceiveWriteResult(inOrder: 10))
        let (first, second) = buffer.readableRegions()
        #expect(first.count == 9)
        #expect(second.count == 4)
        #expect(Array(first) + Array(second) == Self.stream(7..<20))
        buffer.consume(2)
        #expect(buffer.readable == 11)
        #expect(Self.read(&buffer, upTo: 100) == Self.stream(9..<20))
        #expect(buffer.readable == 0)
        #expect(buffer.window == 16)
        #expect(Self.read(&buffer, upTo: 10).isEmpty)
        let (none, alsoNone) = buffer.readableRegions()
        #expect(none.count == 0 && alsoNone.count == 0)
    }

    @Test func fillingTheHoleMakesTheWholeJoinedRunReadable() {
        var buffer = TCPReceiveBuffer(capacity: 100)
        #expect(Self.write(&buffer, 10..<20, at: 10) == TCPReceiveWriteResult(stored: 10))
        #expect(Self.write(&buffer, 30..<40, at: 30) == TCPReceiveWriteResult(stored: 10))
        #expect(buffer.readable == 0)
        #expect(buffer.hasOutOfOrderData)
        #expect(buffer.outOfOrderBytes == 20)
        #expect(buffer.window == 100)
        // 0..<10 reaches the run 10..<20: RCV.NXT moves by 20.
        #expect(Self.write(&buffer, 0..<10, at: 0) == TCPReceiveWriteResult(inOrder: 20))
        #expect(buffer.readable == 20)
        #expect(buffer.outOfOrderBytes == 10)
        #expect(Self.write(&buffer, 20..<30, at: 0) == TCPReceiveWriteResult(inOrder: 20))
        #expect(!buffer.hasOutOfOrderData)
        #expect(buffer.outOfOrderBytes == 0)
        #expect(Self.read(&buffer, upTo: 100) == Self.stream(0..<40))
    }

    @Test func overlapsOfEveryKindCountDuplicatesAndStoreOnlyNewBytes() {
        var buffer = TCPReceiveBuffer(capacity: 100)
        _ = Self.write(&buffer, 10..<20, at: 10)
        _ = Self.write(&buffer, 30..<40, at: 30)
        // Left overlap: 5..<10 new, 10..<15 held.
        #expect(Self.write(&buffer, 5..<15, at: 5) == TCPReceiveWriteResult(duplicate: 5, stored: 5))
        // Right overlap: 35..<40 held, 40..<45 new.
        #expect(Self.write(&buffer, 35..<45, at: 35) == TCPReceiveWriteResult(duplicate: 5, stored: 5))
        // Inside: all held.
        #expect(Self.write(&buffer, 12..<18, at: 12) == TCPReceiveWriteResult(duplicate: 6))
        #expect(buffer.sackBlocks(receiveNext: TCPSeq(1000), duplicate: nil, limit: 4)
            == Self.blocks([(1005, 1020), (1030, 1045)]))
        // Touching on the right: merges without overlap.
        #expect(Self.write(&buffer, 20..<22, at: 20) == TCPReceiveWriteResult(stored: 2))
        #expect(buffer.sackBlocks(receiveNext: TCPSeq(1000), duplicate: nil, limit: 4)
            == Self.blocks([(1005, 1022), (1030, 1045)]))
        // Covering both runs: 5..<22 and 30..<45 held (32 bytes), 3..<5, 22..<30, 45..<50 new (15 bytes).
        #expect(Self.write(&buffer, 3..<50, at: 3) == TCPReceiveWriteResult(duplicate: 32, stored: 15))
        #expect(buffer.outOfOrderBytes == 47)
        #expect(buffer.sackBlocks(receiveNext: TCPSeq(1000), duplicate: nil, limit: 4) == Self.blocks([(1003, 1050)]))
        // In order and overlapping the run's start: 3..<5 held, the run joins.
        #expect(Self.write(&buffer, 0..<5, at: 0) == TCPReceiveWriteResult(inOrder: 50, duplicate: 2))
        #expect(!buffer.hasOutOfOrderData)
        // Below RCV.NXT (a negative offset): already received.
        #expect(Self.write(&buffer, 45..<55, at: -5) == TCPReceiveWriteResult(inOrder: 5, duplicate: 5))
        #expect(Self.write(&buffer, 40..<50, at: -15) == TCPReceiveWriteResult(duplicate: 10))
        #expect(Self.read(&buffer, upTo: 100) == Self.stream(0..<55))
    }

    @Test func heldBytesAreNotOverwrittenByADuplicate() {
        var buffer = TCPReceiveBuffer(capacity: 32)
        _ = Self.write(&buffer, 4..<8, at: 4)
        let other = [UInt8](repeating: 0xEE, count: 8)
        let result = other.withUnsafeBytes { buffer.write($0, at: 2) }
        #expect(result == TCPReceiveWriteResult(duplicate: 4, stored: 4))
        _ = Self.write(&buffer, 0..<2, at: 0)
        let expected = Self.stream(0..<2) + [0xEE, 0xEE] + Self.stream(4..<8) + [0xEE, 0xEE]
        #expect(Self.read(&buffer, upTo: 32) == expected)
    }

    @Test func bytesPastTheWindowAreRejected() {
        var buffer = TCPReceiveBuffer(capacity: 20)
        #expect(Self.write(&buffer, 0..<30, at: 0) == TCPReceiveWriteResult(inOrder: 20, rejected: 10))
        #expect(buffer.window == 0)
        #expect(Self.write(&buffer, 20..<21, at: 0) == TCPReceiveWriteResult(rejected: 1))
        #expect(Self.read(&buffer, upTo: 5) == Self.stream(0..<5))
        #expect(buffer.window == 5)
        // Offsets 3 and 4 fit, 5 and 6 do not.
        #expect(Self.write(&buffer, 23..<27, at: 3) == TCPReceiveWriteResult(stored: 2, rejected: 2))
        #expect(Self.write(&buffer, 25..<27, at: 5) == TCPReceiveWriteResult(rejected: 2))
        #expect(Self.write(&buffer, 20..<24, at: 0) == TCPReceiveWriteResult(inOrder: 5, duplicate: 1))
        #expect(Self.read(&buffer, upTo: 100) == Self.stream(5..<25))
        var empty = TCPReceiveBuffer(capacity: 0)
        #expect(Self.write(&empty, 0..<3, at: 0) == TCPReceiveWriteResult(rejected: 3))
        #expect(empty.allocatedBytes == 0)
        #expect(Self.write(&empty, 0..<0, at: 0) == TCPReceiveWriteResult())
    }

    @Test func aNewRunBeyondMaximumRangesIsRejectedWhole() {
        var buffer = TCPReceiveBuffer(capacity: 100, maximumRanges: 2)
        #expect(Self.write(&buffer, 10..<12, at: 10) == TCPReceiveWriteResult(stored: 2))
        #expect(Self.write(&buffer, 20..<22, at: 20) == TCPReceiveWriteResult(stored: 2))
        #expect(Self.write(&buffer, 30..<35, at: 30) == TCPReceiveWriteResult(rejected: 5))
        // Growing a held run, joining two, or filling in order needs no new run.
        #expect(Self.write(&buffer, 22..<25, at: 22) == TCPReceiveWriteResult(stored: 3))
        #expect(Self.write(&buffer, 12..<20, at: 12) == TCPReceiveWriteResult(stored: 8))
        #expect(Self.write(&buffer, 40..<41, at: 40) == TCPReceiveWriteResult(stored: 1))
        #expect(Self.write(&buffer, 50..<51, at: 50) == TCPReceiveWriteResult(rejected: 1))
        #expect(Self.write(&buffer, 0..<10, at: 0) == TCPReceiveWriteResult(inOrder: 25))
        #expect(Self.write(&buffer, 50..<51, at: 25) == TCPReceiveWriteResult(stored: 1))
        #expect(buffer.sackBlocks(receiveNext: TCPSeq(25), duplicate: nil, limit: 4) == Self.blocks([(50, 51), (40, 41)]))
        var none = TCPReceiveBuffer(capacity: 100, maximumRanges: 0)
        #expect(Self.write(&none, 5..<6, at: 5) == TCPReceiveWriteResult(rejected: 1))
        #expect(Self.write(&none, 0..<5, at: 0) == TCPReceiveWriteResult(inOrder: 5))
    }

    /// RFC 2018 §6 ("Examples"), case 3: 500-byte segments from 5000, the
    /// 2nd, 4th, 6th and 8th lost; the table's blocks, hand-copied.
    @Test func sackBlocksFollowRFC2018Case3() {
        var buffer = TCPReceiveBuffer(capacity: 65_535)
        var receiveNext = TCPSeq(5000)
        func deliver(_ sequence: UInt32) {
            let offset = TCPSeq(sequence) - receiveNext
            let result = Self.write(&buffer, Int(sequence)..<Int(sequence) + 500, at: offset)
            receiveNext += result.inOrder
        }
        func sack() -> TCPSACKBlocks { buffer.sackBlocks(receiveNext: receiveNext, duplicate: nil, limit: 3) }
        deliver(5000)
        #expect(receiveNext == TCPSeq(5500))
        #expect(sack().isEmpty)
        deliver(6000)
        #expect(sack() == Self.blocks([(6000, 6500)]))
        deliver(7000)
        #expect(sack() == Self.blocks([(7000, 7500), (6000, 6500)]))
        deliver(8000)
        #expect(sack() == Self.blocks([(8000, 8500), (7000, 7500), (6000, 6500)]))
        deliver(6500)
        #expect(receiveNext == TCPSeq(5500))
        #expect(sack() == Self.blocks([(6000, 7500), (8000, 8500)]))
        deliver(5500)
        #expect(receiveNext == TCPSeq(7500))
        #expect(sack() == Self.blocks([(8000, 8500)]))
    }

    @Test func sackBlocksGoMostRecentFirstWithDSACKAheadOfAll() {
        var buffer = TCPReceiveBuffer(capacity: 1000)
        for start in [100, 200, 300, 400, 500] { _ = Self.write(&buffer, start..<start + 10, at: start) }
        // A retransmission overlapping the run at 200 makes it the most recent.
        #expect(Self.write(&buffer, 205..<215, at: 205) == TCPReceiveWriteResult(duplicate: 5, stored: 5))
        let next = TCPSeq(5000)
        #expect(buffer.sackBlocks(receiveNext: next, duplicate: nil, limit: 4)
            == Self.blocks([(5200, 5215), (5500, 5510), (5400, 5410), (5300, 5310)]))
        #expect(buffer.sackBlocks(receiveNext: next, duplicate: nil, limit: 9).count == 4)
        #expect(buffer.sackBlocks(receiveNext: next, duplicate: nil, limit: 2) == Self.blocks([(5200, 5215), (5500, 5510)]))
        #expect(buffer.sackBlocks(receiveNext: next, duplicate: nil, limit: 0).isEmpty)
        // RFC 2883 §4: the D-SACK block first, then the run it duplicated.
        let dsack = TCPSACKBlock(start: TCPSeq(5205), end: TCPSeq(5210))
        #expect(buffer.sackBlocks(receiveNext: next, duplicate: dsack, limit: 3)
            == Self.blocks([(5205, 5210), (5200, 5215), (5500, 5510)]))
        #expect(buffer.sackBlocks(receiveNext: next, duplicate: dsack, limit: 1) == Self.blocks([(5205, 5210)]))
        // A D-SACK below RCV.NXT with nothing held out of order.
        let belowNext = TCPSACKBlock(start: TCPSeq(4000), end: TCPSeq(4100))
        #expect(TCPReceiveBuffer(capacity: 10).sackBlocks(receiveNext: next, duplicate: belowNext, limit: 3)
            == TCPSACKBlocks([belowNext]))
        // Edges wrap with the sequence space.
        #expect(buffer.sackBlocks(receiveNext: TCPSeq(0xFFFF_FFF0), duplicate: nil, limit: 1)
            == Self.blocks([(200 - 16, 215 - 16)]))
    }

    @Test func growKeepsWrappedBytesAndRuns() {
        var buffer = TCPReceiveBuffer(capacity: 16)
        _ = Self.write(&buffer, 0..<12, at: 0)
        _ = Self.read(&buffer, upTo: 10)
        // Head at ring index 10; in order 10..<16 fills indices 10...15.
        #expect(Self.write(&buffer, 12..<16, at: 0) == TCPReceiveWriteResult(inOrder: 4))
        // Runs at stream 18..<21 and 23..<25: ring indices 2...4 and 7...8, past the wrap.
        _ = Self.write(&buffer, 18..<21, at: 2)
        _ = Self.write(&buffer, 23..<25, at: 7)
        #expect(buffer.window == 10)
        buffer.grow(to: 8)
        #expect(buffer.capacity == 16)
        buffer.grow(to: 40)
        #expect(buffer.capacity == 40)
        #expect(buffer.readable == 6)
        #expect(buffer.window == 34)
        #expect(buffer.outOfOrderBytes == 5)
        #expect(buffer.allocatedBytes >= 40)
        #expect(buffer.sackBlocks(receiveNext: TCPSeq(16), duplicate: nil, limit: 4) == Self.blocks([(23, 25), (18, 21)]))
        // Room the old ring did not have.
        #expect(Self.write(&buffer, 30..<40, at: 14) == TCPReceiveWriteResult(stored: 10))
        #expect(Self.write(&buffer, 16..<30, at: 0) == TCPReceiveWriteResult(inOrder: 24, duplicate: 5))
        #expect(Self.read(&buffer, upTo: 100) == Self.stream(10..<40))
        // Growing before anything is allocated allocates nothing.
        var idle = TCPReceiveBuffer(capacity: 8)
        idle.grow(to: 64)
        #expect(idle.allocatedBytes == 0)
        #expect(idle.window == 64)
    }

    @Test func storageIsGivenBackWhenEmptyAndAllocatedAgainOnWrite() {
        var buffer = TCPReceiveBuffer(capacity: 64)
        #expect(buffer.allocatedBytes == 0)
        _ = Self.write(&buffer, 0..<10, at: 0)
        #expect(buffer.allocatedBytes >= 64)
        buffer.releaseStorageIfEmpty()
        #expect(buffer.allocatedBytes >= 64)
        _ = Self.write(&buffer, 20..<25, at: 10)
        _ = Self.read(&buffer, upTo: 10)
        buffer.releaseStorageIfEmpty()
        #expect(buffer.allocatedBytes >= 64, "out-of-order bytes are still held")
        _ = Self.write(&buffer, 10..<20, at: 0)
        #expect(Self.read(&buffer, upTo: 64) == Self.stream(10..<25))
        buffer.releaseStorageIfEmpty()
        #expect(buffer.allocatedBytes == 0)
        #expect(buffer.window == 64)
        #expect(Self.write(&buffer, 25..<35, at: 5) == TCPReceiveWriteResult(stored: 10))
        #expect(Self.write(&buffer, 20..<25, at: 0) == TCPReceiveWriteResult(inOrder: 15))
        #expect(Self.read(&buffer, upTo: 64) == Self.stream(20..<35))
    }

    @Test func aCopyIsIndependentOfTheOriginal() {
        var original = TCPReceiveBuffer(capacity: 32)
        _ = Self.write(&original, 0..<8, at: 0)
        _ = Self.write(&original, 12..<16, at: 4)
        var copy = original
        #expect(Self.read(&copy, upTo: 8) == Self.stream(0..<8))
        // Other bytes for 8..<16 in the copy: 8..<12 are new there, 12..<16 already held.
        let foreign = [UInt8](repeating: 0xAA, count: 8)
        #expect(foreign.withUnsafeBytes { copy.write($0, at: 0) } == TCPReceiveWriteResult(inOrder: 8, duplicate: 4))
        #expect(Self.write(&original, 8..<12, at: 0) == TCPReceiveWriteResult(inOrder: 8))
        #expect(Self.read(&original, upTo: 32) == Self.stream(0..<16))
        #expect(Self.read(&copy, upTo: 32) == [0xAA, 0xAA, 0xAA, 0xAA] + Self.stream(12..<16))
    }

    /// A byte stream delivered in random, overlapping, duplicated, reordered
    /// segments (some starting below RCV.NXT), with reads, lent reads, growth
    /// and storage release in between; every write's counts and SACK blocks
    /// are checked against a byte-by-byte model, and the bytes read must be
    /// the stream.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomDeliveryReadsBackTheStream(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let total = 30_000
        let maximumRanges = 6
        var capacity = 1_024
        var buffer = TCPReceiveBuffer(capacity: capacity, maximumRanges: maximumRanges)
        let isn = TCPSeq(0xFFFF_F000)
        // The model: `held[p]` for out-of-order stream bytes; RCV.NXT; bytes read.
        var held = [Bool](repeating: false, count: total + 1)
        var heldCount = 0
        var rangeLimitRejections = 0
        var receiveNext = 0
        var consumed = 0
        var output: [UInt8] = []
        output.reserveCapacity(total)

        func runCount() -> Int {
            var runs = 0
            var p = receiveNext
            while p < Swift.min(total, consumed + capacity) {
                if held[p] && (p == receiveNext || !held[p - 1]) { runs += 1 }
                p += 1
            }
            return runs
        }

        func deliver(_ start: Int, _ length: Int) {
            let offset = start - receiveNext
            let end = start + length
            var expected = TCPReceiveWriteResult()
            var low = start
            if start < receiveNext {
                expected.duplicate = Swift.min(length, receiveNext - start)
                low = Swift.min(end, receiveNext)
            }
            let limit = consumed + capacity
            var high = end
            if low >= limit {
                expected.rejected = end - low
                high = low
            } else if end > limit {
                expected.rejected = end - limit
                high = limit
            }
            var newRun = false
            if low < high {
                let alreadyHeld = (low..<high).reduce(0) { $0 + (held[$1] ? 1 : 0) }
                if low == receiveNext {
                    expected.duplicate += alreadyHeld
                    var next = high
                    while next < total && held[next] { next += 1 }
                    expected.inOrder = next - receiveNext
                } else {
                    let touches = held[low - 1] || held[high] || alreadyHeld > 0
                    if !touches && runCount() >= maximumRanges {
                        expected.rejected += high - low
                        rangeLimitRejections += 1
                    } else {
                        expected.duplicate += alreadyHeld
                        expected.stored = high - low - alreadyHeld
                        newRun = true
                    }
                }
            }
            let result = Self.write(&buffer, start..<end, at: offset)
            #expect(result == expected, "write \(start)..<\(end) with RCV.NXT \(receiveNext)")
            if expected.inOrder > 0 {
                for p in receiveNext..<(receiveNext + expected.inOrder) where held[p] {
                    held[p] = false
                    heldCount -= 1
                }
                receiveNext += expected.inOrder
            }
            if newRun {
                for p in low..<high where !held[p] {
                    held[p] = true
                    heldCount += 1
                }
            }
            let blocks = buffer.sackBlocks(receiveNext: isn + receiveNext, duplicate: nil, limit: 4)
            #expect(blocks.count == Swift.min(4, runCount()))
            for (index, block) in blocks.enumerated() {
                let blockStart = receiveNext + (block.start - (isn + receiveNext))
                let blockEnd = blockStart + block.length
                #expect(blockStart > receiveNext && !held[blockStart - 1] && !held[blockEnd])
                #expect((blockStart..<blockEnd).allSatisfy { held[$0] })
                if index == 0 && newRun { #expect(blockStart <= low && high <= blockEnd) }
            }
            #expect(buffer.readable == receiveNext - consumed)
            #expect(buffer.outOfOrderBytes == heldCount)
        }

        var rounds = 0
        while receiveNext < total && rounds < 20_000 {
            rounds += 1
            let choice = random.nextDouble()
            if choice < 0.55 {
                // A segment somewhere around the window, sometimes below RCV.NXT, sometimes past the window.
                let start = Swift.max(0, receiveNext + Int.random(in: -300...(capacity + 100), using: &random))
                guard start < total else { continue }
                deliver(start, Swift.min(Int.random(in: 1...400, using: &random), total - start))
            } else if choice < 0.75 {
                deliver(receiveNext, Swift.min(Int.random(in: 1...300, using: &random), total - receiveNext))
            } else if choice < 0.88 {
                let bytes = Self.read(&buffer, upTo: Int.random(in: 0...700, using: &random))
                output += bytes
                consumed += bytes.count
            } else if choice < 0.96 {
                let (first, second) = buffer.readableRegions()
                let take = Swift.min(first.count + second.count, Int.random(in: 0...500, using: &random))
                output += Array((Array(first) + Array(second)).prefix(take))
                buffer.consume(take)
                consumed += take
            } else if choice < 0.98 {
                if capacity < 8_192 {
                    capacity += Int.random(in: 1...1_000, using: &random)
                    buffer.grow(to: capacity)
                }
            } else {
                buffer.releaseStorageIfEmpty()
                if receiveNext == consumed && heldCount == 0 { #expect(buffer.allocatedBytes == 0) }
            }
        }
        var drainRounds = 0
        while consumed < total && drainRounds < 10_000 {
            drainRounds += 1
            if receiveNext < total {
                deliver(receiveNext, Swift.min(500, total - receiveNext))
            }
            let bytes = Self.read(&buffer, upTo: 1_000)
            output += bytes
            consumed += bytes.count
        }
        #expect(rounds < 20_000, "the stream arrived during the random rounds")
        #expect(rangeLimitRejections > 0, "the range limit was reached")
        #expect(output.count == total)
        #expect(output == Self.stream(0..<total))
    }
}
