import NDIS
import NetCore
import TCPIP
import WSK

/// A UDP exchange through WSK between two simulated hosts: bob runs a UDP
/// echo service (RFC 862) on a datagram socket whose WskReceiveFromEvent
/// sends every datagram back from inside the callback; alice sends numbered
/// datagrams with WskSendTo and checks every echo byte by byte. Neighbours
/// are resolved over a clean wire first, so that afterwards every frame the
/// impaired wire drops is a datagram, and losses can be accounted exactly.
public struct UDPEchoScenario {
    /// What the run produced.
    public struct Result: Sendable {
        /// Datagrams alice sent.
        public var sent: Int
        /// Datagrams bob's service received (and echoed).
        public var echoedByServer: Int
        /// Echoes alice received intact, each once.
        public var received: Int
        /// Echoes whose bytes differed from what was sent: must be 0.
        public var corrupted: Int
        /// Echoes that arrived more than once (the wire may duplicate).
        public var duplicates: Int
        /// The wire's counters during the exchange alone.
        public var wire: WireStatistics
        /// Buffers held anywhere once everything is closed: must be 0.
        public var buffersOutstanding: Int
        /// The address bob was reached at.
        public var server: SocketAddress
    }

    /// AF_INET or AF_INET6.
    public var family: AddressFamily = .inet
    public var count = 20
    /// Bytes per datagram, at least 8 (the sequence number).
    public var payloadLength = 64
    public var interval: Duration = .milliseconds(10)
    public var impairments = WireImpairments(loss: 0.1, delay: .milliseconds(10))
    public var seed: UInt64 = 1
    /// The echo port.
    public var port: UInt16 = 7
    public static let aliceV4 = IPv4Address(192, 0, 2, 1)
    public static let bobV4 = IPv4Address(192, 0, 2, 2)
    public static let aliceV6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 1)
    public static let bobV6 = IPv6Address(0x2001, 0xDB8, 0, 0, 0, 0, 0, 2)

    public init() {}

    /// The bytes of datagram `sequence`: the number, then a pattern of it.
    static func payload(_ sequence: UInt64, length: Int, into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBigEndian(sequence, at: 0)
        for i in 8..<length { buffer[i] = UInt8(truncatingIfNeeded: sequence &* 31 &+ UInt64(i)) }
    }

    /// Runs the exchange.
    public func run(captureSink: CaptureSink? = nil) throws(CaptureError) -> Result {
        precondition(payloadLength >= 8, "a datagram carries its 8-byte sequence number")
        let sim = try captureSink.map { sink throws(CaptureError) in try Simulation(seed: seed, captureSink: sink) }
            ?? Simulation(seed: seed)
        let wire = sim.addWire(WireImpairments(delay: impairments.delay))
        let alice = sim.addHost("alice")
        let bob = sim.addHost("bob")
        let a = sim.attach(alice, to: wire, address: Self.aliceV4, prefixLength: 24)
        let b = sim.attach(bob, to: wire, address: Self.bobV4, prefixLength: 24)
        alice.stack.addAddress(Self.aliceV6, prefixLength: 64, to: a)
        bob.stack.addAddress(Self.bobV6, prefixLength: 64, to: b)
        sim.run(for: .seconds(3))

        let aliceClient = WskTestClient(alice.wsk)
        let bobClient = WskTestClient(bob.wsk)
        let server: SocketAddress = family == .inet ? .v4(Self.bobV4, port: port) : .v6(Self.bobV6, port: port)
        let wildcard: SocketAddress = family == .inet ? .v4(.any, port: 0) : .v6(.unspecified, port: 0)

        // bob: echo from inside the receive event, which WSK allows.
        var echoSocket: WskDatagramSocket?
        var echoed = 0
        let echoBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer { echoBuffer.deallocate() }
        let echoMDL = MDL(echoBuffer)
        let echoIRP = IRP()
        let echoDispatch = WskClientDatagramDispatch { _, _, indication in
            var current = indication
            while let datagram = current {
                echoed += 1
                let length = datagram.buffer.copyOut(into: echoBuffer)
                echoIRP.reuse()
                _ = echoSocket?.sendTo(WSKBuf(mdl: echoMDL, offset: 0, length: length),
                                       remoteAddress: datagram.remoteAddress, irp: echoIRP)
                current = datagram.next
            }
            return .success
        }
        echoSocket = bobClient.datagramSocket(family: family, dispatch: echoDispatch)
        var bound = wildcard
        bound.port = port
        _ = echoSocket!.bind(bound, irp: IRP())
        _ = WskEventCallbackControl(eventMask: .receiveFrom).bytes.withUnsafeBytes {
            echoSocket!.controlSocket(.setOption, controlCode: WskControlCode.eventCallback,
                                      level: WskControlCode.solSocket, input: $0, output: nil,
                                      outputSizeReturned: nil, irp: nil)
        }

        // alice: numbered datagrams out, echoes checked as they come back.
        var seen = Set<UInt64>()
        var corrupted = 0
        var duplicates = 0
        let length = payloadLength
        let expected = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
        defer { expected.deallocate() }
        let aliceDispatch = WskClientDatagramDispatch { _, _, indication in
            var current = indication
            while let datagram = current {
                let bytes = datagram.bytes
                if bytes.count == length {
                    let sequence = bytes.loadBigEndianUInt64(at: 0)
                    Self.payload(sequence, length: length, into: expected)
                    if !bytes.elementsEqual(expected) {
                        corrupted += 1
                    } else if !seen.insert(sequence).inserted {
                        duplicates += 1
                    }
                } else {
                    corrupted += 1
                }
                current = datagram.next
            }
            return .success
        }
        let sender = aliceClient.datagramSocket(family: family, dispatch: aliceDispatch)
        _ = sender.bind(wildcard, irp: IRP())
        _ = WskEventCallbackControl(eventMask: .receiveFrom).bytes.withUnsafeBytes {
            sender.controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        }

        // Resolve the neighbours over the clean wire, then impair it.
        let warmBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
        defer { warmBuffer.deallocate() }
        Self.payload(UInt64.max, length: length, into: warmBuffer)
        _ = sender.sendTo(WSKBuf(mdl: MDL(warmBuffer), offset: 0, length: length), remoteAddress: server, irp: IRP())
        sim.run(for: .milliseconds(200))
        seen.removeAll()
        echoed = 0
        let before = wire.statistics
        wire.impairments = impairments

        let sendBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
        defer { sendBuffer.deallocate() }
        let sendMDL = MDL(sendBuffer)
        let sendIRP = IRP()
        let start = sim.clock.now
        for i in 0..<count {
            sim.schedule(at: start + interval * i) {
                Self.payload(UInt64(i), length: length, into: sendBuffer)
                sendIRP.reuse()
                _ = sender.sendTo(WSKBuf(mdl: sendMDL, offset: 0, length: length), remoteAddress: server, irp: sendIRP)
            }
        }
        sim.run(until: start + interval * count + impairments.delay * 4 + impairments.jitter * 2 + .seconds(1))
        let after = wire.statistics
        _ = sender.closeSocket(IRP())
        _ = echoSocket!.closeSocket(IRP())
        sim.run(for: .seconds(5))
        try sim.finishCapture()
        return Result(sent: count, echoedByServer: echoed, received: seen.count, corrupted: corrupted,
                      duplicates: duplicates, wire: after.subtracting(before),
                      buffersOutstanding: sim.buffersOutstanding, server: server)
    }
}
