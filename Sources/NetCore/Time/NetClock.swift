/// A source of the current `Instant`: the system's monotonic clock in real
/// time, or a `VirtualClock` that a simulation moves by hand.
///
/// Only the edge of the system (an engine loop, a simulator) reads a clock;
/// the protocol core is handed the time.
public protocol NetClock: AnyObject {
    /// The current instant on this clock.
    var now: Instant { get }
}
