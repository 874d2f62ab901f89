import NDIS
import NetCore
import TCPIP

/// A deterministic network: hosts joined by virtual wires, run in virtual
/// time. Time jumps straight to the next thing that happens — a frame
/// arriving, a stack timer, a scheduled action — so a minute of traffic
/// takes milliseconds, and one seed always gives the same run, down to the
/// bytes of the capture.
public final class Simulation {
    /// The virtual clock every wire and stack runs on.
    public let clock: VirtualClock
    /// The seed the run was made from.
    public let seed: UInt64
    /// The hosts, in the order they were added.
    public private(set) var hosts: [SimHost] = []
    /// The wires, in the order they were added.
    public private(set) var wires: [VirtualWire] = []
    /// The capture every host writes into, if one was asked for.
    public let capture: CaptureFilter?
    var random: SeededRandom
    var actions: [(at: Instant, sequence: UInt64, run: () -> Void)] = []
    /// Work from other threads (async WSK calls, cancels), run on this one.
    public let submissions = SubmissionQueue()
    var actionSequence: UInt64 = 0

    /// A simulation seeded with `seed`, without a capture.
    public init(seed: UInt64) {
        self.seed = seed
        clock = VirtualClock()
        random = SeededRandom(seed: seed)
        capture = nil
    }

    /// A simulation seeded with `seed`, writing a pcapng of every adapter's
    /// frames to `captureSink` (fails if the file header cannot be written).
    public init(seed: UInt64, captureSink: CaptureSink) throws(CaptureError) {
        self.seed = seed
        let clock = VirtualClock()
        self.clock = clock
        random = SeededRandom(seed: seed)
        capture = CaptureFilter(writer: try PcapngWriter(sink: captureSink), clock: clock)
    }

    /// Adds a wire with the given impairments and its own random stream.
    public func addWire(_ impairments: WireImpairments = WireImpairments()) -> VirtualWire {
        let wire = VirtualWire(clock: clock, seed: random.next(), impairments: impairments)
        wires.append(wire)
        return wire
    }

    /// Adds a host; `configure` may change its stack's settings.
    public func addHost(_ name: String, configure: (inout TCPIPStack.Configuration) -> Void = { _ in }) -> SimHost {
        let host = SimHost(name: name, seed: random.next(), configure: configure)
        let submissions = self.submissions
        host.wsk.engineExecutor = { work in submissions.submit(work) }
        capture?.register(in: host.ndis)
        hosts.append(host)
        return host
    }

    /// Plugs `host` into `wire` with a new adapter and gives its interface
    /// `address/prefixLength`. MACs are 02:00:00:00:HH:AA (locally administered).
    @discardableResult
    public func attach(_ host: SimHost, to wire: VirtualWire, address: IPv4Address, prefixLength: Int) -> IPInterface {
        let interface = attach(host, to: wire)
        host.stack.addAddress(address, prefixLength: prefixLength, to: interface)
        return interface
    }

    /// Plugs `host` into `wire` with a new adapter and no IPv4 address: IPv6
    /// configures itself (link-local, then SLAAC if a router advertises).
    @discardableResult
    public func attach(_ host: SimHost, to wire: VirtualWire) -> IPInterface {
        let hostNumber = UInt8(truncatingIfNeeded: hosts.firstIndex { $0 === host }.map { $0 + 1 } ?? 0)
        let mac = MACAddress(0x02, 0, 0, 0, hostNumber, UInt8(truncatingIfNeeded: host.adapters.count + 1))
        let port = wire.makePort(mac: mac)
        let (status, adapter) = host.ndis.startAdapter(driver: host.wireDriver,
                                                       name: "\(host.name)-eth\(host.adapters.count)",
                                                       allocatedResources: port)
        precondition(status == .success, "a virtual-wire adapter starts: \(status)")
        host.adapters.append(adapter!)
        return host.stack.interface(named: adapter!.name)!
    }

    /// Runs `action` when virtual time reaches `instant` (in the order scheduled, for equal instants).
    public func schedule(at instant: Instant, _ action: @escaping () -> Void) {
        actionSequence += 1
        let entry = (at: instant, sequence: actionSequence, run: action)
        let index = actions.firstIndex { ($0.at, $0.sequence) > (instant, actionSequence) } ?? actions.count
        actions.insert(entry, at: index)
    }

    /// When something next happens, or nil when nothing ever will.
    public var nextEventTime: Instant? {
        var next = actions.first?.at
        for wire in wires { if let t = wire.nextArrival { next = min(next ?? t, t) } }
        for host in hosts { if let t = host.stack.nextDeadline { next = min(next ?? t, t) } }
        return next
    }

    /// Runs until `deadline` (the clock ends there) or until nothing is left to happen.
    public func run(until deadline: Instant) {
        drainDeferredWork()
        while let next = nextEventTime, next <= deadline {
            clock.advance(to: next)
            let now = clock.now
            for host in hosts { host.stack.advance(to: now) }
            drainDeferredWork()
            while let first = actions.first, first.at <= now {
                actions.removeFirst()
                first.run()
                drainDeferredWork()
            }
            for wire in wires { wire.deliverDue() }
            drainDeferredWork()
        }
        clock.advance(to: deadline)
        for host in hosts { host.stack.advance(to: clock.now) }
        drainDeferredWork()
    }

    /// Runs the simulation until `condition` holds, for work that async
    /// tasks submit (their WSK calls): virtual time moves while there are
    /// events; when there are none, this suspends until a task submits
    /// something. Gives up, returning false, once `limit` of virtual time
    /// has passed.
    @discardableResult
    public func run(until condition: () -> Bool, limit: Duration = .seconds(60)) async -> Bool {
        let end = clock.now + limit
        while !condition() {
            drainDeferredWork()
            if condition() { return true }
            guard clock.now < end else { return false }
            if let next = nextEventTime, next <= end {
                run(until: next)
            } else {
                await submissions.workAvailable()
            }
        }
        return true
    }

    /// Runs for `duration` of virtual time from now.
    public func run(for duration: Duration) {
        run(until: clock.now + duration)
    }

    func drainDeferredWork() {
        var more = true
        while more {
            more = submissions.drain()
            for host in hosts where host.ndis.hasDeferredWork {
                host.ndis.runDeferredProcedureCalls()
                more = true
            }
        }
    }

    /// Buffers held anywhere in the simulation: zero once it is idle means none leaked.
    public var buffersOutstanding: Int {
        hosts.reduce(0) { $0 + $1.buffersOutstanding }
    }

    /// Writes out what the capture buffered.
    public func finishCapture() throws(CaptureError) {
        try capture?.writer.close()
    }
}
