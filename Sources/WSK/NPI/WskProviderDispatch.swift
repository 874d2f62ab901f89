import NetCore
import TCPIP

/// WSK_PROVIDER_DISPATCH: the provider-level calls a captured NPI offers.
/// Every call takes the client object first, as in Windows.
public struct WskProviderDispatch: Sendable {
    /// Version: the WSK version this dispatch implements.
    public let version: WskVersion

    /// WskSocket: makes a socket of the category in `flags` (0 for basic).
    /// The IRP completes with the socket in `irp.socket`: a `WskSocket`
    /// (basic), `WskDatagramSocket`, `WskListenSocket`,
    /// `WskConnectionSocket` or `WskStreamSocket`. Basic sockets take
    /// SOCK_STREAM+TCP, SOCK_DGRAM+UDP or SOCK_RAW; datagram sockets
    /// SOCK_DGRAM+UDP (raw ones return STATUS_NOT_SUPPORTED); listen,
    /// connection and stream sockets SOCK_STREAM+TCP. Other combinations,
    /// or several category flags, are STATUS_INVALID_PARAMETER; a client
    /// whose registration is gone gets STATUS_INVALID_DEVICE_STATE. This
    /// form takes a datagram socket's callbacks (nil for any category);
    /// the overloads below take the other categories'.
    public func wskSocket(_ client: WskClient, addressFamily: AddressFamily, socketType: WskSocketType,
                          protocolNumber: UInt32, flags: WskSocketFlags, socketContext: AnyObject?,
                          dispatch: WskClientDatagramDispatch?, owningProcess: AnyObject? = nil,
                          owningThread: AnyObject? = nil, securityDescriptor: AnyObject? = nil, irp: IRP) -> NTStatus {
        let callbacks: ClientSocketDispatch = dispatch.map { .datagram($0) } ?? .none
        return makeSocket(client, addressFamily: addressFamily, socketType: socketType, protocolNumber: protocolNumber,
                          flags: flags, socketContext: socketContext, dispatch: callbacks, irp: irp)
    }

    /// WskSocket for a listening socket with its callbacks (WSK_CLIENT_LISTEN_DISPATCH);
    /// STATUS_INVALID_PARAMETER for another category.
    public func wskSocket(_ client: WskClient, addressFamily: AddressFamily, socketType: WskSocketType,
                          protocolNumber: UInt32, flags: WskSocketFlags, socketContext: AnyObject?,
                          dispatch: WskClientListenDispatch, owningProcess: AnyObject? = nil,
                          owningThread: AnyObject? = nil, securityDescriptor: AnyObject? = nil, irp: IRP) -> NTStatus {
        makeSocket(client, addressFamily: addressFamily, socketType: socketType, protocolNumber: protocolNumber,
                   flags: flags, socketContext: socketContext, dispatch: .listen(dispatch), irp: irp)
    }

    /// WskSocket for a connection socket with its callbacks
    /// (WSK_CLIENT_CONNECTION_DISPATCH); STATUS_INVALID_PARAMETER for another category.
    public func wskSocket(_ client: WskClient, addressFamily: AddressFamily, socketType: WskSocketType,
                          protocolNumber: UInt32, flags: WskSocketFlags, socketContext: AnyObject?,
                          dispatch: WskClientConnectionDispatch, owningProcess: AnyObject? = nil,
                          owningThread: AnyObject? = nil, securityDescriptor: AnyObject? = nil, irp: IRP) -> NTStatus {
        makeSocket(client, addressFamily: addressFamily, socketType: socketType, protocolNumber: protocolNumber,
                   flags: flags, socketContext: socketContext, dispatch: .connection(dispatch), irp: irp)
    }

    /// WskSocket for a stream socket with its callbacks
    /// (WSK_CLIENT_STREAM_DISPATCH); STATUS_INVALID_PARAMETER for another category.
    public func wskSocket(_ client: WskClient, addressFamily: AddressFamily, socketType: WskSocketType,
                          protocolNumber: UInt32, flags: WskSocketFlags, socketContext: AnyObject?,
                          dispatch: WskClientStreamDispatch, owningProcess: AnyObject? = nil,
                          owningThread: AnyObject? = nil, securityDescriptor: AnyObject? = nil, irp: IRP) -> NTStatus {
        makeSocket(client, addressFamily: addressFamily, socketType: socketType, protocolNumber: protocolNumber,
                   flags: flags, socketContext: socketContext, dispatch: .stream(dispatch), irp: irp)
    }

    /// The `const VOID *Dispatch` of WskSocket, typed per category.
    enum ClientSocketDispatch {
        case none
        case datagram(WskClientDatagramDispatch)
        case listen(WskClientListenDispatch)
        case connection(WskClientConnectionDispatch)
        case stream(WskClientStreamDispatch)

        /// Whether the table fits the category (none fits every one).
        func fits(_ flags: WskSocketFlags) -> Bool {
            switch self {
            case .none: true
            case .datagram: flags == .datagramSocket || flags == .basicSocket
            case .listen: flags == .listenSocket
            case .connection: flags == .connectionSocket
            case .stream: flags == .streamSocket
            }
        }
    }

