import Testing
@testable import TCPIP
import NDIS
import NetCore

// MARK: - Harness

/// What an action did, with packets named by the tag written into them, so
/// that tests compare plain arrays and every packet is freed as it is seen.
private enum Seen: Equatable {
    case transmit(UInt64, MACAddress)
    case solicit(IPv6Address, MACAddress?)
    case unreachable(IPv6Address, [UInt64])
    case discard(UInt64)
    case routerBecameHost(IPv6Address)
}

private let neighborA = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 0xA)
private let neighborB = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 0xB)
private let neighborC = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 0xC)
private let neighborD = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 0xD)
private let neighborE = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 0xE)
private let macA = MACAddress(0x02, 0, 0, 0, 0, 0x0A)
private let macA2 = MACAddress(0x02, 0, 0, 0, 0, 0xAA)
private let macB = MACAddress(0x02, 0, 0, 0, 0, 0x0B)

/// Seconds after a start well away from zero, so nothing passes by accident
/// because a deadline equals an offset.
private func at(_ seconds: Int64, _ nanoseconds: Int64 = 0) -> Instant {
    Instant(nanoseconds: 1_000_000_000_000 + seconds * 1_000_000_000 + nanoseconds)
}

private struct Harness {
    var cache: NeighborCache
    let pool = NetBufferPool(name: "NeighborCacheTests", capacity: 64, slotSize: 128, headroom: 0)
    var nextTag: UInt64 = 1

    init(_ configure: (inout NeighborDiscoveryConfiguration) -> Void = { _ in }, seed: UInt64 = 42) {
        var configuration = NeighborDiscoveryConfiguration()
        configure(&configuration)
        cache = NeighborCache(configuration: configuration, random: SeededRandom(seed: seed))
    }

    /// Frees every packet the actions hand back and describes them.
    func seen(_ actions: [NeighborAction]) -> [Seen] {
        actions.map { action in
            switch action {
            case let .transmit(list, mac):
                #expect(list.next == nil)
                let tag = list.protocolReserved
                pool.free(list)
                return .transmit(tag, mac)
            case let .solicit(target, unicast):
                return .solicit(target, unicast)
            case let .unreachable(address, dropped):
                var tags: [UInt64] = []
                var current = dropped
                while let list = current {
                    tags.append(list.protocolReserved)
                    current = list.next
                }
                if let dropped { pool.freeChain(dropped) }
                return .unreachable(address, tags)
            case let .discard(list):
                let tag = list.protocolReserved
                pool.free(list)
                return .discard(tag)
            case let .routerBecameHost(address):
                return .routerBecameHost(address)
            }
        }
    }

    /// Sends a new packet tagged with the next number.
    mutating func send(to address: IPv6Address, at now: Instant) -> [Seen] {
        let list = pool.allocate(length: 64)!
        list.protocolReserved = nextTag
        nextTag += 1
        var actions: [NeighborAction] = []
        cache.send(list, to: address, now: now, &actions)
        return seen(actions)
    }

    mutating func advance(_ now: Instant) -> [Seen] {
        var actions: [NeighborAction] = []
        cache.advance(now: now, &actions)
        return seen(actions)
    }

    mutating func advertise(_ target: IPv6Address, mac: MACAddress?, solicited: Bool, override: Bool,
                            isRouter: Bool = false, at now: Instant) -> [Seen] {
        var actions: [NeighborAction] = []
        cache.advertisementReceived(target: target, linkLayerAddress: mac, solicited: solicited, override: override,
                                    isRouter: isRouter, now: now, &actions)
        return seen(actions)
    }

    mutating func learn(_ address: IPv6Address, mac: MACAddress, isRouter: Bool? = nil, at now: Instant) -> [Seen] {
        var actions: [NeighborAction] = []
        cache.linkLayerAddressLearnt(address, mac: mac, isRouter: isRouter, now: now, &actions)
        return seen(actions)
    }

    func state(_ address: IPv6Address) -> NeighborState? { cache.state(of: address)?.state }

