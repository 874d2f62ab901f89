/// What an engine's loop has done.
public struct EngineStatistics: Sendable, Equatable {
    /// Turns of the loop.
    public var iterations: UInt64 = 0
    /// Times the loop waited in epoll.
    public var waits: UInt64 = 0
    /// Frames the polled miniports handled.
    public var frames: UInt64 = 0
    /// Submissions from other threads run.
    public var submissions: UInt64 = 0
}
