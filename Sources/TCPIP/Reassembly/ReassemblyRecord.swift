import NDIS
import NetCore

/// The state of one datagram in progress, in a fixed table of the
/// reassembler so that holding a datagram allocates nothing; its fragment
/// ranges sit in the reassembler's range table at the same index.
struct ReassemblyRecord {
    var key: ReassemblyKey
    /// The pool slot the datagram is assembled in; nil once an IPv6 datagram
    /// was discarded for an overlap and only its key is remembered.
    var buffer: NetBuffer?
    var deadline: Instant
    /// Bytes of the unfragmentable part, -1 until the offset-0 fragment arrives.
    var headerLength = -1
    /// IPv6: where in the header the next-header field naming the fragment
    /// header is, to restore the chain on completion.
    var nextHeaderField = -1
    /// The payload length a last fragment set, -1 until one arrives.
    var totalLength = -1
    /// The highest payload end received, which a last fragment may not undercut.
    var extent = 0
    /// Distinct payload bytes received; the datagram is whole when this
    /// reaches `totalLength`, since no range lies past it.
    var received = 0
    /// This datagram's share of `Reassembler.bytesHeld`.
    var bytes = 0
    /// Entries used in its range table.
    var fragmentCount = 0
    /// An IPv6 datagram discarded for an overlap, kept to refuse the rest (RFC 5722).
    var discarded = false
    /// Links of its family's queue, which is in deadline order.
    var previous: Int32 = -1
    var next: Int32 = -1

    init(key: ReassemblyKey, buffer: NetBuffer?, deadline: Instant) {
        self.key = key
        self.buffer = buffer
        self.deadline = deadline
    }

    /// A free entry of the table.
    static var vacant: ReassemblyRecord {
        ReassemblyRecord(
            key: ReassemblyKey(family: .inet, source: .any, destination: .any, protocolNumber: 0, identification: 0),
            buffer: nil, deadline: .zero)
    }
}
