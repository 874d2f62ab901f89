import Logging
import NetCore
import WSK

/// The client of `netkernel connect`, on the engine thread: WskRegister,
/// WskCaptureProviderNPI, then over TCP a connection socket that connects,
/// lends the whole payload to WskSend, closes its sending side after it
/// (WskDisconnect) and reads until the peer's FIN; or over UDP a datagram
/// socket that sends the payload in datagrams, each echo awaited in turn.
/// The session stops when the client is done; `failure` says what went wrong.
final class ConnectClient: @unchecked Sendable {
    // @unchecked: engine-thread only (the session's onReady and the IRP completions run there).
    let remote: SocketAddress
    let payload: UnsafeMutableRawBufferPointer
    let payloadMDL: MDL
    let expectEcho: Bool
    let udp: Bool
    let logger: Logger
    let registration = WskRegistration()
    let receiveBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 64)
    lazy var receiveMDL = MDL(receiveBuffer)
    var received: [UInt8] = []
    var receivedCount = 0
    var mismatch: Int?
    var failure: String?
    var started = Instant.zero
    var finished = Instant.zero
    var session: ServeSession?
    var connection: WskConnectionSocket?
    var datagram: WskDatagramSocket?
    var nextDatagram = 0
    var datagramAttempts = 0
    var retryTimer: Instant?
    let irp = IRP()
    let receiveIRP = IRP()
    /// Where each echo came from (WskReceiveFrom's RemoteAddress).
    let sourceAddress = UnsafeMutablePointer<SocketAddress>.allocate(capacity: 1)

    init(remote: SocketAddress, payload: [UInt8], expectEcho: Bool, udp: Bool, logger: Logger) {
        self.remote = remote
        self.payload = .allocate(byteCount: max(1, payload.count), alignment: 64)
        self.payload.copyBytes(from: payload)
        payloadMDL = MDL(UnsafeMutableRawBufferPointer(rebasing: self.payload[0..<payload.count]))
        self.expectEcho = expectEcho
        self.udp = udp
        self.logger = logger
        sourceAddress.initialize(to: remote)
    }

    deinit {
        sourceAddress.deallocate()
        payload.deallocate()
        receiveBuffer.deallocate()
    }

    var payloadCount: Int { payloadMDL.byteCount }

    /// Engine thread, every address ready.
    func start(_ session: ServeSession) {
        self.session = session
        started = session.clock.now
        var registered = false
        let npi: WskProviderNpi
        do { npi = try WskServiceSetup.register(registration, with: session.wsk, name: "connect", registered: &registered) } catch {
            return fail(error.description)
        }
        let family = remote.family
        if udp {
            let create = IRP()
            _ = npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .datagram, protocolNumber: 17,
                                       flags: .datagramSocket, socketContext: nil, dispatch: nil, irp: create)
            guard let socket = create.socket as? WskDatagramSocket else { return fail("WskSocket failed: \(create.ioStatus.status)") }
            datagram = socket
            let wildcard: SocketAddress = family == .inet ? .v4(.any, port: 0) : .v6(.unspecified, port: 0)
            let bound = socket.bind(wildcard, irp: IRP())
            guard bound == .success else { return fail("WskBind failed: \(bound)") }
            sendDatagram()
            return
        }
        let create = IRP()
        _ = npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream, protocolNumber: 6,
                                   flags: .connectionSocket, socketContext: nil, dispatch: WskClientConnectionDispatch(),
                                   irp: create)
        guard let socket = create.socket as? WskConnectionSocket else { return fail("WskSocket failed: \(create.ioStatus.status)") }
        connection = socket
        let wildcard: SocketAddress = family == .inet ? .v4(.any, port: 0) : .v6(.unspecified, port: 0)
        let bound = socket.bind(wildcard, irp: IRP())
        guard bound == .success else { return fail("WskBind failed: \(bound)") }
        irp.setCompletionRoutine { [self] irp in
            let status = irp.ioStatus.status
            guard status == .success else {
                fail("connect to \(remote) failed: \(status)")
                return .moreProcessingRequired
            }
            logger.info("connected", metadata: ["peer": "\(remote)"])
            connected(socket)
            return .moreProcessingRequired
        }
        _ = socket.connect(remote, irp: irp)
    }

    /// The payload goes out in one WskSend, then the FIN; receives run meanwhile.
    func connected(_ socket: WskConnectionSocket) {
        postReceive(socket)
        let send = IRP()
        send.setCompletionRoutine { [self] irp in
            guard irp.ioStatus.status == .success else {
                fail("send failed: \(irp.ioStatus.status)")
                return .moreProcessingRequired
            }
            let disconnect = IRP()
            _ = socket.disconnect(nil, flags: 0, irp: disconnect)
            return .moreProcessingRequired
        }
        if payloadCount > 0 {
            _ = socket.send(WSKBuf(mdl: payloadMDL, offset: 0, length: payloadCount), irp: send)
        } else {
            _ = socket.disconnect(nil, flags: 0, irp: IRP())
        }
    }

    func postReceive(_ socket: WskConnectionSocket) {
        receiveIRP.reuse()
        receiveIRP.setCompletionRoutine { [self] irp in
            let status = irp.ioStatus.status
            let count = irp.ioStatus.information
            guard status == .success else {
                fail("receive failed: \(status)")
                return .moreProcessingRequired
            }
            if count == 0 {
                done()
                return .moreProcessingRequired
            }
            take(UnsafeRawBufferPointer(receiveBuffer.slice(0, count)))
            postReceive(socket)
            return .moreProcessingRequired
        }
        _ = socket.receive(WSKBuf(mdl: receiveMDL, offset: 0, length: receiveBuffer.count), irp: receiveIRP)
    }

    /// Received bytes: compared with the payload at their place when an echo is expected.
    func take(_ bytes: UnsafeRawBufferPointer) {
        if expectEcho && mismatch == nil {
            for (i, byte) in bytes.enumerated() {
                let at = receivedCount + i
                if at >= payloadCount || payload[at] != byte {
                    mismatch = at
                    break
                }
            }
        }
        if !expectEcho && received.count < 1 << 20 { received += bytes.prefix((1 << 20) - received.count) }
        receivedCount += bytes.count
    }

    // MARK: - UDP

    func sendDatagram() {
        guard let socket = datagram else { return }
        let offset = nextDatagram * 1400
        guard offset < payloadCount || (payloadCount == 0 && nextDatagram == 0) else { return done() }
        let length = min(1400, payloadCount - offset)
        receiveIRP.reuse()
        sourceAddress.pointee = remote
        receiveIRP.setCompletionRoutine { [self] irp in
            guard irp.ioStatus.status == .success else {
                if irp.ioStatus.status == .cancelled { return .moreProcessingRequired }
                fail("receive failed: \(irp.ioStatus.status)")
                return .moreProcessingRequired
            }
            retryTimer = nil
            take(UnsafeRawBufferPointer(receiveBuffer.slice(0, irp.ioStatus.information)))
            nextDatagram += 1
            datagramAttempts = 0
            if payloadCount == 0 { return .moreProcessingRequired }
            sendDatagram()
            return .moreProcessingRequired
        }
        _ = socket.receiveFrom(WSKBuf(mdl: receiveMDL, offset: 0, length: receiveBuffer.count),
                               remoteAddress: sourceAddress, irp: receiveIRP)
        transmitDatagram(offset: offset, length: length)
    }

    func transmitDatagram(offset: Int, length: Int) {
        guard let socket = datagram, let session else { return }
        datagramAttempts += 1
        _ = socket.sendTo(WSKBuf(mdl: payloadMDL, offset: offset, length: length), remoteAddress: remote, irp: IRP())
        let attempt = datagramAttempts
        session.after(.seconds(1)) { [self] in
            guard failure == nil, datagramAttempts == attempt, nextDatagram * 1400 == offset else { return }
            guard attempt < 3 else {
                _ = ioCancelIrp(receiveIRP)
                return fail("no echo of datagram \(nextDatagram) after 3 tries")
            }
            transmitDatagram(offset: offset, length: length)
        }
    }

    // MARK: - End

    func done() {
        guard let session else { return }
        finished = session.clock.now
        if expectEcho && receivedCount != payloadCount && failure == nil {
            failure = "echo: received \(receivedCount) bytes of \(payloadCount)"
        }
        if let mismatch, failure == nil { failure = "echo differs from what was sent at byte \(mismatch)" }
        close()
        session.shutDown()
    }

    func fail(_ message: String) {
        if failure == nil { failure = message }
        close()
        session?.shutDown()
    }

    func close() {
        if let connection {
            _ = connection.closeSocket(IRP())
            self.connection = nil
        }
        if let datagram {
            _ = datagram.closeSocket(IRP())
            self.datagram = nil
        }
        registration.releaseProviderNpi()
        registration.deregister()
    }

    /// The line printed on success.
    var report: String {
        let seconds = max((finished - started).secondsDouble, 1e-9)
        // One way: the larger of the two directions (an echo moves the same bytes both ways).
        let rate = Double(max(payloadCount, receivedCount)) * 8 / seconds / 1e6
        var line = "\(udp ? "UDP" : "TCP") \(remote): sent \(payloadCount) bytes, received \(receivedCount) bytes "
            + "in \(format3(seconds)) s (\(format3(rate)) Mbit/s)"
        if expectEcho { line += "; echo matches" }
        return line
    }

    func format3(_ value: Double) -> String {
        let scaled = Int((value * 1000).rounded())
        let fraction = String(scaled % 1000)
        return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
