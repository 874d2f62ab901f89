import NetCore
import TCPIP
import WSK

/// A WSK client on one simulated host, as the WSK benches drive it:
/// registered, the provider NPI captured, and one IRP reused (IoReuseIrp)
/// for every socket-level call, so the client itself allocates nothing per
/// call and what the benches count is the provider's doing.
final class WskBenchClient {
    let registration = WskRegistration()
    let npi: WskProviderNpi
    let irp = IRP()

    /// Registers with `host`'s WSK subsystem, which is always ready in a simulation.
    init(host: SimHost) {
        var captured: WskProviderNpi?
        let registered = registration.register(WskClientNpi(), with: host.wsk)
        let status = registration.captureProviderNpi(waitTimeout: .noWait, &captured)
        precondition(registered == .success && status == .success, "a simulated host's WSK is ready")
        npi = captured!
    }

    /// WskSocket for an IPv4 UDP datagram socket.
    func datagramSocket(dispatch: WskClientDatagramDispatch? = nil) -> WskDatagramSocket {
        irp.reuse()
        let status = npi.dispatch.wskSocket(npi.client, addressFamily: .inet, socketType: .datagram,
                                            protocolNumber: UInt32(IPProtocol.udp.rawValue), flags: .datagramSocket,
                                            socketContext: nil, dispatch: dispatch, irp: irp)
        precondition(status == .success, "WskSocket for a datagram socket: \(status)")
        let socket = irp.socket as! WskDatagramSocket
        // IoReuseIrp now, so the IRP does not keep the socket alive after it closes.
        irp.reuse()
        return socket
    }

    /// WskBind.
    func bind(_ socket: WskDatagramSocket, to address: SocketAddress) {
        irp.reuse()
        let status = socket.bind(address, irp: irp)
        precondition(status == .success, "WskBind to \(address): \(status)")
    }

    /// WskCloseSocket.
    func close(_ socket: WskDatagramSocket) {
        irp.reuse()
        let status = socket.closeSocket(irp)
        precondition(status == .success, "WskCloseSocket: \(status)")
    }

    /// SO_WSK_EVENT_CALLBACK with WSK_EVENT_RECEIVE_FROM.
    func enableReceiveFromEvent(_ socket: WskDatagramSocket) {
        let control = WskEventCallbackControl(eventMask: .receiveFrom).bytes
        irp.reuse()
        let status = control.withUnsafeBytes {
            socket.controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: irp)
        }
        precondition(status == .success, "SO_WSK_EVENT_CALLBACK: \(status)")
    }
}
