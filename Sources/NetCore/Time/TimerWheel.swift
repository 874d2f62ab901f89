/// A hierarchical (cascading) timing wheel: the one timer facility behind every
/// protocol timer and behind the simulator's jumps in virtual time.
///
/// ## Layout
/// Time is cut into ticks of `tickNanoseconds`, counted from `start`. The wheel
/// has 8 levels of 64 slots; a slot at level `L` spans `64^L` ticks, so the
/// levels together span 2^48 ticks (at the default 65 536 ns tick that is every
/// tick an `Int64` deadline can have, so nothing ever overflows). A timer goes
/// to the level of the highest 6-bit digit in which its tick differs from the
/// wheel's current tick; timers further out than the top level (possible only
/// with ticks finer than the default) wait on an overflow list that is
/// re-examined whenever the current tick crosses into a new top-level span.
///
/// Timers whose tick the wheel has passed wait in a small binary heap ordered
/// by (deadline, schedule order). That heap is what makes firing exact and
/// deterministic: the wheel only decides *when* a timer becomes a candidate, the
/// heap decides the order, and `popExpired` compares the exact deadline with
/// `now`, so a timer never fires early and ties resolve by schedule order.
///
/// ## Storage
/// Timers are nodes in one growable array with a free list; each slot is an
/// intrusive doubly-linked list threaded through the nodes by `Int32` index,
/// and each level keeps a 64-bit occupancy bitmap. No allocation happens per
/// timer once the arrays have grown, and the bitmaps let the wheel skip empty
/// slots so that jumping hours ahead costs O(levels), not O(ticks).
///
/// ## Costs
/// `schedule`, `cancel` and `reschedule` are O(1) for a timer in the wheel and
/// O(log k) for one of the k timers already in the heap (deadline in a tick the
/// wheel has passed, which is usually just the current one). A timer cascades
/// down at most once per level. `nextDeadline()` scans one slot.
///
/// Not thread-safe: like the rest of the protocol core it belongs to one
/// thread, and it is a value type so a copy is an independent wheel.
public struct TimerWheel<Payload> {
    // MARK: Constants

    /// Bits of the tick per level: 64 slots fit one `UInt64` bitmap.
    @usableFromInline static var slotBits: Int { 6 }
    /// Levels of the wheel; 8 × 6 bits covers 2^48 ticks.
    @usableFromInline static var levelCount: Int { 8 }
    /// Bits of the tick covered by the wheel; higher bits select overflow.
    @usableFromInline static var wheelBits: Int { 48 }
    /// Bucket number of the overflow list, after the 8 × 64 slot lists.
    @usableFromInline static var overflowBucket: Int32 { 512 }
    /// Bucket tag of a node that sits in the due heap.
    @usableFromInline static var heapBucket: Int32 { -1 }
    /// Bucket tag of a node on the free list.
    @usableFromInline static var freeBucket: Int32 { -2 }
    /// The null link.
    @usableFromInline static var none: Int32 { -1 }

    /// One timer's bookkeeping; the payload lives in a parallel array so that
    /// cascading and heap moves touch only these 32-byte records.
    @usableFromInline
    struct Node: Sendable {
        /// Exact deadline in nanoseconds; the tick is derived from it on demand.
        @usableFromInline var deadline: Int64
        /// Schedule order, the tie-breaker between equal deadlines.
        @usableFromInline var sequence: UInt64
        /// Previous node in the slot list, or the heap position while in the heap.
        @usableFromInline var prev: Int32
        /// Next node in the slot list or on the free list.
        @usableFromInline var next: Int32
        /// Bumped when the node is freed so that old `TimerID`s go stale.
        @usableFromInline var generation: UInt32
        /// Slot list number (level × 64 + slot), overflow, heap or free.
        @usableFromInline var bucket: Int32

        @inlinable
        init(deadline: Int64, sequence: UInt64, generation: UInt32) {
            self.deadline = deadline
            self.sequence = sequence
            self.prev = TimerWheel.none
            self.next = TimerWheel.none
            self.generation = generation
            self.bucket = TimerWheel.freeBucket
        }
    }

    // MARK: State

