import NetCore

/// NET_BUFFER: one frame or packet, a window `[dataOffset, dataOffset +
/// dataLength)` over a pooled slot. Bytes before the window are headroom a
/// layer fills when it retreats to prepend a header; bytes after it are
/// tailroom.
///
/// A handle, not an owner: copying it does not copy the frame. The pool must
/// outlive every handle, which its outstanding count lets tests prove.
public struct NetBuffer {
    @usableFromInline unowned(unsafe) let pool: NetBufferPool
    @usableFromInline let slot: Int32

    @inlinable
    init(pool: NetBufferPool, slot: Int32) {
        self.pool = pool
        self.slot = slot
    }

    @inlinable
    var header: UnsafeMutablePointer<SlotHeader> { pool.slots + Int(slot) }

    /// NET_BUFFER_DATA_OFFSET: where the used data starts in the slot.
    @inlinable
    public var dataOffset: Int { Int(header.pointee.dataOffset) }

    /// NET_BUFFER_DATA_LENGTH: how many bytes the window holds.
    @inlinable
    public var dataLength: Int { Int(header.pointee.dataLength) }

    /// Free bytes in front of the data window.
    @inlinable
    public var headroom: Int { dataOffset }

    /// Free bytes after the data window.
    @inlinable
    public var tailroom: Int { pool.slotSize - dataOffset - dataLength }

    /// The data window's bytes, valid while the buffer is held.
    @inlinable
    public var data: UnsafeMutableRawBufferPointer {
        let h = header.pointee
        return UnsafeMutableRawBufferPointer(
            start: pool.bytes(of: slot) + Int(h.dataOffset), count: Int(h.dataLength))
    }

    /// NdisRetreatNetBufferDataStart: grows the window by `count` bytes at
    /// the front, for a header. Returns false, changing nothing, when the
    /// headroom is too small (NDIS would chain a new MDL; this pool is sized
    /// so the stack's own headers always fit).
    @inlinable
    @discardableResult
    public func retreat(by count: Int) -> Bool {
        precondition(count >= 0)
        guard count <= headroom else { return false }
        header.pointee.dataOffset -= Int32(count)
        header.pointee.dataLength += Int32(count)
        return true
    }

    /// NdisAdvanceNetBufferDataStart: shrinks the window by `count` bytes at
    /// the front, as a receive path strips a header it has parsed.
    @inlinable
    public func advance(by count: Int) {
        precondition(count >= 0 && count <= dataLength, "advance past the data")
        header.pointee.dataOffset += Int32(count)
        header.pointee.dataLength -= Int32(count)
    }

    /// Grows the window by `count` bytes at the end and returns them, or nil
    /// when the tailroom is too small.
    @inlinable
    public func append(_ count: Int) -> UnsafeMutableRawBufferPointer? {
        precondition(count >= 0)
        guard count <= tailroom else { return nil }
        let start = pool.bytes(of: slot) + dataOffset + dataLength
        header.pointee.dataLength += Int32(count)
        return UnsafeMutableRawBufferPointer(start: start, count: count)
    }

    /// Cuts the window to its first `length` bytes (e.g. to drop Ethernet padding).
    @inlinable
    public func truncate(to length: Int) {
        precondition(length >= 0 && length <= dataLength)
        header.pointee.dataLength = Int32(length)
    }

    /// Resets the window to `length` bytes at `headroom`, for reusing a buffer.
    @inlinable
    public func reset(length: Int = 0, headroom: Int) {
        precondition(headroom >= 0 && length >= 0 && headroom + length <= pool.slotSize)
        header.pointee.dataOffset = Int32(headroom)
        header.pointee.dataLength = Int32(length)
    }

    /// NET_BUFFER_NEXT_NB: the next NetBuffer of the same list.
    @inlinable
    public var next: NetBuffer? {
        let n = header.pointee.nextBuffer
        return n < 0 ? nil : NetBuffer(pool: pool, slot: n)
    }

    /// Whether two handles name the same buffer.
    @inlinable
    public func isSame(as other: NetBuffer) -> Bool {
        pool === other.pool && slot == other.slot
    }
}
