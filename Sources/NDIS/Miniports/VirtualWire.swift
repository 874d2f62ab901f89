import NetCore

/// A shared Ethernet segment joining two or more `VirtualWireMiniport`
/// adapters, like a hub: a frame one port sends reaches every other port,
/// whose receive filter then keeps or drops it. Frames cross with the
/// configured impairments, drawn from one seeded generator.
///
/// The wire is the edge where virtual time meets the stack: it stamps each
/// frame with an arrival time on its clock, and whoever drives the clock
/// (NetSim, an engine) calls `deliverDue()` when `nextArrival` comes.
public final class VirtualWire {
    /// The clock arrival times are computed on.
    public let clock: NetClock
    /// The impairments in force; changeable between frames.
    public var impairments: WireImpairments
    /// Drops every frame it returns true for, before the impairments: for
    /// scenarios that need exact losses (this segment, not a random one). Counted as lost.
    public var dropFilter: ((UnsafeRawBufferPointer) -> Bool)?
    /// What the wire did so far.
    public private(set) var statistics = WireStatistics()
    /// The ports, in the order they were made.
    public private(set) var ports: [VirtualWirePort] = []
    var random: SeededRandom
    var inFlight: DeliveryQueue
    var sequence: UInt64 = 0
    var batches: [NetBufferListChain] = []

    public init(clock: NetClock, seed: UInt64, impairments: WireImpairments = WireImpairments()) {
        self.clock = clock
        self.impairments = impairments
        random = SeededRandom(seed: seed)
        inFlight = DeliveryQueue(capacity: 1024)
    }

    /// A new port: the "hardware" a VirtualWireMiniport adapter is started on.
    public func makePort(mac: MACAddress) -> VirtualWirePort {
        let port = VirtualWirePort(wire: self, index: ports.count, mac: mac)
        ports.append(port)
        batches.append(NetBufferListChain())
        return port
    }

    /// When the next frame in flight arrives, or nil when none is.
    public var nextArrival: Instant? { inFlight.first?.arrival }

    /// Frames in flight.
    public var framesInFlight: Int { inFlight.count }

    /// Puts one frame on the wire from `source`: copies it into every other
    /// port's receive pool (the one copy a real NIC's DMA would make) with
    /// its arrival time, applying the impairments.
    public func transmit(from source: VirtualWirePort, frame: UnsafeRawBufferPointer) {
        statistics.transmitted &+= 1
        guard source.connected else {
            statistics.droppedLinkDown &+= 1
            return
        }
        guard frame.count <= impairments.mtu + 14 else {
            statistics.droppedTooBig &+= 1
            return
        }
        let now = clock.now
        var departure = now
        if let bandwidth = impairments.bandwidth, bandwidth > 0 {
            let start = max(now, source.busyUntil)
            let serialization = Int64(frame.count * 8) * 1_000_000_000 / Int64(bandwidth)
            source.busyUntil = start.advanced(byNanoseconds: serialization)
            departure = source.busyUntil
        }
        if let dropFilter, dropFilter(frame) {
            statistics.lost &+= 1
            return
        }
        guard impairments.loss == 0 || !random.chance(impairments.loss) else {
            statistics.lost &+= 1
            return
        }
        var copies = 1
        if impairments.duplication > 0 && random.chance(impairments.duplication) {
            copies = 2
            statistics.duplicated &+= 1
        }
        let destination = frame.count >= 6 ? MACAddress(bytes: frame) : .zero
        // Drawn only when marking is on, so runs without it keep their random sequence.
        let markCE = impairments.congestionMarking > 0 && random.chance(impairments.congestionMarking)
        for _ in 0..<copies {
            var arrival = departure + impairments.delay
            if impairments.jitter > .zero {
                let spread = impairments.jitter.nanosecondsClamped
                arrival = arrival.advanced(byNanoseconds: Int64.random(in: 0...spread, using: &random))
            }
            if impairments.reordering > 0 && random.chance(impairments.reordering) {
                statistics.reordered &+= 1
                arrival = arrival + impairments.reorderDelay
            }
            var flipBit: Int? = nil
            if impairments.corruption > 0 && random.chance(impairments.corruption) && frame.count > 0 {
                statistics.corrupted &+= 1
                flipBit = Int.random(in: 0..<(frame.count * 8), using: &random)
            }
            for port in ports where port !== source {
                enqueue(frame, to: port, destination: destination, arrival: arrival, flipBit: flipBit, markCE: markCE)
            }
        }
    }

