import NetCore

/// NET_BUFFER_LIST: a list of NetBuffers that share out-of-band data (the
/// completion status, the originator's source handle, the RSS hash …), and
/// a link to the next list of a chain, as NDIS passes lists in batches.
///
/// A handle naming the slot of its first NetBuffer. Ownership moves with it
/// exactly as in NDIS: whoever was handed a list gives it back through the
/// send-complete or return path, and the originator frees it to its pool.
public struct NetBufferList {
    @usableFromInline unowned(unsafe) let pool: NetBufferPool
    @usableFromInline let head: Int32

    @inlinable
    init(pool: NetBufferPool, head: Int32) {
        self.pool = pool
        self.head = head
    }

    @inlinable
    var header: UnsafeMutablePointer<SlotHeader> { pool.slots + Int(head) }

    /// NET_BUFFER_LIST_FIRST_NB.
    @inlinable
    public var firstNetBuffer: NetBuffer { NetBuffer(pool: pool, slot: head) }

    /// NET_BUFFER_LIST_NEXT_NBL: the next list of the chain.
    @inlinable
    public var next: NetBufferList? {
        get {
            let n = header.pointee.nextList
            return n < 0 ? nil : NetBufferList(pool: pool, head: n)
        }
        nonmutating set {
            if let list = newValue {
                precondition(list.pool === pool, "a chain holds lists of one pool")
                header.pointee.nextList = list.head
            } else {
                header.pointee.nextList = -1
            }
        }
    }

    /// NET_BUFFER_LIST_STATUS: written by whoever completes the list.
    @inlinable
    public var status: NDISStatus {
        get { NDISStatus(rawValue: header.pointee.status) }
        nonmutating set { header.pointee.status = newValue.rawValue }
    }

    /// SourceHandle: the binding or filter module that originated the list,
    /// which the send-complete path is routed back to. Set by the originator only.
    @inlinable
    public var sourceHandle: NdisHandle {
        get { NdisHandle(rawValue: header.pointee.sourceHandle) }
        nonmutating set { header.pointee.sourceHandle = newValue.rawValue }
    }

    /// NET_BUFFER_LIST_FLAGS (NBL_FLAGS_*), carried unchanged by NDIS.
    @inlinable
    public var flags: UInt32 {
        get { header.pointee.flags }
        nonmutating set { header.pointee.flags = newValue }
    }

    /// NET_BUFFER_LIST_GET_HASH_VALUE: the RSS hash a miniport computed.
    @inlinable
    public var hashValue: UInt32 {
        get { header.pointee.hashValue }
        nonmutating set { header.pointee.hashValue = newValue }
    }

    /// NDIS_SET_NET_BUFFER_LIST_CANCEL_ID: what NdisCancelSendNetBufferLists matches.
    @inlinable
    public var cancelId: UInt64 {
        get { header.pointee.cancelId }
        nonmutating set { header.pointee.cancelId = newValue }
    }

    /// ProtocolReserved: a word the originating protocol may use as it likes.
    @inlinable
    public var protocolReserved: UInt64 {
        get { header.pointee.protocolReserved }
        nonmutating set { header.pointee.protocolReserved = newValue }
    }

    @inlinable
    var references: Int32 {
        get { header.pointee.references }
        nonmutating set { header.pointee.references = newValue }
    }

    /// Links `buffer` after the list's last NetBuffer.
        public func append(_ buffer: NetBuffer) {
        precondition(buffer.pool === pool, "a list holds buffers of one pool")
        var slot = head
        while true {
            let n = pool.slots[Int(slot)].nextBuffer
            if n < 0 { break }
            slot = n
        }
        pool.slots[Int(slot)].nextBuffer = buffer.slot
        buffer.header.pointee.nextBuffer = -1
    }

    /// How many NetBuffers the list holds.
    @inlinable
    public var bufferCount: Int {
        var n = 0
        var b: NetBuffer? = firstNetBuffer
        while let buffer = b { n += 1; b = buffer.next }
        return n
    }

    /// The data length summed over the list's NetBuffers.
    @inlinable
    public var totalLength: Int {
        var n = 0
        var b: NetBuffer? = firstNetBuffer
        while let buffer = b { n += buffer.dataLength; b = buffer.next }
        return n
    }

    /// Lists in the chain starting here.
    @inlinable
    public var chainLength: Int {
        var n = 0
        var l: NetBufferList? = self
        while let list = l { n += 1; l = list.next }
        return n
    }

    /// Whether two handles name the same list.
    @inlinable
    public func isSame(as other: NetBufferList) -> Bool {
        pool === other.pool && head == other.head
    }

    /// The pool the list came from, so a completion handler can free it.
    @inlinable
    public var owningPool: NetBufferPool { pool }
}

/// Builds a chain of NetBufferLists in order without walking it, as a
/// miniport batches receive indications or a protocol batches sends.
public struct NetBufferListChain {
    /// The first list, or nil when empty.
    public private(set) var head: NetBufferList?
    @usableFromInline var tail: NetBufferList?
    /// Lists appended so far.
    public private(set) var count: Int = 0

    public init() {}

    /// Appends `list` (whose own `next` is cleared) at the end.
        public mutating func append(_ list: NetBufferList) {
        list.next = nil
        if let t = tail { t.next = list } else { head = list }
        tail = list
        count += 1
    }

    /// Empties the builder and returns the chain it held.
        public mutating func take() -> NetBufferList? {
        let h = head
        head = nil
        tail = nil
        count = 0
        return h
    }
}
