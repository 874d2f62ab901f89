import NetCore
import Testing

@testable import NDIS

// MARK: - Pure transition tables (reference A.4)

/// The miniport adapter table of A.4, written out cell by cell; every pair
/// not listed is illegal.
private let miniportTable: [MiniportAdapterState: [MiniportAdapterEvent: MiniportAdapterState]] = [
    .halted: [.initialize: .initializing],
    .shutdown: [:],
    .initializing: [.initializeSucceeded: .paused, .initializeFailed: .halted],
    .paused: [.shutdown: .shutdown, .halt: .halted, .restart: .restarting],
    .restarting: [.shutdown: .shutdown, .restartSucceeded: .running, .restartFailed: .paused],
    .running: [.shutdown: .shutdown, .pause: .pausing],
    .pausing: [.shutdown: .shutdown, .pauseCompleted: .paused],
]

/// Filter module: Detached → Attaching → Paused ⇄ Restarting/Running/Pausing;
/// detach only from Paused; attach failure → Detached; a failed restart stays Paused (A.2).
private let filterTable: [FilterModuleState: [FilterModuleEvent: FilterModuleState]] = [
    .detached: [.attach: .attaching],
    .attaching: [.attachSucceeded: .paused, .attachFailed: .detached],
    .paused: [.detach: .detached, .restart: .restarting],
    .restarting: [.restartSucceeded: .running, .restartFailed: .paused],
    .running: [.pause: .pausing],
    .pausing: [.pauseCompleted: .paused],
]

/// Protocol binding: Unbound → Opening → Paused ⇄ Restarting → Running →
/// Pausing → Paused; Paused → Closing → Unbound; open failure → Unbound.
private let bindingTable: [ProtocolBindingState: [ProtocolBindingEvent: ProtocolBindingState]] = [
    .unbound: [.bind: .opening],
    .opening: [.openSucceeded: .paused, .openFailed: .unbound],
    .paused: [.restart: .restarting, .unbind: .closing],
    .restarting: [.restartSucceeded: .running, .restartFailed: .paused],
    .running: [.pause: .pausing],
    .pausing: [.pauseCompleted: .paused],
    .closing: [.closeCompleted: .unbound],
]

@Suite struct StateTableTests {
    @Test func miniportAdapterTableMatchesTheReference() {
        #expect(Set(miniportTable.keys) == Set(MiniportAdapterState.allCases), "the expected table covers every state")
        var legal = 0
        for state in MiniportAdapterState.allCases {
            for event in MiniportAdapterEvent.allCases {
                let expected = miniportTable[state]?[event]
                #expect(state.next(on: event) == expected, "\(state) on \(event)")
                if expected != nil { legal += 1 }
            }
        }
        #expect(legal == 13)
    }

    @Test func miniportDataAndOidWindowsMatchTheReference() {
        let data = MiniportAdapterState.allCases.filter(\.allowsData)
        #expect(Set(data) == [.running, .pausing])
        let oids = MiniportAdapterState.allCases.filter(\.allowsOids)
        #expect(Set(oids) == [.paused, .restarting, .running, .pausing])
    }

    @Test func filterModuleTableMatchesTheReference() {
        #expect(Set(filterTable.keys) == Set(FilterModuleState.allCases))
        var legal = 0
        for state in FilterModuleState.allCases {
            for event in FilterModuleEvent.allCases {
                let expected = filterTable[state]?[event]
                #expect(state.next(on: event) == expected, "\(state) on \(event)")
                if expected != nil { legal += 1 }
            }
        }
        #expect(legal == 9)
        #expect(Set(FilterModuleState.allCases.filter(\.allowsData)) == [.running, .pausing])
    }

