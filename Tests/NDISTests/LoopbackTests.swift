import NetCore
import Testing

@testable import NDIS

/// A loopback adapter with one recording protocol bound.
private struct LoopbackStack {
    let ndis = Ndis()
    let log = EventLog()
    let proto: RecordingProtocol
    let adapter: MiniportAdapter
    let pool = NetBufferPool(name: "tx", capacity: 16)

    init(receiveBuffers: Int = 256) throws {
        #expect(ndis.loadDriver(name: "loopback", entry: LoopbackMiniport.driverEntry) == .success)
        proto = RecordingProtocol(name: "proto", log: log)
        proto.register(in: ndis)
        let driver = try #require(ndis.miniportDrivers.last)
        let (status, started) = ndis.startAdapter(driver: driver, name: "lo",
                                                  configuration: ["ReceiveBuffers": "\(receiveBuffers)", "MTU": "1500"])
        #expect(status == .success)
        adapter = try #require(started)
    }

    var miniport: LoopbackMiniport { adapter.context as! LoopbackMiniport }
    var binding: RecordingBinding { proto.binding(on: adapter) }

    func expectDrained(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(pool.outstanding == 0, "send pool", sourceLocation: sourceLocation)
        #expect(miniport.receivePool.outstanding == 0, "receive pool", sourceLocation: sourceLocation)
        #expect(adapter.outstandingReceiveIndications == 0, sourceLocation: sourceLocation)
    }
}

private let host = MACAddress(0x02, 0, 0, 0, 0, 0x01)
private func frame(_ tag: Int, length: Int = 64) -> [UInt8] { Frames.tagged(tag, to: host, from: host, length: length) }

@Suite struct LoopbackTests {
    @Test func sentFrameIsIndicatedBackOnlyFromTheDeferredCall() throws {
        let stack = try LoopbackStack()
        #expect(!stack.ndis.hasDeferredWork)
        let f = frame(1)
        stack.binding.send([f], from: stack.pool)
        #expect(stack.binding.completions.map(\.status) == [.success])
        #expect(stack.binding.received.isEmpty, "nothing is indicated inside the send")
        #expect(stack.binding.receivesDuringSend == 0)
        #expect(stack.ndis.hasDeferredWork)

        #expect(stack.ndis.runDeferredProcedureCalls() == 1)
        #expect(stack.binding.received == [f], "the same bytes come back")
        #expect(!stack.ndis.hasDeferredWork)
        #expect(stack.ndis.runDeferredProcedureCalls() == 0)
        #expect(stack.binding.received.count == 1)
        stack.expectDrained()
    }

    @Test func sendsBeforeTheDeferredCallComeBackInOneIndication() throws {
        let stack = try LoopbackStack()
        let frames = [frame(1), frame(2, length: 1514), frame(3, length: 42)]
        stack.binding.send([frames[0]], from: stack.pool)
        stack.binding.send(Array(frames[1...]), from: stack.pool)
        #expect(stack.ndis.runDeferredProcedureCalls() == 1, "one DPC for both sends")
        #expect(stack.binding.received == frames)
        #expect(stack.binding.indications.map(\.count) == [3])
        stack.expectDrained()
    }

    @Test func frameSentFromTheReceiveHandlerWaitsForTheNextDeferredCall() throws {
        let stack = try LoopbackStack()
        var answered = false
        stack.proto.onReceive = { binding, _ in
            // Answer the first looped frame from inside the receive handler.
            guard !answered else { return }
            answered = true
            binding.send([frame(2)], from: stack.pool)
        }
        stack.binding.send([frame(1)], from: stack.pool)
        #expect(stack.ndis.runDeferredProcedureCalls() == 1)
        #expect(answered)
        #expect(stack.binding.received == [frame(1)], "the answer is not indicated inside the receive handler")
        #expect(stack.ndis.hasDeferredWork)
        #expect(stack.ndis.runDeferredProcedureCalls() == 1)
        #expect(stack.binding.received == [frame(1), frame(2)])
        #expect(!stack.ndis.hasDeferredWork)
        stack.expectDrained()
    }

