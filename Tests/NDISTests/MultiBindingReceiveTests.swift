import NetCore
import Testing

@testable import NDIS

/// A scripted adapter with protocols bound for the given frame types.
private struct DemuxStack {
    let ndis = Ndis()
    let log = EventLog()
    let driver: ScriptedMiniportDriver
    let protocols: [RecordingProtocol]
    let adapter: MiniportAdapter
    let miniport: ScriptedMiniport

    init(frameTypes: [[UInt16]], filters: [String] = []) throws {
        driver = ScriptedMiniportDriver(ndis: ndis, log: log)
        for name in filters { RecordingFilter(name, log: log).register(in: ndis) }
        let log = self.log
        protocols = frameTypes.enumerated().map { RecordingProtocol(name: "p\($0.offset)", frameTypes: $0.element, log: log) }
        for proto in protocols { proto.register(in: ndis) }
        adapter = try #require(driver.start(in: ndis).adapter)
        miniport = try #require(driver.miniports.first)
    }

    func binding(_ i: Int) -> RecordingBinding { protocols[i].binding(on: adapter) }

    func expectAllReturned(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(adapter.outstandingReceiveIndications == 0, sourceLocation: sourceLocation)
        #expect(miniport.receivePool.outstanding == 0, sourceLocation: sourceLocation)
    }
}

private let mac = testMAC(0xA0)
private let peer = testMAC(0x01)
private func ip(_ tag: Int) -> [UInt8] { Frames.tagged(tag, to: mac, from: peer, etherType: Frames.ipv4) }
private func arp(_ tag: Int) -> [UInt8] { Frames.tagged(tag, to: .broadcast, from: peer, etherType: Frames.arp) }
private func ipv6(_ tag: Int) -> [UInt8] { Frames.tagged(tag, to: mac, from: peer, etherType: Frames.ipv6) }

@Suite struct MultiBindingReceiveTests {
    @Test func eachBindingGetsOnlyTheEtherTypesItOpenedFor() throws {
        let stack = try DemuxStack(frameTypes: [[Frames.ipv4], [Frames.arp]])
        let frames = [ip(1), arp(2), ip(3), arp(4), ip(5)]
        stack.miniport.indicate(frames)
        #expect(stack.binding(0).received == [ip(1), ip(3), ip(5)])
        #expect(stack.binding(1).received == [arp(2), arp(4)])
        // Each list goes up alone.
        #expect(stack.binding(0).indications.map(\.count) == [1, 1, 1])
        #expect(stack.binding(1).indications.map(\.count) == [1, 1])
        #expect(stack.binding(0).receivedLists.allSatisfy { $0.next == nil })
        #expect(Set(stack.miniport.returned.map { $0[17] }) == [1, 2, 3, 4, 5], "every frame came home")
        #expect(stack.miniport.returned.count == 5)
        #expect(stack.adapter.counters.receivesUnclaimed == 0)
        stack.expectAllReturned()
    }

    @Test func frameNobodyOpenedForIsReturnedAndCounted() throws {
        let stack = try DemuxStack(frameTypes: [[Frames.ipv4], [Frames.arp]])
        stack.miniport.indicate([ipv6(1), ip(2)])
        #expect(stack.binding(0).received == [ip(2)])
        #expect(stack.binding(1).received.isEmpty)
        #expect(stack.adapter.counters.receivesUnclaimed == 1)
        #expect(stack.miniport.returned.count == 2)
        stack.expectAllReturned()
    }

    @Test func bindingWithoutFrameTypesGetsEverything() throws {
        let stack = try DemuxStack(frameTypes: [[], [Frames.arp]])
        stack.miniport.indicate([ip(1), arp(2), ipv6(3)])
        #expect(stack.binding(0).received == [ip(1), arp(2), ipv6(3)])
        #expect(stack.binding(1).received == [arp(2)])
        stack.expectAllReturned()
    }

    @Test func sharedListGoesBackToTheMiniportOnlyAfterEveryBindingReturnedIt() throws {
        let stack = try DemuxStack(frameTypes: [[Frames.ipv4], [Frames.ipv4]])
        for proto in stack.protocols { proto.holdReceives = true }
        stack.miniport.indicate([ip(1)])
        let (a, b) = (stack.binding(0), stack.binding(1))
        #expect(a.received == [ip(1)])
        #expect(b.received == [ip(1)])
        let shared = try #require(a.receivedLists.first)
        #expect(b.receivedLists.first.map { $0.isSame(as: shared) } == true, "both got the same list, not copies")
        #expect(stack.adapter.outstandingReceiveIndications == 1)
        #expect(stack.miniport.receivePool.outstanding == 1)

        a.returnHeld()
        #expect(stack.miniport.returnCalls == 0, "one binding still holds it")
        #expect(stack.adapter.outstandingReceiveIndications == 1)
        #expect(stack.miniport.receivePool.outstanding == 1)

        b.returnHeld()
        #expect(stack.miniport.returnCalls == 1)
        #expect(stack.miniport.returned == [ip(1)])
        stack.expectAllReturned()
    }

