import Testing
import NDIS
import NetCore
import TCPIP
@testable import NetSim

/// A connection owner that records what the stack tells it, reads only
/// when asked to, and can send.
final class RecordingOwner: TCPConnectionOwner, TCPListenerOwner {
    var connected = false
    var received: [UInt8] = []
    var reading = true
    var closed: NTStatus?
    var peerClosed = false
    var sendsCompleted: [UInt64] = []
    var accepted: [TCPConnection] = []

    func tcpConnected(_ connection: TCPConnection) { connected = true }
    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard reading else { return 0 }
        received += bytes
        return bytes.count
    }
    func tcpDataAvailable(_ connection: TCPConnection) { if reading { drain(connection) } }
    func drain(_ connection: TCPConnection) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { connection.read(into: $0) }
            guard count > 0 else { return }
            received += chunk[0..<count]
        }
    }
    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) {
        if status == .success { sendsCompleted.append(tag) }
    }
    func tcpPeerClosed(_ connection: TCPConnection) { peerClosed = true }
    func tcpDisconnectCompleted(_ connection: TCPConnection) {}
    func tcpClosed(_ connection: TCPConnection, status: NTStatus) { closed = status }
    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) {}

    func tcpInspect(_ listener: TCPListener, request: TCPConnectRequest) -> TCPInspectDecision { .accept }
    func tcpInspectAborted(_ listener: TCPListener, request: TCPConnectRequest) {}
    func tcpConnectionReady(_ listener: TCPListener) {
        while let connection = listener.accept() {
            connection.owner = self
            accepted.append(connection)
            if reading { drain(connection) }
        }
    }
}

/// Two hosts, bob listening on port 80, and a way to run until something holds.
final class TCPPair {
    let sim: Simulation
    let wire: VirtualWire
    let alice: SimHost
    let bob: SimHost
    let server = RecordingOwner()
    let listener: TCPListener

    init(seed: UInt64 = 1, configure: (inout TCPConfiguration) -> Void = { _ in }) throws {
        sim = Simulation(seed: seed)
        wire = sim.addWire(WireImpairments(delay: .milliseconds(5)))
        var tcp = TCPConfiguration()
        configure(&tcp)
        alice = sim.addHost("alice") { $0.tcp = tcp }
        bob = sim.addHost("bob") { $0.tcp = tcp }
        _ = sim.attach(alice, to: wire, address: TCPTransferScenario.aliceV4, prefixLength: 24)
        _ = sim.attach(bob, to: wire, address: TCPTransferScenario.bobV4, prefixLength: 24)
        sim.run(for: .seconds(2))
        let bound = try bob.stack.tcpBind(TransportBinding(family: .inet, local: TransportAddress(.any, port: 80))).get()
        listener = try bob.stack.tcpListen(on: bound, backlog: 8, owner: server).get()
    }

    func connect(from port: UInt16 = 0, owner: RecordingOwner) throws -> TCPConnection {
        let handle = port == 0 ? nil
            : try alice.stack.tcpBind(TransportBinding(family: .inet, local: TransportAddress(.any, port: port))).get()
        return try alice.stack.tcpConnect(from: handle, family: .inet,
                                          to: TransportAddress(TCPTransferScenario.bobV4, port: 80), owner: owner).get()
    }

    @discardableResult
    func run(until condition: () -> Bool, limit: Duration = .seconds(600)) -> Bool {
        let end = sim.clock.now + limit
        while !condition() {
            guard let next = sim.nextEventTime, next <= end else { return condition() }
            sim.run(until: next)
        }
        return true
    }
}

