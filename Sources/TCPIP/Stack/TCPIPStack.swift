import NDIS
import NetCore

/// tcpip.sys for one host: an NDIS protocol driver bound to the host's
/// adapters, with its IP interfaces, one route table for both families, ARP,
/// IPv4 and ICMP, IPv6, ICMPv6, Neighbor Discovery and autoconfiguration.
///
/// Sans-I/O: the stack never reads a clock or sleeps. Whoever drives it
/// (NetSim, an engine) moves its time with `advance(to:)`, which also runs
/// the timers that are due, and asks `nextDeadline` when to come back.
/// Not thread-safe: one engine thread owns a stack.
public final class TCPIPStack {
    /// Stack-wide settings.
    public struct Configuration: Sendable {
        /// Seeds the stack's generator (IP identification, jitter): one seed, one run.
        public var seed: UInt64
        /// DefaultTTL (Windows: 128).
        public var defaultTimeToLive: UInt8 = 128
        /// ARP tunables.
        public var arp = ARPConfiguration()
        /// Buffers in the send pool.
        public var sendBuffers: Int = 4096
        /// Bytes per send buffer, headroom included.
        public var sendBufferSize: Int = 2048
        /// Headroom kept in front of every packet for the headers below it.
        public var headroom: Int = 128
        /// Buffers a transport copies a received datagram into when it keeps
        /// one whose frame it could not hold (bounded by each socket's SO_RCVBUF).
        public var receiveBuffers: Int = 1024
        /// Buffers for datagrams larger than a send buffer (up to 64 KiB), sent in fragments.
        public var largeBuffers: Int = 16
        /// IP forwarding between interfaces (Windows: Forwarding, off by default).
        public var forwarding = false
        /// ICMP errors sent per second on average.
        public var icmpErrorsPerSecond = 100
        /// ICMP errors sent back to back.
        public var icmpErrorBurst = 20
        /// Path MTUs learnt from ICMP.
        public var pathMTU = PathMTUCache()
        /// Bounds on fragments held for reassembly.
        public var reassembly = ReassemblyLimits()
        /// IPv6, Neighbor Discovery and autoconfiguration settings.
        public var ipv6 = IPv6Configuration()
        /// TCP settings.
        public var tcp = TCPConfiguration()

        public init(seed: UInt64) { self.seed = seed }
    }

    /// The settings the stack was made with.
    public let configuration: Configuration
    /// The NDIS instance the stack is registered with.
    public unowned let ndis: Ndis
    /// Every counter, per layer and per drop reason.
    public internal(set) var statistics = TCPIPStatistics()
    /// The route table.
    public internal(set) var routes = RouteTable()
    /// The interfaces, one per bound adapter.
    public private(set) var interfaces: [IPInterface] = []
    /// The pool every packet the stack sends is built in.
    public let sendPool: NetBufferPool
    /// The stack's current time, as last given to `advance(to:)`.
    public private(set) var now: Instant = .zero
    /// Called for each ICMP or ICMPv6 echo reply received (a ping client's hook).
    public var echoReplyHandler: ((EchoReply) -> Void)?

    /// The pool datagrams too large for a send buffer are built in before they are fragmented.
    public let largePool: NetBufferPool
    /// The pool received datagrams are copied into when kept without their frame.
    public let receivePool: NetBufferPool
    /// UDP endpoints by local address and port, both families.
    public internal(set) var udpEndpoints = TransportEndpointTable<any UDPReceiver>()
    var receiveContext: ReceiveContext?
    /// TCP sockets holding addresses (bound and listening), both families.
    var tcpEndpoints = TransportEndpointTable<TCPEndpoint>()
    /// TCP connections by 4-tuple.
    var tcpConnections: [TCPConnectionKey: TCPConnection] = [:]
    var nextTCPConnectionID: UInt32 = 1
    var tcpISN: TCPInitialSequenceNumbers
    var tcpCookies: TCPSYNCookies
    var challengeACKWindowStart = Instant.zero
    var challengeACKsInWindow = 0
    /// Path MTUs learnt from ICMP "fragmentation needed".
    public internal(set) var pathMTUs: PathMTUCache
    /// Path MTUs learnt from ICMPv6 "packet too big".
    public internal(set) var ipv6PathMTUs: PathMTUCache

    /// Fragments being put back together, both families.
    public internal(set) var reassembler: Reassembler
    var reassemblyTimer: TimerID?
    var arpCache: [IPv4Address: ARPEntry] = [:]
    var identifications: IPv4IdentificationGenerator
    var icmpErrorLimiter: ICMPErrorRateLimiter
    var icmpv6ErrorLimiter: ICMPErrorRateLimiter
    var stableIdentifiers: StableInterfaceIdentifierGenerator
    var lifetimeTimer: TimerID?
    var lifetimeTimerDeadline: Instant?
    var neighborActions: [NeighborAction] = []
    var arpQueued = 0
    var timers: TimerWheel<TCPIPTimer>
    var random: SeededRandom
    var bindingContexts: [InterfaceBinding] = []
    var protocolDriver: ProtocolDriver?

