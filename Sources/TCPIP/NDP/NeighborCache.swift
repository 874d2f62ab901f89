import NDIS
import NetCore

/// The IPv6 Neighbor Cache with address resolution and Neighbor
/// Unreachability Detection (RFC 4861 §7.2 and §7.3), as a sans-I/O state
/// machine: one per interface.
///
/// ## No I/O
/// The cache never sends, sleeps, frees or reads a clock. Every entry point
/// takes the current `Instant` and appends what the caller must do to an
/// `inout [NeighborAction]`. Timers live in an internal `TimerWheel`; the
/// caller asks `nextDeadline` and calls `advance(now:_:)` when it comes.
/// Entry points do not fire due timers themselves, so a caller that lets
/// time pass calls `advance` before anything else.
///
/// ## Packets
/// Packets waiting for address resolution are held as a NetBufferListChain
/// per entry, so a chain holds lists of one pool (as the ARP cache's does).
/// Every packet handed to `send` comes back exactly once, in an action or
/// from `remove`/`removeAll`, and the caller frees it to its own pool.
///
/// ## Bounds
/// Queues are bounded per entry and in total (`NeighborDiscoveryConfiguration`),
/// and so is the number of entries: a new entry evicts the least recently
/// used STALE one, else the least recently used resolved one (routers
/// last); INCOMPLETE entries are never evicted, so a flood of new
/// destinations cannot cancel resolutions in progress, and a new
/// destination is refused when all entries are INCOMPLETE.
///
/// A value type holding packet handles: do not copy it, as a copy would
/// hand the same queued packets back twice. Not thread-safe.
public struct NeighborCache {
    /// The RFC 4861 §10 constants and host variables in force.
    /// BaseReachableTime and RetransTimer change through
    /// `routerAdvertisementReceived(baseReachableTime:retransTimer:now:)`
    /// so that ReachableTime is redrawn as §6.3.4 requires.
    public private(set) var configuration: NeighborDiscoveryConfiguration
    /// ReachableTime (RFC 4861 §6.3.2): the current random draw from
    /// [MIN_RANDOM_FACTOR, MAX_RANDOM_FACTOR] × BaseReachableTime.
    public private(set) var reachableTime: Duration
    /// Counters since creation (`removeAll` keeps them).
    public private(set) var statistics = NeighborCacheStatistics()
    /// Packets queued in all INCOMPLETE entries together.
    public private(set) var queuedTotal = 0

    var random: SeededRandom
    var entries: [IPv6Address: NeighborCacheEntry] = [:]
    var timers: TimerWheel<IPv6Address>
    /// When ReachableTime was last drawn, once known; see
    /// `reachableTimeRecomputeInterval`.
    var reachableTimeDrawn: Instant?

    /// An empty Neighbor Cache. `random` is the stream ReachableTime is
    /// drawn from, so a seed replays the same draws.
    public init(configuration: NeighborDiscoveryConfiguration = NeighborDiscoveryConfiguration(),
                random: SeededRandom) {
        precondition(configuration.minRandomFactor >= 0
                     && configuration.minRandomFactor <= configuration.maxRandomFactor, "bad random factors")
        precondition(configuration.maxMulticastSolicit >= 1 && configuration.maxUnicastSolicit >= 1,
                     "at least one solicitation is needed")
        precondition(configuration.queueLimitPerEntry >= 0 && configuration.queueLimitTotal >= 0
                     && configuration.cacheLimit >= 1, "bad limits")
        self.configuration = configuration
        self.random = random
        self.timers = TimerWheel(start: .zero)
        self.reachableTime = .zero
        self.reachableTime = drawReachableTime()
    }

    // MARK: Inspection

    /// Entries in the Neighbor Cache, in every state.
    public var count: Int { entries.count }

    /// The Neighbor Cache entry for `address`: its reachability state,
    /// link-layer address (zero while INCOMPLETE), packets queued and IsRouter flag.
    public func state(of address: IPv6Address)
        -> (state: NeighborState, mac: MACAddress, queued: Int, isRouter: Bool)? {
        entries[address].map { ($0.state, $0.mac, $0.queue.count, $0.isRouter) }
    }