    /// The validity of a category, type and protocol triple (WSK §2.1).
    static func check(flags: WskSocketFlags, socketType: WskSocketType, protocolNumber: UInt32) -> NTStatus {
        let tcp = socketType == .stream && protocolNumber == WskProtocol.tcp
        switch flags {
        case .basicSocket:
            let valid = tcp || (socketType == .datagram && protocolNumber == WskProtocol.udp) || socketType == .raw
            return valid ? .success : .invalidParameter
        case .datagramSocket:
            if socketType == .datagram && protocolNumber == WskProtocol.udp { return .success }
            return socketType == .raw ? .notSupported : .invalidParameter
        case .listenSocket, .connectionSocket, .streamSocket:
            return tcp ? .success : .invalidParameter
        default:
            return .invalidParameter
        }
    }

    func makeSocket(_ client: WskClient, addressFamily: AddressFamily, socketType: WskSocketType,
                    protocolNumber: UInt32, flags: WskSocketFlags, socketContext: AnyObject?,
                    dispatch: ClientSocketDispatch, irp: IRP) -> NTStatus {
        var status = Self.check(flags: flags, socketType: socketType, protocolNumber: protocolNumber)
        if status.isSuccess && !dispatch.fits(flags) { status = .invalidParameter }
        guard status.isSuccess else {
            irp.complete(status: status)
            return status
        }
        guard let registration = client.registration, registration.socketOpened() else {
            irp.complete(status: .invalidDeviceState)
            return .invalidDeviceState
        }
        let socket: WskSocket
        switch (flags, dispatch) {
        case (.datagramSocket, _):
            var callbacks: WskClientDatagramDispatch?
            if case .datagram(let table) = dispatch { callbacks = table }
            socket = WskDatagramSocket(client: client, registration: registration, addressFamily: addressFamily,
                                       socketContext: socketContext, dispatch: callbacks)
        case (.listenSocket, _):
            var callbacks: WskClientListenDispatch?
            if case .listen(let table) = dispatch { callbacks = table }
            socket = WskListenSocket(client: client, registration: registration, addressFamily: addressFamily,
                                     socketContext: socketContext, dispatch: callbacks)
        case (.connectionSocket, _):
            var callbacks: WskClientConnectionDispatch?
            if case .connection(let table) = dispatch { callbacks = table }
            socket = WskConnectionSocket(client: client, registration: registration, addressFamily: addressFamily,
                                         socketContext: socketContext, dispatch: callbacks)
        case (.streamSocket, _):
            var callbacks: WskClientStreamDispatch?
            if case .stream(let table) = dispatch { callbacks = table }
            socket = WskStreamSocket(client: client, registration: registration, addressFamily: addressFamily,
                                     socketContext: socketContext, dispatch: callbacks)
        default:
            socket = WskSocket(client: client, registration: registration, addressFamily: addressFamily,
                               socketType: socketType, protocolNumber: protocolNumber, category: flags,
                               socketContext: socketContext)
        }
        client.subsystem.socketOpened()
        irp.complete(status: .success, socket: socket)
        return .success
    }

    /// WskSocketConnect: makes a connection socket, binds it to
    /// `localAddress` (whose family it takes) and connects it to
    /// `remoteAddress`, in one request. The IRP completes when the
    /// connection is up, with the socket in `irp.socket` — or with the
    /// failure of any step (the statuses of WskSocket, WskBind and
    /// WskConnect), the socket then closed. STATUS_INVALID_PARAMETER for a
    /// type other than SOCK_STREAM+IPPROTO_TCP or `flags` other than 0,
    /// STATUS_INVALID_ADDRESS for a remote address of the other family.
    /// Cancelling the IRP cancels the connect.
    public func wskSocketConnect(_ client: WskClient, socketType: WskSocketType, protocolNumber: UInt32,
                                 localAddress: SocketAddress, remoteAddress: SocketAddress, flags: UInt32,
                                 socketContext: AnyObject?, dispatch: WskClientConnectionDispatch? = nil,
                                 owningProcess: AnyObject? = nil, owningThread: AnyObject? = nil,
                                 securityDescriptor: AnyObject? = nil, irp: IRP) -> NTStatus {
        guard socketType == .stream, protocolNumber == WskProtocol.tcp, flags == 0 else {
            irp.complete(status: .invalidParameter)
            return .invalidParameter
        }
        guard remoteAddress.family == localAddress.family else {
            irp.complete(status: .invalidAddress)
            return .invalidAddress
        }
        let create = IRP()
        let callbacks: ClientSocketDispatch = dispatch.map { .connection($0) } ?? .none
        let created = makeSocket(client, addressFamily: localAddress.family, socketType: socketType,
                                 protocolNumber: protocolNumber, flags: .connectionSocket,
                                 socketContext: socketContext, dispatch: callbacks, irp: create)
        guard created.isSuccess, let socket = create.socket as? WskConnectionSocket else {
            irp.complete(status: created)
            return created
        }
        let bound = socket.bind(localAddress, irp: IRP())
        guard bound.isSuccess else {
            _ = socket.closeSocket(IRP())
            irp.complete(status: bound)
            return bound
        }
        return socket.connectCompleting(irp, to: remoteAddress)
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
