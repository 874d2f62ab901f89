/// Why a fragment was not taken, each its own counter. Some let the caller
/// answer the sender (`notMultipleOf8` and `oversize` call for an ICMPv6
/// Parameter Problem, RFC 8200 §4.5); the rest are silent.
///
/// Whatever the reason, the fragment's bytes were not kept, so the caller
/// frees its receive buffer exactly as on success.
public enum ReassemblyDrop: Sendable, Equatable, CaseIterable {
    /// The same fragment again (for IPv4, bytes all already held and equal):
    /// harmless, as networks do duplicate packets, so only this copy goes.
    case duplicate
    /// The fragment overlaps data already held: for IPv4 with different
    /// bytes, for IPv6 at all (RFC 5722). The datagram was discarded.
    case overlap
    /// The IPv6 datagram was already discarded for an overlap; its remaining
    /// fragments are refused until it times out (RFC 5722).
    case discardedDatagram
    /// An empty fragment, an offset not on an 8-byte boundary, or a first
    /// fragment without a usable header. The datagram, if any, is kept.
    case malformed
    /// A fragment with more to follow whose length is not a multiple of 8.
    /// The datagram, if any, is kept.
    case notMultipleOf8
    /// The fragment would make the datagram longer than its length field can
    /// say (65,535 bytes). When it belonged to a datagram held, that was
    /// discarded with it.
    case oversize
    /// A second last fragment giving another total length, or data past the
    /// end a last fragment set. The datagram was discarded.
    case inconsistentLength
    /// `maxFragmentsPerDatagram` was reached. The datagram was discarded.
    case tooManyFragments
    /// `maxDatagrams` are in progress, so no new one may start.
    case tooManyDatagrams
    /// The fragment would take the bytes held past `maxBytes`. When it
    /// belonged to a datagram held, that was discarded.
    case byteLimit
    /// The pool had no slot, because the caller still holds too many
    /// completed datagrams.
    case noBuffer
}
