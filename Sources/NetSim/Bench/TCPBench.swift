import CHeapUsage
import NDIS
import NetCore
import TCPIP

/// TCP between two simulated hosts on a wire without impairments (MTU
/// 1500, no delay): bulk throughput over one connection, connections set up
/// and torn down, 1-byte request/response round trips, and the memory an
/// idle established connection costs. What is measured is the whole path on
/// both sides — TCP, IPv4, ARP, NDIS and the wire's one copy per frame.
public final class TCPBench {
    public let simulation = Simulation(seed: 11)
    let wire: VirtualWire
    let alice: SimHost
    let bob: SimHost
    let sink = BenchSink()
    let listener: TCPListener
    let server: TransportAddress
    /// The bytes every bulk send lends (the same buffer, lent many times over: the sender only reads it).
    let chunk: UnsafeMutableRawBufferPointer

    public init() {
        wire = simulation.addWire(WireImpairments())
        var tcp = TCPConfiguration()
        // Many short connections: TIME-WAIT must not hold more ports than a run uses.
        tcp.timeWaitDuration = .seconds(1)
        tcp.receiveBuffer = 4 << 20
        alice = simulation.addHost("alice") { $0.tcp = tcp; $0.sendBuffers = 8192 }
        bob = simulation.addHost("bob") { $0.tcp = tcp; $0.sendBuffers = 8192 }
        _ = simulation.attach(alice, to: wire, address: TCPTransferScenario.aliceV4, prefixLength: 24)
        _ = simulation.attach(bob, to: wire, address: TCPTransferScenario.bobV4, prefixLength: 24)
        simulation.run(for: .seconds(2))
        server = TransportAddress(TCPTransferScenario.bobV4, port: 5001)
        let bound = try! bob.stack.tcpBind(TransportBinding(family: .inet, local: TransportAddress(.any, port: 5001))).get()
        listener = try! bob.stack.tcpListen(on: bound, backlog: 20_000, owner: sink).get()
        chunk = .allocate(byteCount: 256 << 10, alignment: 64)
        chunk.initializeMemory(as: UInt8.self, repeating: 0x5A)
    }

    deinit { chunk.deallocate() }

    /// Runs the simulation until `condition` holds or nothing is left to happen.
    func run(until condition: () -> Bool) {
        while !condition() {
            guard let next = simulation.nextEventTime else { return }
            simulation.run(until: next)
        }
    }

    // MARK: - Bulk

    /// Sends `bytes` (a multiple of 256 KiB) over one connection, keeping
    /// 4 MiB lent at a time; returns the bytes bob received.
    public func bulk(bytes: Int) -> Int {
        guard startBulk() else { return 0 }
        let received = sendBulk(bytes: bytes)
        stopBulk()
        return received
    }

    var bulkClient: BenchClient?
    var bulkConnection: TCPConnection?
    var lent = 0

    /// Opens the bulk connection (the per-segment cost is measured apart from the handshake).
    public func startBulk() -> Bool {
        let client = BenchClient()
        guard case .success(let connection) = alice.stack.tcpConnect(from: nil, family: .inet, to: server,
                                                                      owner: client) else { return false }
        run { client.connected && sink.connections.count == 1 }
        bulkClient = client
        bulkConnection = connection
        lent = 0
        return true
    }

    /// Sends `bytes` more over the open bulk connection; returns what bob received of them.
    public func sendBulk(bytes: Int) -> Int {
        guard let client = bulkClient, let connection = bulkConnection else { return 0 }
        sink.received = 0
        let chunks = bytes / chunk.count
        let first = lent
        let window = 16
        while sink.received < bytes {
            while lent - first < chunks && lent - client.completed < window {
                _ = connection.send(UnsafeRawBufferPointer(chunk), tag: UInt64(lent))
                lent += 1
            }
            guard let next = simulation.nextEventTime else { break }
            simulation.run(until: next)
        }
        return sink.received
    }

    /// Closes the bulk connection.
    public func stopBulk() {
        bulkConnection?.abort()
        bulkConnection = nil
        bulkClient = nil
        sink.closeAll()
        run { alice.stack.tcpConnectionList.isEmpty && bob.stack.tcpConnectionList.isEmpty }
    }

    // MARK: - Connections

    /// Opens `count` connections one after the other, each closed by alice
    /// once bob has accepted it, then by bob; returns how many completed
    /// both handshakes and both FINs.
    public func connections(count: Int) -> Int {
        var completed = 0
        for _ in 0..<count {
            let client = BenchClient()
            guard case .success(let connection) = alice.stack.tcpConnect(from: nil, family: .inet, to: server,
                                                                          owner: client) else { break }
            run { client.connected && !sink.connections.isEmpty }
            _ = connection.shutdown()
            run { client.closed != nil && sink.connections.isEmpty }
            if client.closed == .success { completed += 1 }
            // A millisecond apart, so timestamps move on and TIME-WAIT ends in time.
            simulation.run(for: .milliseconds(1))
        }
        return completed
    }

