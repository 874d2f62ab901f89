import NDIS
import NetCore
import TCPIP
import WSK

/// A TCP exchange through WSK between two simulated hosts: bob runs
/// `WskTCPEchoServer`; alice connects a connection socket, keeps a few
/// WskSends of a seeded pattern in flight and two WskReceives posted (as
/// Microsoft's echo sample does), checks every echoed byte against what it
/// sent, disconnects gracefully once all is sent, and closes at the echo's
/// FIN. Every new request is made outside completion routines, on the
/// engine's deferred-work queue, as WSK advises.
public struct WskTCPEchoScenario {
    /// What the run produced.
    public struct Result: Sendable {
        /// Bytes alice sent (every send acknowledged).
        public var bytesSent: Int
        /// Bytes alice received back.
        public var bytesReceived: Int
        /// Whether every byte came back, once, in order.
        public var echoMatches: Bool
        /// How alice's connect completed.
        public var connectStatus: NTStatus?
        /// How alice's graceful disconnect completed.
        public var disconnectStatus: NTStatus?
        /// Whether alice saw the echo's FIN.
        public var finReceived: Bool
        /// Connections bob's server finished gracefully.
        public var serverConnectionsFinished: Int
        /// Virtual time from the connect to the FIN.
        public var duration: Duration
        /// The wire's counters during the exchange.
        public var wire: WireStatistics
        /// Buffers held anywhere once everything is closed: must be 0.
        public var buffersOutstanding: Int
        /// Sockets still open on either host once everything is closed: must be 0.
        public var socketsOpen: Int
    }

    /// AF_INET or AF_INET6.
    public var family: AddressFamily = .inet
    /// Bytes alice sends.
    public var size = 256 << 10
    /// Bytes per WskSend.
    public var chunk = 16 << 10
    /// WskSends alice keeps outstanding.
    public var sendsInFlight = 4
    public var impairments = WireImpairments(loss: 0.02, delay: .milliseconds(5))
    public var seed: UInt64 = 1
    public var port: UInt16 = 7
    /// Virtual time allowed before the run gives up.
    public var limit: Duration = .seconds(600)
    public static let aliceV4 = IPv4Address(192, 0, 2, 1)
    public static let bobV4 = IPv4Address(192, 0, 2, 2)
    public static let aliceV6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 1)
    public static let bobV6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 2)

    public init() {}

    /// Runs the exchange.
    public func run() -> Result {
        let sim = Simulation(seed: seed)
        let wire = sim.addWire(WireImpairments(delay: impairments.delay))
        let alice = sim.addHost("alice")
        let bob = sim.addHost("bob")
        let a = sim.attach(alice, to: wire, address: Self.aliceV4, prefixLength: 24)
        let b = sim.attach(bob, to: wire, address: Self.bobV4, prefixLength: 24)
        alice.stack.addAddress(Self.aliceV6, prefixLength: 64, to: a)
        bob.stack.addAddress(Self.bobV6, prefixLength: 64, to: b)
        sim.run(for: .seconds(3))
        let before = wire.statistics
        wire.impairments = impairments

        let server = WskTCPEchoServer(bob.wsk, family: family, port: port)
        let client = EchoClient(WskTestClient(alice.wsk), family: family, size: size, chunk: chunk,
                                sendsInFlight: sendsInFlight, seed: seed)
        let target: SocketAddress = family == .inet ? .v4(Self.bobV4, port: port) : .v6(Self.bobV6, port: port)
        let start = sim.clock.now
        client.start(to: target)
        let end = start + limit
        while !client.isDone && sim.clock.now < end {
            guard let next = sim.nextEventTime, next <= end else { break }
            sim.run(until: next)
        }
        let duration = (client.finishedAt ?? sim.clock.now) - start
        // The server's own disconnect completes as alice's acknowledgment of its FIN arrives.
        sim.run(for: .seconds(1))
        let after = wire.statistics
        client.stop()
        server.stop()
        wire.impairments = WireImpairments(delay: impairments.delay)
        sim.run(for: .seconds(10))
        return Result(bytesSent: client.bytesSent, bytesReceived: client.bytesReceived,
                      echoMatches: client.matches && client.bytesReceived == size,
                      connectStatus: client.connectStatus, disconnectStatus: client.disconnectStatus,
                      finReceived: client.finReceived, serverConnectionsFinished: server.connectionsFinished,
                      duration: duration, wire: after.subtracting(before), buffersOutstanding: sim.buffersOutstanding,
                      socketsOpen: alice.wsk.statistics.socketsOpen + bob.wsk.statistics.socketsOpen)
    }
}