@Suite struct TCPTimerScenarioTests {
    /// The receiver stops reading and its window closes: the sender probes
    /// the zero window with backoff for as long as the receiver answers
    /// (RFC 9293 §3.8.6.1), and the data flows again when it reads.
    @Test func zeroWindowPersist() throws {
        let pair = try TCPPair { $0.receiveBuffer = 16_384 }
        pair.server.reading = false
        let client = RecordingOwner()
        let connection = try pair.connect(owner: client)
        let data = [UInt8]((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try data.withUnsafeBytes { bytes in
            #expect(pair.run { client.connected })
            #expect(connection.send(bytes, tag: 1) == .success)
            pair.sim.run(for: .seconds(120))
            #expect(connection.sendWindow == 0)
            #expect(pair.alice.stack.statistics.tcp.zeroWindowProbes >= 3)
            #expect(client.closed == nil, "the connection survives while the receiver answers")
            let server = try #require(pair.server.accepted.first)
            // Full to within the window-scale granularity (2^7 with the default buffer cap).
            #expect(server.readableBytes > 16_384 - 128 && server.readableBytes <= 16_384)
            pair.server.reading = true
            pair.server.drain(server)
            #expect(pair.run { client.sendsCompleted == [1] })
            pair.server.drain(server)
        }
        #expect(pair.server.received == data)
        connection.abort()
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }

    /// Keep-alive: after the idle time, unanswered probes at the interval,
    /// then the connection is dropped with STATUS_IO_TIMEOUT.
    @Test func keepAliveExpiry() throws {
        let pair = try TCPPair {
            $0.keepAliveIdle = .seconds(30)
            $0.keepAliveInterval = .seconds(2)
            $0.keepAliveProbes = 4
        }
        let client = RecordingOwner()
        let connection = try pair.connect(owner: client)
        #expect(pair.run { client.connected && !pair.server.accepted.isEmpty })
        connection.keepAlive = true
        let start = pair.sim.clock.now
        pair.sim.run(for: .seconds(40))
        #expect(pair.alice.stack.statistics.tcp.keepAliveProbes >= 1)
        #expect(client.closed == nil, "probes answered keep the connection")
        // Bob vanishes: his port leaves the wire.
        pair.wire.ports[1].setConnected(false)
        #expect(pair.run { client.closed != nil })
        #expect(client.closed == .ioTimeout)
        let elapsed = pair.sim.clock.now - start
        // A probe answered at 30 s; the next at 60 s goes unanswered, and three more 2 s apart; dropped at 68 s.
        #expect(elapsed >= .seconds(67) && elapsed <= .seconds(69), "\(elapsed)")
        #expect(pair.alice.stack.statistics.tcp.keepAliveTimeouts == 1)
        pair.wire.ports[1].setConnected(true)
        pair.server.accepted.first?.abort()
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }

    /// RFC 6191: bob closed first and holds TIME-WAIT; alice opens again
    /// from the same port at once, her SYN's newer timestamp ends the
    /// TIME-WAIT, and the new connection works.
    @Test func timeWaitReusedByNewerTimestamp() throws {
        let pair = try TCPPair()
        let first = RecordingOwner()
        let connection = try pair.connect(from: 40_000, owner: first)
        #expect(pair.run { first.connected && !pair.server.accepted.isEmpty })
        let served = pair.server.accepted[0]
        #expect(served.shutdown() == .success)
        #expect(pair.run { first.peerClosed })
        #expect(connection.shutdown() == .success)
        #expect(pair.run { first.closed != nil && served.state == .timeWait })
        pair.sim.run(for: .seconds(1))
        let second = RecordingOwner()
        let again = try pair.connect(from: 40_000, owner: second)
        #expect(pair.run { second.connected })
        #expect(pair.bob.stack.statistics.tcp.timeWaitReused == 1)
        // The stack lends the bytes until they are acknowledged, so they live outside any closure.
        let hello = UnsafeMutableRawBufferPointer.allocate(byteCount: 5, alignment: 1)
        defer { hello.deallocate() }
        hello.copyBytes(from: "hello".utf8)
        #expect(again.send(UnsafeRawBufferPointer(hello), tag: 9) == .success)
        #expect(pair.run { second.sendsCompleted == [9] })
        #expect(pair.server.accepted.count == 2)
        #expect(pair.server.received == Array("hello".utf8))
        pair.server.accepted[1].abort()
        again.abort()
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }
}
