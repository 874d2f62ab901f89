import Testing
import NDIS
import NetCore
import TCPIP
@testable import NetSim

@Suite struct TCPTransferScenarioTests {
    @Test func cleanWireIPv4() throws {
        var scenario = TCPTransferScenario()
        scenario.size = 1 << 20
        let result = try scenario.run()
        #expect(result.finished)
        #expect(result.hashesMatch)
        #expect(result.bytesReceived == scenario.size)
        #expect(result.buffersOutstanding == 0)
    }

    @Test(arguments: [0.01, 0.05, 0.1])
    func lossyWire(loss: Double) throws {
        for family in [AddressFamily.inet, .inet6] {
            var scenario = TCPTransferScenario()
            scenario.family = family
            scenario.seed = 7
            scenario.impairments = WireImpairments(loss: loss, duplication: 0.01, reordering: 0.02, corruption: 0.005, delay: .milliseconds(5))
            let result = try scenario.run()
            print(family, loss, result.finished, result.hashesMatch, result.duration, result.sender.retransmittedSegments, result.sender.fastRecoveries, result.sender.retransmissionTimeouts, result.sender.tailLossProbes, result.senderStatus as Any, result.receiverStatus as Any, result.buffersOutstanding)
            #expect(result.finished)
            #expect(result.hashesMatch)
            #expect(result.buffersOutstanding == 0)
        }
    }
}
