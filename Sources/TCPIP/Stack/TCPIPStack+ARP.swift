import NDIS
import NetCore

extension TCPIPStack {
    /// An ARP packet arrived (RFC 826, with the merge rule: an entry is
    /// created only when the packet is for us; one we already hold is updated).
    func arpInput(_ bytes: UnsafeRawBufferPointer, on interface: IPInterface) {
        let packet: ARPPacket
        do { packet = try ARPPacket(bytes) } catch {
            statistics.arp.malformed &+= 1
            return
        }
        if packet.operation == .request { statistics.arp.requestsIn &+= 1 } else { statistics.arp.repliesIn &+= 1 }
        let senderMAC = packet.senderHardwareAddress
        let senderIP = packet.senderProtocolAddress
        let targetIP = packet.targetProtocolAddress
        guard !senderMAC.isMulticast, senderMAC != .zero, senderMAC != interface.macAddress,
              !senderIP.isMulticast, !senderIP.isLimitedBroadcast, !interface.owns(senderIP)
        else {
            statistics.arp.invalidSender &+= 1
            return
        }
        let forUs = interface.owns(targetIP)
        if !senderIP.isUnspecified && (arpCache[senderIP] != nil || forUs) {
            confirmNeighbor(senderIP, mac: senderMAC, on: interface)
        }
        if packet.operation == .request && forUs {
            sendARP(.reply, to: senderMAC, targetMAC: senderMAC, targetIP: senderIP, senderIP: targetIP, on: interface)
            statistics.arp.repliesOut &+= 1
        }
    }

    /// A neighbour proved it owns `address`: the entry becomes Reachable and
    /// the packets waiting for it leave.
    func confirmNeighbor(_ address: IPv4Address, mac: MACAddress, on interface: IPInterface) {
        if var entry = arpCache[address] {
            if let timer = entry.timer { timers.cancel(timer) }
            entry.state = .reachable
            entry.mac = mac
            entry.interfaceIndex = interface.index
            entry.confirmed = now
            entry.requestsSent = 0
            entry.refreshPending = false
            entry.timer = timers.schedule(at: now + configuration.arp.reachableTime, .arp(address))
            let waiting = entry.queue.count
            let queued = entry.queue.take()
            arpCache[address] = entry
            arpQueued -= waiting
            var current = queued
            while let list = current {
                current = list.next
                list.next = nil
                mac.write(to: list.firstNetBuffer.data, at: 0)
                transmit(list, on: interface)
            }
            return
        }
        guard makeRoomInARPCache() else { return }
        let timer = timers.schedule(at: now + configuration.arp.reachableTime, .arp(address))
        arpCache[address] = ARPEntry(state: .reachable, mac: mac, interfaceIndex: interface.index, confirmed: now,
                                     requestsSent: 0, timer: timer)
    }

    /// Sends a frame whose Ethernet header lacks only the destination to
    /// `nextHop`, resolving it first if need be.
    func resolveAndTransmit(_ list: NetBufferList, nextHop: IPv4Address, on interface: IPInterface) {
        if var entry = arpCache[nextHop], entry.state != .incomplete {
            entry.mac.write(to: list.firstNetBuffer.data, at: 0)
            if entry.state == .stale && !entry.refreshPending {
                // Stale: use it, and ask the neighbour directly to confirm,
                // retrying like a resolution; silence means it is gone.
                entry.refreshPending = true
                entry.requestsSent = 1
                if let timer = entry.timer { timers.cancel(timer) }
                entry.timer = timers.schedule(at: now + configuration.arp.retransmitInterval, .arp(nextHop))
                arpCache[nextHop] = entry
                sendRequest(for: nextHop, unicastTo: entry.mac, on: interface)
            }
            transmit(list, on: interface)
            return
        }
        if arpCache[nextHop] == nil {
            guard makeRoomInARPCache() else {
                statistics.arp.droppedCacheFull &+= 1
                list.owningPool.free(list)
                return
            }
            let timer = timers.schedule(at: now + configuration.arp.retransmitInterval, .arp(nextHop))
            arpCache[nextHop] = ARPEntry(state: .incomplete, mac: .zero, interfaceIndex: interface.index,
                                         confirmed: now, requestsSent: 1, timer: timer)
            sendRequest(for: nextHop, unicastTo: nil, on: interface)
        }
        guard var entry = arpCache[nextHop],
              entry.queue.count < configuration.arp.queueLimitPerEntry,
              arpQueued < configuration.arp.queueLimitTotal
        else {
            statistics.arp.droppedQueueFull &+= 1
            list.owningPool.free(list)
            return
        }
        entry.queue.append(list)
        arpQueued += 1
        arpCache[nextHop] = entry
    }

