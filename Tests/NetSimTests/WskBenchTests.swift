import NetSim
import Testing

/// The WSK benches count what they claim to, and give everything back:
/// correctness only, no timings.
@Suite struct WskBenchTests {
    /// Bursts that divide the count unevenly; for the IRP mode, also bursts
    /// larger than the receives posted, so datagrams wait in the socket's
    /// queue and re-posted IRPs complete inline from it.
    @Test(arguments: [
        (WskDatagramBench.ReceiveMode.event, 32, 32),
        (.event, 7, 32),
        (.receiveIRPs, 32, 32),
        (.receiveIRPs, 7, 32),
        (.receiveIRPs, 40, 8),
    ])
    func everyDatagramSentIsReceived(mode: WskDatagramBench.ReceiveMode, batch: Int, receiveIRPs: Int) {
        let bench = WskDatagramBench(mode: mode, batch: batch, receiveIRPs: receiveIRPs)
        let warmedUp = bench.delivered
        #expect(warmedUp == batch * 4)
        #expect(bench.run(datagrams: 1_000) == 1_000)
        #expect(bench.delivered == warmedUp + 1_000)
        bench.close()
        #expect(bench.resourcesOutstanding == 0)
    }

    @Test(arguments: [false, true])
    func socketsOpenedAndClosedLeaveNothingBehind(bind: Bool) {
        let bench = WskSocketBench()
        #expect(bench.run(sockets: 500, bind: bind) == 500)
        #expect(bench.socketsOutstanding == 0)
    }

    @Test func idleSocketsHoldTheirEndpointsUntilClosed() {
        let bench = WskSocketMemoryBench(capacity: 500)
        bench.open(sockets: 500)
        // Each holds one endpoint in the UDP table and counts as one open socket.
        #expect(bench.socketsOutstanding == 1_000)
        bench.closeAll()
        #expect(bench.socketsOutstanding == 0)
    }
}
