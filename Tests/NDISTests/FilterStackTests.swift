import NetCore
import Testing

@testable import NDIS

/// Names of an adapter's filter modules, bottom (miniport side) to top.
private func stackNames(_ adapter: MiniportAdapter) -> [String] {
    adapter.filterModules.map { $0.driver.characteristics.friendlyName }
}

/// The five filters of the ordering tests; bottom to top they must sit
/// pa (providerAddress), custom, diag50, diag100 (diagnostic), sched (scheduler).
private func orderingFilters(_ log: EventLog) -> [RecordingFilter] {
    [
        RecordingFilter("diag100", class: .diagnostic, altitude: 100, log: log),
        RecordingFilter("sched", class: .scheduler, altitude: 1, log: log),
        RecordingFilter("pa", class: .providerAddress, altitude: 7, log: log),
        RecordingFilter("diag50", class: .diagnostic, altitude: 50, log: log),
        RecordingFilter("custom", class: .custom, altitude: 500, log: log),
    ]
}

private let expectedBottomToTop = ["pa", "custom", "diag50", "diag100", "sched"]

/// A scripted adapter with three filters (pa at the bottom, diag, sched on
/// top) and one protocol bound, all logging into one log.
private struct ThreeFilterStack {
    let ndis = Ndis()
    let log = EventLog()
    let miniportDriver: ScriptedMiniportDriver
    let filters: [RecordingFilter]
    let proto: RecordingProtocol
    let adapter: MiniportAdapter
    let miniport: ScriptedMiniport
    let pool = NetBufferPool(name: "tx", capacity: 16)

    init() throws {
        miniportDriver = ScriptedMiniportDriver(ndis: ndis, log: log)
        filters = [
            RecordingFilter("sched", class: .scheduler, log: log),
            RecordingFilter("pa", class: .providerAddress, log: log),
            RecordingFilter("diag", class: .diagnostic, log: log),
        ]
        for filter in filters { #expect(filter.register(in: ndis) == .success) }
        proto = RecordingProtocol(name: "proto", log: log)
        proto.register(in: ndis)
        adapter = try #require(miniportDriver.start(in: ndis).adapter)
        miniport = try #require(miniportDriver.miniports.first)
    }

    var binding: RecordingBinding { proto.binding(on: adapter) }

    func filter(_ name: String) -> RecordingFilter { filters.first { $0.name == name }! }
}

@Suite struct FilterOrderTests {
    @Test(arguments: [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 3, 0, 4, 2]])
    func filtersRegisteredBeforeStartStackByClassThenAltitude(order: [Int]) throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let filters = orderingFilters(log)
        for i in order { #expect(filters[i].register(in: ndis) == .success) }
        let adapter = try #require(driver.start(in: ndis).adapter)
        #expect(stackNames(adapter) == expectedBottomToTop)
        // Attached bottom-up (A.2), each Paused then restarted bottom-up.
        #expect(log.ending(".attach") == expectedBottomToTop.map { "\($0).attach" })
        #expect(log.ending(".restart") == expectedBottomToTop.map { "\($0).restart" })
        #expect(adapter.filterModules.allSatisfy { $0.state == .running })
    }

