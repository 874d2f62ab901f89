/// A handle to a timer scheduled on a `TimerWheel`.
///
/// The wheel recycles its node storage, so an index alone could name a later,
/// unrelated timer; the generation, bumped each time a node is freed, lets the
/// wheel recognise a handle whose timer has already fired or been cancelled.
/// A handle is only meaningful to the wheel that issued it.
public struct TimerID: Hashable, Sendable, CustomStringConvertible {
    /// Index of the timer's node in the wheel's node storage.
    @usableFromInline
    internal let index: Int32

    /// The node's generation when this timer was scheduled.
    @usableFromInline
    internal let generation: UInt32

    @inlinable
    internal init(index: Int32, generation: UInt32) {
        self.index = index
        self.generation = generation
    }

    /// `TimerID(index#generation)`, enough to tell handles apart in a trace.
    public var description: String { "TimerID(\(index)#\(generation))" }
}
