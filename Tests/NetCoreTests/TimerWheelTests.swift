import NetCore
import Testing

// MARK: - Helpers

private let ms: Int64 = 1_000_000
private let second: Int64 = 1_000_000_000
private let hour: Int64 = 3_600 * second
private let year: Int64 = 365 * 24 * hour

private func at(_ nanoseconds: Int64) -> Instant { Instant(nanoseconds: nanoseconds) }

/// splitmix64: tiny, seedable and identical on every platform, so a failing
/// seed reproduces exactly.
private struct TimerTestGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int64) -> Int64 { n <= 0 ? 0 : Int64(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { next() % 100 < UInt64(percent) }
}

/// Drains every expired timer, returning (payload, deadline) pairs in pop order.
private func drain(_ wheel: inout TimerWheel<Int>, now: Instant) -> [Int] {
    var out: [Int] = []
    while let (_, payload) = wheel.popExpired(now: now) { out.append(payload) }
    return out
}

/// The obviously-correct model: an array kept sorted by (deadline, schedule
/// order). Slow, but nothing can hide in it.
private struct ReferenceTimers {
    struct Entry { var deadline: Int64; var sequence: UInt64; var id: TimerID; var payload: Int }
    var entries: [Entry] = []
    var deadlines: [TimerID: (Int64, UInt64)] = [:]
    var sequence: UInt64 = 0

    private func insertionIndex(deadline: Int64, sequence: UInt64) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            let e = entries[mid]
            if e.deadline < deadline || (e.deadline == deadline && e.sequence < sequence) {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low
    }

    mutating func schedule(_ id: TimerID, deadline: Int64, payload: Int) {
        let seq = sequence
        sequence += 1
        entries.insert(Entry(deadline: deadline, sequence: seq, id: id, payload: payload),
                       at: insertionIndex(deadline: deadline, sequence: seq))
        deadlines[id] = (deadline, seq)
    }

    mutating func cancel(_ id: TimerID) -> Int? {
        guard let (deadline, seq) = deadlines.removeValue(forKey: id) else { return nil }
        let index = insertionIndex(deadline: deadline, sequence: seq)
        precondition(entries[index].id == id)
        return entries.remove(at: index).payload
    }

    func deadline(of id: TimerID) -> Int64? { deadlines[id]?.0 }

    var nextDeadline: Int64? { entries.first?.deadline }

    mutating func popExpired(now: Int64) -> Entry? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        entries.removeFirst()
        deadlines[first.id] = nil
        return first
    }
}

// MARK: - Basics

@Suite struct TimerWheelTests {
    @Test func emptyWheel() {
        var wheel = TimerWheel<Int>(start: .zero)
        #expect(wheel.isEmpty)
        #expect(wheel.count == 0)
        #expect(wheel.nextDeadline() == nil)
        #expect(wheel.popExpired(now: at(hour)) == nil)
        #expect(wheel.popExpired(now: .distantFuture) == nil)
    }

    @Test func scheduleCancelPop() {
        var wheel = TimerWheel<String>(start: .zero)
        let a = wheel.schedule(at: at(10 * ms), "a")
        let b = wheel.schedule(at: at(5 * ms), "b")
        let c = wheel.schedule(at: at(20 * ms), "c")
        #expect(wheel.count == 3)
        #expect(!wheel.isEmpty)
        #expect(wheel.nextDeadline() == at(5 * ms))
        #expect(wheel.deadline(of: a) == at(10 * ms))
        #expect(wheel.isPending(c))

        #expect(wheel.cancel(c) == "c")
        #expect(wheel.count == 2)
        #expect(!wheel.isPending(c))

        #expect(wheel.popExpired(now: at(4 * ms)) == nil)
        let first = wheel.popExpired(now: at(12 * ms))
        #expect(first?.0 == b && first?.1 == "b")
        let second = wheel.popExpired(now: at(12 * ms))
        #expect(second?.0 == a && second?.1 == "a")
        #expect(wheel.popExpired(now: at(12 * ms)) == nil)
        #expect(wheel.isEmpty)
        #expect(wheel.nextDeadline() == nil)
    }

