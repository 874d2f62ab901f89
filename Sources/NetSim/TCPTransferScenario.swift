import NDIS
import NetCore
import TCPIP

/// A bulk TCP transfer between two simulated hosts: bob listens, alice
/// connects and sends `size` bytes of a seeded pattern, then closes; bob
/// hashes every byte it receives in order and closes in turn. The run
/// reports the transfer's time and throughput in virtual time, the sender's
/// loss-recovery counters, and whether the hash bob computed equals the
/// hash of what alice sent.
public struct TCPTransferScenario {
    /// What the run produced.
    public struct Result: Sendable {
        /// Bytes bob received in order.
        public var bytesReceived: Int
        /// Whether bob's hash of the stream equals alice's: every byte once, in order.
        public var hashesMatch: Bool
        /// Whether what bob received equals the start of what alice sent (all of it when the transfer finished).
        public var prefixIntact: Bool
        /// How the connection ended on alice's side (STATUS_SUCCESS after both FINs).
        public var senderStatus: NTStatus?
        /// How it ended on bob's side.
        public var receiverStatus: NTStatus?
        /// Virtual time from the connect to the last byte acknowledged.
        public var duration: Duration
        /// Goodput in bits per second of virtual time.
        public var throughput: Double
        /// The sender's counters.
        public var sender: TCPConnectionCounters
        /// The receiver's counters.
        public var receiver: TCPConnectionCounters
        /// Stack-wide TCP counters of both hosts.
        public var senderStatistics: TCPStatistics
        public var receiverStatistics: TCPStatistics
        /// The wire's counters.
        public var wire: WireStatistics
        /// Buffers held anywhere once both sides are closed: must be 0.
        public var buffersOutstanding: Int
        /// Whether the transfer finished within the time limit.
        public var finished: Bool
    }