    func arpTimerFired(_ address: IPv4Address) {
        guard var entry = arpCache[address], let interface = interface(index: entry.interfaceIndex) else {
            arpCache[address].map { _ in removeARPEntry(address) }
            return
        }
        entry.timer = nil
        switch entry.state {
        case .incomplete:
            if entry.requestsSent < configuration.arp.maxRequests {
                entry.requestsSent += 1
                entry.timer = timers.schedule(at: now + configuration.arp.retransmitInterval, .arp(address))
                arpCache[address] = entry
                sendRequest(for: address, unicastTo: nil, on: interface)
            } else {
                statistics.arp.resolutionFailures &+= 1
                arpCache[address] = entry
                removeARPEntry(address)
            }
        case .reachable:
            entry.state = .stale
            entry.timer = timers.schedule(at: now + configuration.arp.staleLifetime, .arp(address))
            arpCache[address] = entry
        case .stale where entry.refreshPending && entry.requestsSent < configuration.arp.maxRequests:
            entry.requestsSent += 1
            entry.timer = timers.schedule(at: now + configuration.arp.retransmitInterval, .arp(address))
            arpCache[address] = entry
            sendRequest(for: address, unicastTo: entry.mac, on: interface)
        case .stale:
            if entry.refreshPending { statistics.arp.resolutionFailures &+= 1 }
            arpCache[address] = entry
            removeARPEntry(address)
        }
    }

    /// Forgets a neighbour; packets still waiting for it are dropped.
    func removeARPEntry(_ address: IPv4Address) {
        guard var entry = arpCache.removeValue(forKey: address) else { return }
        if let timer = entry.timer { timers.cancel(timer) }
        let waiting = entry.queue.count
        if let queued = entry.queue.take() {
            statistics.arp.droppedUnresolved &+= UInt64(waiting)
            arpQueued -= waiting
            sendPool.freeChain(queued)
        }
    }

    /// Keeps the cache under its limit by forgetting a Stale entry (the
    /// oldest confirmed); false when every entry is in use.
    func makeRoomInARPCache() -> Bool {
        guard arpCache.count >= configuration.arp.cacheLimit else { return true }
        guard let victim = arpCache.filter({ $0.value.state == .stale }).min(by: { $0.value.confirmed < $1.value.confirmed })
        else { return false }
        statistics.arp.evictions &+= 1
        removeARPEntry(victim.key)
        return true
    }

    func sendRequest(for address: IPv4Address, unicastTo mac: MACAddress?, on interface: IPInterface) {
        guard let source = interface.sourceAddress(toward: address) else { return }
        sendARP(.request, to: mac ?? .broadcast, targetMAC: .zero, targetIP: address, senderIP: source, on: interface)
        statistics.arp.requestsOut &+= 1
    }

    /// Announces `address` (a request for itself, to everyone), so neighbours
    /// update stale entries and a duplicate owner shows itself.
    func sendGratuitousARP(_ address: IPv4Address, on interface: IPInterface) {
        sendARP(.request, to: .broadcast, targetMAC: .zero, targetIP: address, senderIP: address, on: interface)
        statistics.arp.gratuitousOut &+= 1
    }

    func sendARP(_ operation: ARPOperation, to destination: MACAddress, targetMAC: MACAddress,
                 targetIP: IPv4Address, senderIP: IPv4Address, on interface: IPInterface) {
        guard let list = sendPool.allocate(length: EthernetFrame.minimumLength) else {
            statistics.ipv4.noBuffer &+= 1
            return
        }
        let data = list.firstNetBuffer.data
        data.initializeMemory(as: UInt8.self, repeating: 0)
        EthernetFrame.emit(into: data, destination: destination, source: interface.macAddress, etherType: .arp)
        ARPPacket.emit(into: data.slice(EthernetFrame.headerLength, ARPPacket.length), operation: operation,
                       senderHardware: interface.macAddress, senderProtocol: senderIP,
                       targetHardware: targetMAC, targetProtocol: targetIP)
        transmit(list, on: interface)
    }

    /// The state of the ARP entry for `address`, for inspection and tests.
    public func arpState(of address: IPv4Address) -> (state: ARPEntryState, mac: MACAddress, queued: Int)? {
        arpCache[address].map { ($0.state, $0.mac, $0.queue.count) }
    }

    /// Every ARP entry, for `arp -a`-style listings.
    public var arpEntries: [(address: IPv4Address, state: ARPEntryState, mac: MACAddress)] {
        arpCache.map { ($0.key, $0.value.state, $0.value.mac) }.sorted { $0.address < $1.address }
    }
}