    @Test func neverFiresEarlyWithinATick() {
        // 1 ms tick: both deadlines share a tick, but each must wait for its nanosecond.
        var wheel = TimerWheel<Int>(start: .zero, tickNanoseconds: ms)
        _ = wheel.schedule(at: at(5 * ms + 700), 1)
        _ = wheel.schedule(at: at(5 * ms + 300), 2)
        #expect(wheel.nextDeadline() == at(5 * ms + 300))
        #expect(drain(&wheel, now: at(5 * ms + 299)).isEmpty)
        #expect(drain(&wheel, now: at(5 * ms + 300)) == [2])
        #expect(wheel.nextDeadline() == at(5 * ms + 700))
        #expect(drain(&wheel, now: at(5 * ms + 699)).isEmpty)
        #expect(drain(&wheel, now: at(5 * ms + 700)) == [1])
    }

    @Test func staleIDAfterFireAndAfterCancel() {
        var wheel = TimerWheel<Int>(start: .zero)
        let fired = wheel.schedule(at: at(ms), 1)
        #expect(wheel.popExpired(now: at(ms))?.0 == fired)
        #expect(!wheel.isPending(fired))
        #expect(wheel.cancel(fired) == nil)
        #expect(wheel.deadline(of: fired) == nil)
        #expect(wheel.reschedule(fired, to: at(2 * ms)) == nil)

        // The next timer reuses the freed node; the old handle must not reach it.
        let reused = wheel.schedule(at: at(3 * ms), 2)
        #expect(reused != fired)
        #expect(!wheel.isPending(fired))
        #expect(wheel.cancel(fired) == nil)
        #expect(wheel.isPending(reused))

        #expect(wheel.cancel(reused) == 2)
        #expect(wheel.cancel(reused) == nil)
        #expect(!wheel.isPending(reused))
        let again = wheel.schedule(at: at(3 * ms), 3)
        #expect(again != reused && again != fired)
        #expect(wheel.cancel(reused) == nil)
        #expect(wheel.deadline(of: reused) == nil)
        #expect(wheel.count == 1)
        #expect(drain(&wheel, now: at(hour)) == [3])
    }

    @Test func handleFromAnotherWheelIsNotPending() {
        var big = TimerWheel<Int>(start: .zero)
        var ids: [TimerID] = []
        for i in 0..<10 { ids.append(big.schedule(at: at(Int64(i) * ms), i)) }
        let small = TimerWheel<Int>(start: .zero)
        #expect(!small.isPending(ids[9]))
    }

    @Test func tiesFireInScheduleOrder() {
        var wheel = TimerWheel<Int>(start: .zero)
        for i in 0..<100 { _ = wheel.schedule(at: at(7 * ms), i) }
        // Same tick, later deadline scheduled first: deadline order wins over schedule order.
        _ = wheel.schedule(at: at(7 * ms + 1), 1000)
        _ = wheel.schedule(at: at(7 * ms - 1), -1)
        #expect(drain(&wheel, now: at(hour)) == [-1] + Array(0..<100) + [1000])
    }

    @Test func tiesFireInScheduleOrderAcrossLevels() {
        // Equal deadlines scheduled at different times sit at different levels
        // and cascade separately; they must still come out in schedule order.
        var wheel = TimerWheel<Int>(start: .zero, tickNanoseconds: 1)
        let deadline = 5 * hour + 12_345
        var expected: [Int] = []
        var now: Int64 = 0
        for i in 0..<40 {
            _ = wheel.schedule(at: at(deadline), i)
            expected.append(i)
            now += deadline / 50
            #expect(drain(&wheel, now: at(now)).isEmpty)
        }
        #expect(wheel.nextDeadline() == at(deadline))
        #expect(drain(&wheel, now: at(deadline)) == expected)
    }

