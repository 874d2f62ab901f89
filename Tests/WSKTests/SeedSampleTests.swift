import NetCore
import NetSim
import Testing
import WSK

/// The seed document's "Create a TCP socket with WSK" sample in its first,
/// datagram form (the TCP form is SeedTCPSampleTests).
@Suite struct SeedSampleTests {
    @Test func theReadmeTwinCreatesADatagramSocket() {
        let sim = Simulation(seed: 1)
        let host = sim.addHost("driver")
        let client = WskTestClient(host.wsk)
        let wskProviderNpi = client.npi

        // README twin starts here.
        var status: NTStatus
        var socket: WskSocket? = nil
        let irp = IRP()
        status = wskProviderNpi.dispatch.wskSocket(
            wskProviderNpi.client,
            addressFamily: .inet,
            socketType: .datagram,
            protocolNumber: WskProtocol.udp,
            flags: .datagramSocket,
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
        #expect(socket is WskDatagramSocket)
        #expect(socket?.addressFamily == .inet)
        #expect(socket?.closeSocket(IRP()) == .success)
        // The TCP form of the same call makes a connection socket.
        let tcp = IRP()
        #expect(wskProviderNpi.dispatch.wskSocket(wskProviderNpi.client, addressFamily: .inet, socketType: .stream,
                                                  protocolNumber: WskProtocol.tcp, flags: .connectionSocket,
                                                  socketContext: nil, dispatch: nil, irp: tcp) == .success)
        #expect(tcp.socket is WskConnectionSocket)
        #expect(tcp.socket?.closeSocket(IRP()) == .success)
        client.close()
        #expect(!client.registration.isRegistered)
    }
}
