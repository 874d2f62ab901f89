import NetCore

/// Frames in flight on a wire, ordered by arrival time and then by the order
/// they were sent, so a run replays identically. A binary heap in one array
/// that keeps its capacity: queueing a frame does not allocate.
struct DeliveryQueue {
    struct Entry {
        var arrival: Instant
        var sequence: UInt64
        var port: Int
        var frame: NetBufferList
    }

    private(set) var entries: [Entry] = []

    init(capacity: Int) { entries.reserveCapacity(capacity) }

    var count: Int { entries.count }
    var first: Entry? { entries.first }

    static func before(_ a: Entry, _ b: Entry) -> Bool {
        a.arrival != b.arrival ? a.arrival < b.arrival : a.sequence < b.sequence
    }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard DeliveryQueue.before(entries[child], entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { break }
            var best = left
            if left + 1 < entries.count && DeliveryQueue.before(entries[left + 1], entries[left]) { best = left + 1 }
            guard DeliveryQueue.before(entries[best], entries[parent]) else { break }
            entries.swapAt(best, parent)
            parent = best
        }
        return top
    }
}