    /// Resolves `address` to `mac` with a solicited advertisement at `now`,
    /// sending one packet first; the entry ends REACHABLE from `now`.
    mutating func makeReachable(_ address: IPv6Address, mac: MACAddress, at now: Instant) {
        let tag = nextTag
        #expect(send(to: address, at: now) == [.solicit(address, nil)])
        #expect(advertise(address, mac: mac, solicited: true, override: true, at: now) == [.transmit(tag, mac)])
        #expect(state(address) == .reachable)
    }

    /// Frees whatever the cache still holds and checks nothing leaked.
    mutating func finish() {
        for chain in cache.removeAll() { pool.freeChain(chain) }
        #expect(cache.count == 0)
        #expect(cache.queuedTotal == 0)
        #expect(pool.outstanding == 0)
    }
}

// MARK: - Address resolution (INCOMPLETE)

@Suite("NeighborCache")
struct NeighborCacheTests {
    @Test("INCOMPLETE retransmits a multicast NS every RetransTimer, then fails with the queue")
    func incompleteRetransmitsThenFails() {
        var h = Harness()
        #expect(h.send(to: neighborA, at: at(0)) == [.solicit(neighborA, nil)])
        #expect(h.send(to: neighborA, at: at(0, 500)) == [])
        #expect(h.cache.state(of: neighborA)?.queued == 2)
        #expect(h.cache.nextDeadline == at(1))
        #expect(h.advance(at(1, -1)) == [])
        #expect(h.advance(at(1)) == [.solicit(neighborA, nil)])
        #expect(h.advance(at(2, -1)) == [])
        #expect(h.advance(at(2)) == [.solicit(neighborA, nil)])
        #expect(h.advance(at(3, -1)) == [])
        #expect(h.state(neighborA) == .incomplete)
        #expect(h.advance(at(3)) == [.unreachable(neighborA, [1, 2])])
        #expect(h.state(neighborA) == nil)
        #expect(h.cache.nextDeadline == nil)
        #expect(h.cache.statistics.multicastSolicitations == 3)
        #expect(h.cache.statistics.resolutionFailures == 1)
        #expect(h.cache.statistics.droppedUnresolved == 2)
        #expect(h.cache.statistics.packetsQueued == 2)
        h.finish()
    }