    @Test func protocolBindingTableMatchesTheReference() {
        #expect(Set(bindingTable.keys) == Set(ProtocolBindingState.allCases))
        var legal = 0
        for state in ProtocolBindingState.allCases {
            for event in ProtocolBindingEvent.allCases {
                let expected = bindingTable[state]?[event]
                #expect(state.next(on: event) == expected, "\(state) on \(event)")
                if expected != nil { legal += 1 }
            }
        }
        #expect(legal == 10)
        #expect(ProtocolBindingState.allCases.filter(\.allowsSend) == [.running])
        #expect(Set(ProtocolBindingState.allCases.filter(\.allowsReceive)) == [.running, .pausing])
    }
}

// MARK: - The state machine driven through Ndis

@Suite struct AdapterLifecycleTests {
    @Test func adapterWalksTheWholeLifecycle() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        #expect(driver.registrationStatus == .success)
        #expect(ndis.miniportDrivers.count == 1)

        let (status, started) = driver.start(in: ndis)
        let adapter = try #require(started)
        #expect(status == .success)
        #expect(adapter.state == .running)
        #expect(ndis.adapters.count == 1 && ndis.adapters.first === adapter)
        // Halted → Initializing (inside MiniportInitializeEx) → Paused → Restarting → Running.
        #expect(log.entries == ["miniport.initialize[initializing]", "miniport.restart[restarting]"])

        log.clear()
        #expect(ndis.pauseStack(adapter) == .success)
        #expect(adapter.state == .paused)
        #expect(log.entries == ["miniport.pause[pausing]"])

        log.clear()
        #expect(ndis.restartStack(adapter) == .success)
        #expect(adapter.state == .running)
        #expect(log.entries == ["miniport.restart[restarting]"])

        log.clear()
        #expect(ndis.pauseStack(adapter) == .success)
        #expect(adapter.state == .paused)
        #expect(ndis.stopAdapter(adapter) == .success)
        #expect(adapter.state == .halted)
        #expect(log.entries == ["miniport.pause[pausing]", "miniport.halt[paused]"])
        #expect(driver.miniports.first?.haltActions == [.deviceStopped])
        #expect(ndis.adapters.isEmpty)
        #expect(!driver.unloaded)

