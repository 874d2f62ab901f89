import Foundation

/// Work handed to the simulation's thread from other threads — a WSK call
/// made by an async task, a cancel routine — run in order the next time the
/// simulation drains its deferred work, as a real-time engine runs its
/// lock-free submission queue. Waiting for work blocks on a condition that
/// `submit` signals, so a driver can wait for another thread without polling.
public final class SubmissionQueue: @unchecked Sendable {
    // @unchecked: `work` is guarded by `condition`.

    let condition = NSCondition()
    var work: [@Sendable () -> Void] = []

    /// An empty queue.
    public init() {}

    /// Queues `item` to run on the simulation's thread.
    public func submit(_ item: @escaping @Sendable () -> Void) {
        condition.lock()
        work.append(item)
        condition.signal()
        condition.unlock()
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
