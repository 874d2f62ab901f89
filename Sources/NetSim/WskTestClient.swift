import NetCore
import WSK

/// A WSK client registered with one host's subsystem, with the provider
/// NPI captured: what a driver does at load (WskRegister,
/// WskCaptureProviderNPI), packaged for scenarios, benchmarks and tests.
public final class WskTestClient {
    /// The registration block.
    public let registration = WskRegistration()
    /// The captured provider NPI.
    public let npi: WskProviderNpi

    /// Registers with `subsystem` and captures its NPI, which must be ready.
    public init(_ subsystem: WskSubsystem) {
        var npi: WskProviderNpi?
        precondition(registration.register(WskClientNpi(), with: subsystem) == .success, "a fresh block registers")
        precondition(registration.captureProviderNpi(waitTimeout: .noWait, &npi) == .success,
                     "a simulated host's WSK subsystem is ready")
        self.npi = npi!
    }

    /// WskSocket for a UDP datagram socket, completed inline.
    public func datagramSocket(family: AddressFamily, dispatch: WskClientDatagramDispatch? = nil,
                               socketContext: AnyObject? = nil) -> WskDatagramSocket {
        let irp = IRP()
        let status = npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .datagram,
                                            protocolNumber: 17, flags: .datagramSocket, socketContext: socketContext,
                                            dispatch: dispatch, irp: irp)
        precondition(status == .success, "a datagram socket is always available: \(status)")
        return irp.socket as! WskDatagramSocket
    }

    /// Releases the capture and deregisters; every socket must be closed.
    /// A socket left open stops the process at once: WskDeregister would
    /// otherwise wait for it for ever, and a test run would hang instead of failing.
    public func close() {
        let open = registration.openSockets
        precondition(open == 0, "WskTestClient.close: \(open) socket(s) still open; WskDeregister would wait for ever")
        registration.releaseProviderNpi()
        registration.deregister()
    }
}
