/// The client object (PWSK_CLIENT): the binding between one registration
/// and the subsystem, passed back to every provider-level call.
public final class WskClient: @unchecked Sendable {
    // @unchecked: `registration` is cleared under the subsystem's condition
    // at deregistration; the rest never changes.

    /// The registration it belongs to, until deregistration completes.
    weak var registration: WskRegistration?
    /// The subsystem providing it.
    public unowned let subsystem: WskSubsystem

    init(registration: WskRegistration, subsystem: WskSubsystem) {
        self.registration = registration
        self.subsystem = subsystem
    }
}
