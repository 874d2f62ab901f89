import NetCore
import WSK

/// The UDP echo service (RFC 862) of `netkernel serve`: one WSK datagram
/// socket, AF_INET6 with IPV6_V6ONLY off and bound to [::]:PORT, so that
/// it serves IPv4 (as v4-mapped addresses) and IPv6 alike. Its
/// WskReceiveFromEvent sends every datagram straight back from inside the
/// callback, out of the indication's own buffer (WskSendTo copies it into
/// the frame inline, so nothing is retained).
///
/// Engine-thread only, like every WSK call made inside a callback.
final class UDPEchoService {
    let registration = WskRegistration()
    let port: UInt16
    private(set) var socket: WskDatagramSocket?
    /// Datagrams echoed, and datagrams whose echo could not be sent.
    private(set) var echoed: UInt64 = 0
    private(set) var failed: UInt64 = 0
    private var registered = false

    init(port: UInt16) { self.port = port }

    /// WskRegister, WskCaptureProviderNPI, WskSocket, IPV6_V6ONLY = 0,
    /// WskBind, SO_WSK_EVENT_CALLBACK. Throws the one line to print.
    func open(_ subsystem: WskSubsystem) throws(CommandFailure) {
        let npi = try WskServiceSetup.register(registration, with: subsystem, name: "UDP echo", registered: &registered)
        let dispatch = WskClientDatagramDispatch { [unowned self] _, _, indication in
            self.echo(indication)
            return .success
        }
        let create = IRP()
        let created = npi.dispatch.wskSocket(npi.client, addressFamily: .inet6, socketType: .datagram, protocolNumber: 17,
                                             flags: .datagramSocket, socketContext: nil, dispatch: dispatch, irp: create)
        guard created == .success, let socket = create.socket as? WskDatagramSocket else {
            throw CommandFailure("UDP echo: WskSocket failed: \(created)")
        }
        self.socket = socket
        try WskServiceSetup.makeDualStack(socket, name: "UDP echo")
        let bound = socket.bind(.v6(.unspecified, port: port), irp: IRP())
        guard bound == .success else { throw CommandFailure("UDP echo: cannot bind [::]:\(port): \(bound)") }
        try WskServiceSetup.enableEvents(.receiveFrom, on: socket, name: "UDP echo")
    }

    /// WskReceiveFromEvent: each datagram of the chain goes back where it came from.
    func echo(_ indication: WskDatagramIndication?) {
        let irp = IRP()
        var current = indication
        while let datagram = current {
            irp.reuse()
            let status = socket?.sendTo(datagram.buffer, remoteAddress: datagram.remoteAddress, irp: irp) ?? .invalidDeviceState
            if status.isSuccess { echoed &+= 1 } else { failed &+= 1 }
            current = datagram.next
        }
    }

    /// WskCloseSocket, then WskReleaseProviderNPI and WskDeregister.
    func close() {
        if let socket {
            _ = socket.closeSocket(IRP())
            self.socket = nil
        }
        if registered {
            registration.releaseProviderNpi()
            registration.deregister()
            registered = false
        }
    }
}