    // MARK: - Request/response

    /// `count` round trips of 1 byte each way over one connection with
    /// TCP_NODELAY; returns how many completed.
    public func requestResponse(count: Int) -> Int {
        let client = BenchClient()
        guard case .success(let connection) = alice.stack.tcpConnect(from: nil, family: .inet, to: server,
                                                                      owner: client) else { return 0 }
        connection.noDelay = true
        run { client.connected && sink.connections.count == 1 }
        sink.echo = true
        sink.connections.first?.noDelay = true
        let byte = UnsafeRawBufferPointer(chunk.slice(0, 1))
        client.responses = 0
        for round in 0..<count {
            _ = connection.send(byte, tag: UInt64(round))
            run { client.responses > round }
        }
        let done = client.responses
        sink.echo = false
        connection.abort()
        sink.closeAll()
        run { alice.stack.tcpConnectionList.isEmpty && bob.stack.tcpConnectionList.isEmpty }
        return done
    }

    // MARK: - Memory

    /// Opens `count` connections and leaves them idle, weighs the heap by
    /// the C allocator's books before and after, then closes them: bytes
    /// per connection endpoint (each connection has two, one per host). Nil
    /// where the C library keeps no such books.
    public func bytesPerIdleConnection(count: Int) -> Double? {
        var clients: [BenchClient] = []
        var connections: [TCPConnection] = []
        clients.reserveCapacity(count)
        connections.reserveCapacity(count)
        sink.connections.reserveCapacity(count)
        let before = cheap_usage_bytes_in_use()
        for _ in 0..<count {
            let client = BenchClient()
            guard case .success(let connection) = alice.stack.tcpConnect(from: nil, family: .inet, to: server,
                                                                          owner: client) else { break }
            clients.append(client)
            connections.append(connection)
        }
        run { sink.connections.count == connections.count && clients.allSatisfy(\.connected) }
        simulation.run(for: .seconds(1))
        let after = cheap_usage_bytes_in_use()
        for connection in connections { connection.abort() }
        sink.closeAll()
        run { alice.stack.tcpConnectionList.isEmpty && bob.stack.tcpConnectionList.isEmpty }
        guard before > 0, !connections.isEmpty else { return nil }
        return Double(after - before) / Double(2 * connections.count)
    }

    /// Connections either stack still holds: zero between runs.
    public var connectionsOutstanding: Int {
        alice.stack.tcpConnectionList.count + bob.stack.tcpConnectionList.count
    }
}

/// Alice's side of the benches.
final class BenchClient: TCPConnectionOwner {
    var connected = false
    var completed = 0
    var responses = 0
    var closed: NTStatus?

    func tcpConnected(_ connection: TCPConnection) { connected = true }
    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        responses += bytes.count
        return bytes.count
    }
    func tcpDataAvailable(_ connection: TCPConnection) {}
    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) { completed += 1 }
    func tcpPeerClosed(_ connection: TCPConnection) {}
    func tcpDisconnectCompleted(_ connection: TCPConnection) {}
    func tcpClosed(_ connection: TCPConnection, status: NTStatus) { closed = status }
    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) {}
}

/// Bob's side: accepts everything, counts what arrives, echoes when asked,
/// and closes each connection when its peer has.
final class BenchSink: TCPConnectionOwner, TCPListenerOwner {
    var connections: [TCPConnection] = []
    var received = 0
    var echo = false
    let reply = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)

    deinit { reply.deallocate() }

    func tcpInspect(_ listener: TCPListener, request: TCPConnectRequest) -> TCPInspectDecision { .accept }
    func tcpInspectAborted(_ listener: TCPListener, request: TCPConnectRequest) {}
    func tcpConnectionReady(_ listener: TCPListener) {
        while let connection = listener.accept() {
            connection.owner = self
            connections.append(connection)
        }
    }

    func tcpConnected(_ connection: TCPConnection) {}
    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        received += bytes.count
        if echo { _ = connection.send(UnsafeRawBufferPointer(reply), tag: 0) }
        return bytes.count
    }
    func tcpDataAvailable(_ connection: TCPConnection) {}
    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) {}
    func tcpPeerClosed(_ connection: TCPConnection) { _ = connection.shutdown() }
    func tcpDisconnectCompleted(_ connection: TCPConnection) {}
    func tcpClosed(_ connection: TCPConnection, status: NTStatus) {
        if let index = connections.firstIndex(where: { $0 === connection }) { connections.remove(at: index) }
    }
    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) {}

    func closeAll() {
        for connection in connections { connection.abort() }
        connections.removeAll(keepingCapacity: true)
    }
}
