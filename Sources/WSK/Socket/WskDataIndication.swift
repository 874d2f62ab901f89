import NetCore

/// WSK_DATA_INDICATION: received stream bytes lent to the client by
/// WskReceiveEvent, chained by `next` in byte order.
///
/// During the callback `buffer` describes the transport's own bytes in
/// place — the segment being received, or its receive buffer — so
/// indicating copies nothing. Those bytes are lent for the call only: when
/// the client keeps the chain (STATUS_PENDING), each element's bytes are
/// copied once into memory the element owns and `buffer` is re-aimed there,
/// so the chain stays valid until WskRelease whatever the connection does.
/// Unlike Windows, where kept bytes never move, their address is therefore
/// final only once the callback has returned: a client that hands them to
/// another request (a WskSend echoing them) does so after the callback, not
/// from inside it.
///
/// Indications, and the memory they copy into, are recycled by their
/// socket (a free list), so receiving allocates nothing once warm.
public final class WskDataIndication {
    /// Next: the following bytes of the same indication, or nil.
    public internal(set) var next: WskDataIndication?
    /// Buffer: the bytes, one MDL.
    public internal(set) var buffer: WSKBuf

    /// The MDL `buffer` points at, re-aimed for each indication.
    let mdl: MDL
    /// Memory the element owns for a retained copy; kept across reuse.
    var storage: UnsafeMutableRawBufferPointer?
    /// The socket whose client holds it (returned STATUS_PENDING), until WskRelease.
    var holder: ObjectIdentifier?

    /// Owned copies larger than this are freed on release rather than kept
    /// for the next retention, so one large indication does not pin memory.
    static let keptStorageLimit = 64 << 10

    init() {
        mdl = MDL(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        buffer = WSKBuf(mdl: nil, offset: 0, length: 0)
    }

    deinit { storage?.deallocate() }

    /// Points the element at `bytes`, lent for the callback.
    func aim(at bytes: UnsafeRawBufferPointer) {
        mdl.rebind(UnsafeMutableRawBufferPointer(mutating: bytes))
        buffer = WSKBuf(mdl: mdl, offset: 0, length: bytes.count)
        next = nil
    }

    /// Copies the lent bytes into the element's own memory and re-aims it
    /// there: the client keeps the chain beyond the callback.
    func keepCopy() {
        let count = buffer.length
        if storage.map({ $0.count < count }) ?? true {
            storage?.deallocate()
            storage = .allocate(byteCount: max(count, 1), alignment: 16)
        }
        let owned = UnsafeMutableRawBufferPointer(rebasing: storage![0..<count])
        if count > 0 { owned.copyMemory(from: UnsafeRawBufferPointer(mdl.buffer)) }
        mdl.rebind(owned)
        buffer = WSKBuf(mdl: mdl, offset: 0, length: count)
    }

    /// Back to the free list: no bytes, no chain; a large copy is freed.
    func reset() {
        mdl.rebind(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        buffer = WSKBuf(mdl: nil, offset: 0, length: 0)
        next = nil
        holder = nil
        if let storage, storage.count > Self.keptStorageLimit {
            storage.deallocate()
            self.storage = nil
        }
    }

    /// The element's bytes as the client reads them.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(mdl.buffer) }
}
