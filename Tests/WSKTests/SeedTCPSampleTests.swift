import NetCore
import NetSim
import Testing
import WSK

/// The seed document's "Create a TCP socket with WSK" sample, line for line
/// as the README shows it, run by a client that registers with WSK and
/// captures the provider NPI first; then what the README shows the socket
/// doing next — bind, connect, send, receive, disconnect, close — against
/// an echo service on a second host, and the deregistration.
@Suite struct SeedTCPSampleTests {
    @Test(.timeLimit(.minutes(1)))
    func theReadmeTwinCreatesATCPSocketThatTalksToAnEchoService() async throws {
        let sim = Simulation(seed: 1)
        let wire = sim.addWire()
        let driver = sim.addHost("driver")
        let peer = sim.addHost("peer")
        sim.attach(driver, to: wire, address: IPv4Address(192, 0, 2, 1), prefixLength: 24)
        sim.attach(peer, to: wire, address: IPv4Address(192, 0, 2, 2), prefixLength: 24)
        let echo = WskTCPEchoServer(peer.wsk, family: .inet, port: 7)

        // WskRegister and WskCaptureProviderNPI, as the driver does at load.
        let registration = WskRegistration()
        #expect(registration.register(WskClientNpi(), with: driver.wsk) == .success)
        var captured: WskProviderNpi?
        #expect(registration.captureProviderNpi(waitTimeout: .infinite, &captured) == .success)
        let wskProviderNpi = captured!

        // README twin starts here.
        var status: NTStatus
        var socket: WskSocket? = nil
        let irp = IRP()
        status = wskProviderNpi.dispatch.wskSocket(
            wskProviderNpi.client,
            addressFamily: .inet,
            socketType: .stream,
            protocolNumber: WskProtocol.tcp,
            flags: .connectionSocket,
            socketContext: nil,
            dispatch: nil,
            owningProcess: nil,
            owningThread: nil,
            securityDescriptor: nil,
            irp: irp)
        socket = irp.socket
        if !status.isSuccess {
            // handle error
        }
        // README twin ends here.

        #expect(status == .success)
        #expect(irp.ioStatus.status == .success)
        #expect(!irp.pendingReturned)
        #expect(socket is WskConnectionSocket)
        #expect(socket?.addressFamily == .inet)
        #expect(socket?.socketType == .stream)
        #expect(driver.wsk.statistics.socketsOpen == 1)

        let done = Signal(sim)
        let conversation = Task { [socket] () async throws(NTStatus) -> [UInt8] in
            defer { done.set() }
            // README twin (continued) starts here.
            let connection = socket as! WskConnectionSocket
            try await connection.bind(.v4(.any, port: 0))
            try await connection.connect(to: .v4(IPv4Address(192, 0, 2, 2), port: 7))
            try await connection.send(Array("hello, WSK".utf8))
            let echoed = try await connection.receive(max: 64)
            try await connection.disconnect()
            await connection.close()
            // README twin (continued) ends here.
            return echoed
        }
        guard await sim.pump(until: { done.isSet }) else {
            Issue.record("the conversation did not finish")
            return
        }
        #expect(try await conversation.value == Array("hello, WSK".utf8))
        #expect(socket?.isClosed == true)
        #expect(driver.wsk.statistics.socketsOpen == 0)
        sim.run(for: .seconds(1))
        #expect(echo.connectionsAccepted == 1)
        #expect(echo.bytesEchoed == 10)
        #expect(echo.connectionsFinished == 1)

        // WskReleaseProviderNPI and WskDeregister, as the driver does at unload.
        registration.releaseProviderNpi()
        registration.deregister()
        #expect(!registration.isRegistered)
        echo.stop()
        sim.run(for: .seconds(1))
        #expect(sim.buffersOutstanding == 0)
    }
}
