import Testing
import NetCore
import TCPIP
@testable import NetSim

/// The TCP benches do what they claim (their timings are for `netkernel bench`, never for tests).
@Suite struct TCPBenchTests {
    @Test func everyBenchCompletesAndCleansUp() {
        let bench = TCPBench()
        #expect(bench.bulk(bytes: 51 << 18) == 51 << 18)
        #expect(bench.connectionsOutstanding == 0)
        #expect(bench.connections(count: 200) == 200)
        #expect(bench.requestResponse(count: 500) == 500)
        #expect(bench.connectionsOutstanding == 0)
        // The heap figure itself is the bench's to report: the allocator's books are process-wide,
        // and other tests allocate alongside when the suite runs in parallel.
        _ = bench.bytesPerIdleConnection(count: 1000)
        #expect(bench.connectionsOutstanding == 0)
        bench.simulation.run(for: .seconds(5))
        #expect(bench.simulation.buffersOutstanding == 0)
    }
}
