// Big-endian (network order) loads and stores over raw buffers.
//
// Every access is bounds-checked with a precondition, as an Array subscript
// is: wire-format views validate a packet's length once when they are made,
// so a malformed packet is rejected there and never reaches a trap here.

extension UnsafeRawBufferPointer {
    @inlinable
    public func loadUInt8(at offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < count, "load out of bounds")
        return self[offset]
    }

    @inlinable
    public func loadBigEndianUInt16(at offset: Int) -> UInt16 {
        precondition(offset >= 0 && offset &+ 2 <= count, "load out of bounds")
        return UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable
    public func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset &+ 4 <= count, "load out of bounds")
        return UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable
    public func loadBigEndianUInt64(at offset: Int) -> UInt64 {
        precondition(offset >= 0 && offset &+ 8 <= count, "load out of bounds")
        return UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The sub-buffer `[offset, offset + length)`, bounds-checked.
    @inlinable
    public func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && length >= 0 && offset &+ length <= count, "slice out of bounds")
        return UnsafeRawBufferPointer(rebasing: self[offset..<(offset + length)])
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable
    public func loadUInt8(at offset: Int) -> UInt8 {
        UnsafeRawBufferPointer(self).loadUInt8(at: offset)
    }

    @inlinable
    public func loadBigEndianUInt16(at offset: Int) -> UInt16 {
        UnsafeRawBufferPointer(self).loadBigEndianUInt16(at: offset)
    }

    @inlinable
    public func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        UnsafeRawBufferPointer(self).loadBigEndianUInt32(at: offset)
    }

    @inlinable
    public func storeUInt8(_ value: UInt8, at offset: Int) {
        precondition(offset >= 0 && offset < count, "store out of bounds")
        self[offset] = value
    }

    @inlinable
    public func storeBigEndian(_ value: UInt16, at offset: Int) {
        precondition(offset >= 0 && offset &+ 2 <= count, "store out of bounds")
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inlinable
    public func storeBigEndian(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset &+ 4 <= count, "store out of bounds")
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inlinable
    public func storeBigEndian(_ value: UInt64, at offset: Int) {
        precondition(offset >= 0 && offset &+ 8 <= count, "store out of bounds")
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
    }

    /// Copies `bytes` to `offset`, bounds-checked.
    @inlinable
    public func copyBytes(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        precondition(offset >= 0 && offset &+ bytes.count <= count, "copy out of bounds")
        guard bytes.count > 0, let base = baseAddress, let src = bytes.baseAddress else { return }
        (base + offset).copyMemory(from: src, byteCount: bytes.count)
    }

    /// The sub-buffer `[offset, offset + length)`, bounds-checked.
    @inlinable
    public func slice(_ offset: Int, _ length: Int) -> UnsafeMutableRawBufferPointer {
        precondition(offset >= 0 && length >= 0 && offset &+ length <= count, "slice out of bounds")
        return UnsafeMutableRawBufferPointer(rebasing: self[offset..<(offset + length)])
    }
}
