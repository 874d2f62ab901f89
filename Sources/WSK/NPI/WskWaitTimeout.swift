/// WskCaptureProviderNPI's WaitTimeout: WSK_NO_WAIT, WSK_INFINITE_WAIT, or
/// a number of milliseconds.
public enum WskWaitTimeout: Sendable, Equatable {
    /// WSK_NO_WAIT (0): never block.
    case noWait
    /// WSK_INFINITE_WAIT (0xFFFFFFFF): block until the provider is ready or
    /// the registration is deregistered.
    case infinite
    /// Block at most this many milliseconds.
    case milliseconds(UInt32)

    /// The ULONG a Windows client passes.
    public init(rawValue: UInt32) {
        switch rawValue {
        case 0: self = .noWait
        case 0xFFFF_FFFF: self = .infinite
        default: self = .milliseconds(rawValue)
        }
    }
}
