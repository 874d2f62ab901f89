import NetCore
import NetSim
import Testing
import WSK

/// The seed document's "Create a TCP socket with WSK" sample, in datagram
/// form until TCP arrives, line for line as the README shows it.
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
        // The TCP form of the same call is refused until TCP arrives.
        let tcp = IRP()
        #expect(wskProviderNpi.dispatch.wskSocket(wskProviderNpi.client, addressFamily: .inet, socketType: .stream,
                                                  protocolNumber: WskProtocol.tcp, flags: .connectionSocket,
                                                  socketContext: nil, dispatch: nil, irp: tcp) == .notSupported)
        client.close()
        #expect(!client.registration.isRegistered)
    }
}
