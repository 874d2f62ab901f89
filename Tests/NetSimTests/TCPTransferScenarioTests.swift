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
        print(result)
        #expect(result.finished)
        #expect(result.hashesMatch)
        #expect(result.bytesReceived == scenario.size)
        #expect(result.buffersOutstanding == 0)
    }
}
