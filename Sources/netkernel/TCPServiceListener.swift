import Logging
import NetCore
import WSK

/// One TCP service of `netkernel serve` (echo, discard or HTTP): a WSK
/// listen socket, AF_INET6 with IPV6_V6ONLY off and bound to [::]:PORT so
/// that IPv4 peers arrive as v4-mapped addresses, accepting through
/// WskAcceptEvent. Each accepted connection gets a handler that drives it
/// with WskReceive and WskSend IRPs.
///
/// Engine-thread only: the accept event, every completion routine and the
/// close all run there. Hence @unchecked Sendable on the classes whose
/// completion routines capture them.
final class TCPServiceListener: @unchecked Sendable {
    // @unchecked: touched on the engine thread only (see above).
    let registration = WskRegistration()
    let name: String
    let port: UInt16
    let logger: Logger
    let makeHandler: (WskConnectionSocket, TCPServiceListener) -> TCPServiceConnection
    private(set) var socket: WskListenSocket?
    private var registered = false
    /// Live connections by identity: each removes itself when its socket closes.
    var connections: [ObjectIdentifier: TCPServiceConnection] = [:]
    /// Connections accepted so far, and bytes received and sent over all of them.
    var accepted: UInt64 = 0
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0

    init(name: String, port: UInt16, logger: Logger,
         makeHandler: @escaping (WskConnectionSocket, TCPServiceListener) -> TCPServiceConnection) {
        self.name = name
        self.port = port
        self.logger = logger
        self.makeHandler = makeHandler
    }

    /// WskRegister, WskCaptureProviderNPI, WskSocket (listen), IPV6_V6ONLY
    /// = 0, WskBind, SO_WSK_EVENT_CALLBACK (accept). Throws the one line to print.
    func open(_ subsystem: WskSubsystem) throws(CommandFailure) {
        let npi = try WskServiceSetup.register(registration, with: subsystem, name: name, registered: &registered)
        let dispatch = WskClientListenDispatch(acceptEvent: { [unowned self] _, _, _, remote, socket, context, callbacks in
            guard let socket else { return .success }
            context = nil
            callbacks = nil
            self.accept(socket, from: remote)
            return .success
        })
        let create = IRP()
        let created = npi.dispatch.wskSocket(npi.client, addressFamily: .inet6, socketType: .stream, protocolNumber: 6,
                                             flags: .listenSocket, socketContext: nil, dispatch: dispatch, irp: create)
        guard created == .success, let socket = create.socket as? WskListenSocket else {
            throw CommandFailure("\(name): WskSocket failed: \(created)")
        }
        self.socket = socket
        try WskServiceSetup.makeDualStack(socket, name: name)
        let bound = socket.bind(.v6(.unspecified, port: port), irp: IRP())
        guard bound == .success else { throw CommandFailure("\(name): cannot listen on [::]:\(port): \(bound)") }
        try WskServiceSetup.enableEvents(.accept, on: socket, name: name)
        logger.info("\(name) listening", metadata: ["port": "\(port)"])
    }

    /// WskAcceptEvent kept the socket: a handler takes it over.
    func accept(_ socket: WskConnectionSocket, from remote: SocketAddress) {
        accepted &+= 1
        let handler = makeHandler(socket, self)
        connections[ObjectIdentifier(handler)] = handler
        logger.debug("\(name) connection", metadata: ["peer": "\(remote)"])
        handler.start()
    }

    /// A handler closed its socket.
    func finished(_ handler: TCPServiceConnection) {
        bytesIn &+= handler.bytesIn
        bytesOut &+= handler.bytesOut
        connections[ObjectIdentifier(handler)] = nil
    }

    /// Closes every connection (abortively: serve is shutting down), then
    /// the listen socket, then WskReleaseProviderNPI and WskDeregister.
    func close() {
        for handler in Array(connections.values) { handler.close(abortive: true) }
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

    /// The service's line in serve's counters.
    var summary: String {
        "\(name) on port \(port): \(accepted) connections, \(bytesIn) bytes in, \(bytesOut) bytes out"
    }
}