    @Test func deadlinesInThePast() {
        var wheel = TimerWheel<Int>(start: at(10 * second))
        #expect(drain(&wheel, now: at(20 * second)).isEmpty)
        _ = wheel.schedule(at: at(15 * second), 1)
        _ = wheel.schedule(at: at(5 * second), 2)  // before the wheel's origin
        _ = wheel.schedule(at: Instant(nanoseconds: .min), 3)
        _ = wheel.schedule(at: at(20 * second), 4)
        _ = wheel.schedule(at: at(20 * second + 1), 5)
        #expect(wheel.nextDeadline() == Instant(nanoseconds: .min))
        #expect(drain(&wheel, now: at(20 * second)) == [3, 2, 1, 4])
        #expect(wheel.nextDeadline() == at(20 * second + 1))
        #expect(drain(&wheel, now: at(20 * second + 1)) == [5])
    }

    @Test func popBeforeOrigin() {
        var wheel = TimerWheel<Int>(start: at(hour))
        _ = wheel.schedule(at: at(10), 1)
        _ = wheel.schedule(at: at(20), 2)
        _ = wheel.schedule(at: at(hour), 3)
        #expect(drain(&wheel, now: at(15)) == [1])
        #expect(drain(&wheel, now: at(hour - 1)) == [2])
        #expect(drain(&wheel, now: at(hour)) == [3])
    }

    @Test func cancelInsidePopLoop() {
        var wheel = TimerWheel<Int>(start: .zero)
        var ids: [Int: TimerID] = [:]
        for i in 0..<10 { ids[i] = wheel.schedule(at: at(Int64(i) * ms), i) }
        var popped: [Int] = []
        while let (_, payload) = wheel.popExpired(now: at(20 * ms)) {
            popped.append(payload)
            if payload == 2 {
                #expect(wheel.cancel(ids[5]!) == 5)
                #expect(wheel.cancel(ids[1]!) == nil)  // already fired
            }
        }
        #expect(popped == [0, 1, 2, 3, 4, 6, 7, 8, 9])
    }

    @Test func scheduleInsidePopLoop() {
        var wheel = TimerWheel<Int>(start: .zero)
        for i in 0..<3 { _ = wheel.schedule(at: at(Int64(i) * ms), i) }
        let now = at(10 * ms)
        var popped: [Int] = []
        while let (_, payload) = wheel.popExpired(now: now) {
            popped.append(payload)
            if payload == 0 {
                _ = wheel.schedule(at: at(ms / 2), 100)    // due, earlier than 1 and 2
                _ = wheel.schedule(at: now, 101)           // due at exactly now
                _ = wheel.schedule(at: at(10 * ms + 1), 102)  // not yet
            }
        }
        #expect(popped == [0, 100, 1, 2, 101])
        #expect(wheel.count == 1)
        #expect(wheel.nextDeadline() == at(10 * ms + 1))
    }

    @Test func reschedule() {
        var wheel = TimerWheel<Int>(start: .zero)
        let a = wheel.schedule(at: at(10 * ms), 1)
        let b = wheel.schedule(at: at(20 * ms), 2)
        let c = wheel.schedule(at: at(30 * ms), 3)

        // Later, and keeping the handle.
        #expect(wheel.reschedule(a, to: at(hour)) == a)
        #expect(wheel.isPending(a))
        #expect(wheel.deadline(of: a) == at(hour))
        #expect(wheel.nextDeadline() == at(20 * ms))
        #expect(wheel.count == 3)

        // Earlier: to a tie with b, so it now counts as scheduled after b.
        #expect(wheel.reschedule(c, to: at(20 * ms)) == c)
        #expect(drain(&wheel, now: at(25 * ms)) == [2, 3])
        #expect(wheel.reschedule(b, to: at(ms)) == nil)

        // Into the past (the wheel has passed 25 ms), then cancel through the same handle.
        #expect(wheel.reschedule(a, to: at(5 * ms)) == a)
        #expect(wheel.nextDeadline() == at(5 * ms))
        #expect(wheel.cancel(a) == 1)
        #expect(wheel.isEmpty)
    }

