/// What `TCPReceiveBuffer.write(_:at:)` did with a segment's bytes, so the
/// connection can advance RCV.NXT (RFC 9293 §3.10.7.4), report a duplicate
/// with D-SACK (RFC 2883) and count drops.
///
/// The counts need not add up to the write's length: `inOrder` also covers
/// out-of-order bytes held earlier that the write joined to the in-order data.
public struct TCPReceiveWriteResult: Sendable, Equatable {
    /// Bytes by which the in-order data grew: RCV.NXT advances by this much.
    public var inOrder: Int
    /// Bytes of this write that were already held or already read: what a D-SACK block reports.
    public var duplicate: Int
    /// Bytes newly stored out of order, beyond a hole.
    public var stored: Int
    /// Bytes not stored: past the window (capacity − readable), or the whole
    /// write when it would have needed a new range and `maximumRanges` were held.
    public var rejected: Int

    /// A result with the given counts (all zero by default).
    @inlinable
    public init(inOrder: Int = 0, duplicate: Int = 0, stored: Int = 0, rejected: Int = 0) {
        self.inOrder = inOrder
        self.duplicate = duplicate
        self.stored = stored
        self.rejected = rejected
    }
}