    /// The wheel's time origin in nanoseconds; tick 0 starts here.
    @usableFromInline let origin: Int64
    /// Resolution of the wheel in nanoseconds.
    @usableFromInline let tickNanoseconds: Int64
    /// log2 of the tick when it is a power of two (a shift beats a division),
    /// otherwise -1.
    @usableFromInline let tickShift: Int
    /// The lowest tick whose timers are still in the wheel: every timer with a
    /// lower tick is in the heap, every other one in a slot or in overflow.
    @usableFromInline var current: UInt64 = 0
    @usableFromInline var nodes: [Node]
    @usableFromInline var payloads: [Payload?]
    @usableFromInline var freeHead: Int32 = TimerWheel.none
    /// Heads of the 512 slot lists and the overflow list.
    @usableFromInline var heads: [Int32]
    /// One occupancy bitmap per level: bit `s` is set iff slot `s` is non-empty.
    @usableFromInline var occupied: [UInt64]
    /// Binary min-heap of node indices ordered by (deadline, sequence).
    @usableFromInline var due: [Int32]
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var liveCount: Int = 0

    // MARK: Public API

    /// Creates an empty wheel.
    ///
    /// `tickNanoseconds` trades precision of the wheel's bucketing for fewer
    /// cascades; it never affects when a timer fires, which is always exact.
    /// `start` should be the current time: ticks are counted from it, and with
    /// fine ticks a far-away origin would push timers into the overflow list.
    /// `initialCapacity` timers can be live before the storage first grows.
    @inlinable
    public init(start: Instant, tickNanoseconds: Int64 = 65_536, initialCapacity: Int = 64) {
        precondition(tickNanoseconds > 0, "tick must be positive")
        precondition(initialCapacity >= 0, "capacity must not be negative")
        origin = start.nanoseconds
        self.tickNanoseconds = tickNanoseconds
        tickShift = tickNanoseconds.nonzeroBitCount == 1 ? tickNanoseconds.trailingZeroBitCount : -1
        nodes = []
        nodes.reserveCapacity(initialCapacity)
        payloads = []
        payloads.reserveCapacity(initialCapacity)
        heads = Array(repeating: TimerWheel.none, count: Int(TimerWheel.overflowBucket) + 1)
        occupied = Array(repeating: 0, count: TimerWheel.levelCount)
        due = []
        due.reserveCapacity(min(initialCapacity, 64))
    }

    /// The number of pending timers.
    @inlinable
    public var count: Int { liveCount }

    /// Whether no timer is pending.
    @inlinable
    public var isEmpty: Bool { liveCount == 0 }

    /// Schedules `payload` to fire at `deadline`, in O(1).
    ///
    /// A deadline at or before the time already passed to `popExpired` is
    /// legal: the timer fires on the next `popExpired`, in deadline order.
    @inlinable
    public mutating func schedule(at deadline: Instant, _ payload: Payload) -> TimerID {
        let index: Int32
        let sequence = nextSequence
        nextSequence &+= 1
        if freeHead != TimerWheel.none {
            index = freeHead
            let i = Int(index)
            freeHead = nodes[i].next
            nodes[i].deadline = deadline.nanoseconds
            nodes[i].sequence = sequence
            payloads[i] = payload
        } else {
            precondition(nodes.count < Int(Int32.max), "too many timers")
            index = Int32(truncatingIfNeeded: nodes.count)
            nodes.append(Node(deadline: deadline.nanoseconds, sequence: sequence, generation: 0))
            payloads.append(payload)
        }
        liveCount += 1
        insert(index)
        return TimerID(index: index, generation: nodes[Int(index)].generation)
    }

    /// Cancels a timer, returning its payload if it was still pending and nil
    /// if it had already fired or been cancelled, so cancelling twice is
    /// harmless. O(1) (O(log k) if the timer's tick has already passed).
    @inlinable
    @discardableResult
    public mutating func cancel(_ id: TimerID) -> Payload? {
        guard let i = liveIndex(id) else { return nil }
        unlink(Int32(truncatingIfNeeded: i))
        return release(i)
    }

    /// Moves a pending timer to `deadline` and returns its ID, or returns nil
    /// if the timer had already fired or been cancelled.
    ///
    /// The timer keeps its ID: the returned value equals `id`, so a caller
    /// holding the old handle may keep using it. For tie-breaking the timer
    /// counts as scheduled now, after every timer already pending.
    @inlinable
    public mutating func reschedule(_ id: TimerID, to deadline: Instant) -> TimerID? {
        guard let i = liveIndex(id) else { return nil }
        let index = Int32(truncatingIfNeeded: i)
        unlink(index)
        nodes[i].deadline = deadline.nanoseconds
        nodes[i].sequence = nextSequence
        nextSequence &+= 1
        insert(index)
        return id
    }

