import NetCore
import TCPIP

/// A stream socket over TCP (WSK_FLAG_STREAM_SOCKET with SOCK_STREAM and
/// IPPROTO_TCP, Windows 10 1703 and later); its methods are
/// WSK_PROVIDER_STREAM_DISPATCH.
///
/// It is bound undecided, then takes one role for good: WskListen makes it
/// a listening socket (without conditional accept, which stream sockets do
/// not have), WskConnect or WskConnectEx a connection socket. A call of the
/// other role, or of either before the role is taken, fails with
/// STATUS_INVALID_DEVICE_STATE. The role is played by a listening or
/// connection socket the stream socket keeps inside, with its context and
/// the matching half of its dispatch; options set before the role carry over.
public final class WskStreamSocket: WskSocket, @unchecked Sendable {
    // @unchecked: as for WskSocket, engine-thread only.

    /// The role the socket took, if any.
    public enum Role: Sendable {
        /// Bound or not, neither listening nor connecting yet.
        case undecided
        /// WskListen succeeded.
        case listening
        /// WskConnect or WskConnectEx was called.
        case connection
    }

    let dispatch: WskClientStreamDispatch?
    var options = WskTCPOptions()
    var bindHandle: TCPBindHandle?
    var listenRole: WskListenSocket?
    var connectionRole: WskConnectionSocket?

    init(client: WskClient, registration: WskRegistration, addressFamily: AddressFamily, socketContext: AnyObject?,
         dispatch: WskClientStreamDispatch?) {
        self.dispatch = dispatch
        super.init(client: client, registration: registration, addressFamily: addressFamily, socketType: .stream,
                   protocolNumber: WskProtocol.tcp, category: .streamSocket, socketContext: socketContext)
    }

    var stack: TCPIPStack { subsystem.stack }

    /// The role taken.
    public var role: Role {
        if listenRole != nil { return .listening }
        if connectionRole != nil { return .connection }
        return .undecided
    }

    // MARK: - WSK_PROVIDER_STREAM_DISPATCH

    /// WskBind: claims `localAddress` for the role to come; the statuses of
    /// WskConnectionSocket.bind.
    public func bind(_ localAddress: SocketAddress, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard bindHandle == nil, role == .undecided, flags == 0 else { return finish(irp, .invalidParameter) }
        guard localAddress.family == addressFamily else { return finish(irp, .invalidAddress) }
        let binding = TransportBinding(family: addressFamily, local: TransportAddress(localAddress),
                                       v6Only: addressFamily == .inet6 ? options.v6Only : true,
                                       sharing: options.sharing)
        switch stack.tcpBind(binding) {
        case .success(let handle):
            bindHandle = handle
            return finish(irp, .success)
        case .failure(let status):
            return finish(irp, status)
        }
    }

    /// WskListen: the bound socket starts listening and is a listening
    /// socket from now on. STATUS_INVALID_DEVICE_STATE when not bound or
    /// when it already took a role.
    public func listen(_ irp: IRP) -> NTStatus {
        guard !isClosed, role == .undecided, let handle = bindHandle else { return finish(irp, .invalidDeviceState) }
        let socket = WskListenSocket(client: client, registration: registration, addressFamily: addressFamily,
                                     socketContext: socketContext, dispatch: dispatch?.listen,
                                     category: .streamSocket, role: .undecided)
        socket.options = options
        let status = socket.listen(on: handle)
        bindHandle = nil
        if status.isSuccess { listenRole = socket }
        return finish(irp, status)
    }

    /// WskConnect: the bound socket connects and is a connection socket from
    /// now on (even when the connect fails); see WskConnectionSocket.connect.
    public func connect(_ remoteAddress: SocketAddress, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard let socket = takeConnectionRole() else { return finish(irp, .invalidDeviceState) }
        return socket.connect(remoteAddress, flags: flags, irp: irp)
    }

    /// WskConnectEx: as WskConnect, with bytes sent once connected; see
    /// WskConnectionSocket.connectEx.
    public func connectEx(_ remoteAddress: SocketAddress, buffer: WSKBuf?, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard let socket = takeConnectionRole() else { return finish(irp, .invalidDeviceState) }
        return socket.connectEx(remoteAddress, buffer: buffer, flags: flags, irp: irp)
    }

