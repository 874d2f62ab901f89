import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// Two simulated hosts with WSK clients registered on each.
final class WskPair {
    let sim = Simulation(seed: 42)
    let alice: SimHost
    let bob: SimHost
    let aliceNpi: WskProviderNpi
    let bobNpi: WskProviderNpi
    let aliceRegistration = WskRegistration()
    let bobRegistration = WskRegistration()
    static let aliceV4 = IPv4Address(192, 0, 2, 1)
    static let bobV4 = IPv4Address(192, 0, 2, 2)
    static let aliceV6 = IPv6Address("2001:db8::1")!
    static let bobV6 = IPv6Address("2001:db8::2")!

    init(impairments: WireImpairments = WireImpairments(delay: .milliseconds(1))) {
        let wire = sim.addWire(impairments)
        alice = sim.addHost("alice")
        bob = sim.addHost("bob")
        let a = sim.attach(alice, to: wire, address: Self.aliceV4, prefixLength: 24)
        let b = sim.attach(bob, to: wire, address: Self.bobV4, prefixLength: 24)
        alice.stack.addAddress(Self.aliceV6, prefixLength: 64, to: a)
        bob.stack.addAddress(Self.bobV6, prefixLength: 64, to: b)
        sim.run(for: .seconds(3))
        var npi: WskProviderNpi?
        _ = aliceRegistration.register(WskClientNpi(), with: alice.wsk)
        _ = aliceRegistration.captureProviderNpi(waitTimeout: .noWait, &npi)
        aliceNpi = npi!
        npi = nil
        _ = bobRegistration.register(WskClientNpi(), with: bob.wsk)
        _ = bobRegistration.captureProviderNpi(waitTimeout: .noWait, &npi)
        bobNpi = npi!
    }

    func datagramSocket(_ npi: WskProviderNpi, family: AddressFamily = .inet,
                        dispatch: WskClientDatagramDispatch? = nil) -> WskDatagramSocket {
        let irp = IRP()
        let status = npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .datagram,
                                            protocolNumber: 17, flags: .datagramSocket, socketContext: nil,
                                            dispatch: dispatch, irp: irp)
        precondition(status == .success)
        return irp.socket as! WskDatagramSocket
    }
}

/// Client memory for a test: a region, its MDL and a WSK_BUF over it.
final class ClientBuffer {
    let region: UnsafeMutableRawBufferPointer
    init(_ bytes: [UInt8]) {
        region = .allocate(byteCount: max(bytes.count, 1), alignment: 8)
        region.initializeMemory(as: UInt8.self, repeating: 0)
        region.copyBytes(from: bytes)
    }
    init(capacity: Int) {
        region = .allocate(byteCount: capacity, alignment: 8)
        region.initializeMemory(as: UInt8.self, repeating: 0)
    }
    func buf(_ length: Int? = nil) -> WSKBuf { WSKBuf(mdl: MDL(region), offset: 0, length: length ?? region.count) }
    func prefix(_ n: Int) -> [UInt8] { Array(region.prefix(n)) }
    deinit { region.deallocate() }
}

