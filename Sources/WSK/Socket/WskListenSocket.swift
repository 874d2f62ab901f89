import NetCore
import TCPIP

/// A listening socket over TCP (WSK_FLAG_LISTEN_SOCKET with SOCK_STREAM and
/// IPPROTO_TCP); its methods are WSK_PROVIDER_LISTEN_DISPATCH. It listens
/// from the moment it is bound (RFC 9293 §3.10.1, a passive OPEN).
///
/// A connection that completes its handshake goes, in this order of
/// precedence, to the oldest queued WskAccept IRP, to WskAcceptEvent when
/// enabled, or waits on the accept queue (at most `backlog`). With
/// SO_CONDITIONAL_ACCEPT every SYN is first put to WskInspectEvent, and
/// nothing answers it until the client decides.
public final class WskListenSocket: WskSocket, TCPListenerOwner, @unchecked Sendable {
    // @unchecked: as for WskSocket, engine-thread only.

    /// A WskAccept waiting for a connection.
    struct PendingAccept {
        let irp: IRP
        let context: AnyObject?
        let dispatch: WskClientConnectionDispatch?
        let localAddress: UnsafeMutablePointer<SocketAddress>?
        let remoteAddress: UnsafeMutablePointer<SocketAddress>?
    }

    let dispatch: WskClientListenDispatch?
    var options = WskTCPOptions()
    /// Whether inspection is possible: stream sockets that listen have no
    /// WskInspectComplete, so no conditional accept.
    let role: WskTCPOptions.Role
    /// Connections held for accepting at most, past which SYNs go unanswered
    /// (WSK has no backlog argument; this is a SOMAXCONN-like default).
    public let backlog = 128
    var listener: TCPListener?
    var accepts: [PendingAccept] = []
    var acceptsHead = 0
    var acceptEventEnabled = false
    /// RECEIVE, DISCONNECT and SEND_BACKLOG enabled here: enabled on every
    /// connection WskAcceptEvent delivers, and never disabled again.
    var inheritedEvents: WskEventMask = []
    /// Handing connections out: a WskAccept posted meanwhile queues.
    var delivering = false

    lazy var acceptCancelRoutine: IRP.CancelRoutine = { [unowned(unsafe) self] cancelled in
        self.subsystem.runOnEngine { self.cancelAccept(cancelled) }
    }

    init(client: WskClient, registration: WskRegistration, addressFamily: AddressFamily, socketContext: AnyObject?,
         dispatch: WskClientListenDispatch?, category: WskSocketFlags = .listenSocket,
         role: WskTCPOptions.Role = .listen) {
        self.dispatch = dispatch
        self.role = role
        super.init(client: client, registration: registration, addressFamily: addressFamily, socketType: .stream,
                   protocolNumber: WskProtocol.tcp, category: category, socketContext: socketContext)
    }

    var stack: TCPIPStack { subsystem.stack }

    // MARK: - WSK_PROVIDER_LISTEN_DISPATCH

    /// WskBind: claims `localAddress` and starts listening on it (a
    /// wildcard address for every local address; with IPV6_V6ONLY off, an
    /// IPv6 socket takes IPv4 connections too). The statuses of
    /// WskConnectionSocket.bind.
    public func bind(_ localAddress: SocketAddress, flags: UInt32 = 0, irp: IRP) -> NTStatus {
        guard !isClosed else { return finish(irp, .invalidDeviceState) }
        guard listener == nil, flags == 0 else { return finish(irp, .invalidParameter) }
        guard localAddress.family == addressFamily else { return finish(irp, .invalidAddress) }
        let binding = TransportBinding(family: addressFamily, local: TransportAddress(localAddress),
                                       v6Only: addressFamily == .inet6 ? options.v6Only : true,
                                       sharing: options.sharing)
        switch stack.tcpBind(binding) {
        case .success(let handle):
            return finish(irp, listen(on: handle))
        case .failure(let status):
            return finish(irp, status)
        }
    }