    @Test func countTracksEveryOperation() {
        var wheel = TimerWheel<Int>(start: .zero, initialCapacity: 2)
        var ids: [TimerID] = []
        for i in 0..<1_000 {
            ids.append(wheel.schedule(at: at(Int64(i % 37) * ms), i))
            #expect(wheel.count == i + 1)
        }
        for i in stride(from: 0, to: 1_000, by: 2) { wheel.cancel(ids[i]) }
        #expect(wheel.count == 500)
        for i in stride(from: 0, to: 1_000, by: 2) { wheel.cancel(ids[i]) }  // stale: no effect
        #expect(wheel.count == 500)
        let dueBy10ms = (0..<1_000).filter { $0 % 2 == 1 && $0 % 37 <= 10 }
        #expect(drain(&wheel, now: at(10 * ms)).sorted() == dueBy10ms)
        _ = drain(&wheel, now: at(hour))
        #expect(wheel.count == 0)
        #expect(wheel.isEmpty)
    }

    // MARK: - Far future, overflow and extremes

    @Test func farFutureWithFineTicksUsesOverflow() {
        // At a 1 ns tick the wheel spans 2^48 ns ≈ 3.3 days; years go to overflow.
        var wheel = TimerWheel<Int>(start: .zero, tickNanoseconds: 1)
        let deadlines: [Int64] = [3 * year + 17, 10 * year, year, 4 * 24 * hour, 1 << 48, (1 << 48) - 1,
                                  Int64.max, Int64.max - 1, 10 * year]
        for (i, d) in deadlines.enumerated() { _ = wheel.schedule(at: at(d), i) }
        var fired: [(Int64, Int)] = []
        while let next = wheel.nextDeadline() {
            #expect(drain(&wheel, now: at(next.nanoseconds - 1)).isEmpty)
            for p in drain(&wheel, now: next) { fired.append((next.nanoseconds, p)) }
        }
        let expected = deadlines.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
        #expect(fired.map(\.1) == expected.map(\.offset))
        #expect(fired.map(\.0) == expected.map(\.element))
    }

    @Test func extremeOriginAndDeadlines() {
        for tick: Int64 in [1, 3, 65_536] {
            var wheel = TimerWheel<Int>(start: Instant(nanoseconds: .min), tickNanoseconds: tick)
            _ = wheel.schedule(at: .distantFuture, 1)
            _ = wheel.schedule(at: Instant(nanoseconds: .max - 1), 2)
            _ = wheel.schedule(at: .zero, 3)
            _ = wheel.schedule(at: Instant(nanoseconds: .min), 4)
            #expect(wheel.nextDeadline() == Instant(nanoseconds: .min))
            #expect(drain(&wheel, now: Instant(nanoseconds: .min)) == [4])
            #expect(drain(&wheel, now: .zero) == [3])
            #expect(wheel.nextDeadline() == Instant(nanoseconds: .max - 1))
            #expect(drain(&wheel, now: Instant(nanoseconds: .max - 2)).isEmpty)
            #expect(drain(&wheel, now: Instant(nanoseconds: .max - 1)) == [2])
            #expect(drain(&wheel, now: .distantFuture) == [1])
            // After the end of time, anything scheduled is already due.
            _ = wheel.schedule(at: .zero, 5)
            #expect(drain(&wheel, now: .distantFuture) == [5])
        }
    }

    /// Ticking through years at a 1 ns tick would take centuries; this test
    /// finishing at all shows empty slots are skipped.
    @Test(.timeLimit(.minutes(1))) func hugeJumpsSkipEmptySlots() {
        var wheel = TimerWheel<Int>(start: .zero, tickNanoseconds: 1)
        var now: Int64 = 0
        for i in 0..<2_000 {
            let deadline = now + (i % 2 == 0 ? year : 7 * hour + Int64(i))
            _ = wheel.schedule(at: at(deadline), i)
            now += 3 * hour + 1
            _ = drain(&wheel, now: at(now))
        }
        _ = drain(&wheel, now: .distantFuture)
        #expect(wheel.isEmpty)
    }

    // MARK: - Virtual time

