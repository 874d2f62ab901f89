/// One SACK block (RFC 2018 §3): the bytes `start..<end` arrived, beyond a
/// hole. A D-SACK block (RFC 2883) has the same form and reports bytes that
/// arrived twice.
public struct TCPSACKBlock: Hashable, Sendable {
    /// Left Edge: the first byte of the block.
    public var start: TCPSeq
    /// Right Edge: the byte after the block's last.
    public var end: TCPSeq

    @inlinable
    public init(start: TCPSeq, end: TCPSeq) {
        self.start = start
        self.end = end
    }

    /// Bytes in the block (0 when the edges are reversed, which a receiver treats as invalid).
    @inlinable
    public var length: Int { Swift.max(0, end - start) }
}