/// Alice's side of the echo exchange, driven by IRP completions.
final class EchoClient: @unchecked Sendable {
    // @unchecked: used on the engine thread only (completions and deferred work).
    let wsk: WskTestClient
    let socket: WskConnectionSocket
    let later: @Sendable (@escaping @Sendable () -> Void) -> Void
    let pattern: UnsafeMutableRawBufferPointer
    let chunk: Int
    let sendsInFlight: Int
    var nextOffset = 0
    var outstandingSends = 0
    var bytesSent = 0
    var bytesReceived = 0
    var matches = true
    var connectStatus: NTStatus?
    var disconnectStatus: NTStatus?
    var finReceived = false
    var finishedAt: Instant?
    let receiveBuffers: [UnsafeMutableRawBufferPointer]

    init(_ wsk: WskTestClient, family: AddressFamily, size: Int, chunk: Int, sendsInFlight: Int, seed: UInt64) {
        self.wsk = wsk
        let irp = IRP()
        _ = wsk.npi.dispatch.wskSocket(wsk.npi.client, addressFamily: family, socketType: .stream,
                                       protocolNumber: WskProtocol.tcp, flags: .connectionSocket, socketContext: nil,
                                       dispatch: nil, irp: irp)
        socket = irp.socket as! WskConnectionSocket
        later = wsk.npi.client.subsystem.engineExecutor ?? { $0() }
        pattern = .allocate(byteCount: max(size, 1), alignment: 16)
        var generator = SeededRandom(seed: seed ^ 0xEC40)
        for index in 0..<size { pattern[index] = UInt8(truncatingIfNeeded: generator.next()) }
        self.chunk = max(1, chunk)
        self.sendsInFlight = max(1, sendsInFlight)
        receiveBuffers = (0..<2).map { _ in .allocate(byteCount: 8192, alignment: 16) }
    }

    deinit {
        pattern.deallocate()
        receiveBuffers.forEach { $0.deallocate() }
    }

    /// The echo's FIN is in and the disconnect completed, or the connect failed.
    var isDone: Bool {
        if let connectStatus, !connectStatus.isSuccess { return true }
        return finReceived && disconnectStatus != nil && disconnectStatus != .pending
    }

    func start(to target: SocketAddress) {
        let wildcard: SocketAddress = socket.addressFamily == .inet ? .v4(.any, port: 0) : .v6(.unspecified, port: 0)
        _ = socket.bind(wildcard, irp: IRP())
        _ = socket.connect(target, irp: request { [self] status, _ in
            connectStatus = status
            guard status.isSuccess else { return }
            for _ in 0..<sendsInFlight { sendNext() }
            for index in receiveBuffers.indices { receive(into: index) }
        })
    }

    /// An IRP whose completion hands its result to `then`, run as deferred engine work.
    func request(_ then: @escaping @Sendable (NTStatus, Int) -> Void) -> IRP {
        let irp = IRP()
        let later = self.later
        irp.setCompletionRoutine { done in
            let status = done.ioStatus
            later { then(status.status, status.information) }
            return .moreProcessingRequired
        }
        return irp
    }

    func sendNext() {
        guard nextOffset < pattern.count else {
            if outstandingSends == 0 && disconnectStatus == nil { disconnect() }
            return
        }
        let length = min(chunk, pattern.count - nextOffset)
        let piece = UnsafeMutableRawBufferPointer(rebasing: pattern[nextOffset ..< nextOffset + length])
        let buffer = WSKBuf(mdl: MDL(piece), offset: 0, length: length)
        nextOffset += length
        outstandingSends += 1
        _ = socket.send(buffer, irp: request { [self] status, count in
            outstandingSends -= 1
            guard status.isSuccess else { return }
            bytesSent += count
            sendNext()
        })
    }

    func disconnect() {
        disconnectStatus = .pending
        _ = socket.disconnect(nil, irp: request { [self] status, _ in disconnectStatus = status })
    }

    /// A WskReceive into receive buffer `index`, posted again as each completes.
    func receive(into index: Int) {
        let buffer = receiveBuffers[index]
        let request = request { [self] status, count in
            let buffer = receiveBuffers[index]
            guard status.isSuccess, !finReceived else { return }
            guard count > 0 else {
                finReceived = true
                finishedAt = socket.subsystem.stack.now
                return
            }
            if bytesReceived + count > pattern.count
                || !buffer.prefix(count).elementsEqual(pattern[bytesReceived ..< bytesReceived + count]) {
                matches = false
            }
            bytesReceived += count
            receive(into: index)
        }
        _ = socket.receive(WSKBuf(mdl: MDL(buffer), offset: 0, length: buffer.count), irp: request)
    }

    func stop() {
        if !socket.isClosed { _ = socket.closeSocket(IRP()) }
        wsk.close()
    }
}
