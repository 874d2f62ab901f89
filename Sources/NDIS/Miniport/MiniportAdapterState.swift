/// The miniport adapter states of NDIS 6 (NDIS_MINIPORT_STATE).
public enum MiniportAdapterState: String, Sendable, CaseIterable {
    case halted, shutdown, initializing, paused, restarting, running, pausing

    /// Whether sends and receive indications are allowed (Running, Pausing).
    public var allowsData: Bool { self == .running || self == .pausing }

    /// Whether OID requests are allowed (Paused, Restarting, Running, Pausing).
    public var allowsOids: Bool {
        switch self {
        case .paused, .restarting, .running, .pausing: true
        default: false
        }
    }

    /// The state an event leads to, or nil when NDIS forbids the event in
    /// this state (the transition table of the NDIS miniport state machine).
    public func next(on event: MiniportAdapterEvent) -> MiniportAdapterState? {
        switch (self, event) {
        case (.halted, .initialize): .initializing
        case (.initializing, .initializeSucceeded): .paused
        case (.initializing, .initializeFailed): .halted
        case (.paused, .shutdown), (.restarting, .shutdown), (.running, .shutdown), (.pausing, .shutdown): .shutdown
        case (.paused, .halt): .halted
        case (.paused, .restart): .restarting
        case (.restarting, .restartSucceeded): .running
        case (.restarting, .restartFailed): .paused
        case (.running, .pause): .pausing
        case (.pausing, .pauseCompleted): .paused
        default: nil
        }
    }
}

/// What drives the adapter state machine: a handler NDIS calls, or its completion.
public enum MiniportAdapterEvent: String, Sendable, CaseIterable {
    /// MiniportInitializeEx called.
    case initialize
    case initializeSucceeded
    case initializeFailed
    /// MiniportShutdownEx called.
    case shutdown
    /// MiniportHaltEx called.
    case halt
    /// MiniportRestart called.
    case restart
    case restartSucceeded
    case restartFailed
    /// MiniportPause called.
    case pause
    /// The pause finished (inline, or by NdisMPauseComplete).
    case pauseCompleted
}