    /// WskAccept: the oldest connection waiting to be accepted, inline
    /// (STATUS_SUCCESS), or — with none waiting — the IRP waits, after any
    /// earlier ones, for the next (STATUS_PENDING). The IRP completes with
    /// the new socket in `irp.socket`, every callback disabled, and its
    /// addresses in `localAddress` and `remoteAddress` (which must stay
    /// valid until then). STATUS_INVALID_DEVICE_STATE when not listening,
    /// STATUS_INVALID_PARAMETER for `flags` other than 0.
    public func accept(flags: UInt32 = 0, acceptSocketContext: AnyObject?,
                       acceptSocketDispatch: WskClientConnectionDispatch?,
                       localAddress: UnsafeMutablePointer<SocketAddress>?,
                       remoteAddress: UnsafeMutablePointer<SocketAddress>?, irp: IRP) -> NTStatus {
        guard !isClosed, listener != nil else { return finish(irp, .invalidDeviceState) }
        guard flags == 0 else { return finish(irp, .invalidParameter) }
        let accept = PendingAccept(irp: irp, context: acceptSocketContext, dispatch: acceptSocketDispatch,
                                   localAddress: localAddress, remoteAddress: remoteAddress)
        if acceptsHead == accepts.count, !delivering, let connection = nextConnection() {
            guard let socket = makeSocket(for: connection, context: accept.context, dispatch: accept.dispatch) else {
                return finish(irp, .invalidDeviceState)
            }
            fill(accept, from: connection)
            socket.attach()
            irp.complete(status: .success, socket: socket)
            return .success
        }
        guard irp.queueCancellable(acceptCancelRoutine) else { return finish(irp, .cancelled) }
        irp.markPending()
        accepts.append(accept)
        return .pending
    }

    /// WskInspectComplete: the decision on a request WskInspectEvent
    /// answered with WskInspectPend. Accept answers the SYN (the connection
    /// is delivered once established); reject answers it with a RST.
    /// STATUS_INVALID_PARAMETER for another action, or an id that is not
    /// pending (already decided, or its peer gave up — WskAbortEvent);
    /// STATUS_INVALID_DEVICE_STATE when the socket does not inspect.
    public func inspectComplete(_ inspectID: WskInspectID, action: WskInspectAction, irp: IRP) -> NTStatus {
        guard !isClosed, let listener, options.conditionalAccept else { return finish(irp, .invalidDeviceState) }
        guard action != .pend, let id = inspectID.requestID else { return finish(irp, .invalidParameter) }
        return finish(irp, listener.completeInspect(id, accept: action == .accept))
    }

    /// WskGetLocalAddress: the address listened on, with the port the
    /// stack picked for port 0. STATUS_INVALID_DEVICE_STATE when not bound.
    public func getLocalAddress(_ localAddress: UnsafeMutablePointer<SocketAddress>, irp: IRP) -> NTStatus {
        guard !isClosed, let listener else { return finish(irp, .invalidDeviceState) }
        localAddress.pointee = listener.binding.local.socketAddress(for: addressFamily)
        return finish(irp, .success)
    }

    // MARK: - Listening

    /// Turns a bound address into a listener with this socket's options.
    func listen(on handle: TCPBindHandle) -> NTStatus {
        switch stack.tcpListen(on: handle, backlog: backlog, owner: self) {
        case .success(let listener):
            listener.conditionalAccept = options.conditionalAccept
            applyOptions(to: listener)
            self.listener = listener
            return .success
        case .failure(let status):
            stack.tcpUnbind(handle)
            return status
        }
    }

    func applyOptions(to listener: TCPListener) {
        if let keepAlive = options.keepAlive { listener.keepAlive = keepAlive }
        listener.noDelay = options.noDelay
        listener.receiveBufferSize = options.receiveBufferSize
    }

    /// The next connection on the accept queue that is still alive; one
    /// reset while it waited is dropped.
    func nextConnection() -> TCPConnection? {
        while let connection = listener?.accept() {
            if connection.state != .closed { return connection }
        }
        return nil
    }