    @Test(arguments: [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 3, 0, 4, 2]])
    func filtersRegisteredWhileRunningAreInsertedInPlace(order: [Int]) throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let filters = orderingFilters(log)
        for i in order { #expect(filters[i].register(in: ndis) == .success) }
        #expect(stackNames(adapter) == expectedBottomToTop)
        #expect(adapter.state == .running)
        #expect(adapter.filterModules.allSatisfy { $0.state == .running })
    }

    @Test func optionalFilterThatFailsToAttachIsLeftOut() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let good = RecordingFilter("good", log: log)
        let bad = RecordingFilter("bad", class: .scheduler, log: log)
        bad.attachStatus = .resources
        good.register(in: ndis)
        bad.register(in: ndis)
        // A filter whose attach claims success without NdisFSetAttributes is not attached either.
        var noContext = Characteristics.filter(class: .vpn) { _, _, _ in .success }
        noContext.friendlyName = "silent"
        var handle: FilterDriver?
        _ = ndis.loadDriver(name: "silent") { object, _ in
            Ndis.registerFilterDriver(object, nil, noContext, &handle).ntStatus
        }
        let (status, started) = driver.start(in: ndis)
        let adapter = try #require(started)
        #expect(status == .success)
        #expect(stackNames(adapter) == ["good"])
        #expect(adapter.state == .running)
    }

    @Test func mandatoryFilterThatFailsToAttachTearsTheStackDown() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let below = RecordingFilter("below", class: .providerAddress, log: log)
        let mandatory = RecordingFilter("mandatory", class: .scheduler, log: log)
        mandatory.runType = .mandatory
        mandatory.attachStatus = .failure
        below.register(in: ndis)
        mandatory.register(in: ndis)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        let (status, adapter) = driver.start(in: ndis)
        #expect(status == .failure)
        #expect(adapter == nil)
        #expect(ndis.adapters.isEmpty)
        #expect(proto.bindings.isEmpty, "no protocol was bound to a stack that failed")
        #expect(driver.lastInitialized?.state == .halted)
        #expect(driver.miniports.first?.haltActions == [.deviceStopped])
        #expect(log.entries == ["miniport.initialize[initializing]", "below.attach", "mandatory.attach",
                                "below.detach", "miniport.halt[paused]"])
    }
}

@Suite struct StackSequenceTests {
    @Test func startPauseRestartAndStopFollowTheReferenceOrder() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        RecordingFilter("high", class: .scheduler, log: log).register(in: ndis)
        RecordingFilter("low", class: .providerAddress, log: log).register(in: ndis)
        let proto = RecordingProtocol(name: "proto", log: log)
        proto.register(in: ndis)

        let adapter = try #require(driver.start(in: ndis).adapter)
        #expect(log.entries == [
            "miniport.initialize[initializing]", "low.attach", "high.attach", "proto.bind",
            "miniport.restart[restarting]", "low.restart", "high.restart", "proto.restart",
        ])
        #expect(proto.binding(on: adapter).handle.state == .running)

        log.clear()
        #expect(ndis.pauseStack(adapter) == .success)
        #expect(log.entries == ["proto.pause", "high.pause", "low.pause", "miniport.pause[pausing]"])
        #expect(adapter.filterModules.allSatisfy { $0.state == .paused })
        #expect(proto.binding(on: adapter).handle.state == .paused)

        log.clear()
        #expect(ndis.restartStack(adapter) == .success)
        #expect(log.entries == ["miniport.restart[restarting]", "low.restart", "high.restart", "proto.restart"])

        log.clear()
        let binding = proto.binding(on: adapter)
        #expect(ndis.stopAdapter(adapter) == .success)
        #expect(log.entries == [
            "proto.pause", "high.pause", "low.pause", "miniport.pause[pausing]",
            "proto.unbind", "high.detach", "low.detach", "miniport.halt[paused]",
        ])
        #expect(binding.unbound)
        #expect(binding.handle.state == .unbound)
        #expect(adapter.protocolBindings.isEmpty)
        #expect(adapter.filterModules.isEmpty)
    }

    @Test func protocolRegisteredWhileRunningIsBoundAroundAPause() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        log.clear()
        let proto = RecordingProtocol(name: "late", log: log)
        #expect(proto.register(in: ndis) == .success)
        #expect(log.entries == ["miniport.pause[pausing]", "late.bind", "miniport.restart[restarting]", "late.restart"])
        #expect(proto.binding(on: adapter).handle.state == .running)
        #expect(adapter.state == .running)
        #expect(proto.binding(on: adapter).parameters.currentMacAddress == testMAC(0xA0))
        #expect(proto.binding(on: adapter).parameters.mtuSize == 1500)
    }
}

