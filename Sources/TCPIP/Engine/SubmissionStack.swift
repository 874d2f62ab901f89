import Synchronization

/// The engine's multi-producer, single-consumer queue of work from other
/// threads: a lock-free stack (one compare-and-swap per submission), drained
/// whole by the engine thread and run oldest first.
final class SubmissionStack: Sendable {
    /// One submission; a class so the stack can link nodes by address.
    final class Node: @unchecked Sendable {
        // @unchecked: `next` is written only before the node is published
        // and read only after the consumer took the whole list.
        let work: @Sendable () -> Void
        var next: Node?
        init(_ work: @escaping @Sendable () -> Void) { self.work = work }
    }

    /// The newest node, as an unmanaged pointer's bits (0 when empty).
    private let head = Atomic<UInt>(0)

    /// Pushes `work`; safe from any thread. Returns whether the stack was
    /// empty, so the caller knows the consumer may need waking.
    @discardableResult
    func push(_ work: @escaping @Sendable () -> Void) -> Bool {
        let node = Node(work)
        let bits = UInt(bitPattern: Unmanaged.passRetained(node).toOpaque())
        var old = head.load(ordering: .relaxed)
        while true {
            node.next = old == 0 ? nil : Unmanaged<Node>.fromOpaque(UnsafeRawPointer(bitPattern: old)!).takeUnretainedValue()
            let (exchanged, current) = head.compareExchange(expected: old, desired: bits, ordering: .acquiringAndReleasing)
            if exchanged {
                // The old head was kept alive by the stack's reference; it is
                // now kept by `node.next`, so the stack's reference goes.
                if old != 0 { Unmanaged<Node>.fromOpaque(UnsafeRawPointer(bitPattern: old)!).release() }
                return old == 0
            }
            old = current
        }
    }

    /// Takes everything pushed so far and runs it, oldest first. Engine thread only.
    @discardableResult
    func drain() -> Int {
        let bits = head.exchange(0, ordering: .acquiringAndReleasing)
        guard bits != 0 else { return 0 }
        var newest: Node? = Unmanaged<Node>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).takeRetainedValue()
        var oldestFirst: Node?
        while let node = newest {
            newest = node.next
            node.next = oldestFirst
            oldestFirst = node
        }
        var count = 0
        while let node = oldestFirst {
            oldestFirst = node.next
            node.next = nil
            node.work()
            count += 1
        }
        return count
    }

    deinit {
        let bits = head.exchange(0, ordering: .acquiringAndReleasing)
        guard bits != 0 else { return }
        // Unlinked one by one, so a long backlog is not freed recursively.
        var node: Node? = Unmanaged<Node>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).takeRetainedValue()
        while let current = node {
            node = current.next
            current.next = nil
        }
    }
}