    /// Every Neighbor Cache entry, sorted by address, for
    /// `netsh interface ipv6 show neighbors`-style listings.
    public var allEntries: [(address: IPv6Address, state: NeighborState, mac: MACAddress, isRouter: Bool)] {
        entries.map { ($0.key, $0.value.state, $0.value.mac, $0.value.isRouter) }.sorted { $0.address < $1.address }
    }

    /// The earliest instant at which `advance(now:_:)` has work: a
    /// retransmission, a reachability timeout, the DELAY timeout or garbage
    /// collection. Nil when no entry has a timer.
    public var nextDeadline: Instant? { timers.nextDeadline() }

    // MARK: ReachableTime

    /// Draws a new ReachableTime (RFC 4861 §6.3.2) uniformly from
    /// [MIN_RANDOM_FACTOR, MAX_RANDOM_FACTOR] × BaseReachableTime, as §6.3.4
    /// asks when BaseReachableTime changes and every few hours. Entries
    /// already REACHABLE keep the deadline they were given.
    public mutating func redrawReachableTime(now: Instant? = nil) {
        reachableTime = drawReachableTime()
        if let now { reachableTimeDrawn = now }
    }

    /// Applies the Reachable Time and Retrans Timer fields of a Router
    /// Advertisement (RFC 4861 §6.3.4); nil (a zero field) leaves the value
    /// unspecified. A changed BaseReachableTime redraws ReachableTime.
    public mutating func routerAdvertisementReceived(baseReachableTime: Duration?, retransTimer: Duration?,
                                                     now: Instant) {
        if let retransTimer, retransTimer > .zero { configuration.retransTimer = retransTimer }
        if let base = baseReachableTime, base > .zero, base != configuration.baseReachableTime {
            configuration.baseReachableTime = base
            redrawReachableTime(now: now)
        }
    }

    /// One uniform draw (whole nanoseconds, both bounds included) from
    /// [MIN_RANDOM_FACTOR, MAX_RANDOM_FACTOR] × BaseReachableTime.
    mutating func drawReachableTime() -> Duration {
        let base = Double(configuration.baseReachableTime.nanosecondsClamped)
        let limit = Double(Int64.max / 2)
        let low = Int64(min(base * configuration.minRandomFactor, limit).rounded(.up))
        let high = Int64(min(base * configuration.maxRandomFactor, limit).rounded(.down))
        guard high > low else { return .nanoseconds(max(low, 0)) }
        return .nanoseconds(Int64.random(in: low...high, using: &random))
    }

    // MARK: Sending

    /// A packet is to go to `nextHop` (RFC 4861 §7.2.2, §7.3.3): on a
    /// resolved entry it is transmitted at once (STALE moving to DELAY, since
    /// this is the first use after reachability lapsed); otherwise it waits in
    /// an INCOMPLETE entry, created along with a multicast solicitation if
    /// there was none.
    public mutating func send(_ packet: NetBufferList, to nextHop: IPv6Address, now: Instant,
                              _ actions: inout [NeighborAction]) {
        if var entry = entries[nextHop] {
            entry.lastUsed = now
            switch entry.state {
            case .incomplete:
                enqueue(packet, in: &entry, actions: &actions)
                entries[nextHop] = entry
                return
            case .stale:
                setState(.delay, of: &entry, for: nextHop, deadline: now + configuration.delayFirstProbeTime)
            case .reachable, .delay, .probe:
                break
            }
            entries[nextHop] = entry
            actions.append(.transmit(packet, to: entry.mac))
            return
        }
        guard makeRoom(now: now) else {
            statistics.droppedCacheFull &+= 1
            actions.append(.discard(packet))
            return
        }
        var entry = NeighborCacheEntry(state: .incomplete, mac: .zero, isRouter: false, now: now)
        statistics.entriesCreated &+= 1
        entry.solicitsSent = 1
        entry.timer = timers.schedule(at: now + configuration.retransTimer, nextHop)
        statistics.multicastSolicitations &+= 1
        actions.append(.solicit(target: nextHop, unicastTo: nil))
        enqueue(packet, in: &entry, actions: &actions)
        entries[nextHop] = entry
    }