    /// AF_INET or AF_INET6.
    public var family: AddressFamily = .inet
    /// Bytes alice sends.
    public var size = 1 << 20
    /// Bytes per send alice lends at a time.
    public var chunk = 256 << 10
    public var impairments = WireImpairments(delay: .milliseconds(5))
    public var seed: UInt64 = 1
    public var port: UInt16 = 5001
    /// Virtual time allowed before the run gives up.
    public var limit: Duration = .seconds(600)
    /// Stack settings for both hosts (congestion control, SACK, timestamps…).
    public var tcp = TCPConfiguration()
    /// Alice's TCP data frames (counted from 0, retransmissions included) the wire drops, exactly.
    public var dropDataFrames: Set<Int> = []
    /// Receives every trace sample of alice's connection.
    public var tracer: ((TCPTraceSample) -> Void)?
    public static let aliceV4 = IPv4Address(192, 0, 2, 1)
    public static let bobV4 = IPv4Address(192, 0, 2, 2)
    public static let aliceV6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 1)
    public static let bobV6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 2)

    public init() {}

    /// Runs the transfer.
    public func run(captureSink: CaptureSink? = nil) throws(CaptureError) -> Result {
        let sim = try captureSink.map { sink throws(CaptureError) in try Simulation(seed: seed, captureSink: sink) }
            ?? Simulation(seed: seed)
        let tcp = self.tcp
        let wire = sim.addWire(WireImpairments(delay: impairments.delay, bandwidth: impairments.bandwidth))
        let alice = sim.addHost("alice") { $0.tcp = tcp }
        let bob = sim.addHost("bob") { $0.tcp = tcp }
        let a = sim.attach(alice, to: wire, address: Self.aliceV4, prefixLength: 24)
        let b = sim.attach(bob, to: wire, address: Self.bobV4, prefixLength: 24)
        alice.stack.addAddress(Self.aliceV6, prefixLength: 64, to: a)
        bob.stack.addAddress(Self.bobV6, prefixLength: 64, to: b)
        // Neighbours resolve over a clean wire; the impairments apply to the transfer alone.
        sim.run(for: .seconds(3))
        let before = wire.statistics
        wire.impairments = impairments
        if !dropDataFrames.isEmpty {
            let drops = dropDataFrames
            var dataFrames = 0
            let aliceMAC = a.macAddress
            wire.dropFilter = { frame in
                guard MACAddress(bytes: frame.slice(6, 6)) == aliceMAC, Self.tcpPayloadLength(frame) > 0 else { return false }
                defer { dataFrames += 1 }
                return drops.contains(dataFrames)
            }
        }

        let pattern = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { pattern.deallocate() }
        var generator = SeededRandom(seed: seed ^ 0x5EED)
        var index = 0
        while index < size {
            var word = generator.next()
            for _ in 0..<8 where index < size {
                pattern[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        var expected = SipHash24(k0: 1, k1: 2)
        expected.combine(UnsafeRawBufferPointer(pattern))

        let server = family == .inet ? TransportAddress(Self.bobV4, port: port) : TransportAddress(address: Self.bobV6, port: port)
        let receiver = HashingReceiver()
        let acceptor = Acceptor(receiver: receiver)
        let wildcard = family == .inet ? TransportAddress(.any, port: port) : TransportAddress(address: .unspecified, port: port)
        let bound = try? bob.stack.tcpBind(TransportBinding(family: family, local: wildcard)).get()
        let listener = try? bob.stack.tcpListen(on: bound!, backlog: 16, owner: acceptor).get()

        let sender = ChunkSender(pattern: UnsafeRawBufferPointer(pattern), chunk: chunk)
        let start = sim.clock.now
        guard case .success(let connection) = alice.stack.tcpConnect(from: nil, family: family, to: server,
                                                                      owner: sender) else {
            preconditionFailure("the simulated route exists")
        }
        connection.tracer = tracer
        sender.connection = connection
        let end = start + limit
        while !(sender.closedStatus != nil && receiver.closedStatus != nil) && sim.clock.now < end {
            guard let next = sim.nextEventTime, next <= end else { break }
            sim.run(until: next)
        }
        let finished = sender.closedStatus != nil && receiver.closedStatus != nil
        let duration = (sender.allAcknowledgedAt ?? sim.clock.now) - start
        listener?.close()
        if !finished {
            connection.abort()
            receiver.connection?.abort()
        }
        // TIME-WAIT and any stragglers drain before buffers are counted.
        sim.run(for: tcp.timeWaitDuration + .seconds(1))
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        var prefix = SipHash24(k0: 1, k1: 2)
        prefix.combine(UnsafeRawBufferPointer(pattern.slice(0, min(receiver.received, size))))
        let received = receiver.hash.finalize()
        return Result(
            bytesReceived: receiver.received, hashesMatch: received == expected.finalize(),
            prefixIntact: receiver.received <= size && received == prefix.finalize(),
            senderStatus: sender.closedStatus, receiverStatus: receiver.closedStatus, duration: duration,
            throughput: seconds > 0 ? Double(receiver.received) * 8 / seconds : 0,
            sender: connection.counters, receiver: receiver.connection?.counters ?? TCPConnectionCounters(),
            senderStatistics: alice.stack.statistics.tcp, receiverStatistics: bob.stack.statistics.tcp,
            wire: wire.statistics.subtracting(before), buffersOutstanding: sim.buffersOutstanding,
            finished: finished)
    }
}

extension TCPTransferScenario {
    /// The TCP payload bytes an Ethernet frame carries (0 for anything else).
    static func tcpPayloadLength(_ frame: UnsafeRawBufferPointer) -> Int {
        guard frame.count >= 14 else { return 0 }
        let etherType = frame.loadBigEndianUInt16(at: 12)
        if etherType == 0x0800, frame.count >= 34, frame[23] == 6 {
            let ipHeader = Int(frame[14] & 0x0F) * 4
            let total = Int(frame.loadBigEndianUInt16(at: 16))
            guard frame.count >= 14 + ipHeader + 13 else { return 0 }
            return total - ipHeader - Int(frame[14 + ipHeader + 12] >> 4) * 4
        }
        if etherType == 0x86DD, frame.count >= 54 + 13, frame[20] == 6 {
            return Int(frame.loadBigEndianUInt16(at: 18)) - Int(frame[54 + 12] >> 4) * 4
        }
        return 0
    }
}

/// Alice's side: lends the pattern in chunks, all at once, then closes.
final class ChunkSender: TCPConnectionOwner {
    let pattern: UnsafeRawBufferPointer
    let chunk: Int
    weak var connection: TCPConnection?
    var completed = 0
    var chunks = 0
    var closedStatus: NTStatus?
    var allAcknowledgedAt: Instant?

    init(pattern: UnsafeRawBufferPointer, chunk: Int) {
        self.pattern = pattern
        self.chunk = max(1, chunk)
    }

    func tcpConnected(_ connection: TCPConnection) {
        var offset = 0
        var tag: UInt64 = 0
        while offset < pattern.count {
            let length = min(chunk, pattern.count - offset)
            _ = connection.send(pattern.slice(offset, length), tag: tag)
            tag += 1
            offset += length
        }
        chunks = Int(tag)
        _ = connection.shutdown()
    }

    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int { bytes.count }
    func tcpDataAvailable(_ connection: TCPConnection) {}

    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) {
        guard status == .success else { return }
        completed += 1
        if completed == chunks { allAcknowledgedAt = connection.stack.now }
    }

    func tcpPeerClosed(_ connection: TCPConnection) {}
    func tcpDisconnectCompleted(_ connection: TCPConnection) {
        if allAcknowledgedAt == nil { allAcknowledgedAt = connection.stack.now }
    }
    func tcpClosed(_ connection: TCPConnection, status: NTStatus) { closedStatus = status }
    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) {}
}