    @Test(.timeLimit(.minutes(2)), arguments: [(UInt64(1), Int64(65_536)), (2, 1), (3, 1_000), (4, 1 << 20)])
    func virtualTimeFiresEveryTimerAtItsDeadline(seed: UInt64, tick: Int64) {
        var rng = TimerTestGenerator(seed: seed)
        var wheel = TimerWheel<Int>(start: .zero, tickNanoseconds: tick)
        var expected: [TimerID: Int64] = [:]
        var scheduled = 0
        func randomDelay(_ rng: inout TimerTestGenerator) -> Int64 {
            switch rng.below(10) {
            case 0: return 0
            case 1...4: return rng.below(10 * ms)
            case 5...7: return rng.below(10 * second)
            case 8: return rng.below(10 * hour)
            default: return rng.below(2 * year)
            }
        }
        for _ in 0..<5_000 {
            let d = randomDelay(&rng)
            expected[wheel.schedule(at: at(d), scheduled)] = d
            scheduled += 1
        }
        var now: Int64 = 0
        var fired = 0
        while let next = wheel.nextDeadline() {
            #expect(next.nanoseconds >= now)
            now = next.nanoseconds
            var firedHere = 0
            while let (id, _) = wheel.popExpired(now: next) {
                #expect(expected.removeValue(forKey: id) == now)
                fired += 1
                firedHere += 1
                // Re-arm like a protocol timer would, sometimes for this very instant.
                if scheduled < 20_000 && rng.chance(60) {
                    let d = rng.chance(10) ? now : now + randomDelay(&rng)
                    expected[wheel.schedule(at: at(d), scheduled)] = d
                    scheduled += 1
                }
            }
            #expect(firedHere > 0)
        }
        #expect(expected.isEmpty)
        #expect(fired == scheduled)
        #expect(wheel.isEmpty)
    }

    // MARK: - Differential test against the reference

