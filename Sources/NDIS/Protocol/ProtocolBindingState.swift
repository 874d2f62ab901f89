/// The states of a protocol binding to an adapter.
public enum ProtocolBindingState: String, Sendable, CaseIterable {
    case unbound, opening, paused, restarting, running, pausing, closing

    /// Sends are accepted only while Running.
    public var allowsSend: Bool { self == .running }

    /// The state an event leads to, or nil when NDIS forbids it here.
    public func next(on event: ProtocolBindingEvent) -> ProtocolBindingState? {
        switch (self, event) {
        case (.unbound, .bind): .opening
        case (.opening, .openSucceeded): .paused
        case (.opening, .openFailed): .unbound
        case (.paused, .restart): .restarting
        case (.restarting, .restartSucceeded): .running
        case (.restarting, .restartFailed): .paused
        case (.running, .pause): .pausing
        case (.pausing, .pauseCompleted): .paused
        case (.paused, .unbind): .closing
        case (.closing, .closeCompleted): .unbound
        default: nil
        }
    }
}

/// What drives a protocol binding's state machine.
public enum ProtocolBindingEvent: String, Sendable, CaseIterable {
    case bind, openSucceeded, openFailed, restart, restartSucceeded, restartFailed, pause, pauseCompleted, unbind, closeCompleted
}
