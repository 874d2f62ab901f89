import Foundation

/// Work handed to the simulation's thread from other threads — a WSK call
/// made by an async task, a cancel routine — run in order the next time the
/// simulation drains its deferred work, as a real-time engine runs its
/// lock-free submission queue. A driver can wait for work without polling:
/// `wait(timeout:)` blocks a thread of its own on a condition that `submit`
/// signals; `workAvailable()` suspends an async caller instead, so that a
/// test on Swift's cooperative pool never blocks the threads the submitting
/// tasks need.
public final class SubmissionQueue: @unchecked Sendable {
    // @unchecked: `work` is guarded by `condition`.

    let condition = NSCondition()
    var work: [@Sendable () -> Void] = []
    var waiters: [CheckedContinuation<Void, Never>] = []

    /// An empty queue.
    public init() {}

    /// Queues `item` to run on the simulation's thread.
    public func submit(_ item: @escaping @Sendable () -> Void) {
        condition.lock()
        work.append(item)
        condition.signal()
        let waiting = waiters
        waiters.removeAll()
        condition.unlock()
        for waiter in waiting { waiter.resume() }
    }

    /// Suspends until work is queued (at once if some already is).
    public func workAvailable() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if work.isEmpty {
                waiters.append(continuation)
                condition.unlock()
            } else {
                condition.unlock()
                continuation.resume()
            }
        }
    }

    /// Runs everything queued, including what the work itself queues.
    /// Returns whether anything ran.
    @discardableResult
    public func drain() -> Bool {
        var ran = false
        while true {
            condition.lock()
            let batch = work
            work.removeAll()
            condition.unlock()
            guard !batch.isEmpty else { return ran }
            for item in batch { item() }
            ran = true
        }
    }

    /// Blocks until work is queued or `timeout` of real time passes.
    /// Returns whether work is waiting.
    public func wait(timeout: Duration) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !work.isEmpty { return true }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
        return !work.isEmpty
    }
}
