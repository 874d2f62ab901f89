import WSK

/// The steps every serve service and the connect client take with WSK, each
/// failing with the one line to print: WskRegister with
/// WskCaptureProviderNPI, IPV6_V6ONLY off, and SO_WSK_EVENT_CALLBACK.
enum WskServiceSetup {
    /// WskRegister, then WskCaptureProviderNPI without waiting (the engine's subsystem is ready).
    /// `registered` is set as soon as the registration took, so a failed capture still deregisters.
    static func register(_ registration: WskRegistration, with subsystem: WskSubsystem, name: String,
                         registered: inout Bool) throws(CommandFailure) -> WskProviderNpi {
        guard registration.register(WskClientNpi(), with: subsystem) == .success else {
            throw CommandFailure("\(name): WskRegister failed")
        }
        registered = true
        var npi: WskProviderNpi?
        let captured = registration.captureProviderNpi(waitTimeout: .noWait, &npi)
        guard captured == .success, let npi else { throw CommandFailure("\(name): WskCaptureProviderNPI failed: \(captured)") }
        return npi
    }

    /// IPV6_V6ONLY = 0 before bind: one AF_INET6 socket for both families.
    static func makeDualStack(_ socket: WskSocket, name: String) throws(CommandFailure) {
        var off: UInt32 = 0
        let status = withUnsafeBytes(of: &off) {
            socket.controlSocket(.setOption, controlCode: WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: IRP())
        }
        guard status == .success else { throw CommandFailure("\(name): IPV6_V6ONLY off failed: \(status)") }
    }

    /// SO_WSK_EVENT_CALLBACK with `mask`.
    static func enableEvents(_ mask: WskEventMask, on socket: WskSocket, name: String) throws(CommandFailure) {
        let status = WskEventCallbackControl(eventMask: mask).bytes.withUnsafeBytes {
            socket.controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        }
        guard status == .success else { throw CommandFailure("\(name): SO_WSK_EVENT_CALLBACK failed: \(status)") }
    }
}