@Suite struct WskDatagramSmokeTests {
    @Test func aDatagramCrossesFromSendToToAQueuedReceive() {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi)
        #expect(server.bind(.v4(.any, port: 7), irp: IRP()) == .success)
        let client = pair.datagramSocket(pair.aliceNpi)
        #expect(client.bind(.v4(.any, port: 0), irp: IRP()) == .success)
        let into = ClientBuffer(capacity: 64)
        var from = SocketAddress.v4(.any, port: 0)
        let receive = IRP()
        #expect(server.receiveFrom(into.buf(), remoteAddress: &from, irp: receive) == .pending)
        let hello = ClientBuffer(Array("hello".utf8))
        let send = IRP()
        #expect(client.sendTo(hello.buf(), remoteAddress: .v4(WskPair.bobV4, port: 7), irp: send) == .success)
        #expect(send.ioStatus.information == 5)
        pair.sim.run(for: .milliseconds(50))
        #expect(receive.ioStatus.status == .success)
        #expect(receive.ioStatus.information == 5)
        #expect(into.prefix(5) == Array("hello".utf8))
        guard case .v4(let address, let port) = from else { Issue.record("not IPv4"); return }
        #expect(address == WskPair.aliceV4)
        #expect(port >= 49_152)
        #expect(server.closeSocket(IRP()) == .success)
        #expect(client.closeSocket(IRP()) == .success)
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }

    @Test func anIPv6DualStackSocketTalksToAnIPv4Host() {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi, family: .inet6)
        var off: UInt32 = 0
        #expect(withUnsafeBytes(of: &off) {
            server.controlSocket(.setOption, controlCode: WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: IRP())
        } == .success)
        #expect(server.bind(.v6(.unspecified, port: 9), irp: IRP()) == .success)
        let client = pair.datagramSocket(pair.aliceNpi)
        #expect(client.bind(.v4(.any, port: 5000), irp: IRP()) == .success)
        let into = ClientBuffer(capacity: 64)
        var from = SocketAddress.v4(.any, port: 0)
        let receive = IRP()
        _ = server.receiveFrom(into.buf(), remoteAddress: &from, irp: receive)
        let ping = ClientBuffer([1, 2, 3])
        _ = client.sendTo(ping.buf(), remoteAddress: .v4(WskPair.bobV4, port: 9), irp: IRP())
        pair.sim.run(for: .milliseconds(50))
        #expect(receive.ioStatus.information == 3)
        #expect(from == .v6(IPv6Address(ipv4Mapped: WskPair.aliceV4), port: 5000))
        // The reply goes back to the mapped address, over IPv4.
        let back = IRP()
        #expect(server.sendTo(ping.buf(), remoteAddress: from, irp: back) == .success)
        let reply = ClientBuffer(capacity: 16)
        var replyFrom = SocketAddress.v4(.any, port: 0)
        let clientReceive = IRP()
        _ = client.receiveFrom(reply.buf(), remoteAddress: &replyFrom, irp: clientReceive)
        pair.sim.run(for: .milliseconds(50))
        #expect(clientReceive.ioStatus.information == 3)
        #expect(replyFrom == .v4(WskPair.bobV4, port: 9))
        _ = server.closeSocket(IRP())
        _ = client.closeSocket(IRP())
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }

    @Test func receiveEventsLendAndRetainDatagrams() {
        let pair = WskPair()
        var retained: [WskDatagramIndication] = []
        var seen: [[UInt8]] = []
        let dispatch = WskClientDatagramDispatch { _, _, indication in
            guard let indication else { return .success }
            seen.append(Array(indication.bytes))
            if seen.count % 2 == 0 {
                retained.append(indication)
                return .pending
            }
            return .success
        }
        let server = pair.datagramSocket(pair.bobNpi, dispatch: dispatch)
        _ = server.bind(.v4(.any, port: 7), irp: IRP())
        let control = WskEventCallbackControl(eventMask: .receiveFrom).bytes
        #expect(control.withUnsafeBytes {
            server.controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        } == .success)
        let client = pair.datagramSocket(pair.aliceNpi)
        _ = client.bind(.v4(.any, port: 0), irp: IRP())
        for i in 0..<6 {
            let payload = ClientBuffer([UInt8](repeating: UInt8(i), count: 10 + i))
            _ = client.sendTo(payload.buf(), remoteAddress: .v4(WskPair.bobV4, port: 7), irp: IRP())
        }
        pair.sim.run(for: .milliseconds(50))
        #expect(seen.count == 6)
        #expect(retained.count == 3)
        #expect(server.retainedIndications == 3)
        // Retained bytes are still intact after the frames' batch went back.
        #expect(retained.map { Array($0.bytes) } == [seen[1], seen[3], seen[5]])
        // Released out of order.
        for i in [2, 0, 1] { #expect(server.release(retained[i]) == .success) }
        #expect(server.retainedIndications == 0)
        #expect(server.release(retained[0]) == .invalidParameter)
        _ = server.closeSocket(IRP())
        _ = client.closeSocket(IRP())
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func theAsyncOverlaySendsAndReceives() async throws {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi)
        _ = server.bind(.v4(.any, port: 7), irp: IRP())
        let client = pair.datagramSocket(pair.aliceNpi)
        _ = client.bind(.v4(.any, port: 0), irp: IRP())
        let received = Task { try await server.receiveFrom(maxLength: 100) }
        await pair.sim.submissions.workAvailable()
        pair.sim.run(for: .milliseconds(1))
        let sent = Task { try await client.sendTo([9, 8, 7], to: .v4(WskPair.bobV4, port: 7)) }
        #expect(await pair.sim.run(until: { pair.bob.stack.statistics.udp.datagramsIn > 0 }))
        try await sent.value
        let datagram = try await received.value
        #expect(datagram.bytes == [9, 8, 7])
        // Cancelling the task cancels its receive IRP.
        let cancelled = Task { try await server.receiveFrom() }
        await pair.sim.submissions.workAvailable()
        pair.sim.run(for: .milliseconds(1))
        cancelled.cancel()
        await pair.sim.submissions.workAvailable()
        pair.sim.run(for: .milliseconds(1))
        await #expect(throws: NTStatus.cancelled) { try await cancelled.value }
    }

    @Test(.timeLimit(.minutes(1)))
    func theDatagramSequenceYieldsEachDatagramAndEndsAtClose() async throws {
        let pair = WskPair()
        let server = pair.datagramSocket(pair.bobNpi, family: .inet6)
        _ = server.bind(.v6(.unspecified, port: 7), irp: IRP())
        let client = pair.datagramSocket(pair.aliceNpi, family: .inet6)
        _ = client.bind(.v6(.unspecified, port: 0), irp: IRP())
        let collector = Task {
            var got: [[UInt8]] = []
            for try await datagram in server.datagrams(maxLength: 64) { got.append(datagram.bytes) }
            return got
        }
        for i in 0..<3 {
            await pair.sim.submissions.workAvailable()
            pair.sim.run(for: .milliseconds(1))
            let payload = ClientBuffer([UInt8](repeating: UInt8(i), count: i + 1))
            _ = client.sendTo(payload.buf(), remoteAddress: .v6(WskPair.bobV6, port: 7), irp: IRP())
            pair.sim.run(for: .milliseconds(20))
        }
        // The fourth receive is pending when the socket closes: the sequence ends.
        await pair.sim.submissions.workAvailable()
        pair.sim.run(for: .milliseconds(1))
        _ = server.closeSocket(IRP())
        let got = try await collector.value
        #expect(got == [[0], [1, 1], [2, 2, 2]])
        _ = client.closeSocket(IRP())
        pair.sim.run(for: .seconds(1))
        #expect(pair.sim.buffersOutstanding == 0)
    }
}