    /// WskAccept, once listening; see WskListenSocket.accept.
    public func accept(flags: UInt32 = 0, acceptSocketContext: AnyObject?,
                       acceptSocketDispatch: WskClientConnectionDispatch?,
                       localAddress: UnsafeMutablePointer<SocketAddress>?,
                       remoteAddress: UnsafeMutablePointer<SocketAddress>?, irp: IRP) -> NTStatus {
        guard !isClosed, let listenRole else { return finish(irp, .invalidDeviceState) }
        return listenRole.accept(flags: flags, acceptSocketContext: acceptSocketContext,
                                 acceptSocketDispatch: acceptSocketDispatch, localAddress: localAddress,
                                 remoteAddress: remoteAddress, irp: irp)
    }

    /// WskSend, once connecting; see WskConnectionSocket.send.
    public func send(_ buffer: WSKBuf, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed, let connectionRole else { return finish(irp, .invalidDeviceState) }
        return connectionRole.send(buffer, flags: flags, irp: irp)
    }

    /// WskReceive, once connecting; see WskConnectionSocket.receive.
    public func receive(_ buffer: WSKBuf, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed, let connectionRole else { return finish(irp, .invalidDeviceState) }
        return connectionRole.receive(buffer, flags: flags, irp: irp)
    }

    /// WskDisconnect, once connecting; see WskConnectionSocket.disconnect.
    public func disconnect(_ buffer: WSKBuf?, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed, let connectionRole else { return finish(irp, .invalidDeviceState) }
        return connectionRole.disconnect(buffer, flags: flags, irp: irp)
    }

    /// WskRelease, once connecting; STATUS_INVALID_PARAMETER otherwise, as
    /// no indication can be held.
    public func release(_ indications: WskDataIndication) -> NTStatus {
        connectionRole?.release(indications) ?? .invalidParameter
    }

    /// WskGetLocalAddress: the bound, listening or connection's address.
    public func getLocalAddress(_ localAddress: UnsafeMutablePointer<SocketAddress>, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        if let listenRole { return listenRole.getLocalAddress(localAddress, irp: irp) }
        if let connectionRole { return connectionRole.getLocalAddress(localAddress, irp: irp) }
        guard let bindHandle else { return finish(irp, .invalidDeviceState) }
        localAddress.pointee = bindHandle.binding.local.socketAddress(for: addressFamily)
        return finish(irp, .success)
    }

    /// WskGetRemoteAddress, once connected; STATUS_INVALID_DEVICE_STATE otherwise.
    public func getRemoteAddress(_ remoteAddress: UnsafeMutablePointer<SocketAddress>, irp: IRP) -> NTStatus {
        guard !isClosed, let connectionRole else { return finish(irp, .invalidDeviceState) }
        return connectionRole.getRemoteAddress(remoteAddress, irp: irp)
    }

    /// The connection role, taken now if the socket is bound and undecided.
    func takeConnectionRole() -> WskConnectionSocket? {
        guard !isClosed, listenRole == nil else { return nil }
        if let connectionRole { return connectionRole }
        guard let handle = bindHandle else { return nil }
        let socket = WskConnectionSocket(client: client, registration: registration, addressFamily: addressFamily,
                                         socketContext: socketContext, dispatch: dispatch?.connect)
        socket.options = options
        socket.bindHandle = handle
        bindHandle = nil
        connectionRole = socket
        return socket
    }

    // MARK: - Options

    override func control(_ requestType: WskControlSocketType, controlCode: UInt32, level: UInt32,
                          input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?,
                          written: inout Int) -> NTStatus {
        if let listenRole {
            return listenRole.control(requestType, controlCode: controlCode, level: level, input: input,
                                      output: output, written: &written)
        }
        if let connectionRole {
            return connectionRole.control(requestType, controlCode: controlCode, level: level, input: input,
                                          output: output, written: &written)
        }
        switch requestType {
        case .setOption:
            if level == WskControlCode.solSocket && controlCode == WskControlCode.eventCallback {
                return .invalidDeviceState
            }
            return options.set(controlCode, level: level, input: input, family: addressFamily,
                               bound: bindHandle != nil, role: .undecided) ?? .notSupported
        case .getOption:
            let tcp = stack.configuration.tcp
            return options.get(controlCode, level: level, family: addressFamily, role: .undecided,
                               defaults: (keepAlive: tcp.keepAliveByDefault, receiveBuffer: tcp.receiveBuffer),
                               output: output, written: &written) ?? .notSupported
        case .ioctl:
            return .notSupported
        }
    }

    // MARK: - Closing

    override func releaseResources() {
        isClosed = true
        for role in [listenRole as WskSocket?, connectionRole] {
            guard let role, !role.isClosed else { continue }
            role.releaseResources()
        }
        if let bindHandle { stack.tcpUnbind(bindHandle) }
        bindHandle = nil
    }
}