    /// Whether `id` names a timer that has neither fired nor been cancelled.
    @inlinable
    public func isPending(_ id: TimerID) -> Bool { liveIndex(id) != nil }

    /// The deadline of a pending timer, or nil if it fired or was cancelled.
    @inlinable
    public func deadline(of id: TimerID) -> Instant? {
        guard let i = liveIndex(id) else { return nil }
        return Instant(nanoseconds: nodes[i].deadline)
    }

    /// The exact earliest pending deadline, or nil when no timer is pending.
    ///
    /// A simulator sets virtual time to this value and calls `popExpired`, so
    /// it must be exact, not rounded to a tick. Every timer in the heap is
    /// earlier than every timer in the wheel, level 0 is earlier than level 1
    /// and so on, and overflow is latest; so the answer is the heap's top or the
    /// minimum of the first occupied slot of the lowest occupied level.
    @inlinable
    public func nextDeadline() -> Instant? {
        if let top = due.first { return Instant(nanoseconds: nodes[Int(top)].deadline) }
        for level in 0..<TimerWheel.levelCount where occupied[level] != 0 {
            let slot = occupied[level].trailingZeroBitCount
            return Instant(nanoseconds: minimumDeadline(inBucket: level << TimerWheel.slotBits | slot))
        }
        if heads[Int(TimerWheel.overflowBucket)] != TimerWheel.none {
            return Instant(nanoseconds: minimumDeadline(inBucket: Int(TimerWheel.overflowBucket)))
        }
        return nil
    }

    /// Removes and returns the earliest timer whose deadline is at or before
    /// `now`, or nil if there is none.
    ///
    /// Timers come out in deadline order, ties in schedule order, whatever the
    /// sizes of the steps `now` took, so a simulation replays identically.
    /// Callers loop until nil and may schedule or cancel in the loop body; a
    /// timer scheduled there with a deadline at or before `now` comes out of
    /// the same loop. A jump far ahead skips empty slots via the bitmaps.
    @inlinable
    public mutating func popExpired(now: Instant) -> (TimerID, Payload)? {
        let nowTick = tick(of: now.nanoseconds)
        if nowTick >= current { advance(through: nowTick) }
        guard let top = due.first, nodes[Int(top)].deadline <= now.nanoseconds else { return nil }
        heapRemove(at: 0)
        let i = Int(top)
        let id = TimerID(index: top, generation: nodes[i].generation)
        return (id, release(i))
    }

    // MARK: Ticks and handles

    /// The tick holding `deadline`. Deadlines before the origin share tick 0,
    /// and the top tick is kept free so `tick + 1` cannot overflow; both
    /// clamps keep the map monotonic, which is all exact firing needs.
    @inlinable
    func tick(of deadline: Int64) -> UInt64 {
        if deadline <= origin { return 0 }
        let offset = UInt64(bitPattern: deadline &- origin)
        let t = tickShift >= 0 ? offset &>> UInt64(tickShift) : offset / UInt64(tickNanoseconds)
        return Swift.min(t, UInt64.max - 1)
    }

    /// The node index of a pending timer, or nil for a stale or foreign handle.
    @inlinable
    func liveIndex(_ id: TimerID) -> Int? {
        let i = Int(id.index)
        guard i >= 0, i < nodes.count else { return nil }
        let node = nodes[i]
        guard node.generation == id.generation, node.bucket != TimerWheel.freeBucket else { return nil }
        return i
    }

    /// Frees node `i` (already unlinked) and hands back its payload.
    @inlinable
    mutating func release(_ i: Int) -> Payload {
        guard let payload = payloads[i].take() else { preconditionFailure("live timer without payload") }
        nodes[i].generation &+= 1
        nodes[i].bucket = TimerWheel.freeBucket
        nodes[i].prev = TimerWheel.none
        nodes[i].next = freeHead
        freeHead = Int32(truncatingIfNeeded: i)
        liveCount -= 1
        return payload
    }

    // MARK: Placement

    /// Files node `index` by its deadline: into the heap if its tick has been
    /// passed, else into the wheel.
    @inlinable
    mutating func insert(_ index: Int32) {
        let t = tick(of: nodes[Int(index)].deadline)
        if t < current { heapPush(index) } else { place(index, tick: t) }
    }

