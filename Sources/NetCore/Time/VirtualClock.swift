/// A clock that moves only when told to, for deterministic simulation.
///
/// Not thread-safe by design: a simulation runs on one thread.
public final class VirtualClock: NetClock {
    public private(set) var now: Instant

    public init(start: Instant = .zero) { now = start }

    /// Moves the clock to `instant`; a clock never runs backwards, so an
    /// earlier instant is ignored.
    public func advance(to instant: Instant) {
        if instant > now { now = instant }
    }

    /// Moves the clock forward by `duration` (a negative one is ignored).
    public func advance(by duration: Duration) {
        advance(to: now + duration)
    }
}
