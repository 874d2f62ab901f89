import NetCore
import WSK

/// A TCP echo service (RFC 862) written as a WSK client drives its sockets
/// without a thread of its own: a listening socket whose WskAcceptEvent
/// takes every connection, with WskReceiveEvent and WskDisconnectEvent
/// inherited by them. Each indication is kept (STATUS_PENDING) and, once the
/// callback has returned — when the kept bytes have their final address —
/// sent straight back from them with WskSend (no copy on the server), then
/// released when the send completes. At the peer's FIN, once every echo is
/// through, the connection is disconnected gracefully and closed.
public final class WskTCPEchoServer: @unchecked Sendable {
    // @unchecked: used on the engine thread only.
    /// One accepted connection and its echoes in flight.
    final class Echo: @unchecked Sendable {
        // @unchecked: used on the engine thread only (callbacks and completions).
        let socket: WskConnectionSocket
        var inFlight = 0
        var peerClosed = false
        var closing = false

        init(socket: WskConnectionSocket) { self.socket = socket }
    }

    /// A kept indication chain, carried into a completion routine.
    final class KeptChain: @unchecked Sendable {
        // @unchecked: touched on the engine thread only.
        let head: WskDataIndication
        var sendsLeft: Int

        init(head: WskDataIndication, sendsLeft: Int) {
            self.head = head
            self.sendsLeft = sendsLeft
        }
    }

    let client: WskTestClient
    /// Runs work on the engine thread after the current callback returns.
    let later: @Sendable (@escaping @Sendable () -> Void) -> Void
    /// The listening socket.
    public private(set) var listener: WskListenSocket?
    var echoes: [ObjectIdentifier: Echo] = [:]
    /// Connections accepted so far.
    public private(set) var connectionsAccepted = 0
    /// Bytes sent back so far (acknowledged by the peer).
    public private(set) var bytesEchoed = 0
    /// Connections closed after a graceful disconnect.
    public private(set) var connectionsFinished = 0

    /// Starts the service on `port` of every address of `subsystem`'s host
    /// in `family` (dual stack for IPv6). Must be called on the engine
    /// thread of a simulated host, whose subsystem queues deferred work.
    public init(_ subsystem: WskSubsystem, family: AddressFamily, port: UInt16 = 7) {
        client = WskTestClient(subsystem)
        later = subsystem.engineExecutor ?? { $0() }
        let npi = client.npi
        let irp = IRP()
        let dispatch = WskClientListenDispatch(acceptEvent: { [unowned self] _, _, _, _, socket, context, callbacks in
            guard let socket else { return .success }
            let echo = Echo(socket: socket)
            echoes[ObjectIdentifier(socket)] = echo
            connectionsAccepted += 1
            context = echo
            callbacks = connectionDispatch
            return .success
        })
        _ = npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                   protocolNumber: WskProtocol.tcp, flags: .listenSocket, socketContext: nil,
                                   dispatch: dispatch, irp: irp)
        guard let listener = irp.socket as? WskListenSocket else { return }
        self.listener = listener
        if family == .inet6 { setOption(listener, WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) }
        let local: SocketAddress = family == .inet ? .v4(.any, port: port) : .v6(.unspecified, port: port)
        _ = listener.bind(local, irp: IRP())
        enable(listener, [.receive, .disconnect])
        enable(listener, .accept)
    }

    /// The callbacks every accepted connection gets.
    var connectionDispatch: WskClientConnectionDispatch {
        WskClientConnectionDispatch(
            receiveEvent: { [unowned self] context, _, indication, _, _ in
                guard let echo = context as? Echo, let indication else { return .success }
                // The bytes are lent until this returns; kept, they move into the chain's own memory.
                let chain = KeptChain(head: indication, sendsLeft: 0)
                echo.inFlight += 1
                later { [self] in
                    echo.inFlight -= 1
                    echoBack(chain, on: echo)
                }
                return .pending
            },
            disconnectEvent: { [unowned self] context, flags in
                guard let echo = context as? Echo else { return .success }
                echo.peerClosed = true
                if flags.contains(.abortive) {
                    close(echo)
                } else {
                    finishIfDone(echo)
                }
                return .success
            })
    }

    /// Sends each element of a kept chain back from its own bytes.
    func echoBack(_ chain: KeptChain, on echo: Echo) {
        guard !echo.socket.isClosed else {
            _ = echo.socket.release(chain.head)
            return
        }
        var current: WskDataIndication? = chain.head
        while let element = current {
            chain.sendsLeft += 1
            current = element.next
        }
        current = chain.head
        while let element = current {
            let irp = IRP()
            let length = element.buffer.length
            irp.setCompletionRoutine { [unowned self] done in
                sendCompleted(done.ioStatus.status, length: length, chain: chain, echo: echo)
                return .moreProcessingRequired
            }
            echo.inFlight += 1
            _ = echo.socket.send(element.buffer, irp: irp)
            current = element.next
        }
    }

    func sendCompleted(_ status: NTStatus, length: Int, chain: KeptChain, echo: Echo) {
        echo.inFlight -= 1
        if status.isSuccess { bytesEchoed += length }
        chain.sendsLeft -= 1
        if chain.sendsLeft == 0 { _ = echo.socket.release(chain.head) }
        finishIfDone(echo)
    }

    /// At the peer's FIN, with nothing in flight: disconnect, then close.
    func finishIfDone(_ echo: Echo) {
        guard echo.peerClosed, echo.inFlight == 0, !echo.closing else { return }
        echo.closing = true
        let irp = IRP()
        irp.setCompletionRoutine { [unowned self] done in
            if done.ioStatus.status.isSuccess { connectionsFinished += 1 }
            close(echo)
            return .moreProcessingRequired
        }
        _ = echo.socket.disconnect(nil, irp: irp)
    }

    func close(_ echo: Echo) {
        guard echoes.removeValue(forKey: ObjectIdentifier(echo.socket)) != nil else { return }
        echo.closing = true
        if !echo.socket.isClosed { _ = echo.socket.closeSocket(IRP()) }
    }

    /// Stops the service: closes the listener and every connection, and
    /// deregisters. Indications still kept are released first.
    public func stop() {
        if let listener, !listener.isClosed { _ = listener.closeSocket(IRP()) }
        for echo in Array(echoes.values) { close(echo) }
        client.close()
    }

    func enable(_ socket: WskSocket, _ mask: WskEventMask) {
        _ = WskEventCallbackControl(eventMask: mask).bytes.withUnsafeBytes {
            socket.controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        }
    }

    func setOption(_ socket: WskSocket, _ code: UInt32, level: UInt32, _ value: UInt32) {
        var value = value.littleEndian
        _ = withUnsafeBytes(of: &value) {
            socket.controlSocket(.setOption, controlCode: code, level: level, input: $0, output: nil,
                                 outputSizeReturned: nil, irp: IRP())
        }
    }
}