    /// Queues `packet` in an INCOMPLETE entry within the limits: per entry
    /// the new arrival replaces the oldest (§7.2.2), since the newest packet
    /// is the likeliest still wanted; over the total limit the new arrival is
    /// dropped so that one destination cannot take another's share.
    mutating func enqueue(_ packet: NetBufferList, in entry: inout NeighborCacheEntry,
                          actions: inout [NeighborAction]) {
        if entry.queue.count >= configuration.queueLimitPerEntry {
            statistics.droppedQueueLimit &+= 1
            if let oldest = entry.removeOldest() {
                queuedTotal -= 1
                actions.append(.discard(oldest))
            } else {
                actions.append(.discard(packet))
                return
            }
        } else if queuedTotal >= configuration.queueLimitTotal {
            statistics.droppedQueueLimit &+= 1
            actions.append(.discard(packet))
            return
        }
        entry.queue.append(packet)
        queuedTotal += 1
        statistics.packetsQueued &+= 1
    }

    // MARK: Receiving

    /// A Neighbor Advertisement for `target` arrived (RFC 4861 §7.2.5), with
    /// its Solicited, Override and Router flags and the Target Link-Layer
    /// Address option if it had one. The caller has validated it (§7.1.2).
    public mutating func advertisementReceived(target: IPv6Address, linkLayerAddress: MACAddress?,
                                               solicited: Bool, override: Bool, isRouter: Bool,
                                               now: Instant, _ actions: inout [NeighborAction]) {
        guard var entry = entries[target] else {
            // §7.2.5: no entry, no state to update; unsolicited advertisements
            // do not create entries, as nobody asked for this neighbour.
            statistics.advertisementsIgnored &+= 1
            return
        }
        if entry.state == .incomplete {
            guard let mac = linkLayerAddress else {
                statistics.advertisementsIgnored &+= 1
                return
            }
            entry.mac = mac
            entry.isRouter = isRouter
            statistics.resolutionsSucceeded &+= 1
            if solicited {
                setState(.reachable, of: &entry, for: target, deadline: reachableDeadline(now: now))
            } else {
                setState(.stale, of: &entry, for: target, deadline: now + configuration.staleLifetime)
            }
            flushQueue(of: &entry, for: target, now: now, actions: &actions)
            entries[target] = entry
            return
        }
        let differs = linkLayerAddress.map { $0 != entry.mac } ?? false
        if !override && differs {
            // §7.2.5: an unconfirmed claim of a new address must not redirect
            // traffic, but it does cast doubt on the old one.
            if entry.state == .reachable {
                setState(.stale, of: &entry, for: target, deadline: now + configuration.staleLifetime)
                entries[target] = entry
            }
            return
        }
        if differs, let mac = linkLayerAddress { entry.mac = mac }
        if solicited {
            setState(.reachable, of: &entry, for: target, deadline: reachableDeadline(now: now))
        } else if differs {
            setState(.stale, of: &entry, for: target, deadline: now + configuration.staleLifetime)
        }
        if entry.isRouter && !isRouter {
            statistics.routersBecameHosts &+= 1
            actions.append(.routerBecameHost(target))
        }
        entry.isRouter = isRouter
        entries[target] = entry
    }