@Suite struct FilterDataPathTests {
    @Test func sendsGoDownAndCompletionsComeBackUpThroughEveryFilter() throws {
        let stack = try ThreeFilterStack()
        #expect(stackNames(stack.adapter) == ["pa", "diag", "sched"])
        stack.log.clear()
        let frame = Frames.tagged(1, to: testMAC(9), from: testMAC(0xA0))
        stack.binding.send([frame], from: stack.pool)
        #expect(stack.log.entries == [
            "sched.send", "diag.send", "pa.send", "miniport.send",
            "pa.complete", "diag.complete", "sched.complete", "proto.complete",
        ])
        #expect(stack.miniport.sent == [frame])
        let handle = stack.binding.handle.handle
        for filter in stack.filters {
            #expect(filter.modules.first?.sentSources == [handle], "\(filter.name) saw the binding's SourceHandle")
            #expect(filter.modules.first?.completedSources == [handle])
        }
        #expect(stack.binding.completions.map(\.status) == [.success])
        #expect(stack.binding.completions.map(\.source) == [handle])
        #expect(stack.binding.handle.outstandingSends == 0)
        #expect(stack.pool.outstanding == 0)
    }

    @Test func receivesGoUpAndReturnsComeBackDownThroughEveryFilter() throws {
        let stack = try ThreeFilterStack()
        stack.log.clear()
        let frame = Frames.tagged(2, to: testMAC(0xA0), from: testMAC(9))
        stack.miniport.indicate([frame])
        #expect(stack.log.entries == [
            "pa.receive", "diag.receive", "sched.receive", "proto.receive",
            "sched.return", "diag.return", "pa.return", "miniport.return",
        ])
        #expect(stack.binding.received == [frame])
        #expect(stack.miniport.returned == [frame])
        #expect(stack.miniport.receivePool.outstanding == 0)
        #expect(stack.adapter.outstandingReceiveIndications == 0)
    }

    @Test func filterThatDropsASendCompletesItToTheProtocolWithItsStatus() throws {
        let stack = try ThreeFilterStack()
        stack.filter("diag").dropSendsWith = .notAccepted
        stack.log.clear()
        stack.binding.send([Frames.tagged(3, to: testMAC(9), from: testMAC(0xA0))], from: stack.pool)
        #expect(stack.log.entries == ["sched.send", "diag.send", "sched.complete", "proto.complete"])
        #expect(stack.binding.completions.map(\.status) == [.notAccepted])
        #expect(stack.binding.completions.first?.source == stack.binding.handle.handle)
        #expect(stack.miniport.sent.isEmpty)
        #expect(stack.filter("pa").modules.first?.sentSources.isEmpty == true)
        #expect(stack.binding.handle.outstandingSends == 0)
        #expect(stack.pool.outstanding == 0)
    }

    @Test func batchedCompletionsAreSplitByOriginatingBinding() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let filter = RecordingFilter("mid", log: log)
        filter.register(in: ndis)
        let first = RecordingProtocol(name: "first", log: log)
        let second = RecordingProtocol(name: "second", log: log)
        first.register(in: ndis)
        second.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        let pool = NetBufferPool(name: "tx", capacity: 8)
        let a = first.binding(on: adapter)
        let b = second.binding(on: adapter)
        #expect(a.handle.handle != b.handle.handle)
        miniport.holdSends = true

        let f1 = Frames.tagged(1, to: .broadcast, from: testMAC(1))
        let f2 = Frames.tagged(2, to: .broadcast, from: testMAC(1))
        let f3 = Frames.tagged(3, to: .broadcast, from: testMAC(1))
        let f4 = Frames.tagged(4, to: .broadcast, from: testMAC(1))
        a.send([f1], from: pool)
        b.send([f2], from: pool)
        a.send([f3, f4], from: pool)
        #expect(a.completions.isEmpty && b.completions.isEmpty, "sends are asynchronous")
        #expect(a.handle.outstandingSends == 3)
        #expect(b.handle.outstandingSends == 1)

        // One completion chain mixing both bindings' lists, as a miniport may batch them.
        miniport.completeHeldSends(status: .success)
        #expect(a.completions.map(\.bytes) == [f1, f3, f4])
        #expect(b.completions.map(\.bytes) == [f2])
        #expect(a.completions.allSatisfy { $0.source == a.handle.handle && $0.status == .success })
        #expect(b.completions.allSatisfy { $0.source == b.handle.handle && $0.status == .success })
        #expect(a.completeCalls == 2, "f1, then f3 and f4 together")
        #expect(filter.modules.first?.completedSources == [a.handle.handle, b.handle.handle, a.handle.handle,
                                                          a.handle.handle])
        #expect(a.handle.outstandingSends == 0)
        #expect(b.handle.outstandingSends == 0)
        #expect(pool.outstanding == 0)
    }

    @Test func cancelSendReachesTheMiniportThroughTheFiltersAndAbortsOnlyMatchingLists() throws {
        let stack = try ThreeFilterStack()
        stack.miniport.holdSends = true
        let f1 = Frames.tagged(1, to: testMAC(9), from: testMAC(0xA0))
        let f2 = Frames.tagged(2, to: testMAC(9), from: testMAC(0xA0))
        stack.binding.send([f1], from: stack.pool, cancelId: 7)
        stack.binding.send([f2], from: stack.pool, cancelId: 8)
        stack.log.clear()
        stack.binding.handle.cancelSendNetBufferLists(7)
        #expect(stack.log.entries == [
            "sched.cancel", "diag.cancel", "pa.cancel", "miniport.cancel",
            "pa.complete", "diag.complete", "sched.complete", "proto.complete",
        ])
        #expect(stack.binding.completions.map(\.bytes) == [f1])
        #expect(stack.binding.completions.map(\.status) == [.sendAborted])
        #expect(stack.binding.handle.outstandingSends == 1)
        stack.miniport.completeHeldSends()
        #expect(stack.binding.completions.map(\.bytes) == [f1, f2])
        #expect(stack.binding.completions.last?.status == .success)
        #expect(stack.pool.outstanding == 0)
    }

    @Test func pendedFilterPauseHoldsTheMiniportPauseBack() throws {
        let stack = try ThreeFilterStack()
        stack.filter("diag").pendPause = true
        stack.log.clear()
        var outcome: NDISStatus?
        #expect(stack.ndis.pauseStack(stack.adapter) { outcome = $0 } == .pending)
        #expect(stack.log.entries == ["proto.pause", "sched.pause", "diag.pause"])
        #expect(stack.adapter.state == .running)
        let module = try #require(stack.filter("diag").modules.first)
        #expect(module.filterModule.state == .pausing)
        module.filterModule.pauseComplete()
        #expect(stack.log.entries == ["proto.pause", "sched.pause", "diag.pause", "pa.pause", "miniport.pause[pausing]"])
        #expect(module.filterModule.state == .paused)
        #expect(stack.adapter.state == .paused)
        #expect(outcome == .success)
    }

    @Test func filterRegisteredWhileRunningIsAttachedAroundAPauseAndDeregisteringDetachesIt() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(name: "proto", log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let binding = proto.binding(on: adapter)
        let pool = NetBufferPool(name: "tx", capacity: 4)
        log.clear()

        let late = RecordingFilter("late", log: log)
        #expect(late.register(in: ndis) == .success)
        #expect(log.entries == [
            "proto.pause", "miniport.pause[pausing]", "late.attach",
            "miniport.restart[restarting]", "late.restart", "proto.restart",
        ])
        #expect(stackNames(adapter) == ["late"])
        let module = try #require(adapter.filterModules.first)
        #expect(module.state == .running)
        #expect(adapter.state == .running)
        #expect(binding.handle.state == .running)

        log.clear()
        binding.send([Frames.tagged(1, to: .broadcast, from: testMAC(1))], from: pool)
        #expect(log.entries == ["late.send", "miniport.send", "late.complete", "proto.complete"])

        log.clear()
        ndis.deregisterFilterDriver(try #require(late.driver))
        #expect(log.entries == [
            "proto.pause", "late.pause", "miniport.pause[pausing]", "late.detach",
            "miniport.restart[restarting]", "proto.restart",
        ])
        #expect(adapter.filterModules.isEmpty)
        #expect(module.state == .detached)
        #expect(ndis.filterDrivers.isEmpty)
        #expect(adapter.state == .running)

        log.clear()
        binding.send([Frames.tagged(2, to: .broadcast, from: testMAC(1))], from: pool)
        #expect(log.entries == ["miniport.send", "proto.complete"])
        #expect(binding.completions.map(\.status) == [.success, .success])
        #expect(pool.outstanding == 0)
    }

    @Test func filterOnAPausedAdapterIsAttachedWithoutARestart() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        #expect(ndis.pauseStack(adapter) == .success)
        log.clear()
        let filter = RecordingFilter("f", log: log)
        filter.register(in: ndis)
        #expect(log.entries == ["f.attach"])
        #expect(adapter.filterModules.first?.state == .paused)
        #expect(adapter.state == .paused)
        #expect(ndis.restartStack(adapter) == .success)
        #expect(adapter.filterModules.first?.state == .running)
    }
}

