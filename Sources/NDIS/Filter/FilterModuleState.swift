/// The states of a filter module (one instance of a filter driver on one adapter).
public enum FilterModuleState: String, Sendable, CaseIterable {
    case detached, attaching, paused, restarting, running, pausing

    /// Send and receive pass through only while Running or Pausing.
    public var allowsData: Bool { self == .running || self == .pausing }

    /// The state an event leads to, or nil when NDIS forbids it here.
    public func next(on event: FilterModuleEvent) -> FilterModuleState? {
        switch (self, event) {
        case (.detached, .attach): .attaching
        case (.attaching, .attachSucceeded): .paused
        case (.attaching, .attachFailed): .detached
        case (.paused, .detach): .detached
        case (.paused, .restart): .restarting
        case (.restarting, .restartSucceeded): .running
        case (.restarting, .restartFailed): .paused
        case (.running, .pause): .pausing
        case (.pausing, .pauseCompleted): .paused
        default: nil
        }
    }
}

/// What drives a filter module's state machine.
public enum FilterModuleEvent: String, Sendable, CaseIterable {
    case attach, attachSucceeded, attachFailed, detach, restart, restartSucceeded, restartFailed, pause, pauseCompleted
}
