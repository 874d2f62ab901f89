import Foundation
import NetCore

/// WSK_REGISTRATION: one client's registration with a WSK subsystem, from
/// WskRegister to WskDeregister, and the captures of the provider NPI made
/// through it.
///
/// Capture may wait for the provider; deregistration waits until every
/// capture is released and every socket of the client closed. Both block
/// the calling thread, so — as in Windows, where they need PASSIVE_LEVEL —
/// they must not be called on the engine thread while that thread is
/// needed to close the sockets.
public final class WskRegistration: @unchecked Sendable {
    // @unchecked: every field is guarded by the subsystem's condition.

    var subsystem: WskSubsystem?
    var clientNpi = WskClientNpi()
    var registered = false
    var deregistering = false
    var captures = 0
    var sockets = 0
    /// The client object handed out by captures; one per registration.
    var client: WskClient?

    /// An unregistered block, as a driver allocates its WSK_REGISTRATION.
    public init() {}

    /// WskRegister: registers `clientNpi` with `subsystem`. Does not wait
    /// for the provider. STATUS_INVALID_PARAMETER when this block is
    /// already registered and not yet deregistered.
    public func register(_ clientNpi: WskClientNpi, with subsystem: WskSubsystem) -> NTStatus {
        subsystem.condition.lock()
        defer { subsystem.condition.unlock() }
        if let current = self.subsystem, registered {
            _ = current
            return .invalidParameter
        }
        self.subsystem = subsystem
        self.clientNpi = clientNpi
        registered = true
        deregistering = false
        captures = 0
        sockets = 0
        client = WskClient(registration: self, subsystem: subsystem)
        return .success
    }

    /// WskCaptureProviderNPI: the provider NPI, once the provider is ready.
    /// STATUS_NOINTERFACE when the provider does not implement the
    /// requested version; STATUS_DEVICE_NOT_READY when it is not ready
    /// within `waitTimeout`, or the registration is not registered or being
    /// deregistered (which also wakes a waiting capture).
    public func captureProviderNpi(waitTimeout: WskWaitTimeout, _ providerNpi: inout WskProviderNpi?) -> NTStatus {
        guard let subsystem else { return .deviceNotReady }
        let condition = subsystem.condition
        condition.lock()
        defer { condition.unlock() }
        guard registered, !deregistering, let client else { return .deviceNotReady }
        let requested = clientNpi.dispatch.version
        let supported = subsystem.characteristics
        guard requested.major == supported.highestVersion.major, requested <= supported.highestVersion,
              requested >= supported.lowestVersion else { return .noInterface }
        var deadline: Date?
        if case .milliseconds(let ms) = waitTimeout { deadline = Date(timeIntervalSinceNow: Double(ms) / 1000) }
        while !subsystem.ready {
            switch waitTimeout {
            case .noWait:
                return .deviceNotReady
            case .infinite:
                condition.wait()
            case .milliseconds:
                if !condition.wait(until: deadline!) && !subsystem.ready { return .deviceNotReady }
            }
            if deregistering || !registered { return .deviceNotReady }
        }
        captures += 1
        providerNpi = WskProviderNpi(client: client, dispatch: WskProviderDispatch(version: supported.highestVersion))
        return .success
    }

    /// WskReleaseProviderNPI: ends one capture. The provider dispatch from
    /// it must not be used again.
    public func releaseProviderNpi() {
        guard let subsystem else { return }
        subsystem.condition.lock()
        if captures > 0 { captures -= 1 }
        subsystem.condition.broadcast()
        subsystem.condition.unlock()
    }

    /// WskQueryProviderCharacteristics: the versions the provider supports.
    /// STATUS_DEVICE_NOT_READY when not registered.
    public func queryProviderCharacteristics(_ characteristics: inout WskProviderCharacteristics?) -> NTStatus {
        guard let subsystem else { return .deviceNotReady }
        subsystem.condition.lock()
        defer { subsystem.condition.unlock() }
        guard registered else { return .deviceNotReady }
        characteristics = subsystem.characteristics
        return .success
    }

    /// Sockets made through this registration and not yet closed (WskDeregister waits for them).
    public var openSockets: Int {
        guard let subsystem else { return 0 }
        subsystem.condition.lock()
        defer { subsystem.condition.unlock() }
        return sockets
    }

    /// WskDeregister: fails every later capture, wakes waiting ones, and
    /// blocks until every capture is released and every socket closed.
    public func deregister() {
        guard let subsystem else { return }
        let condition = subsystem.condition
        condition.lock()
        defer { condition.unlock() }
        guard registered else { return }
        deregistering = true
        condition.broadcast()
        while captures > 0 || sockets > 0 { condition.wait() }
        registered = false
        deregistering = false
        client?.registration = nil
        client = nil
    }

    /// Whether the registration is in force (between WskRegister and the
    /// end of WskDeregister).
    public var isRegistered: Bool {
        guard let subsystem else { return false }
        subsystem.condition.lock()
        defer { subsystem.condition.unlock() }
        return registered
    }

    /// Counts a socket of this client; false while deregistering, when no
    /// new socket may be made.
    func socketOpened() -> Bool {
        guard let subsystem else { return false }
        subsystem.condition.lock()
        defer { subsystem.condition.unlock() }
        guard registered, !deregistering else { return false }
        sockets += 1
        return true
    }

    /// A socket of this client closed: a waiting deregistration may finish.
    func socketClosed() {
        guard let subsystem else { return }
        subsystem.condition.lock()
        sockets -= 1
        subsystem.condition.broadcast()
        subsystem.condition.unlock()
    }
}