/// Inserting or removing a filter or a binding, and stopping an adapter,
/// happen only once the stack has finished pausing (A.2); a component that
/// pends its pause must not let them run early.
@Suite struct ReconfigurationAfterPendedPauseTests {
    @Test func filterRegisteredWhileThePauseIsPendedAttachesOnceItCompletes() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(name: "proto", log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        miniport.pauseResult = .pending
        log.clear()

        let late = RecordingFilter("late", log: log)
        #expect(late.register(in: ndis) == .success)
        #expect(log.entries == ["proto.pause", "miniport.pause[pausing]"])
        #expect(adapter.filterModules.isEmpty, "nothing is inserted into a stack still pausing")
        #expect(adapter.state == .pausing)

        adapter.pauseComplete()
        #expect(log.entries == [
            "proto.pause", "miniport.pause[pausing]", "late.attach",
            "miniport.restart[restarting]", "late.restart", "proto.restart",
        ])
        #expect(adapter.state == .running)
        #expect(adapter.filterModules.first?.state == .running)
        #expect(proto.binding(on: adapter).handle.state == .running)
    }

    @Test func filterDeregisteredWhileThePauseIsPendedDetachesOnceItCompletes() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let filter = RecordingFilter("f", log: log)
        filter.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        miniport.pauseResult = .pending
        log.clear()

        ndis.deregisterFilterDriver(try #require(filter.driver))
        #expect(log.entries == ["f.pause", "miniport.pause[pausing]"])
        adapter.pauseComplete()
        #expect(log.entries == ["f.pause", "miniport.pause[pausing]", "f.detach", "miniport.restart[restarting]"])
        #expect(adapter.filterModules.isEmpty)
        #expect(adapter.state == .running)
    }

    @Test func protocolRegisteredWhileThePauseIsPendedBindsOnceItCompletes() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        miniport.pauseResult = .pending
        log.clear()

        let proto = RecordingProtocol(name: "late", log: log)
        #expect(proto.register(in: ndis) == .success)
        #expect(log.entries == ["miniport.pause[pausing]"])
        #expect(proto.bindings.isEmpty)
        adapter.pauseComplete()
        #expect(log.entries == ["miniport.pause[pausing]", "late.bind", "miniport.restart[restarting]", "late.restart"])
        #expect(proto.binding(on: adapter).handle.state == .running)
        #expect(adapter.state == .running)
    }

    @Test func stopWhilePausePendsHaltsOnceThePauseCompletes() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(name: "proto", log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        miniport.pauseResult = .pending
        log.clear()

        #expect(ndis.stopAdapter(adapter) == .pending)
        #expect(adapter.state == .pausing)
        #expect(miniport.haltActions.isEmpty)
        adapter.pauseComplete()
        #expect(log.entries == ["proto.pause", "miniport.pause[pausing]", "proto.unbind", "miniport.halt[paused]"])
        #expect(adapter.state == .halted)
        #expect(miniport.haltActions == [.deviceStopped])
        #expect(ndis.adapters.isEmpty)
    }

    @Test func captureRegisteredWhileAProtocolHoldsAReceiveWaitsForItsReturn() throws {
        let bench = WireBench(ports: 2)
        bench.protocolDriver.holdReceives = true
        bench.send(from: 0, [Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0))])
        bench.deliverAll()
        let capture = CaptureFilter(writer: try PcapngWriter(sink: MemoryCaptureSink()), clock: bench.clock)
        #expect(capture.register(in: bench.ndis) == .success)
        // Port 0 holds nothing and was reconfigured at once; port 1's pause waits for the held frame.
        #expect(bench.adapters[0].state == .running)
        #expect(bench.adapters[0].filterModules.count == 1)
        #expect(bench.adapters[1].state == .pausing)
        bench.binding(1).returnHeld()
        #expect(bench.adapters[1].state == .running)
        #expect(bench.adapters[1].filterModules.first?.state == .running)
        #expect(capture.writer.interfaceCount == 2)
        bench.protocolDriver.holdReceives = false
        bench.send(from: 0, [Frames.tagged(2, to: WireBench.mac(1), from: WireBench.mac(0))])
        bench.deliverAll()
        #expect(bench.binding(1).received.count == 2)
        #expect(capture.writer.packetCount == 2)
        bench.expectPoolsDrained()
    }
}