    /// A Source (or, for a Redirect, Target) Link-Layer Address option
    /// revealed `address`'s link-layer address: a Neighbor Solicitation
    /// (RFC 4861 §7.2.3), Router Solicitation (§6.2.6), Router Advertisement
    /// (§6.3.4) or Redirect (§8.3). Creates a STALE entry, or moves an existing
    /// one to STALE when the address is new; the same address changes nothing.
    /// `isRouter` is true for a Router Advertisement or a Redirect naming a
    /// router, false for a Router Solicitation, and nil when the message says
    /// nothing (a Neighbor Solicitation: a new entry starts as a host, an
    /// existing one keeps its flag).
    public mutating func linkLayerAddressLearnt(_ address: IPv6Address, mac: MACAddress, isRouter: Bool? = nil,
                                                now: Instant, _ actions: inout [NeighborAction]) {
        guard var entry = entries[address] else {
            guard makeRoom(now: now) else { return }
            var entry = NeighborCacheEntry(state: .incomplete, mac: mac, isRouter: isRouter ?? false, now: now)
            statistics.entriesCreated &+= 1
            setState(.stale, of: &entry, for: address, deadline: now + configuration.staleLifetime)
            entries[address] = entry
            return
        }
        if entry.state == .incomplete {
            entry.mac = mac
            statistics.resolutionsSucceeded &+= 1
            setState(.stale, of: &entry, for: address, deadline: now + configuration.staleLifetime)
            flushQueue(of: &entry, for: address, now: now, actions: &actions)
        } else if entry.mac != mac {
            entry.mac = mac
            setState(.stale, of: &entry, for: address, deadline: now + configuration.staleLifetime)
        }
        if let isRouter {
            if entry.isRouter && !isRouter {
                statistics.routersBecameHosts &+= 1
                actions.append(.routerBecameHost(address))
            }
            entry.isRouter = isRouter
        }
        entries[address] = entry
    }

    /// Upper-layer reachability confirmation (RFC 4861 §7.3.1): forward
    /// progress such as a TCP ACK for new data proves the neighbour reachable
    /// without any solicitation, so a resolved entry becomes REACHABLE again.
    /// An INCOMPLETE entry is left alone: it has no link-layer address yet.
    public mutating func reachabilityConfirmed(_ address: IPv6Address, now: Instant) {
        guard var entry = entries[address], entry.state != .incomplete else { return }
        setState(.reachable, of: &entry, for: address, deadline: reachableDeadline(now: now))
        entries[address] = entry
    }

    // MARK: Timers

    /// Fires every timer due at `now` (RFC 4861 §7.2.2, §7.3.3): INCOMPLETE
    /// retransmits or fails, REACHABLE lapses to STALE, DELAY starts probing,
    /// PROBE retransmits or deletes the entry, unused STALE entries are
    /// garbage collected. Follow-up timers run from `now`, so a late call
    /// does not fire a burst of catch-up solicitations.
    public mutating func advance(now: Instant, _ actions: inout [NeighborAction]) {
        while let (id, address) = timers.popExpired(now: now) {
            guard var entry = entries[address], entry.timer == id else { continue }
            entry.timer = nil
            switch entry.state {
            case .incomplete:
                if entry.solicitsSent < configuration.maxMulticastSolicit {
                    entry.solicitsSent += 1
                    entry.timer = timers.schedule(at: now + configuration.retransTimer, address)
                    statistics.multicastSolicitations &+= 1
                    actions.append(.solicit(target: address, unicastTo: nil))
                    entries[address] = entry
                } else {
                    statistics.resolutionFailures &+= 1
                    statistics.droppedUnresolved &+= UInt64(entry.queue.count)
                    entries[address] = entry
                    let dropped = remove(address)
                    actions.append(.unreachable(address, dropped: dropped))
                }
            case .reachable:
                setState(.stale, of: &entry, for: address, deadline: now + configuration.staleLifetime)
                entries[address] = entry
            case .stale:
                statistics.entriesGarbageCollected &+= 1
                entries[address] = entry
                _ = remove(address)
            case .delay:
                setState(.probe, of: &entry, for: address, deadline: now + configuration.retransTimer)
                entry.solicitsSent = 1
                statistics.unicastSolicitations &+= 1
                actions.append(.solicit(target: address, unicastTo: entry.mac))
                entries[address] = entry
            case .probe:
                if entry.solicitsSent < configuration.maxUnicastSolicit {
                    entry.solicitsSent += 1
                    entry.timer = timers.schedule(at: now + configuration.retransTimer, address)
                    statistics.unicastSolicitations &+= 1
                    actions.append(.solicit(target: address, unicastTo: entry.mac))
                    entries[address] = entry
                } else {
                    statistics.probeFailures &+= 1
                    entries[address] = entry
                    _ = remove(address)
                    actions.append(.unreachable(address, dropped: nil))
                }
            }
        }
    }

