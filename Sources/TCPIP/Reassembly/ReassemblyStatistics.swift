/// Reassembly counters (the "Reassembly Required / OK / Failures" of
/// `netstat -s`, with each failure by its reason).
public struct ReassemblyStatistics: Sendable, Equatable {
    /// Every fragment handed to `add`, whatever became of it.
    public var fragmentsReceived: UInt64 = 0
    /// Datagrams completed from more than one fragment.
    public var datagramsReassembled: UInt64 = 0
    /// Offset 0 with no more fragments (RFC 6946 atomic fragments for IPv6),
    /// returned whole without touching any datagram in progress.
    public var atomicFragments: UInt64 = 0
    /// Duplicate fragments ignored.
    public var duplicates: UInt64 = 0
    /// Datagrams discarded for overlapping fragments.
    public var overlaps: UInt64 = 0
    /// IPv6 fragments refused because their datagram was discarded for an overlap.
    public var refusedAfterOverlap: UInt64 = 0
    /// Datagrams that timed out incomplete (not counting IPv6 datagrams
    /// already discarded for an overlap, which go silently).
    public var timeouts: UInt64 = 0
    /// Fragments empty, misaligned, or first fragments without a usable header.
    public var malformed: UInt64 = 0
    /// Non-last fragments whose length is not a multiple of 8.
    public var notMultipleOf8: UInt64 = 0
    /// Fragments that would make a datagram over 65,535 bytes.
    public var oversize: UInt64 = 0
    /// Fragments disagreeing with the total length a last fragment set.
    public var inconsistentLength: UInt64 = 0
    /// Fragments refused because `maxDatagrams` were in progress.
    public var droppedDatagramLimit: UInt64 = 0
    /// Fragments refused because of `maxBytes`.
    public var droppedByteLimit: UInt64 = 0
    /// Fragments refused because their datagram had `maxFragmentsPerDatagram`.
    public var droppedFragmentLimit: UInt64 = 0
    /// Fragments refused because the pool was empty.
    public var droppedNoBuffer: UInt64 = 0
    /// Datagrams discarded before completion for any reason but a timeout
    /// (overlap, inconsistency, a limit); `removeAll` does not count.
    public var datagramsDiscarded: UInt64 = 0

    /// All zero.
    public init() {}
}
