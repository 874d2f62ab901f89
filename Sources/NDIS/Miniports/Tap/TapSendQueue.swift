/// Sends waiting for a TAP queue to become writable again: a bounded ring,
/// allocated once, like a NIC's transmit ring. Each entry is a list the
/// miniport owns until it completes it, and the NetBuffer of that list to
/// write next (the ones before it have gone).
struct TapSendQueue {
    struct Entry {
        var list: NetBufferList
        var next: NetBuffer
    }

    private var ring: [Entry?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        ring = Array(repeating: nil, count: max(1, capacity))
    }

    var capacity: Int { ring.count }
    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == ring.count }

    var first: Entry? { count == 0 ? nil : ring[head] }

    /// Appends at the tail; false when full.
    mutating func push(_ entry: Entry) -> Bool {
        guard count < ring.count else { return false }
        ring[(head + count) % ring.count] = entry
        count += 1
        return true
    }

    /// Moves the head entry's cursor after a partial flush.
    mutating func updateFirst(next: NetBuffer) {
        precondition(count > 0)
        ring[head]?.next = next
    }

    mutating func popFirst() -> Entry? {
        guard count > 0 else { return nil }
        let entry = ring[head]
        ring[head] = nil
        head = (head + 1) % ring.count
        count -= 1
        return entry
    }

    /// Removes the entries `matching` returns true for, keeping the order of the rest.
    mutating func remove(where matching: (Entry) -> Bool) -> [Entry] {
        var removed: [Entry] = []
        var kept: [Entry] = []
        while let entry = popFirst() {
            if matching(entry) { removed.append(entry) } else { kept.append(entry) }
        }
        for entry in kept { _ = push(entry) }
        return removed
    }
}