    @Test func returnsInEitherOrderAndInBatchesReleaseEachListOnce() throws {
        // p0 takes IPv4 and ARP, p1 only IPv4: the IPv4 lists are shared, the ARP one is not.
        let stack = try DemuxStack(frameTypes: [[Frames.ipv4, Frames.arp], [Frames.ipv4]])
        for proto in stack.protocols { proto.holdReceives = true }
        stack.miniport.indicate([ip(1), arp(2), ip(3)])
        let (a, b) = (stack.binding(0), stack.binding(1))
        #expect(a.received == [ip(1), arp(2), ip(3)])
        #expect(b.received == [ip(1), ip(3)])
        #expect(stack.adapter.outstandingReceiveIndications == 3)

        // p1 gives back one of its two first.
        b.returnHeld(at: 1)
        #expect(stack.miniport.returnCalls == 0)
        // p0 returns all three in one chain: ip(3) and arp(2) are free now, ip(1) is still p1's.
        a.returnHeld()
        #expect(stack.miniport.returned.sorted { $0[17] < $1[17] } == [arp(2), ip(3)])
        #expect(stack.adapter.outstandingReceiveIndications == 1)
        #expect(stack.miniport.receivePool.outstanding == 1)
        b.returnHeld()
        #expect(stack.miniport.returned.count == 3)
        #expect(stack.miniport.returned.last == ip(1))
        stack.expectAllReturned()
    }

    @Test func sharedReturnsCrossTheFiltersOnce() throws {
        let stack = try DemuxStack(frameTypes: [[Frames.ipv4], [Frames.ipv4]], filters: ["f"])
        for proto in stack.protocols { proto.holdReceives = true }
        stack.log.clear()
        stack.miniport.indicate([ip(1)])
        #expect(stack.log.entries == ["f.receive", "p0.receive", "p1.receive"])
        stack.binding(1).returnHeld()
        stack.binding(0).returnHeld()
        #expect(stack.log.entries == ["f.receive", "p0.receive", "p1.receive", "f.return", "miniport.return"])
        stack.expectAllReturned()
    }

    @Test func resourcesIndicationIsLentOnlyAndTheChainComesBackIntact() throws {
        let stack = try DemuxStack(frameTypes: [[Frames.ipv4], [Frames.arp]])
        for proto in stack.protocols { proto.holdReceives = true }
        let frames = [ip(1), arp(2), ip(3)]
        let chain = try #require(stack.miniport.receivePool.makeChain(frames))
        stack.adapter.indicateReceiveNetBufferLists(chain, count: 3, flags: .resources)
        #expect(stack.binding(0).received == [ip(1), ip(3)])
        #expect(stack.binding(1).received == [arp(2)])
        #expect(stack.binding(0).indications.allSatisfy { $0.flags.contains(.resources) })
        #expect(stack.binding(0).held.isEmpty, "a RESOURCES indication is not kept")
        #expect(stack.miniport.returnCalls == 0, "no return follows a RESOURCES indication")
        #expect(stack.adapter.outstandingReceiveIndications == 0)
        #expect(chain.chainArray.map(\.frameBytes) == frames, "the chain is as the miniport made it")
        stack.miniport.receivePool.freeChain(chain)
        stack.expectAllReturned()
    }

    @Test func receivesIndicatedWhileTheAdapterIsPausedGoStraightBack() throws {
        let stack = try DemuxStack(frameTypes: [[]])
        #expect(stack.ndis.pauseStack(stack.adapter) == .success)
        stack.miniport.indicate([ip(1), ip(2)])
        #expect(stack.binding(0).received.isEmpty)
        #expect(stack.adapter.counters.receivesWhileNotRunning == 2)
        #expect(stack.miniport.returned.count == 2)
        stack.expectAllReturned()
    }

    @Test func receiveWhileTheBindingIsPausedIsNotDelivered() throws {
        let stack = try DemuxStack(frameTypes: [[]])
        stack.protocols[0].pendPause = true
        var outcome: NDISStatus?
        #expect(stack.ndis.pauseStack(stack.adapter) { outcome = $0 } == .pending)
        // The protocol is Pausing: receives still reach it (A.4).
        stack.miniport.indicate([ip(1)])
        #expect(stack.binding(0).received == [ip(1)])
        stack.binding(0).handle.netPnPEventComplete(.success)
        #expect(outcome == .success)
        #expect(stack.adapter.state == .paused)
        stack.expectAllReturned()
    }
}