    @Test func exhaustedReceivePoolCountsReceiveNoBuffer() throws {
        let stack = try LoopbackStack(receiveBuffers: 2)
        stack.proto.holdReceives = true
        let frames = [frame(1), frame(2), frame(3)]
        stack.binding.send(frames, from: stack.pool)
        #expect(stack.binding.completions.count == 3)
        #expect(stack.miniport.core.receiveNoBuffer == 1)
        #expect(stack.miniport.receivePool.exhaustedCount == 1)
        #expect(stack.binding.query(.genRcvNoBuffer).request.valueUInt64 == 1)
        stack.ndis.runDeferredProcedureCalls()
        #expect(stack.binding.received == Array(frames.prefix(2)))

        // The buffers are still held: the next send has none either.
        stack.binding.send([frame(4)], from: stack.pool)
        #expect(stack.miniport.core.receiveNoBuffer == 2)
        stack.binding.returnHeld()
        stack.binding.send([frame(5)], from: stack.pool)
        stack.ndis.runDeferredProcedureCalls()
        #expect(stack.binding.received == Array(frames.prefix(2)) + [frame(5)])
        stack.binding.returnHeld()
        #expect(stack.miniport.core.receiveNoBuffer == 2)
        stack.expectDrained()
    }

    @Test func statisticsCountBothDirections() throws {
        let stack = try LoopbackStack()
        stack.binding.send([frame(1, length: 100), Frames.tagged(2, to: .broadcast, from: host, length: 60)],
                           from: stack.pool)
        stack.ndis.runDeferredProcedureCalls()
        let info = try #require(StatisticsInfo(bytes: stack.binding.query(.genStatistics).request.informationBuffer))
        #expect(info.ifHCOutUcastPkts == 1 && info.ifHCOutBroadcastPkts == 1)
        #expect(info.ifHCInUcastPkts == 1 && info.ifHCInBroadcastPkts == 1)
        #expect(info.ifHCOutOctets == 160 && info.ifHCInOctets == 160)
        #expect(stack.binding.query(.genVendorDescription).request.informationBuffer == Array("NetKernel Loopback".utf8) + [0])
        stack.expectDrained()
    }

    @Test func pauseDiscardsFramesNotYetIndicated() throws {
        let stack = try LoopbackStack()
        stack.binding.send([frame(1)], from: stack.pool)
        #expect(stack.miniport.receivePool.outstanding == 1)
        #expect(stack.ndis.pauseStack(stack.adapter) == .success)
        #expect(stack.miniport.receivePool.outstanding == 0)
        stack.ndis.runDeferredProcedureCalls()
        #expect(stack.binding.received.isEmpty)

        // Paused: sends complete with NDIS_STATUS_PAUSED and loop nothing.
        stack.binding.send([frame(2)], from: stack.pool)
        #expect(stack.binding.completions.last?.status == .paused)

        #expect(stack.ndis.restartStack(stack.adapter) == .success)
        stack.binding.send([frame(3)], from: stack.pool)
        stack.ndis.runDeferredProcedureCalls()
        #expect(stack.binding.received == [frame(3)])
        stack.expectDrained()
    }

    @Test func pauseWaitsForLoopedFramesTheProtocolHolds() throws {
        let stack = try LoopbackStack()
        stack.proto.holdReceives = true
        stack.binding.send([frame(1)], from: stack.pool)
        stack.ndis.runDeferredProcedureCalls()
        var outcome: NDISStatus?
        #expect(stack.ndis.pauseStack(stack.adapter) { outcome = $0 } == .pending)
        #expect(stack.adapter.state == .pausing)
        stack.binding.returnHeld()
        #expect(outcome == .success)
        #expect(stack.adapter.state == .paused)
        stack.expectDrained()
    }
}