    /// Files node `index` (tick `t >= current`) at the level of the highest
    /// digit where `t` differs from `current`; that slot's digit is then above
    /// `current`'s, so the slot is reached by moving forward, never wraps.
    @inlinable
    mutating func place(_ index: Int32, tick t: UInt64) {
        let difference = t ^ current
        let level = difference == 0 ? 0 : (63 - difference.leadingZeroBitCount) / TimerWheel.slotBits
        if level >= TimerWheel.levelCount {
            link(index, bucket: TimerWheel.overflowBucket)
            return
        }
        let slot = Int(truncatingIfNeeded: t &>> UInt64(level * TimerWheel.slotBits)) & 63
        link(index, bucket: Int32(truncatingIfNeeded: level << TimerWheel.slotBits | slot))
        occupied[level] |= 1 &<< UInt64(slot)
    }

    /// Pushes node `index` onto the front of list `bucket`.
    @inlinable
    mutating func link(_ index: Int32, bucket: Int32) {
        let i = Int(index)
        let head = heads[Int(bucket)]
        nodes[i].bucket = bucket
        nodes[i].prev = TimerWheel.none
        nodes[i].next = head
        if head != TimerWheel.none { nodes[Int(head)].prev = index }
        heads[Int(bucket)] = index
    }

    /// Takes node `index` out of whatever list or heap holds it.
    @inlinable
    mutating func unlink(_ index: Int32) {
        let i = Int(index)
        let node = nodes[i]
        if node.bucket == TimerWheel.heapBucket {
            heapRemove(at: Int(node.prev))
            return
        }
        if node.prev != TimerWheel.none {
            nodes[Int(node.prev)].next = node.next
        } else {
            heads[Int(node.bucket)] = node.next
            if node.next == TimerWheel.none && node.bucket != TimerWheel.overflowBucket {
                let level = Int(node.bucket) >> TimerWheel.slotBits
                occupied[level] &= ~(1 &<< UInt64(Int(node.bucket) & 63))
            }
        }
        if node.next != TimerWheel.none { nodes[Int(node.next)].prev = node.prev }
    }

    /// Empties list `bucket` (clearing its bitmap bit) and returns its old head.
    @inlinable
    mutating func detach(bucket: Int) -> Int32 {
        let head = heads[bucket]
        heads[bucket] = TimerWheel.none
        if bucket != Int(TimerWheel.overflowBucket) {
            occupied[bucket >> TimerWheel.slotBits] &= ~(1 &<< UInt64(bucket & 63))
        }
        return head
    }

    /// The smallest deadline in a non-empty list.
    @inlinable
    func minimumDeadline(inBucket bucket: Int) -> Int64 {
        var index = heads[bucket]
        var best = Int64.max
        while index != TimerWheel.none {
            let node = nodes[Int(index)]
            if node.deadline < best { best = node.deadline }
            index = node.next
        }
        return best
    }

    // MARK: Advancing

    /// Moves every timer with tick <= `target` into the heap and makes
    /// `target + 1` the current tick, visiting only occupied slots.
    @inlinable
    mutating func advance(through target: UInt64) {
        while true {
            var level = 0
            while level < TimerWheel.levelCount && occupied[level] == 0 { level += 1 }
            if level == TimerWheel.levelCount {
                // The wheel is empty; only overflow can hold timers up to `target`.
                let overflow = Int(TimerWheel.overflowBucket)
                if heads[overflow] == TimerWheel.none { break }
                let first = tick(of: minimumDeadline(inBucket: overflow))
                if first > target { break }
                setCurrent(first)  // pulls `first`'s top-level span into the wheel
                continue
            }
            let slot = occupied[level].trailingZeroBitCount
            let shift = level * TimerWheel.slotBits
            let above = UInt64(shift + TimerWheel.slotBits)
            let slotStart = (current &>> above) &<< above | UInt64(slot) &<< UInt64(shift)
            if slotStart > target { break }
            if level == 0 {
                // Every timer here has tick `slotStart` <= target: all become candidates.
                var index = detach(bucket: slot)
                while index != TimerWheel.none {
                    let next = nodes[Int(index)].next
                    heapPush(index)
                    index = next
                }
            } else {
                // Nothing earlier remains, so the wheel may jump to the slot's
                // start; that cascades the slot's timers to lower levels.
                setCurrent(slotStart)
            }
        }
        setCurrent(target + 1)
    }

