import NetCore

/// A pool of fixed-size frame buffers — the NET_BUFFER_LIST pool and the
/// NET_BUFFER pool of NdisAllocateNetBufferListPool / NdisAllocateNetBufferPool
/// in one, since every NetBuffer here owns exactly one data slot.
///
/// All slots live in one allocation made up front, and the per-slot
/// bookkeeping in another, so taking a frame is a pop from a free stack and
/// never an object allocation. A `NetBufferList` is named by the slot of its
/// first `NetBuffer`; its own fields (status, source handle, chain link) sit
/// in that slot's bookkeeping. Buffers of one chain always come from one pool.
///
/// Not thread-safe: a pool belongs to one engine thread, as the data path does.
public final class NetBufferPool {
    /// A name for diagnostics (the pool tag of NdisAllocateNetBufferListPool).
    public let name: String
    /// Bytes in each slot: headroom plus the largest frame it carries.
    public let slotSize: Int
    /// Bytes left in front of the data window of a fresh buffer, so lower
    /// layers prepend their headers in place (the DataBackFill of NDIS).
    public let defaultHeadroom: Int
    /// How many slots the pool owns.
    public let capacity: Int

    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let slots: UnsafeMutablePointer<SlotHeader>
    @usableFromInline var freeStack: UnsafeMutablePointer<Int32>
    @usableFromInline var freeCount: Int

    /// Slots handed out and not yet freed.
    public var outstanding: Int { capacity - freeCount }
    /// The largest `outstanding` seen, to size pools from real runs.
    public private(set) var highWatermark: Int = 0
    /// Allocations refused because the pool was empty (each is a drop upstream).
    public private(set) var exhaustedCount: Int = 0

    /// Creates a pool of `capacity` slots of `slotSize` bytes.
    public init(name: String, capacity: Int, slotSize: Int = 2048, headroom: Int = 128) {
        precondition(capacity > 0 && capacity < Int(Int32.max), "bad pool capacity")
        precondition(slotSize > headroom && headroom >= 0, "bad slot geometry")
        self.name = name
        self.capacity = capacity
        self.slotSize = slotSize
        self.defaultHeadroom = headroom
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity * slotSize, alignment: 64)
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: SlotHeader(), count: capacity)
        freeStack = .allocate(capacity: capacity)
        // Lowest slot on top, so a fresh pool hands out slots in address order.
        for i in 0..<capacity { freeStack[i] = Int32(capacity - 1 - i) }
        freeCount = capacity
    }

    deinit {
        storage.deallocate()
        slots.deinitialize(count: capacity)
        slots.deallocate()
        freeStack.deallocate()
    }

    /// NdisAllocateNetBufferAndNetBufferList: one NetBufferList holding one
    /// NetBuffer whose data window is `length` bytes at `headroom`, or nil
    /// when the pool is exhausted (NDIS returns NULL; the caller drops).
        public func allocate(length: Int = 0, headroom: Int? = nil) -> NetBufferList? {
        guard let buffer = allocateBuffer(length: length, headroom: headroom) else { return nil }
        return NetBufferList(pool: self, head: buffer.slot)
    }

    /// NdisAllocateNetBuffer: a NetBuffer not yet in any list, or nil when empty.
        public func allocateBuffer(length: Int = 0, headroom: Int? = nil) -> NetBuffer? {
        let room = headroom ?? defaultHeadroom
        precondition(room >= 0 && length >= 0 && room + length <= slotSize, "buffer larger than its slot")
        guard freeCount > 0 else {
            exhaustedCount &+= 1
            return nil
        }
        freeCount -= 1
        let slot = freeStack[freeCount]
        slots[Int(slot)] = SlotHeader(dataOffset: Int32(room), dataLength: Int32(length), allocated: true)
        let used = capacity - freeCount
        if used > highWatermark { highWatermark = used }
        return NetBuffer(pool: self, slot: slot)
    }

    /// NdisFreeNetBufferList: returns the list and every NetBuffer in it to
    /// the pool. Only the list is freed, not the lists chained after it.
    @inlinable
    public func free(_ list: NetBufferList) {
        precondition(list.pool === self, "list freed to a pool it did not come from")
        var slot = list.head
        while slot >= 0 {
            let next = slots[Int(slot)].nextBuffer
            release(slot)
            slot = next
        }
    }

    /// Frees every list of a chain (`next` links), as a completion handler does.
    @inlinable
    public func freeChain(_ chain: NetBufferList) {
        var current: NetBufferList? = chain
        while let list = current {
            current = list.next
            free(list)
        }
    }

    /// NdisFreeNetBuffer for a buffer that was never put in a list.
    @inlinable
    public func free(_ buffer: NetBuffer) {
        precondition(buffer.pool === self, "buffer freed to a pool it did not come from")
        release(buffer.slot)
    }

    @inlinable
    func release(_ slot: Int32) {
        let i = Int(slot)
        // A double free is a driver bug that would corrupt the free stack;
        // NDIS bugchecks on it, so trapping is the faithful response.
        precondition(slots[i].allocated, "NetBuffer freed twice")
        slots[i].allocated = false
        freeStack[freeCount] = slot
        freeCount += 1
    }

    @inlinable
    func bytes(of slot: Int32) -> UnsafeMutableRawPointer {
        storage + Int(slot) * slotSize
    }
}

/// Bookkeeping for one slot: the NET_BUFFER window, and, when the slot heads
/// a list, the NET_BUFFER_LIST fields.
@usableFromInline
struct SlotHeader {
    @usableFromInline var dataOffset: Int32 = 0
    @usableFromInline var dataLength: Int32 = 0
    @usableFromInline var nextBuffer: Int32 = -1
    @usableFromInline var nextList: Int32 = -1
    @usableFromInline var status: UInt32 = 0
    @usableFromInline var sourceHandle: Int32 = 0
    @usableFromInline var references: Int32 = 0
    @usableFromInline var flags: UInt32 = 0
    @usableFromInline var hashValue: UInt32 = 0
    @usableFromInline var cancelId: UInt64 = 0
    @usableFromInline var protocolReserved: UInt64 = 0
    @usableFromInline var allocated: Bool = false

    @usableFromInline init() {}

    @usableFromInline init(dataOffset: Int32, dataLength: Int32, allocated: Bool) {
        self.dataOffset = dataOffset
        self.dataLength = dataLength
        self.allocated = allocated
    }
}
