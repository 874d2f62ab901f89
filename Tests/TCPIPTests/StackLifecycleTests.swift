import Testing
@testable import TCPIP
import NDIS
import NetCore

/// What happens to queued packets, entries and routes when an adapter is
/// paused or stopped, and when the ARP cache is full.
@Suite struct StackLifecycleTests {
    static let ipB = TestNetwork.address(1)
    static let nobody = IPv4Address(192, 0, 2, 99)

    @Test func stoppingTheAdapterReleasesEverything() throws {
        let net = try TestNetwork()
        let a = net.hosts[0]
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.stack.arpState(of: Self.ipB)?.state == .reachable)
        for sequence in 1...2 {
            #expect(a.stack.sendEchoRequest(to: Self.nobody, identifier: 1, sequenceNumber: UInt16(sequence)) == .success)
        }
        #expect(a.stack.sendPool.outstanding == 2)

        #expect(a.ndis.stopAdapter(a.adapter) == .success)
        #expect(a.stack.interfaces.isEmpty)
        #expect(a.stack.routes.count == 0)
        #expect(a.stack.arpEntries.isEmpty)
        #expect(a.stack.nextDeadline == nil)
        #expect(a.statistics.arp.droppedUnresolved == 2)
        #expect(a.stack.sendPool.outstanding == 0)
        #expect(a.adapter.protocolBindings.isEmpty)

        // With no interface there is no route.
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 1, sequenceNumber: 3) == .networkUnreachable)
        net.run(for: .seconds(5))
        #expect(a.stack.sendPool.outstanding == 0)
        net.expectPoolsClean()
    }

    @Test func sendsWhilePausedComeBackFailed() throws {
        let net = try TestNetwork()
        let a = net.hosts[0], b = net.hosts[1]
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 2, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.count == 1)

        #expect(a.ndis.pauseStack(a.adapter) == .success)
        #expect(!a.interface.running)
        let echoes = b.statistics.icmpv4.echoRequestsIn
        a.stack.sendEchoRequest(to: Self.ipB, identifier: 2, sequenceNumber: 2)
        // NDIS completed the send at once with NDIS_STATUS_PAUSED; the buffer is home.
        #expect(a.statistics.ethernet.sendFailures == 1)
        #expect(a.stack.sendPool.outstanding == 0)
        net.run(for: .milliseconds(10))
        #expect(b.statistics.icmpv4.echoRequestsIn == echoes)
        // B's replies cannot reach a paused adapter either.
        #expect(b.stack.sendEchoRequest(to: TestNetwork.address(0), identifier: 3, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.statistics.icmpv4.echoRequestsIn == 0)
        net.expectPoolsClean()

        #expect(a.ndis.restartStack(a.adapter) == .success)
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 2, sequenceNumber: 3) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.map(\.sequenceNumber) == [1, 3])
        net.expectPoolsClean()
    }

    @Test func fullCacheEvictsOnlyStaleEntries() throws {
        let net = try TestNetwork { $0.arp.cacheLimit = 1 }
        let a = net.hosts[0]
        #expect(a.stack.sendEchoRequest(to: Self.ipB, identifier: 4, sequenceNumber: 1) == .success)
        net.run(for: .milliseconds(10))
        #expect(a.replies.count == 1)
        #expect(a.stack.arpEntries.count == 1)

        // Reachable entries are in use: no room for a new neighbour.
        #expect(a.stack.sendEchoRequest(to: Self.nobody, identifier: 4, sequenceNumber: 2) == .success)
        #expect(a.stack.arpState(of: Self.nobody) == nil)
        #expect(a.statistics.arp.droppedCacheFull == 1)
        #expect(a.statistics.arp.evictions == 0)
        #expect(a.stack.sendPool.outstanding == 0)

        // Once it is Stale it makes way.
        net.run(for: a.stack.configuration.arp.reachableTime)
        #expect(a.stack.arpState(of: Self.ipB)?.state == .stale)
        #expect(a.stack.sendEchoRequest(to: Self.nobody, identifier: 4, sequenceNumber: 3) == .success)
        #expect(a.statistics.arp.evictions == 1)
        #expect(a.stack.arpState(of: Self.ipB) == nil)
        #expect(a.stack.arpState(of: Self.nobody)?.state == .incomplete)
        #expect(a.stack.arpEntries.count == 1)

        net.run(for: .seconds(5))
        #expect(a.statistics.arp.droppedUnresolved == 1)
        net.expectPoolsClean()
    }
}