    func enqueue(_ frame: UnsafeRawBufferPointer, to port: VirtualWirePort, destination: MACAddress,
                 arrival: Instant, flipBit: Int?, markCE: Bool = false) {
        guard port.connected else {
            statistics.droppedLinkDown &+= 1
            return
        }
        guard let receiver = port.miniport, receiver.accepts(destination: destination) else {
            statistics.droppedByReceiver &+= 1
            return
        }
        guard port.inFlight < impairments.queueLimit else {
            statistics.droppedQueueFull &+= 1
            return
        }
        guard frame.count + receiver.receivePool.defaultHeadroom <= receiver.receivePool.slotSize else {
            // The MTU was raised after this adapter sized its receive buffers.
            statistics.droppedTooBig &+= 1
            return
        }
        guard let copy = receiver.receivePool.allocate(length: frame.count) else {
            statistics.droppedNoBuffer &+= 1
            receiver.countNoBuffer()
            return
        }
        let data = copy.firstNetBuffer.data
        data.copyBytes(frame, at: 0)
        if markCE && Self.markCongestionExperienced(data) { statistics.congestionMarked &+= 1 }
        if let bit = flipBit { data[bit / 8] ^= UInt8(1) << UInt8(bit % 8) }
        port.inFlight += 1
        sequence &+= 1
        inFlight.push(DeliveryQueue.Entry(arrival: arrival, sequence: sequence, port: port.index, frame: copy))
    }

    /// Sets an ECN-capable IPv4 or IPv6 packet's ECN field to CE (11), the
    /// IPv4 header checksum updated to match; false for anything else.
    static func markCongestionExperienced(_ frame: UnsafeMutableRawBufferPointer) -> Bool {
        guard frame.count >= 14 + 20 else { return false }
        let etherType = UInt16(frame[12]) << 8 | UInt16(frame[13])
        if etherType == 0x0800 {
            let ecn = frame[15] & 3
            guard ecn == 1 || ecn == 2, frame[14] >> 4 == 4 else { return false }
            frame[15] |= 3
            let headerLength = Int(frame[14] & 0x0F) * 4
            guard frame.count >= 14 + headerLength else { return false }
            frame[24] = 0
            frame[25] = 0
            var sum: UInt32 = 0
            for i in stride(from: 14, to: 14 + headerLength, by: 2) { sum += UInt32(frame[i]) << 8 | UInt32(frame[i + 1]) }
            while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            frame[24] = UInt8(checksum >> 8)
            frame[25] = UInt8(checksum & 0xFF)
            return true
        }
        if etherType == 0x86DD {
            let ecn = (frame[15] >> 4) & 3
            guard ecn == 1 || ecn == 2 else { return false }
            frame[15] |= 0x30
            return true
        }
        return false
    }

    /// Delivers every frame whose arrival time has come, batched per port
    /// into one receive indication each. Returns how many were delivered.
    @discardableResult
    public func deliverDue() -> Int {
        let now = clock.now
        var delivered = 0
        while let head = inFlight.first, head.arrival <= now {
            let entry = inFlight.pop()!
            ports[entry.port].inFlight -= 1
            batches[entry.port].append(entry.frame)
            delivered += 1
        }
        guard delivered > 0 else { return 0 }
        for i in batches.indices where batches[i].count > 0 {
            let count = batches[i].count
            let chain = batches[i].take()!
            if let receiver = ports[i].miniport {
                let accepted = receiver.receiveFromWire(chain, count: count)
                statistics.delivered &+= UInt64(accepted)
                statistics.droppedByReceiver &+= UInt64(count - accepted)
            } else {
                statistics.droppedByReceiver &+= UInt64(count)
                chain.owningPool.freeChain(chain)
            }
        }
        return delivered
    }

    /// Drops the frames in flight to `port`, whose adapter is halting: their
    /// buffers go back to its receive pool while that pool still exists.
    func discardInFlight(to port: VirtualWirePort) {
        guard port.inFlight > 0 else { return }
        var kept = DeliveryQueue(capacity: max(1024, inFlight.count))
        while let entry = inFlight.pop() {
            if entry.port == port.index { entry.frame.owningPool.free(entry.frame) } else { kept.push(entry) }
        }
        inFlight = kept
        port.inFlight = 0
    }

    /// Drops every frame in flight (their buffers go back to their pools).
    public func flush() {
        while let entry = inFlight.pop() {
            ports[entry.port].inFlight -= 1
            entry.frame.owningPool.free(entry.frame)
        }
    }
}

/// One attachment point on a `VirtualWire`: the AllocatedResources a
/// VirtualWireMiniport adapter is started with.
public final class VirtualWirePort {
    /// The wire this port is on.
    public unowned let wire: VirtualWire
    /// The port's position on the wire.
    public let index: Int
    /// The burned-in MAC address of the adapter on this port.
    public let mac: MACAddress
    weak var miniport: VirtualWireMiniport?
    var busyUntil = Instant.zero
    var inFlight = 0
    /// Whether the cable is plugged in; while it is not, nothing crosses.
    public private(set) var connected = true

    /// Plugs the cable in or pulls it out: the adapter on this port reports
    /// the change up its stack with NDIS_STATUS_LINK_STATE.
    public func setConnected(_ connected: Bool) {
        guard connected != self.connected else { return }
        self.connected = connected
        miniport?.linkChanged(connected: connected)
    }

    init(wire: VirtualWire, index: Int, mac: MACAddress) {
        self.wire = wire
        self.index = index
        self.mac = mac
    }
}
