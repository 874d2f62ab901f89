/// A point on a clock's timeline, in nanoseconds since the clock's own epoch.
///
/// The protocol core never reads a clock itself: every entry point takes the
/// current `Instant`, so the same code runs in real and in virtual time.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's epoch.
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The epoch of a clock: a virtual clock starts here.
    public static let zero = Instant(nanoseconds: 0)

    /// Later than any deadline that will ever be scheduled.
    public static let distantFuture = Instant(nanoseconds: .max)

    @inlinable
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// This instant moved by `nanoseconds`, saturating instead of overflowing.
    @inlinable
    public func advanced(byNanoseconds delta: Int64) -> Instant {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(delta)
        if overflow { return delta > 0 ? .distantFuture : Instant(nanoseconds: .min) }
        return Instant(nanoseconds: sum)
    }

    /// Nanoseconds from `earlier` to this instant (negative if `earlier` is later).
    @inlinable
    public func nanoseconds(since earlier: Instant) -> Int64 { nanoseconds &- earlier.nanoseconds }

    @inlinable
    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        lhs.advanced(byNanoseconds: rhs.nanosecondsClamped)
    }

    @inlinable
    public static func - (lhs: Instant, rhs: Duration) -> Instant {
        lhs.advanced(byNanoseconds: -rhs.nanosecondsClamped)
    }

    @inlinable
    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    public var description: String {
        let ms = Double(nanoseconds) / 1_000_000
        return "\(ms)ms"
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64`.
    @inlinable
    public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds > 0 ? .max : .min }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds > 0 ? .max : .min }
        return sum
    }

    /// The duration in seconds as a floating-point number, for printing.
    @inlinable
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