    /// Makes a stack and registers it with `ndis` as a protocol driver
    /// (NdisRegisterProtocolDriver), so it binds to every adapter there.
    public init(ndis: Ndis, configuration: Configuration) {
        self.ndis = ndis
        self.configuration = configuration
        random = SeededRandom(seed: configuration.seed)
        identifications = IPv4IdentificationGenerator(random: &random)
        icmpErrorLimiter = ICMPErrorRateLimiter(perSecond: configuration.icmpErrorsPerSecond,
                                                burst: configuration.icmpErrorBurst)
        icmpv6ErrorLimiter = ICMPErrorRateLimiter(perSecond: configuration.icmpErrorsPerSecond,
                                                  burst: configuration.icmpErrorBurst)
        pathMTUs = configuration.pathMTU
        ipv6PathMTUs = configuration.ipv6.pathMTU
        var generator = random
        let key = configuration.ipv6.secretKey ?? (generator.next(), generator.next())
        random = generator
        stableIdentifiers = StableInterfaceIdentifierGenerator(k0: key.0, k1: key.1)
        tcpISN = TCPInitialSequenceNumbers(k0: random.next(), k1: random.next())
        tcpCookies = TCPSYNCookies(k0: random.next(), k1: random.next())
        reassembler = Reassembler(limits: configuration.reassembly)
        largePool = NetBufferPool(name: "tcpip-large", capacity: configuration.largeBuffers,
                                  slotSize: IPv4Header.maximumDatagram + IPv6Header.length + configuration.headroom + 64,
                                  headroom: configuration.headroom)
        receivePool = NetBufferPool(name: "tcpip-rx", capacity: configuration.receiveBuffers,
                                    slotSize: configuration.sendBufferSize, headroom: 0)
        timers = TimerWheel(start: .zero)
        sendPool = NetBufferPool(name: "tcpip-tx", capacity: configuration.sendBuffers,
                                 slotSize: configuration.sendBufferSize, headroom: configuration.headroom)
        var chars = ProtocolDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .protocolDriverCharacteristics,
                                        revision: ProtocolDriverCharacteristics.revision2,
                                        size: ProtocolDriverCharacteristics.size)
        chars.majorNdisVersion = ndisMiniportMajorVersion
        chars.minorNdisVersion = ndisMiniportMinorVersion
        chars.name = "TCPIP"
        chars.bindAdapterHandlerEx = { [unowned self] driver, bindContext, parameters in
            self.bindAdapter(driver, bindContext, parameters)
        }
        chars.unbindAdapterHandlerEx = { [unowned self] binding in
            self.unbindAdapter(binding)
        }
        var handle: ProtocolDriver?
        let status = ndis.registerProtocolDriver(nil, chars, &handle)
        precondition(status == .success, "the stack's own characteristics are valid")
        protocolDriver = handle
    }

    /// The interface bound to the adapter named `name`.
    public func interface(named name: String) -> IPInterface? {
        interfaces.first { $0.name == name }
    }

    /// The interface with IfIndex `index`.
    public func interface(index: UInt32) -> IPInterface? {
        interfaces.first { $0.index == index }
    }

    // MARK: - Binding

    func bindAdapter(_ driver: ProtocolDriver, _ bindContext: BindContext, _ parameters: BindParameters) -> NDISStatus {
        guard parameters.mediaType == .ieee8023 else { return .unsupportedMedia }
        let context = InterfaceBinding(stack: self)
        var binding: ProtocolBinding?
        let open = OpenParameters(adapterName: parameters.adapterName, mediumArray: [.ieee8023],
                                  frameTypeArray: [EtherType.ipv4.rawValue, EtherType.arp.rawValue,
                                                   EtherType.ipv6.rawValue])
        let status = ndis.openAdapter(driver, context, open, bindContext, &binding)
        guard status == .success, let binding else { return status }
        let mtuCap = configuration.sendBufferSize - configuration.headroom - EthernetFrame.headerLength
        let interface = IPInterface(binding: binding, parameters: parameters, mtuCap: mtuCap,
                                    ipv6: configuration.ipv6, random: random.fork())
        context.interface = interface
        bindingContexts.append(context)
        interfaces.append(interface)
        return .success
    }

    func unbindAdapter(_ binding: ProtocolBinding) -> NDISStatus {
        if let interface = interfaces.first(where: { $0.binding === binding }) {
            routes.removeAll(interfaceIndex: interface.index)
            for (address, entry) in arpCache where entry.interfaceIndex == interface.index {
                removeARPEntry(address)
            }
            stopIPv6(on: interface)
            interfaces.removeAll { $0 === interface }
            bindingContexts.removeAll { $0.interface === interface }
        }
        return binding.closeAdapter()
    }

    /// NetEventRestart: the packet filter is (re)set and addresses announced.
    func interfaceRestarted(_ interface: IPInterface) {
        let filter: PacketFilter = [.directed, .broadcast, .multicast]
        _ = interface.binding.oidRequest(OidRequest(set: .genCurrentPacketFilter,
                                                    input: OidRequest.littleEndianBytes(filter.rawValue)))
        // The binding is still Restarting during NetEventRestart and NDIS
        // fails its sends: announce once the restart has completed (the
        // addresses held now; any added later are announced by addAddress).
        let addresses = interface.addresses
        ndis.queueDeferredProcedureCall { [unowned self] in
            guard interface.running else { return }
            for assigned in addresses { self.sendGratuitousARP(assigned.address, on: interface) }
            self.startIPv6(on: interface)
        }
    }

    // MARK: - Configuration

    /// CreateUnicastIpAddressEntry: assigns `address/prefixLength` to an
    /// interface, adds the on-link route, and announces it by gratuitous ARP.
    @discardableResult
    public func addAddress(_ address: IPv4Address, prefixLength: Int, to interface: IPInterface) -> NTStatus {
        guard let assigned = UnicastAddress(address, prefixLength: prefixLength),
              !address.isUnspecified, !address.isMulticast, !address.isLimitedBroadcast, !address.isLoopback
        else { return .invalidParameter }
        guard !interfaces.contains(where: { $0.owns(address) }) else { return .addressAlreadyExists }
        interface.addresses.append(assigned)
        routes.add(Route(destination: assigned.prefix, interfaceIndex: interface.index))
        // Like Windows, each IPv4 interface has an on-link route for the
        // limited broadcast, so 255.255.255.255 can be sent to.
        routes.add(Route(destination: IPv4Prefix(address: .broadcast, length: 32)!, interfaceIndex: interface.index))
        if interface.running { sendGratuitousARP(address, on: interface) }
        return .success
    }

    /// CreateIpForwardEntry2: adds a route.
    @discardableResult
    public func addRoute(_ destination: IPv4Prefix, nextHop: IPv4Address? = nil, interface: IPInterface,
                         metric: UInt32 = 256) -> NTStatus {
        routes.add(Route(destination: destination, nextHop: nextHop, interfaceIndex: interface.index, metric: metric))
        return .success
    }

    /// Whether `address` belongs to this host.
    public func isLocalAddress(_ address: IPv4Address) -> Bool {
        interfaces.contains { $0.owns(address) }
    }

    // MARK: - Time

    /// Moves the stack's time to `instant` and runs every timer now due.
    public func advance(to instant: Instant) {
        if instant > now { now = instant }
        while let (_, timer) = timers.popExpired(now: now) {
            switch timer {
            case .arp(let address): arpTimerFired(address)
            case .reassembly: reassemblyTimerFired()
            case .duplicateAddressDetection(let index, let address): duplicateAddressTimerFired(index, address)
            case .routerSolicitation(let index): routerSolicitationTimerFired(index)
            case .routerAdvertisement(let index): routerAdvertisementTimerFired(index)
            case .ipv6Lifetimes: ipv6LifetimesTimerFired()
            case .tcp(let connection): connection.timerFired()
            }
        }
        for interface in interfaces {
            if let deadline = interface.neighbors.nextDeadline, deadline <= now {
                interface.neighbors.advance(now: now, &neighborActions)
                performNeighborActions(on: interface)
            }
        }
    }

    /// When the stack next needs `advance(to:)`, or nil when no timer is pending.
    public var nextDeadline: Instant? {
        var earliest = timers.nextDeadline()
        for interface in interfaces {
            if let deadline = interface.neighbors.nextDeadline, earliest.map({ deadline < $0 }) ?? true {
                earliest = deadline
            }
        }
        return earliest
    }

    // MARK: - Receive

    /// One received frame, from an interface's binding.
    func receiveFrame(_ bytes: UnsafeRawBufferPointer, on interface: IPInterface) {
        statistics.ethernet.framesIn &+= 1
        guard let frame = EthernetFrame(bytes) else {
            statistics.ethernet.runts &+= 1
            return
        }
        let destination = frame.destination
        guard destination == interface.macAddress || destination.isBroadcast || destination.isMulticast else {
            statistics.ethernet.notForUs &+= 1
            return
        }
        switch frame.etherType {
        case .ipv4: ipv4Input(frame.payload, on: interface, linkBroadcast: !(destination == interface.macAddress))
        case .arp: arpInput(frame.payload, on: interface)
        case .ipv6: ipv6Input(frame.payload, on: interface, linkMulticast: !(destination == interface.macAddress))
        default: statistics.ethernet.unknownEtherType &+= 1
        }
    }
}