    /// A connection socket for an accepted connection, counted against the
    /// registration like one the client made; nil (the connection reset)
    /// when the client is deregistering.
    func makeSocket(for connection: TCPConnection, context: AnyObject?,
                    dispatch: WskClientConnectionDispatch?) -> WskConnectionSocket? {
        guard registration.socketOpened() else {
            connection.abort()
            return nil
        }
        subsystem.socketOpened()
        let socket = WskConnectionSocket(client: client, registration: registration, addressFamily: addressFamily,
                                         socketContext: context, dispatch: dispatch)
        socket.adopt(connection)
        return socket
    }

    func fill(_ accept: PendingAccept, from connection: TCPConnection) {
        accept.localAddress?.pointee = connection.local.socketAddress(for: addressFamily)
        accept.remoteAddress?.pointee = connection.remote.socketAddress(for: addressFamily)
    }

    /// Hands waiting connections to queued WskAccept IRPs, then to
    /// WskAcceptEvent, until one of the two runs out.
    func deliverConnections() {
        guard !delivering, !isClosed, let listener else { return }
        delivering = true
        defer { delivering = false }
        while !isClosed && listener.pendingConnections > 0 {
            if acceptsHead < accepts.count {
                let accept = accepts[acceptsHead]
                acceptsHead += 1
                compact(&accepts, head: &acceptsHead)
                // A nil cancel routine: being cancelled, and its routine completes it.
                guard accept.irp.setCancelRoutine(nil) != nil else { continue }
                guard let connection = nextConnection() else {
                    requeue(accept)
                    return
                }
                guard let socket = makeSocket(for: connection, context: accept.context, dispatch: accept.dispatch)
                else {
                    accept.irp.complete(status: .invalidDeviceState)
                    continue
                }
                fill(accept, from: connection)
                socket.attach()
                accept.irp.complete(status: .success, socket: socket)
            } else if acceptEventEnabled, let event = dispatch?.acceptEvent {
                guard let connection = nextConnection() else { return }
                offer(connection, to: event)
            } else {
                return
            }
        }
    }

    /// A claimed accept that found no live connection goes back to the
    /// front of the queue.
    func requeue(_ accept: PendingAccept) {
        guard accept.irp.queueCancellable(acceptCancelRoutine) else {
            accept.irp.complete(status: .cancelled)
            return
        }
        accepts.insert(accept, at: acceptsHead)
    }

    /// WskAcceptEvent for one connection: kept with the client's context
    /// and callbacks, the inherited events enabled — or reset when the
    /// client refuses it.
    func offer(_ connection: TCPConnection,
               to event: (AnyObject?, WskEventFlags, SocketAddress, SocketAddress, WskConnectionSocket?,
                          inout AnyObject?, inout WskClientConnectionDispatch?) -> NTStatus) {
        guard let socket = makeSocket(for: connection, context: nil, dispatch: nil) else { return }
        var context: AnyObject?
        var connectionDispatch: WskClientConnectionDispatch?
        let status = event(socketContext, .atDispatchLevel, connection.local.socketAddress(for: addressFamily),
                           connection.remote.socketAddress(for: addressFamily), socket, &context,
                           &connectionDispatch)
        guard status == .success else {
            // STATUS_REQUEST_NOT_ACCEPTED (or anything else): the socket is gone, the peer sees a reset.
            socket.options.lingerOn = 1
            socket.options.lingerSeconds = 0
            if !socket.isClosed { _ = socket.closeSocket(IRP()) }
            return
        }
        socket.socketContext = context
        socket.dispatch = connectionDispatch
        var inherited = inheritedEvents
        if connectionDispatch?.receiveEvent == nil { inherited.remove(.receive) }
        if connectionDispatch?.disconnectEvent == nil { inherited.remove(.disconnect) }
        if connectionDispatch?.sendBacklogEvent == nil { inherited.remove(.sendBacklog) }
        socket.enabledEvents.formUnion(inherited)
        socket.attach()
    }