    /// Moves the current tick forward to `newCurrent` and re-files the timers
    /// whose placement that invalidates. The caller guarantees that no timer
    /// left in the wheel has a tick below `newCurrent`; then the only misfiled
    /// timers are those in the slot under `newCurrent`'s digit at each level
    /// whose digit changed (and, if the top-level span changed, those in
    /// overflow). A level whose digit did not change has an empty slot there.
    @inlinable
    mutating func setCurrent(_ newCurrent: UInt64) {
        let old = current
        current = newCurrent
        let changed = old ^ newCurrent
        if changed == 0 { return }
        let highestChangedLevel = (63 - changed.leadingZeroBitCount) / TimerWheel.slotBits
        if highestChangedLevel >= TimerWheel.levelCount {
            // A new top-level span: the wheel is necessarily empty, and the
            // overflow timers in this span now fit in it.
            var index = detach(bucket: Int(TimerWheel.overflowBucket))
            while index != TimerWheel.none {
                let next = nodes[Int(index)].next
                place(index, tick: tick(of: nodes[Int(index)].deadline))
                index = next
            }
        }
        for level in Swift.stride(from: 1, through: Swift.min(highestChangedLevel, TimerWheel.levelCount - 1), by: 1) {
            let slot = Int(truncatingIfNeeded: newCurrent &>> UInt64(level * TimerWheel.slotBits)) & 63
            guard occupied[level] & (1 &<< UInt64(slot)) != 0 else { continue }
            var index = detach(bucket: level << TimerWheel.slotBits | slot)
            while index != TimerWheel.none {
                let next = nodes[Int(index)].next
                place(index, tick: tick(of: nodes[Int(index)].deadline))
                index = next
            }
        }
    }

    // MARK: Due heap

    /// Whether node `a` fires before node `b`: by deadline, then schedule order.
    @inlinable
    func firesBefore(_ a: Int32, _ b: Int32) -> Bool {
        let x = nodes[Int(a)], y = nodes[Int(b)]
        return x.deadline < y.deadline || (x.deadline == y.deadline && x.sequence < y.sequence)
    }

    @inlinable
    mutating func heapPush(_ index: Int32) {
        nodes[Int(index)].bucket = TimerWheel.heapBucket
        due.append(index)
        siftUp(index, from: due.count - 1)
    }

    /// Removes the heap entry at `position`, keeping the heap's positions in
    /// the nodes' `prev` fields up to date.
    @inlinable
    mutating func heapRemove(at position: Int) {
        let last = due.removeLast()
        guard position < due.count else { return }
        if !siftDown(last, from: position) { siftUp(last, from: position) }
    }

    /// Places `index` at or above `position`, moving larger parents down.
    @inlinable
    mutating func siftUp(_ index: Int32, from position: Int) {
        var position = position
        while position > 0 {
            let parent = (position - 1) / 2
            let above = due[parent]
            guard firesBefore(index, above) else { break }
            due[position] = above
            nodes[Int(above)].prev = Int32(truncatingIfNeeded: position)
            position = parent
        }
        due[position] = index
        nodes[Int(index)].prev = Int32(truncatingIfNeeded: position)
    }

    /// Places `index` at or below `position`; returns whether it moved down.
    @inlinable
    @discardableResult
    mutating func siftDown(_ index: Int32, from position: Int) -> Bool {
        var position = position
        let start = position
        let count = due.count
        while true {
            let left = 2 * position + 1
            guard left < count else { break }
            var child = left
            if left + 1 < count && firesBefore(due[left + 1], due[left]) { child = left + 1 }
            let below = due[child]
            guard firesBefore(below, index) else { break }
            due[position] = below
            nodes[Int(below)].prev = Int32(truncatingIfNeeded: position)
            position = child
        }
        due[position] = index
        nodes[Int(index)].prev = Int32(truncatingIfNeeded: position)
        return position != start
    }
}

extension TimerWheel: Sendable where Payload: Sendable {}

extension TimerWheel: CustomStringConvertible {
    /// A one-line summary; the default reflection would dump every slot.
    public var description: String {
        let next = nextDeadline().map { "\($0.nanoseconds)ns" } ?? "none"
        return "TimerWheel(count: \(count), nextDeadline: \(next), currentTick: \(current))"
    }
}
