/// MDL (memory descriptor list): one region of client memory handed to WSK,
/// optionally chained to more through `next` for scatter/gather.
///
/// The MDL describes memory; it never owns it. The client allocates and
/// frees the bytes and must keep them valid until every IRP that uses them
/// has completed (the rule Windows enforces by locking pages). User-space
/// memory needs no probing or locking, so one call stands for IoAllocateMdl
/// followed by MmBuildMdlForNonPagedPool, and dropping the last reference
/// stands for IoFreeMdl, which frees only the descriptor.
public final class MDL: @unchecked Sendable {
    // @unchecked: it describes client memory the client leaves alone while an
    // IRP holds it, and travels with that IRP to the engine thread.
    /// MmGetSystemAddressForMdlSafe / MmGetMdlVirtualAddress: the region the
    /// MDL was built over.
    public private(set) var buffer: UnsafeMutableRawBufferPointer

    /// MmGetMdlByteCount: how many bytes from the start of `buffer` the MDL
    /// describes. Starts at `buffer.count`; lowering it lets a driver reuse
    /// the MDL for a shorter transfer (as MmInitializeMdl would). It must
    /// stay within `0...buffer.count`.
    public var byteCount: Int {
        didSet {
            precondition(byteCount >= 0 && byteCount <= buffer.count, "MDL byteCount outside the buffer it describes")
        }
    }

    /// Mdl->Next: the following MDL of a chain, whose bytes come after this
    /// one's in a WSK_BUF.
    public var next: MDL?

    /// IoAllocateMdl + MmBuildMdlForNonPagedPool: describes all of `buffer`.
    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
        self.byteCount = buffer.count
    }

    /// MmInitializeMdl over another region: how the provider re-aims the
    /// MDLs of its recycled indications at each datagram, without a new
    /// descriptor per packet.
    func rebind(_ region: UnsafeMutableRawBufferPointer) {
        buffer = region
        byteCount = region.count
        next = nil
    }

    /// The bytes described by this MDL and every one chained after it — the
    /// figure a client sums over MmGetMdlByteCount to fill WSK_BUF.Length.
    public var chainByteCount: Int {
        var total = 0
        var current: MDL? = self
        while let mdl = current {
            total += mdl.byteCount
            current = mdl.next
        }
        return total
    }
}