    @Test("a solicited NA resolves INCOMPLETE to REACHABLE and the queue leaves in order")
    func solicitedAdvertisementResolves() {
        var h = Harness()
        _ = h.send(to: neighborA, at: at(0))
        _ = h.send(to: neighborA, at: at(0))
        _ = h.advance(at(1))
        _ = h.send(to: neighborA, at: at(1))
        // An NA without a target link-layer address cannot resolve anything.
        #expect(h.advertise(neighborA, mac: nil, solicited: true, override: true, at: at(1, 1)) == [])
        #expect(h.state(neighborA) == .incomplete)
        #expect(h.advertise(neighborA, mac: macA, solicited: true, override: false, isRouter: true, at: at(1, 2))
                == [.transmit(1, macA), .transmit(2, macA), .transmit(3, macA)])
        let entry = h.cache.state(of: neighborA)
        #expect(entry?.state == .reachable)
        #expect(entry?.mac == macA)
        #expect(entry?.queued == 0)
        #expect(entry?.isRouter == true)
        #expect(h.cache.queuedTotal == 0)
        // The retransmission timer is gone: nothing more is solicited.
        #expect(h.advance(at(3)) == [])
        #expect(h.send(to: neighborA, at: at(3)) == [.transmit(4, macA)])
        #expect(h.cache.statistics.resolutionsSucceeded == 1)
        #expect(h.cache.statistics.queuedPacketsSent == 3)
        h.finish()
    }

    @Test("an unsolicited NA on INCOMPLETE resolves to STALE, and sending the queue moves it to DELAY")
    func unsolicitedAdvertisementOnIncomplete() {
        var h = Harness()
        _ = h.send(to: neighborA, at: at(0))
        #expect(h.advertise(neighborA, mac: macA, solicited: false, override: true, at: at(0, 10))
                == [.transmit(1, macA)])
        #expect(h.state(neighborA) == .delay)
        #expect(h.advance(at(5, 9)) == [])
        #expect(h.advance(at(5, 10)) == [.solicit(neighborA, macA)])
        #expect(h.state(neighborA) == .probe)
        h.finish()
    }

    @Test("an NS source link-layer option on INCOMPLETE resolves it too")
    func sourceOptionOnIncomplete() {
        var h = Harness()
        _ = h.send(to: neighborA, at: at(0))
        #expect(h.learn(neighborA, mac: macA, at: at(0, 10)) == [.transmit(1, macA)])
        #expect(h.state(neighborA) == .delay)
        h.finish()
    }

    // MARK: - Neighbor Unreachability Detection

    @Test("REACHABLE lapses to STALE exactly ReachableTime after confirmation")
    func reachableToStale() {
        var h = Harness()
        let reachable = h.cache.reachableTime
        h.makeReachable(neighborA, mac: macA, at: at(0))
        #expect(h.cache.nextDeadline == at(0) + reachable)
        #expect(h.advance(at(0) + reachable - .nanoseconds(1)) == [])
        #expect(h.state(neighborA) == .reachable)
        #expect(h.advance(at(0) + reachable) == [])
        #expect(h.state(neighborA) == .stale)
        #expect(h.cache.state(of: neighborA)?.mac == macA)
        h.finish()
    }

    @Test("full walk REACHABLE → STALE → DELAY → PROBE → REACHABLE, then → PROBE → deleted")
    func fullWalk() {
        var h = Harness()
        let reachable = h.cache.reachableTime
        h.makeReachable(neighborA, mac: macA, at: at(0))
        let stale = at(0) + reachable
        _ = h.advance(stale)
        #expect(h.state(neighborA) == .stale)

        // Sending on STALE: the packet goes at once and the entry waits in DELAY.
        let t = stale + .seconds(7)
        #expect(h.send(to: neighborA, at: t) == [.transmit(2, macA)])
        #expect(h.state(neighborA) == .delay)
        #expect(h.send(to: neighborA, at: t + .seconds(1)) == [.transmit(3, macA)])
        #expect(h.cache.nextDeadline == t + .seconds(5))
        #expect(h.advance(t + .seconds(5) - .nanoseconds(1)) == [])
        #expect(h.state(neighborA) == .delay)
        #expect(h.advance(t + .seconds(5)) == [.solicit(neighborA, macA)])
        #expect(h.state(neighborA) == .probe)
        // Packets still go while probing.
        #expect(h.send(to: neighborA, at: t + .seconds(5)) == [.transmit(4, macA)])
        #expect(h.state(neighborA) == .probe)

        // A solicited NA answers the probe.
        let answer = t + .seconds(5) + .milliseconds(3)
        #expect(h.advertise(neighborA, mac: macA, solicited: true, override: false, at: answer) == [])
        #expect(h.state(neighborA) == .reachable)
        #expect(h.cache.nextDeadline == answer + reachable)

        // Now let it lapse and never answer.
        _ = h.advance(answer + reachable)
        #expect(h.state(neighborA) == .stale)
        let u = answer + reachable + .seconds(1)
        #expect(h.send(to: neighborA, at: u) == [.transmit(5, macA)])
        let probe = u + .seconds(5)
        #expect(h.advance(probe) == [.solicit(neighborA, macA)])
        #expect(h.advance(probe + .seconds(1) - .nanoseconds(1)) == [])
        #expect(h.advance(probe + .seconds(1)) == [.solicit(neighborA, macA)])
        #expect(h.advance(probe + .seconds(2)) == [.solicit(neighborA, macA)])
        #expect(h.advance(probe + .seconds(3) - .nanoseconds(1)) == [])
        #expect(h.state(neighborA) == .probe)
        #expect(h.advance(probe + .seconds(3)) == [.unreachable(neighborA, [])])
        #expect(h.state(neighborA) == nil)
        #expect(h.cache.nextDeadline == nil)

        let s = h.cache.statistics
        #expect(s.unicastSolicitations == 4)
        #expect(s.probeFailures == 1)
        #expect(s.toReachable == 2)
        #expect(s.toStale == 2)
        #expect(s.toDelay == 2)
        #expect(s.toProbe == 2)
        // Traffic afterwards starts address resolution again.
        #expect(h.send(to: neighborA, at: probe + .seconds(4)) == [.solicit(neighborA, nil)])
        h.finish()
    }

    @Test("an upper-layer confirmation in DELAY returns to REACHABLE without probing")
    func confirmationInDelay() {
        var h = Harness()
        let reachable = h.cache.reachableTime
        h.makeReachable(neighborA, mac: macA, at: at(0))
        _ = h.advance(at(0) + reachable)
        let t = at(0) + reachable + .seconds(1)
        _ = h.send(to: neighborA, at: t)
        #expect(h.state(neighborA) == .delay)
        h.cache.reachabilityConfirmed(neighborA, now: t + .seconds(4))
        #expect(h.state(neighborA) == .reachable)
        #expect(h.advance(t + .seconds(5)) == [])
        #expect(h.state(neighborA) == .reachable)
        #expect(h.cache.nextDeadline == t + .seconds(4) + reachable)
        // A confirmation also renews REACHABLE; INCOMPLETE ignores it.
        h.cache.reachabilityConfirmed(neighborA, now: t + .seconds(10))
        #expect(h.cache.nextDeadline == t + .seconds(10) + reachable)
        _ = h.send(to: neighborB, at: t)
        h.cache.reachabilityConfirmed(neighborB, now: t)
        #expect(h.state(neighborB) == .incomplete)
        h.finish()
    }

    @Test("an unused STALE entry is garbage collected after staleLifetime")
    func staleGarbageCollection() {
        var h = Harness { $0.staleLifetime = .seconds(60) }
        _ = h.learn(neighborA, mac: macA, at: at(0))
        #expect(h.state(neighborA) == .stale)
        #expect(h.advance(at(60, -1)) == [])
        #expect(h.state(neighborA) == .stale)
        #expect(h.advance(at(60)) == [])
        #expect(h.state(neighborA) == nil)
        #expect(h.cache.statistics.entriesGarbageCollected == 1)
        h.finish()
    }

    // MARK: - §7.2.5 and §7.2.3 update rules

    @Test("an NA for an unknown target creates nothing; a source link-layer option creates STALE")
    func creationRules() {
        var h = Harness()
        #expect(h.advertise(neighborA, mac: macA, solicited: false, override: true, at: at(0)) == [])
        #expect(h.state(neighborA) == nil)
        #expect(h.cache.statistics.advertisementsIgnored == 1)
        #expect(h.learn(neighborA, mac: macA, at: at(0)) == [])
        #expect(h.cache.state(of: neighborA)?.state == .stale)
        #expect(h.cache.state(of: neighborA)?.mac == macA)
        #expect(h.cache.state(of: neighborA)?.isRouter == false)
        #expect(h.cache.statistics.toStale == 1)
        h.finish()
    }

    @Test("a source link-layer option: same MAC changes nothing, a different one updates and goes STALE")
    func sourceOptionUpdates() {
        var h = Harness()
        h.makeReachable(neighborA, mac: macA, at: at(0))
        _ = h.learn(neighborA, mac: macA, at: at(1))
        #expect(h.state(neighborA) == .reachable)
        _ = h.learn(neighborA, mac: macA2, at: at(2))
        #expect(h.state(neighborA) == .stale)
        #expect(h.cache.state(of: neighborA)?.mac == macA2)
        h.finish()
    }

    @Test("an unsolicited NA with Override and a new MAC updates it and goes STALE")
    func overrideUpdates() {
        var h = Harness()
        h.makeReachable(neighborA, mac: macA, at: at(0))
        #expect(h.advertise(neighborA, mac: macA2, solicited: false, override: true, at: at(1)) == [])
        #expect(h.state(neighborA) == .stale)
        #expect(h.cache.state(of: neighborA)?.mac == macA2)
        #expect(h.send(to: neighborA, at: at(2)) == [.transmit(2, macA2)])
        h.finish()
    }

    @Test("an NA without Override and a new MAC: REACHABLE → STALE with the MAC kept; otherwise ignored")
    func noOverrideKeepsAddress() {
        var h = Harness()
        h.makeReachable(neighborA, mac: macA, at: at(0))
        #expect(h.advertise(neighborA, mac: macA2, solicited: true, override: false, isRouter: true, at: at(1)) == [])
        #expect(h.state(neighborA) == .stale)
        #expect(h.cache.state(of: neighborA)?.mac == macA)
        #expect(h.cache.state(of: neighborA)?.isRouter == false)
        // On STALE it changes nothing at all.
        #expect(h.advertise(neighborA, mac: macA2, solicited: true, override: false, at: at(2)) == [])
        #expect(h.state(neighborA) == .stale)
        #expect(h.cache.state(of: neighborA)?.mac == macA)
        h.finish()
    }

    @Test("an unsolicited NA with the same MAC, or none, changes no state")
    func unsolicitedSameAddress() {
        var h = Harness()
        h.makeReachable(neighborA, mac: macA, at: at(0))
        let deadline = h.cache.nextDeadline
        _ = h.advertise(neighborA, mac: macA, solicited: false, override: true, at: at(1))
        _ = h.advertise(neighborA, mac: nil, solicited: false, override: false, at: at(1))
        #expect(h.state(neighborA) == .reachable)
        #expect(h.cache.nextDeadline == deadline)
        // A solicited NA without a link-layer address still confirms a STALE entry.
        _ = h.learn(neighborB, mac: macB, at: at(1))
        _ = h.advertise(neighborB, mac: nil, solicited: true, override: false, at: at(2))
        #expect(h.state(neighborB) == .reachable)
        h.finish()
    }

    @Test("a router whose NA clears IsRouter is reported")
    func routerBecomesHost() {
        var h = Harness()
        _ = h.learn(neighborA, mac: macA, isRouter: true, at: at(0))
        #expect(h.cache.state(of: neighborA)?.isRouter == true)
        // An NS source option leaves the flag alone.
        _ = h.learn(neighborA, mac: macA, at: at(1))
        #expect(h.cache.state(of: neighborA)?.isRouter == true)
        #expect(h.advertise(neighborA, mac: macA, solicited: true, override: true, isRouter: true, at: at(2)) == [])
        #expect(h.advertise(neighborA, mac: macA, solicited: false, override: true, isRouter: false, at: at(3))
                == [.routerBecameHost(neighborA)])
        #expect(h.cache.state(of: neighborA)?.isRouter == false)
        #expect(h.advertise(neighborA, mac: macA, solicited: false, override: true, isRouter: false, at: at(4)) == [])
        #expect(h.cache.statistics.routersBecameHosts == 1)
        h.finish()
    }

    // MARK: - Bounds

    @Test("the per-entry queue keeps the newest packets; the total limit drops the new arrival")
    func queueLimits() {
        var h = Harness {
            $0.queueLimitPerEntry = 3
            $0.queueLimitTotal = 4
        }
        _ = h.send(to: neighborA, at: at(0))
        _ = h.send(to: neighborA, at: at(0))
        _ = h.send(to: neighborA, at: at(0))
        #expect(h.send(to: neighborA, at: at(0)) == [.discard(1)])
        #expect(h.send(to: neighborA, at: at(0)) == [.discard(2)])
        #expect(h.cache.state(of: neighborA)?.queued == 3)
        #expect(h.send(to: neighborB, at: at(0)) == [.solicit(neighborB, nil)])
        #expect(h.cache.queuedTotal == 4)
        #expect(h.send(to: neighborB, at: at(0)) == [.discard(7)])
        #expect(h.cache.statistics.droppedQueueLimit == 3)
        #expect(h.advertise(neighborA, mac: macA, solicited: true, override: true, at: at(0))
                == [.transmit(3, macA), .transmit(4, macA), .transmit(5, macA)])
        #expect(h.cache.queuedTotal == 1)
        #expect(h.send(to: neighborB, at: at(0)) == [])
        #expect(h.cache.state(of: neighborB)?.queued == 2)
        h.finish()
    }

    @Test("a full cache evicts the least recently used STALE entry first, never an INCOMPLETE one")
    func cacheEviction() {
        var h = Harness { $0.cacheLimit = 3 }
        h.makeReachable(neighborA, mac: macA, at: at(0))
        _ = h.learn(neighborB, mac: macB, at: at(1))
        _ = h.send(to: neighborC, at: at(2))
        // B is STALE though newer than A: it goes first.
        #expect(h.send(to: neighborD, at: at(3)) == [.solicit(neighborD, nil)])
        #expect(h.state(neighborB) == nil)
        #expect(h.state(neighborA) == .reachable)
        #expect(h.cache.statistics.entriesEvicted == 1)
        // Then the resolved A, as C and D are resolving.
        _ = h.learn(neighborE, mac: macB, at: at(4))
        #expect(h.state(neighborA) == nil)
        #expect(h.state(neighborE) == .stale)
        #expect(h.cache.statistics.entriesEvicted == 2)
        // With E resolved and C, D INCOMPLETE, E goes; once all are INCOMPLETE, nothing.
        _ = h.send(to: neighborA, at: at(5))
        #expect(h.state(neighborE) == nil)
        #expect(h.send(to: neighborB, at: at(6)) == [.discard(5)])
        #expect(h.state(neighborB) == nil)
        #expect(h.cache.count == 3)
        #expect(h.cache.statistics.entriesEvicted == 3)
        #expect(h.cache.statistics.droppedCacheFull == 1)
        // C, D and A still hold their packets; finish() gets them back.
        #expect(h.cache.queuedTotal == 3)
        h.finish()
    }

    @Test("remove hands back the queue for freeing")
    func removeReturnsQueue() {
        var h = Harness()
        _ = h.send(to: neighborA, at: at(0))
        _ = h.send(to: neighborA, at: at(0))
        let chain = h.cache.remove(neighborA)
        #expect(chain?.chainLength == 2)
        if let chain { h.pool.freeChain(chain) }
        #expect(h.cache.remove(neighborA) == nil)
        #expect(h.cache.queuedTotal == 0)
        #expect(h.cache.nextDeadline == nil)
        #expect(h.advance(at(10)) == [])
        h.finish()
    }

    // MARK: - ReachableTime

    @Test("ReachableTime is drawn within [0.5, 1.5] × BaseReachableTime, deterministically per seed")
    func reachableTimeRandomization() {
        var draws: Set<Int64> = []
        for seed in UInt64(0)..<300 {
            var cache = NeighborCache(random: SeededRandom(seed: seed))
            var again = NeighborCache(random: SeededRandom(seed: seed))
            for _ in 0..<3 {
                let r = cache.reachableTime
                #expect(r >= .seconds(15) && r <= .seconds(45))
                #expect(again.reachableTime == r)
                draws.insert(r.nanosecondsClamped)
                cache.redrawReachableTime()
                again.redrawReachableTime()
            }
        }
        // Spread over the range, not a constant.
        #expect(draws.count > 800)
        #expect(draws.contains { $0 < 20_000_000_000 })
        #expect(draws.contains { $0 > 40_000_000_000 })
    }

    @Test("a Router Advertisement's Reachable Time redraws ReachableTime and is used from then on")
    func routerAdvertisementRedraws() {
        var h = Harness()
        h.cache.routerAdvertisementReceived(baseReachableTime: .seconds(2), retransTimer: .milliseconds(500), now: at(0))
        let r = h.cache.reachableTime
        #expect(r >= .seconds(1) && r <= .seconds(3))
        #expect(h.cache.configuration.retransTimer == .milliseconds(500))
        h.makeReachable(neighborA, mac: macA, at: at(0))
        #expect(h.cache.nextDeadline == at(0) + r)
        _ = h.send(to: neighborB, at: at(0))
        #expect(h.advance(at(0) + .milliseconds(500)) == [.solicit(neighborB, nil)])
        h.finish()
    }

    @Test("ReachableTime is redrawn after reachableTimeRecomputeInterval")
    func periodicRedraw() {
        var h = Harness { $0.reachableTimeRecomputeInterval = .seconds(100) }
        let first = h.cache.reachableTime
        h.makeReachable(neighborA, mac: macA, at: at(0))
        h.cache.reachabilityConfirmed(neighborA, now: at(99))
        #expect(h.cache.reachableTime == first)
        h.cache.reachabilityConfirmed(neighborA, now: at(100))
        let second = h.cache.reachableTime
        #expect(second != first)
        #expect(h.cache.nextDeadline == at(100) + second)
        h.finish()
    }
}