/// Bob's side: hashes every in-order byte and closes when alice has.
final class HashingReceiver: TCPConnectionOwner {
    var hash = SipHash24(k0: 1, k1: 2)
    var received = 0
    var closedStatus: NTStatus?
    var connection: TCPConnection?
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)

    deinit { scratch.deallocate() }

    func tcpConnected(_ connection: TCPConnection) {}

    func tcpReceive(_ connection: TCPConnection, _ bytes: UnsafeRawBufferPointer) -> Int {
        hash.combine(bytes)
        received += bytes.count
        return bytes.count
    }

    func tcpDataAvailable(_ connection: TCPConnection) { drain(connection) }

    func drain(_ connection: TCPConnection) {
        while true {
            let count = connection.read(into: scratch)
            guard count > 0 else { return }
            hash.combine(UnsafeRawBufferPointer(scratch.slice(0, count)))
            received += count
        }
    }

    func tcpSendCompleted(_ connection: TCPConnection, tag: UInt64, status: NTStatus) {}
    func tcpPeerClosed(_ connection: TCPConnection) {
        drain(connection)
        _ = connection.shutdown()
    }
    func tcpDisconnectCompleted(_ connection: TCPConnection) {}
    func tcpClosed(_ connection: TCPConnection, status: NTStatus) { closedStatus = status }
    func tcpSendBacklogChanged(_ connection: TCPConnection, idealBacklog: Int) {}
}

/// Bob's listener: hands each accepted connection to the receiver.
final class Acceptor: TCPListenerOwner {
    let receiver: HashingReceiver

    init(receiver: HashingReceiver) { self.receiver = receiver }

    func tcpInspect(_ listener: TCPListener, request: TCPConnectRequest) -> TCPInspectDecision { .accept }
    func tcpInspectAborted(_ listener: TCPListener, request: TCPConnectRequest) {}

    func tcpConnectionReady(_ listener: TCPListener) {
        while let connection = listener.accept() {
            receiver.connection = connection
            connection.owner = receiver
            receiver.drain(connection)
            if connection.peerHasClosed { receiver.tcpPeerClosed(connection) }
        }
    }
}