        let handle = try #require(driver.driver)
        ndis.deregisterMiniportDriver(handle)
        #expect(driver.unloaded)
        #expect(ndis.miniportDrivers.isEmpty)
    }

    @Test func stopAdapterPausesARunningStackFirst() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        log.clear()
        #expect(ndis.stopAdapter(adapter, action: .deviceSurpriseRemoved) == .success)
        #expect(log.entries == ["miniport.pause[pausing]", "miniport.halt[paused]"])
        #expect(driver.miniports.first?.haltActions == [.deviceSurpriseRemoved])
        #expect(adapter.state == .halted)
    }

    @Test func deregisteringTheDriverHaltsItsAdaptersThenUnloads() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let first = try #require(driver.start(in: ndis, name: "a").adapter)
        let second = try #require(driver.start(in: ndis, name: "b").adapter)
        #expect(first.ifIndex != second.ifIndex)
        let handle = try #require(driver.driver)
        ndis.deregisterMiniportDriver(handle)
        #expect(first.state == .halted)
        #expect(second.state == .halted)
        #expect(ndis.adapters.isEmpty)
        #expect(driver.unloaded)
    }

    @Test func illegalOperationsAreRefusedAndChangeNothing() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        log.clear()

        // Running: no restart, no halt.
        #expect(ndis.restartStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.restartMiniport(adapter) == .invalidDeviceRequest)
        #expect(ndis.haltMiniport(adapter) == .invalidDeviceRequest)
        #expect(adapter.state == .running)
        #expect(miniport.haltActions.isEmpty)
        #expect(log.entries.isEmpty)

        // Paused: no second pause.
        #expect(ndis.pauseStack(adapter) == .success)
        log.clear()
        #expect(ndis.pauseStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.pauseMiniport(adapter) == .invalidDeviceRequest)
        #expect(adapter.state == .paused)
        #expect(log.entries.isEmpty)

        // Halted: nothing but a new initialize.
        #expect(ndis.stopAdapter(adapter) == .success)
        log.clear()
        #expect(ndis.shutdownAdapter(adapter) == .invalidDeviceRequest)
        #expect(ndis.haltMiniport(adapter) == .invalidDeviceRequest)
        #expect(ndis.restartStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.pauseStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.stopAdapter(adapter) == .invalidDeviceRequest)
        #expect(adapter.state == .halted)
        #expect(miniport.shutdownActions.isEmpty)
        #expect(miniport.haltActions == [.deviceStopped])
        #expect(log.entries.isEmpty)
    }

    @Test func shutdownIsTerminal() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        log.clear()
        #expect(ndis.shutdownAdapter(adapter, action: .bugCheck) == .success)
        #expect(adapter.state == .shutdown)
        #expect(miniport.shutdownActions == [.bugCheck])
        #expect(log.entries == ["miniport.shutdown[running]"])
        #expect(ndis.adapters.isEmpty)
        // Neither halt nor anything else follows a shutdown.
        #expect(ndis.shutdownAdapter(adapter) == .invalidDeviceRequest)
        #expect(ndis.haltMiniport(adapter) == .invalidDeviceRequest)
        #expect(ndis.restartStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.stopAdapter(adapter) == .invalidDeviceRequest)
        #expect(miniport.haltActions.isEmpty)
        #expect(adapter.state == .shutdown)
    }

    @Test func sendThroughAPausedBindingCompletesWithPaused() throws {
        let ndis = Ndis()
        let driver = ScriptedMiniportDriver(ndis: ndis)
        let proto = RecordingProtocol()
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        let binding = proto.binding(on: adapter)
        let pool = NetBufferPool(name: "tx", capacity: 4)
        #expect(binding.handle.state == .running)

        #expect(ndis.pauseStack(adapter) == .success)
        #expect(binding.handle.state == .paused)
        let frame = Frames.tagged(1, to: .broadcast, from: testMAC(1))
        binding.send([frame], from: pool)
        #expect(binding.completions.count == 1)
        #expect(binding.completions.first?.status == .paused)
        #expect(binding.completions.first?.bytes == frame)
        #expect(binding.completions.first?.source == binding.handle.handle)
        #expect(miniport.sent.isEmpty, "the miniport never saw it")
        #expect(binding.handle.outstandingSends == 0)
        #expect(pool.outstanding == 0)

        // Once restarted the same send goes through.
        #expect(ndis.restartStack(adapter) == .success)
        binding.send([frame], from: pool)
        #expect(binding.completions.last?.status == .success)
        #expect(miniport.sent == [frame])
        #expect(pool.outstanding == 0)
    }

    @Test func sendWhileOnlyTheMiniportIsPausedCompletesWithPaused() throws {
        let ndis = Ndis()
        let driver = ScriptedMiniportDriver(ndis: ndis)
        let proto = RecordingProtocol()
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        let binding = proto.binding(on: adapter)
        let pool = NetBufferPool(name: "tx", capacity: 4)

        #expect(ndis.pauseMiniport(adapter) == .success)
        #expect(adapter.state == .paused)
        #expect(binding.handle.state == .running)
        binding.send([Frames.tagged(1, to: .broadcast, from: testMAC(1)), Frames.tagged(2, to: .broadcast, from: testMAC(1))],
                     from: pool)
        #expect(binding.completions.map(\.status) == [.paused, .paused])
        #expect(adapter.counters.sendsWhilePaused == 2)
        #expect(miniport.sent.isEmpty)
        #expect(pool.outstanding == 0)
        #expect(binding.handle.outstandingSends == 0)

        #expect(ndis.restartMiniport(adapter) == .success)
        #expect(adapter.state == .running)
        binding.send([Frames.tagged(3, to: .broadcast, from: testMAC(1))], from: pool)
        #expect(binding.completions.last?.status == .success)
        #expect(miniport.sent.count == 1)
    }

    @Test func pendedMiniportPauseHoldsTheStackPausingUntilPauseComplete() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        let binding = proto.binding(on: adapter)
        miniport.pauseResult = .pending

        var outcome: NDISStatus?
        #expect(ndis.pauseStack(adapter) { outcome = $0 } == .pending)
        #expect(adapter.state == .pausing)
        #expect(binding.handle.state == .paused, "the protocol was paused before the miniport")
        #expect(outcome == nil)

        // NDIS issues no other PnP operation while an adapter is Pausing.
        #expect(ndis.restartStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.pauseStack(adapter) == .invalidDeviceRequest)
        #expect(ndis.haltMiniport(adapter) == .invalidDeviceRequest)
        #expect(ndis.stopAdapter(adapter) == .invalidDeviceRequest)
        #expect(adapter.state == .pausing)
        #expect(miniport.haltActions.isEmpty)

        adapter.pauseComplete()
        #expect(adapter.state == .paused)
        #expect(outcome == .success)
        // A stray second completion changes nothing.
        adapter.pauseComplete()
        #expect(adapter.state == .paused)
        #expect(ndis.restartStack(adapter) == .success)
        #expect(adapter.state == .running)
    }

    @Test func pendedProtocolPauseDefersTheRestOfThePause() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let binding = proto.binding(on: adapter)
        proto.pendPause = true
        log.clear()

        var outcome: NDISStatus?
        #expect(ndis.pauseStack(adapter) { outcome = $0 } == .pending)
        #expect(log.entries == ["proto.pause"])
        #expect(binding.handle.state == .pausing)
        #expect(adapter.state == .running, "the miniport waits for the protocol")

        binding.handle.netPnPEventComplete(.success)
        #expect(log.entries == ["proto.pause", "miniport.pause[pausing]"])
        #expect(binding.handle.state == .paused)
        #expect(adapter.state == .paused)
        #expect(outcome == .success)
    }

    @Test func pendedRestartCompletesLater() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        let binding = proto.binding(on: adapter)
        #expect(ndis.pauseStack(adapter) == .success)
        miniport.restartResult = .pending
        log.clear()

        var outcome: NDISStatus?
        #expect(ndis.restartStack(adapter) { outcome = $0 } == .pending)
        #expect(adapter.state == .restarting)
        #expect(binding.handle.state == .paused, "the protocol restarts after the miniport")
        #expect(log.entries == ["miniport.restart[restarting]"])

        adapter.restartComplete(.success)
        #expect(adapter.state == .running)
        #expect(binding.handle.state == .running)
        #expect(outcome == .success)
        #expect(log.entries == ["miniport.restart[restarting]", "proto.restart"])
    }

    @Test func failedRestartLeavesTheStackPaused() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        let adapter = try #require(driver.start(in: ndis).adapter)
        let miniport = try #require(driver.miniports.first)
        let binding = proto.binding(on: adapter)
        #expect(ndis.pauseStack(adapter) == .success)
        miniport.restartResult = .failure
        #expect(ndis.restartStack(adapter) == .failure)
        #expect(adapter.state == .paused)
        #expect(binding.handle.state == .paused)
        #expect(binding.pnpEvents == [.restart, .pause], "no second restart reached the protocol")

        // A pended restart that then fails also ends Paused.
        miniport.restartResult = .pending
        var outcome: NDISStatus?
        #expect(ndis.restartStack(adapter) { outcome = $0 } == .pending)
        adapter.restartComplete(.resources)
        #expect(outcome == .resources)
        #expect(adapter.state == .paused)
        #expect(binding.handle.state == .paused)
    }

    @Test func startWhoseRestartFailsReturnsTheAdapterPaused() throws {
        let ndis = Ndis()
        let log = EventLog()
        // Fail the very first restart: set the result from inside initialize.
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        var chars = Characteristics.miniport { adapter, context, parameters in
            let status = driver.initialize(adapter, parameters)
            driver.miniports.last?.restartResult = .failure
            return status
        }
        chars.minorNdisVersion = 0
        var second: MiniportDriver?
        _ = ndis.loadDriver(name: "failing-restart") { object, path in
            Ndis.registerMiniportDriver(object, path, nil, chars, &second).ntStatus
        }
        let secondDriver = try #require(second)
        let (status, started) = ndis.startAdapter(driver: secondDriver, name: "x")
        let adapter = try #require(started)
        #expect(status == .failure)
        #expect(adapter.state == .paused)
        #expect(proto.binding(on: adapter).handle.state == .paused)
        #expect(proto.binding(on: adapter).pnpEvents.isEmpty)
    }

    @Test func failedInitializeLeavesTheAdapterHaltedAndUnregistered() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        driver.initBehaviour = .fail(.resources)
        let (status, adapter) = driver.start(in: ndis)
        #expect(status == .resources)
        #expect(adapter == nil)
        #expect(driver.lastInitialized?.state == .halted)
        #expect(ndis.adapters.isEmpty)
        #expect(proto.bindings.isEmpty)
        #expect(log.entries == ["miniport.initialize[initializing]"])
    }

    @Test func initializeWithoutGeneralAttributesFails() throws {
        let ndis = Ndis()
        let log = EventLog()
        let driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        let proto = RecordingProtocol(log: log)
        proto.register(in: ndis)
        driver.initBehaviour = .skipGeneralAttributes
        let (status, adapter) = driver.start(in: ndis)
        #expect(status != .success)
        #expect(adapter == nil)
        #expect(driver.lastInitialized?.state == .halted)
        #expect(driver.lastInitialized?.generalAttributes == nil)
        #expect(ndis.adapters.isEmpty)
        #expect(proto.bindings.isEmpty)
        #expect(!log.entries.contains { $0.hasPrefix("miniport.restart") })

        // The same driver starts fine once it sets them.
        driver.initBehaviour = .normal
        let (again, started) = driver.start(in: ndis)
        #expect(again == .success)
        #expect(started?.state == .running)
        #expect(proto.bindings.count == 1)
    }

    @Test func attributesAreAcceptedOnlyInOrderAndOnlyDuringInitialize() throws {
        let ndis = Ndis()
        var statuses: [NDISStatus] = []
        let context = NullMiniport()
        let chars = Characteristics.miniport { adapter, _, _ in
            var general = MiniportAdapterGeneralAttributes()
            // General before registration: refused.
            statuses.append(adapter.setAttributes(.general(general)))
            statuses.append(adapter.setAttributes(.registration(.init(miniportAdapterContext: context))))
            // An MTU below the IPv4 minimum of 68: refused.
            general.mtuSize = 67
            statuses.append(adapter.setAttributes(.general(general)))
            general.mtuSize = 1500
            statuses.append(adapter.setAttributes(.general(general)))
            return .success
        }
        var handle: MiniportDriver?
        _ = ndis.loadDriver(name: "ordered") { object, path in
            Ndis.registerMiniportDriver(object, path, nil, chars, &handle).ntStatus
        }
        let driverHandle = try #require(handle)
        let adapter = try #require(ndis.startAdapter(driver: driverHandle, name: "o").adapter)
        #expect(statuses == [.invalidDeviceRequest, .success, .invalidParameter, .success])
        #expect(adapter.generalAttributes?.mtuSize == 1500)
        // After initialize, attributes are fixed.
        var changed = MiniportAdapterGeneralAttributes()
        changed.mtuSize = 9000
        #expect(adapter.setAttributes(.general(changed)) == .invalidDeviceRequest)
        #expect(adapter.generalAttributes?.mtuSize == 1500)
    }
}

/// A miniport context that does nothing, for tests about NDIS alone.
final class NullMiniport: MiniportAdapterContext {
    func halt(_ action: HaltAction) {}
    func pause() -> NDISStatus { .success }
    func restart() -> NDISStatus { .success }
    func oidRequest(_ request: OidRequest) -> NDISStatus { .invalidOID }
    func sendNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, flags: SendFlags) {}
    func returnNetBufferLists(_ lists: NetBufferList, flags: ReturnFlags) {}
    func shutdown(_ action: ShutdownAction) {}
}