    @Test(.timeLimit(.minutes(5)), arguments: [
        (UInt64(0x5EED_0001), Int64(65_536), Int64(0)),
        (0x5EED_0002, 1, 0),
        (0x5EED_0003, 1_000, -7 * hour),
        (0x5EED_0004, 1 << 20, 123_456_789_012),
        (0x5EED_0005, 65_536, Int64.min / 2),
    ])
    func matchesReference(seed: UInt64, tick: Int64, origin: Int64) {
        var rng = TimerTestGenerator(seed: seed)
        var wheel = TimerWheel<Int>(start: at(origin), tickNanoseconds: tick, initialCapacity: 16)
        var model = ReferenceTimers()
        var now = origin
        var live: [TimerID] = []
        var liveIndex: [TimerID: Int] = [:]
        var dead: [TimerID] = []
        var nextPayload = 0
        var mismatches = 0
        var pops = 0, liveSum = 0

        func forget(_ id: TimerID) {
            guard let i = liveIndex.removeValue(forKey: id) else { return }
            let last = live.removeLast()
            if i < live.count { live[i] = last; liveIndex[last] = i }
            if dead.count < 64 { dead.append(id) } else { dead[Int(rng.below(64))] = id }
        }
        func randomDeadline() -> Int64 {
            switch rng.below(100) {
            case 0..<8: return at(now).advanced(byNanoseconds: -rng.below(2 * second)).nanoseconds  // in the past
            case 8..<13: return now  // exactly now
            case 13..<40: return at(now).advanced(byNanoseconds: rng.below(10 * ms)).nanoseconds
            case 40..<65: return at(now).advanced(byNanoseconds: rng.below(60 * second)).nanoseconds
            case 65..<85: return at(now).advanced(byNanoseconds: rng.below(5 * hour)).nanoseconds
            case 85..<93:  // tie with a live timer
                return live.isEmpty ? now : (model.deadline(of: live[Int(rng.below(Int64(live.count)))]) ?? now)
            case 93..<98: return at(now).advanced(byNanoseconds: rng.below(3 * year)).nanoseconds  // far future
            default: return rng.chance(50) ? Int64.max : Int64.max - rng.below(year)
            }
        }
        func schedule() {
            let deadline = randomDeadline()
            let id = wheel.schedule(at: at(deadline), nextPayload)
            model.schedule(id, deadline: deadline, payload: nextPayload)
            nextPayload += 1
            liveIndex[id] = live.count
            live.append(id)
        }
        func randomID() -> TimerID? {
            if !dead.isEmpty && rng.chance(15) { return dead[Int(rng.below(Int64(dead.count)))] }
            return live.isEmpty ? nil : live[Int(rng.below(Int64(live.count)))]
        }
        func cancel() {
            guard let id = randomID() else { return }
            let expected = model.cancel(id)
            if wheel.cancel(id) != expected { mismatches += 1 }
            forget(id)
        }
        func compareNext() {
            if wheel.nextDeadline()?.nanoseconds != model.nextDeadline { mismatches += 1 }
            if wheel.count != model.entries.count { mismatches += 1 }
        }

        for _ in 0..<200_000 {
            switch rng.below(100) {
            case 0..<42:
                schedule()
            case 42..<50:
                cancel()
            case 50..<65:
                guard let id = randomID() else { break }
                let deadline = randomDeadline()
                if let (_, _) = model.deadlines[id] {
                    let payload = model.cancel(id)!
                    model.schedule(id, deadline: deadline, payload: payload)
                    if wheel.reschedule(id, to: at(deadline)) != id { mismatches += 1 }
                } else if wheel.reschedule(id, to: at(deadline)) != nil {
                    mismatches += 1
                }
            case 65..<70:
                guard let id = randomID() else { break }
                let expected = model.deadline(of: id)
                if wheel.isPending(id) != (expected != nil) { mismatches += 1 }
                if wheel.deadline(of: id)?.nanoseconds != expected { mismatches += 1 }
            default:
                // Advance time: mostly small steps so hundreds of timers pile up
                // across the levels, with rare jumps of hours, weeks and years.
                var step: Int64
                switch rng.below(10_000) {
                case 0..<2_500: step = 0
                case 2_500..<6_500: step = rng.below(2 * ms)
                case 6_500..<9_000: step = rng.below(100 * ms)
                case 9_000..<9_600: step = rng.below(5 * second)
                case 9_600..<9_800:  // straight to the next deadline, as a simulator does
                    let gap = (model.nextDeadline ?? now) &- now
                    step = gap >= 0 && gap < 24 * hour ? gap : rng.below(second)
                case 9_800..<9_986: step = rng.below(10 * second)
                case 9_986..<9_994: step = rng.below(2 * hour)
                case 9_994..<9_998: step = rng.below(30 * 24 * hour)
                default: step = rng.below(2 * year)
                }
                if live.count > 5_000 { step = 4 * year }  // keeps the model quick
                now = at(now).advanced(byNanoseconds: step).nanoseconds
                while let (id, payload) = wheel.popExpired(now: at(now)) {
                    guard let entry = model.popExpired(now: now), entry.id == id, entry.payload == payload else {
                        mismatches += 1
                        break
                    }
                    forget(id)
                    pops += 1
                    // Callers schedule and cancel from timer callbacks.
                    if rng.chance(20) { schedule() }
                    if rng.chance(10) { cancel() }
                }
                if model.popExpired(now: now) != nil { mismatches += 1 }
            }
            compareNext()
            liveSum += live.count
            if mismatches > 0 { break }
        }
        // Guard against the test going soft: time must not have run into the
        // end of time (where everything is due at once) and timers must pile up.
        #expect(pops > 50_000)
        #expect(liveSum / 200_000 > 100)
        #expect(now < origin &+ 100 * year)
        #expect(mismatches == 0, "wheel diverged from the reference (seed \(seed))")

        // Whatever is left comes out in the same order at the end of time.
        while let (id, payload) = wheel.popExpired(now: .distantFuture) {
            let entry = model.popExpired(now: .max)
            #expect(entry?.id == id && entry?.payload == payload)
            if entry?.id != id { break }
        }
        #expect(model.entries.isEmpty)
        #expect(wheel.count == 0)
    }
}
