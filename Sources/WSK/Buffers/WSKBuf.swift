import NetCore

/// WSK_BUF: the bytes of a send or the room for a receive, as `length` bytes
/// of an MDL chain starting `offset` bytes into its first MDL.
///
/// A value, like the C struct: copies share the same MDLs and so the same
/// client memory.
public struct WSKBuf: Sendable {
    /// WSK_BUF.Mdl: the first MDL of the chain; nil is allowed only when
    /// `length` is 0 (a zero-length receive).
    public var mdl: MDL?

    /// WSK_BUF.Offset: where the data starts; must fall inside the first MDL.
    public var offset: Int

    /// WSK_BUF.Length: bytes to send, most bytes to receive, or (in an
    /// indication) bytes present.
    public var length: Int

    /// Fills in a WSK_BUF; check it with `validate()` before use.
    public init(mdl: MDL?, offset: Int, length: Int) {
        self.mdl = mdl
        self.offset = offset
        self.length = length
    }

    /// The checks a WSK provider makes on every WSK_BUF a call hands it,
    /// before touching the memory: `.success`, or `.invalidParameter` when
    /// `offset` or `length` is negative, `offset` is not inside the first
    /// MDL, the chain holds fewer than `length` bytes from `offset`, or there
    /// is no MDL but `length` is not 0.
    public func validate() -> NTStatus {
        guard offset >= 0, length >= 0 else { return .invalidParameter }
        guard let mdl else { return length == 0 ? .success : .invalidParameter }
        guard offset < mdl.byteCount, length <= mdl.chainByteCount - offset else { return .invalidParameter }
        return .success
    }

    /// TdiCopyMdlToBuffer: gathers the described bytes, in chain order, into
    /// `destination` and returns how many were copied — the smaller of
    /// `length` and `destination.count`.
    ///
    /// Meant for a buffer that passed `validate()`; on one that did not it
    /// still never reads outside any MDL's `byteCount`, and copies fewer.
    public func copyOut(into destination: UnsafeMutableRawBufferPointer) -> Int {
        var copied = 0
        forEachMutableRegion(limit: destination.count) { region in
            UnsafeMutableRawBufferPointer(rebasing: destination[copied...])
                .copyMemory(from: UnsafeRawBufferPointer(region))
            copied += region.count
        }
        return copied
    }

    /// TdiCopyBufferToMdl: scatters `source` into the described bytes, in
    /// chain order, and returns how many were copied — the smaller of
    /// `length` and `source.count`; the chain outside the window is left
    /// alone.
    ///
    /// Meant for a buffer that passed `validate()`; on one that did not it
    /// still never writes outside any MDL's `byteCount`, and copies fewer.
    public func copyIn(from source: UnsafeRawBufferPointer) -> Int {
        var copied = 0
        forEachMutableRegion(limit: source.count) { region in
            region.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[copied ..< copied + region.count]))
            copied += region.count
        }
        return copied
    }

    /// Walks the described bytes without copying, one non-empty piece per
    /// MDL they touch, in order — what a driver does with
    /// MmGetSystemAddressForMdlSafe and MmGetMdlByteCount per chain link,
    /// e.g. to checksum a send in place.
    public func forEachRegion(_ body: (UnsafeRawBufferPointer) -> Void) {
        forEachMutableRegion(limit: length) { body(UnsafeRawBufferPointer($0)) }
    }

    /// The one chain walk behind the copies and `forEachRegion`: skips
    /// `offset` bytes, then yields at most `min(length, limit)` bytes as
    /// non-empty slices, each inside one MDL's `byteCount`.
    private func forEachMutableRegion(limit: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        guard offset >= 0 else { return }
        var skip = offset
        var remaining = min(length, limit)
        var current = mdl
        while let mdl = current, remaining > 0 {
            if skip >= mdl.byteCount {
                skip -= mdl.byteCount
            } else {
                let count = min(mdl.byteCount - skip, remaining)
                body(UnsafeMutableRawBufferPointer(rebasing: mdl.buffer[skip ..< skip + count]))
                remaining -= count
                skip = 0
            }
            current = mdl.next
        }
    }
}
