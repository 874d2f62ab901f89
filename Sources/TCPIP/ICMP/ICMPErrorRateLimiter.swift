import NetCore

/// A token bucket for ICMP error messages (RFC 1812 §4.3.2.8, RFC 4443 §2.4f):
/// at most `burst` at once and `perSecond` on average, so a flood of bad
/// packets cannot turn the stack into a flood of errors.
public struct ICMPErrorRateLimiter: Sendable {
    /// Errors allowed per second on average.
    public let perSecond: Int
    /// Errors allowed back to back.
    public let burst: Int
    var tokens: Double
    var updated: Instant

    public init(perSecond: Int, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
        tokens = Double(burst)
        updated = .zero
    }

    /// Takes a token if one is left at `now`.
    public mutating func allow(now: Instant) -> Bool {
        let elapsed = Double(max(0, now.nanoseconds(since: updated))) / 1e9
        tokens = min(Double(burst), tokens + elapsed * Double(perSecond))
        updated = max(updated, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