    // MARK: Removal

    /// Deletes the Neighbor Cache entry for `address` (an administrative
    /// flush, or the interface's address went away) and hands back the chain
    /// of packets that were awaiting address resolution, for the caller to free.
    public mutating func remove(_ address: IPv6Address) -> NetBufferList? {
        guard var entry = entries.removeValue(forKey: address) else { return nil }
        if let timer = entry.timer { timers.cancel(timer) }
        queuedTotal -= entry.queue.count
        return entry.queue.take()
    }

    /// Deletes every Neighbor Cache entry (the interface went down) and
    /// hands back each INCOMPLETE entry's chain of queued packets.
    public mutating func removeAll() -> [NetBufferList] {
        var chains: [NetBufferList] = []
        for key in entries.keys.sorted() {
            if let chain = remove(key) { chains.append(chain) }
        }
        timers = TimerWheel(start: .zero)
        return chains
    }

    // MARK: Helpers

    /// Moves an entry to `state` with the one timer that state runs; a
    /// solicitation count always restarts with a new state.
    mutating func setState(_ state: NeighborState, of entry: inout NeighborCacheEntry, for address: IPv6Address,
                           deadline: Instant) {
        if let timer = entry.timer { timers.cancel(timer) }
        entry.timer = timers.schedule(at: deadline, address)
        entry.solicitsSent = 0
        if entry.state != state {
            switch state {
            case .incomplete: break
            case .reachable: statistics.toReachable &+= 1
            case .stale: statistics.toStale &+= 1
            case .delay: statistics.toDelay &+= 1
            case .probe: statistics.toProbe &+= 1
            }
        }
        entry.state = state
    }

    /// When an entry confirmed at `now` stops being REACHABLE; redraws
    /// ReachableTime first when the last draw is older than
    /// `reachableTimeRecomputeInterval`.
    mutating func reachableDeadline(now: Instant) -> Instant {
        if let drawn = reachableTimeDrawn {
            if now - drawn >= configuration.reachableTimeRecomputeInterval { redrawReachableTime(now: now) }
        } else {
            reachableTimeDrawn = now
        }
        return now + reachableTime
    }

    /// Sends an entry's queued packets, oldest first, now that its address is
    /// known. A STALE entry moves on to DELAY, as for any packet sent to a
    /// STALE neighbour (§7.3.3), so an unsolicited answer still gets verified.
    mutating func flushQueue(of entry: inout NeighborCacheEntry, for address: IPv6Address, now: Instant,
                             actions: inout [NeighborAction]) {
        let waiting = entry.queue.count
        guard waiting > 0 else { return }
        queuedTotal -= waiting
        statistics.queuedPacketsSent &+= UInt64(waiting)
        var current = entry.queue.take()
        while let list = current {
            current = list.next
            list.next = nil
            actions.append(.transmit(list, to: entry.mac))
        }
        entry.lastUsed = now
        if entry.state == .stale {
            setState(.delay, of: &entry, for: address, deadline: now + configuration.delayFirstProbeTime)
        }
    }

    /// Makes room for one more entry, evicting if the cache is full: the
    /// least recently used STALE entry first (it is idle by definition), then
    /// the least recently used REACHABLE, DELAY or PROBE one, hosts before
    /// routers. False when every entry is INCOMPLETE.
    mutating func makeRoom(now: Instant) -> Bool {
        guard entries.count >= configuration.cacheLimit else { return true }
        var victim: IPv6Address?
        var best: (Int, Int, Instant)?
        for (address, entry) in entries where entry.state != .incomplete {
            let key = (entry.state == .stale ? 0 : 1, entry.isRouter ? 1 : 0, entry.lastUsed)
            if let b = best, !(key < b || (key == b && address < victim!)) { continue }
            best = key
            victim = address
        }
        guard let victim else { return false }
        statistics.entriesEvicted &+= 1
        _ = remove(victim)
        return true
    }
}
