import NetCore
import TCPIP

/// WSK_PROVIDER_DISPATCH: the provider-level calls a captured NPI offers.
/// Every call takes the client object first, as in Windows.
public struct WskProviderDispatch: Sendable {
    /// Version: the WSK version this dispatch implements.
    public let version: WskVersion

    /// WskSocket: makes a socket of the category in `flags` (0 for basic).
    /// The IRP completes with the socket in `irp.socket`. Basic sockets take
    /// SOCK_STREAM+TCP, SOCK_DGRAM+UDP or SOCK_RAW; datagram sockets
    /// SOCK_DGRAM+UDP. Listen, connection and stream sockets and raw
    /// datagram sockets return STATUS_NOT_SUPPORTED (TCP is not there yet);
    /// other combinations, or several category flags, STATUS_INVALID_PARAMETER;
    /// a client whose registration is gone, STATUS_INVALID_DEVICE_STATE.
    public func wskSocket(_ client: WskClient, addressFamily: AddressFamily, socketType: WskSocketType,
                          protocolNumber: UInt32, flags: WskSocketFlags, socketContext: AnyObject?,
                          dispatch: WskClientDatagramDispatch?, owningProcess: AnyObject? = nil,
                          owningThread: AnyObject? = nil, securityDescriptor: AnyObject? = nil, irp: IRP) -> NTStatus {
        let udp = UInt32(IPProtocol.udp.rawValue)
        let tcp = UInt32(IPProtocol.tcp.rawValue)
        let status: NTStatus
        switch flags {
        case .basicSocket:
            let valid = (socketType == .stream && protocolNumber == tcp) || (socketType == .datagram && protocolNumber == udp)
                || socketType == .raw
            status = valid ? .success : .invalidParameter
        case .datagramSocket:
            if socketType == .datagram && protocolNumber == udp {
                status = .success
            } else {
                status = socketType == .raw ? .notSupported : .invalidParameter
            }
        case .listenSocket, .connectionSocket, .streamSocket:
            status = socketType == .stream && protocolNumber == tcp ? .notSupported : .invalidParameter
        default:
            status = .invalidParameter
        }
        guard status.isSuccess else {
            irp.complete(status: status)
            return status
        }
        guard let registration = client.registration, registration.socketOpened() else {
            irp.complete(status: .invalidDeviceState)
            return .invalidDeviceState
        }
        let socket: WskSocket
        if flags == .datagramSocket {
            socket = WskDatagramSocket(client: client, registration: registration, addressFamily: addressFamily,
                                       socketContext: socketContext, dispatch: dispatch)
        } else {
            socket = WskSocket(client: client, registration: registration, addressFamily: addressFamily,
                               socketType: socketType, protocolNumber: protocolNumber, category: flags,
                               socketContext: socketContext)
        }
        client.subsystem.socketOpened()
        irp.complete(status: .success, socket: socket)
        return .success
    }

    /// WskSocketConnect: create, bind and connect a connection socket in one
    /// call — STATUS_NOT_SUPPORTED until TCP arrives.
    public func wskSocketConnect(_ client: WskClient, socketType: WskSocketType, protocolNumber: UInt32,
                                 localAddress: SocketAddress, remoteAddress: SocketAddress, flags: UInt32,
                                 socketContext: AnyObject?, irp: IRP) -> NTStatus {
        irp.complete(status: .notSupported)
        return .notSupported
    }

    /// WskControlClient: WSK_TRANSPORT_LIST_QUERY (no IRP) fills `output`
    /// with WSK_TRANSPORT records, or answers STATUS_BUFFER_OVERFLOW with
    /// the size needed in `outputSizeReturned`. Anything else — static event
    /// callbacks included, which are not built — is STATUS_NOT_SUPPORTED; an
    /// IRP where none may be given, STATUS_INVALID_PARAMETER.
    public func wskControlClient(_ client: WskClient, controlCode: UInt32, input: UnsafeRawBufferPointer?,
                                 output: UnsafeMutableRawBufferPointer?, outputSizeReturned: UnsafeMutablePointer<Int>?,
                                 irp: IRP?) -> NTStatus {
        let status: NTStatus
        switch controlCode {
        case WskControlCode.transportListQuery:
            guard irp == nil else { status = .invalidParameter; break }
            let records = WskTransport.available.flatMap(\.bytes)
            outputSizeReturned?.pointee = records.count
            guard let output, output.count >= records.count else { return .bufferOverflow }
            output.copyBytes(from: records)
            return .success
        default:
            status = .notSupported
        }
        irp?.complete(status: status)
        return status
    }
}
