import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// The TCP echo exchange through WSK over clean and lossy wires, both
/// families: every byte back once and in order, every socket closed, no
/// buffer held.
@Suite struct WskTCPEchoScenarioTests {
    @Test(arguments: [AddressFamily.inet, .inet6], [0.0, 0.03])
    func everyByteComesBack(family: AddressFamily, loss: Double) {
        var scenario = WskTCPEchoScenario()
        scenario.family = family
        scenario.impairments = WireImpairments(loss: loss, delay: .milliseconds(5))
        scenario.size = 300_000
        scenario.chunk = 20_000
        scenario.seed = 7
        let result = scenario.run()
        #expect(result.connectStatus == .success)
        #expect(result.bytesSent == 300_000)
        #expect(result.bytesReceived == 300_000)
        #expect(result.echoMatches)
        #expect(result.finReceived)
        #expect(result.disconnectStatus == .success)
        #expect(result.serverConnectionsFinished == 1)
        #expect(result.buffersOutstanding == 0)
        #expect(result.socketsOpen == 0)
        if loss > 0 {
            #expect(result.wire.lost > 0)
        }
    }
}