    func cancelAccept(_ irp: IRP) {
        if let index = accepts[acceptsHead...].firstIndex(where: { $0.irp === irp }) { accepts.remove(at: index) }
        irp.complete(status: .cancelled)
    }

    /// The delivery pass: waiting connections, for the accept event just enabled.
    override func deliver() {
        deliverConnections()
    }

    // MARK: - TCPListenerOwner

    public func tcpInspect(_ listener: TCPListener, request: TCPConnectRequest) -> TCPInspectDecision {
        guard let inspect = dispatch?.inspectEvent else { return .accept }
        let action = inspect(socketContext, request.local.socketAddress(for: addressFamily),
                             request.remote.socketAddress(for: addressFamily), WskInspectID(request: request.id))
        switch action {
        case .accept: return .accept
        case .reject: return .reject
        case .pend: return .pending
        }
    }

    public func tcpInspectAborted(_ listener: TCPListener, request: TCPConnectRequest) {
        _ = dispatch?.abortEvent?(socketContext, WskInspectID(request: request.id))
    }

    public func tcpConnectionReady(_ listener: TCPListener) {
        deliverConnections()
    }

    // MARK: - Options

    override func control(_ requestType: WskControlSocketType, controlCode: UInt32, level: UInt32,
                          input: UnsafeRawBufferPointer?, output: UnsafeMutableRawBufferPointer?,
                          written: inout Int) -> NTStatus {
        switch requestType {
        case .setOption:
            if level == WskControlCode.solSocket && controlCode == WskControlCode.eventCallback {
                guard let input, let control = WskEventCallbackControl(input),
                      control.npiID == WskEventCallbackControl.wskInterfaceID else { return .invalidParameter }
                return setEventCallback(control.eventMask)
            }
            guard let status = options.set(controlCode, level: level, input: input, family: addressFamily,
                                           bound: listener != nil, role: role) else { return .notSupported }
            if status.isSuccess, let listener { applyOptions(to: listener) }
            return status
        case .getOption:
            let tcp = stack.configuration.tcp
            return options.get(controlCode, level: level, family: addressFamily, role: role,
                               defaults: (keepAlive: tcp.keepAliveByDefault, receiveBuffer: tcp.receiveBuffer),
                               output: output, written: &written) ?? .notSupported
        case .ioctl:
            return .notSupported
        }
    }

    /// SO_WSK_EVENT_CALLBACK for a listening socket, after bind:
    /// WSK_EVENT_ACCEPT, enabled (with its callback in the dispatch) or
    /// disabled; WSK_EVENT_RECEIVE, DISCONNECT and SEND_BACKLOG, enabled
    /// for the connections WskAcceptEvent delivers, and never disabled.
    /// Connections that waited are offered to the event once it is enabled.
    func setEventCallback(_ mask: WskEventMask) -> NTStatus {
        guard listener != nil else { return .invalidDeviceState }
        let events = mask.subtracting(.disable)
        let inheritable: WskEventMask = [.receive, .disconnect, .sendBacklog]
        guard !events.isEmpty, inheritable.union(.accept).isSuperset(of: events) else { return .invalidParameter }
        if mask.contains(.disable) {
            guard events == .accept else { return .invalidParameter }
            acceptEventEnabled = false
            return .success
        }
        if events.contains(.accept) {
            guard dispatch?.acceptEvent != nil else { return .invalidParameter }
            acceptEventEnabled = true
            scheduleDelivery()
        }
        inheritedEvents.formUnion(events.intersection(inheritable))
        return .success
    }

    // MARK: - Closing

    override func releaseResources() {
        isClosed = true
        listener?.owner = nil
        listener?.close()
        while acceptsHead < accepts.count {
            let accept = accepts[acceptsHead]
            acceptsHead += 1
            if accept.irp.setCancelRoutine(nil) != nil { accept.irp.complete(status: .cancelled) }
        }
        accepts.removeAll()
        acceptsHead = 0
        acceptEventEnabled = false
    }
}
