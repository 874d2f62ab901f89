import Testing
@testable import TCPIP
import NDIS
import NetCore

// A small private simulator for these tests: hosts, each with its own Ndis
// and TCPIPStack, on one VirtualWire, driven in virtual time; and a sniffer
// on the same wire that records every frame and can put crafted ones on it.

/// Echo replies a stack's hook reported (a class so the hook holds no host).
final class ReplyLog {
    var replies: [EchoReply] = []
}

/// One host: an Ndis, the virtual-wire miniport with one adapter, and the stack bound to it.
final class TestHost {
    let name: String
    let mac: MACAddress
    let ndis = Ndis()
    let stack: TCPIPStack
    let adapter: MiniportAdapter
    let log = ReplyLog()

    init(name: String, mac: MACAddress, wire: VirtualWire, configuration: TCPIPStack.Configuration) throws {
        self.name = name
        self.mac = mac
        stack = TCPIPStack(ndis: ndis, configuration: configuration)
        #expect(ndis.loadDriver(name: "vwmp", entry: VirtualWireMiniport.driverEntry) == .success)
        let started = ndis.startAdapter(driver: try #require(ndis.miniportDrivers.first), name: name,
                                        allocatedResources: wire.makePort(mac: mac))
        #expect(started.status == .success)
        adapter = try #require(started.adapter)
        let log = self.log
        stack.echoReplyHandler = { log.replies.append($0) }
    }

    var interface: IPInterface { stack.interfaces[0] }
    var miniport: VirtualWireMiniport { adapter.context as! VirtualWireMiniport }
    var replies: [EchoReply] { log.replies }
    var statistics: TCPIPStatistics { stack.statistics }
}

/// A station with no stack: its protocol binding records every frame the
/// wire brings (promiscuously) and sends whatever bytes a test hands it.
final class Sniffer: ProtocolBindingContext {
    struct Capture {
        var time: Instant
        var bytes: [UInt8]
    }

    let mac: MACAddress
    let ndis = Ndis()
    let clock: VirtualClock
    let pool = NetBufferPool(name: "sniffer-tx", capacity: 64, slotSize: 2048, headroom: 0)
    private(set) var adapter: MiniportAdapter!
    private(set) var binding: ProtocolBinding!
    private var protocolDriver: ProtocolDriver?
    var frames: [Capture] = []

    init(mac: MACAddress, wire: VirtualWire, clock: VirtualClock) throws {
        self.mac = mac
        self.clock = clock
        #expect(ndis.loadDriver(name: "vwmp", entry: VirtualWireMiniport.driverEntry) == .success)
        let started = ndis.startAdapter(driver: try #require(ndis.miniportDrivers.first), name: "sniffer",
                                        allocatedResources: wire.makePort(mac: mac))
        let adapter = try #require(started.adapter)
        self.adapter = adapter
        var chars = ProtocolDriverCharacteristics()
        chars.header = NdisObjectHeader(type: .protocolDriverCharacteristics,
                                        revision: ProtocolDriverCharacteristics.revision2,
                                        size: ProtocolDriverCharacteristics.size)
        chars.majorNdisVersion = ndisMiniportMajorVersion
        chars.minorNdisVersion = ndisMiniportMinorVersion
        chars.name = "SNIFFER"
        chars.bindAdapterHandlerEx = { [unowned self] driver, bindContext, parameters in
            var binding: ProtocolBinding?
            let status = self.ndis.openAdapter(driver, self, OpenParameters(adapterName: parameters.adapterName),
                                               bindContext, &binding)
            self.binding = binding
            return status
        }
        chars.unbindAdapterHandlerEx = { binding in binding.closeAdapter() }
        #expect(ndis.registerProtocolDriver(nil, chars, &protocolDriver) == .success)
        _ = try #require(binding)
        let filter = OidRequest(set: .genCurrentPacketFilter,
                                input: OidRequest.littleEndianBytes(PacketFilter.promiscuous.rawValue))
        #expect(binding.oidRequest(filter) == .success)
    }

    var miniport: VirtualWireMiniport { adapter.context as! VirtualWireMiniport }

    /// Puts `bytes` on the wire as one frame, now.
    func send(_ bytes: [UInt8]) {
        guard let list = pool.allocate(length: bytes.count) else {
            Issue.record("sniffer pool exhausted")
            return
        }
        bytes.withUnsafeBytes { list.firstNetBuffer.data.copyBytes($0, at: 0) }
        binding.sendNetBufferLists(list)
    }

    /// Frames of EtherType `etherType` recorded at or after `since`.
    func frames(etherType: UInt16, since: Instant = .zero) -> [Capture] {
        frames.filter { $0.time >= since && $0.bytes.count >= 14 && UInt16($0.bytes[12]) << 8 | UInt16($0.bytes[13]) == etherType }
    }

    func receiveNetBufferLists(_ lists: NetBufferList, portNumber: NdisPortNumber, count: Int, flags: ReceiveFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            frames.append(Capture(time: clock.now, bytes: Array(UnsafeRawBufferPointer(list.firstNetBuffer.data))))
        }
        if !flags.contains(.resources) { binding.returnNetBufferLists(lists) }
    }

    func sendNetBufferListsComplete(_ lists: NetBufferList, flags: SendCompleteFlags) {
        var current: NetBufferList? = lists
        while let list = current {
            current = list.next
            #expect(list.status == .success)
            list.owningPool.free(list)
        }
    }
}

/// Hosts 192.0.2.1, .2, … (MACs 02:00:00:00:00:01, :02, …) and a sniffer
/// on one wire with a fixed one-way delay, in virtual time.
final class TestNetwork {
    static let delay: Duration = .milliseconds(1)

    let clock = VirtualClock()
    let wire: VirtualWire
    let sniffer: Sniffer
    private(set) var hosts: [TestHost] = []

    static func address(_ host: Int) -> IPv4Address { IPv4Address(192, 0, 2, UInt8(host + 1)) }
    static func mac(_ host: Int) -> MACAddress { MACAddress(0x02, 0, 0, 0, 0, UInt8(host + 1)) }
    static let snifferMAC = MACAddress(0x02, 0, 0, 0, 0, 0x99)

    /// Makes the network, gives each host its address (/24), lets the
    /// announcements cross, and forgets what the sniffer saw of them.
    init(hosts count: Int = 2, configure: (inout TCPIPStack.Configuration) -> Void = { _ in }) throws {
        wire = VirtualWire(clock: clock, seed: 7, impairments: WireImpairments(delay: TestNetwork.delay))
        sniffer = try Sniffer(mac: TestNetwork.snifferMAC, wire: wire, clock: clock)
        for i in 0..<count {
            var configuration = TCPIPStack.Configuration(seed: 1000 + UInt64(i))
            configure(&configuration)
            let host = try TestHost(name: "eth\(i)", mac: TestNetwork.mac(i), wire: wire, configuration: configuration)
            #expect(host.stack.interfaces.count == 1)
            #expect(host.interface.running)
            #expect(host.stack.addAddress(TestNetwork.address(i), prefixLength: 24, to: host.interface) == .success)
            hosts.append(host)
        }
        drain()
        sniffer.frames.removeAll()
    }

    var now: Instant { clock.now }

    /// Runs deferred calls on every Ndis until none has any left.
    func runDeferredCalls() {
        var ran = true
        while ran {
            ran = false
            for ndis in hosts.map(\.ndis) + [sniffer.ndis] {
                if ndis.runDeferredProcedureCalls() > 0 { ran = true }
            }
        }
    }

    /// The next frame arrival or stack timer, whichever is first.
    var nextEvent: Instant? {
        ([wire.nextArrival] + hosts.map(\.stack.nextDeadline)).compactMap { $0 }.min()
    }

    /// Moves the clock and every stack to `instant`, running what is due then.
    private func step(to instant: Instant) {
        clock.advance(to: instant)
        for host in hosts { host.stack.advance(to: clock.now) }
        wire.deliverDue()
    }

    /// Runs every event up to and including `deadline`, then leaves the clock there.
    func run(until deadline: Instant) {
        while true {
            runDeferredCalls()
            guard let next = nextEvent, next <= deadline else { break }
            step(to: next)
        }
        step(to: deadline)
        runDeferredCalls()
    }

    func run(for duration: Duration) { run(until: clock.now + duration) }

    /// Runs until no frame is in flight and no deferred call waits (stack
    /// timers due before the last arrival run too, in order).
    func drain() {
        runDeferredCalls()
        while wire.nextArrival != nil, let next = nextEvent {
            step(to: next)
            runDeferredCalls()
        }
    }

    /// Every buffer is home: nothing the stacks sent is held, and nothing
    /// the wire delivered is unreturned. Call once the scenario is over.
    func expectPoolsClean(sourceLocation: SourceLocation = #_sourceLocation) {
        drain()
        #expect(wire.framesInFlight == 0, sourceLocation: sourceLocation)
        for host in hosts {
            #expect(host.stack.sendPool.outstanding == 0, "\(host.name) send pool", sourceLocation: sourceLocation)
            #expect(host.miniport.receivePool.outstanding == 0, "\(host.name) receive pool",
                    sourceLocation: sourceLocation)
            #expect(host.adapter.outstandingReceiveIndications == 0, "\(host.name) indications",
                    sourceLocation: sourceLocation)
            #expect(host.adapter.counters.orphanedCompletions == 0, sourceLocation: sourceLocation)
        }
        #expect(sniffer.pool.outstanding == 0, "sniffer send pool", sourceLocation: sourceLocation)
        #expect(sniffer.miniport.receivePool.outstanding == 0, "sniffer receive pool", sourceLocation: sourceLocation)
    }
}

// MARK: - Frame building for injection

enum Frames {
    /// An Ethernet header then `payload`.
    static func ethernet(to destination: MACAddress, from source: MACAddress = TestNetwork.snifferMAC,
                         etherType: UInt16, _ payload: [UInt8]) -> [UInt8] {
        destination.bytes + source.bytes + [UInt8(etherType >> 8), UInt8(etherType & 0xFF)] + payload
    }

    static func bytes(_ address: IPv4Address) -> [UInt8] {
        [UInt8(address.rawValue >> 24), UInt8(address.rawValue >> 16 & 0xFF),
         UInt8(address.rawValue >> 8 & 0xFF), UInt8(address.rawValue & 0xFF)]
    }

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        bytes.withUnsafeBytes { InternetChecksum.checksum($0) }
    }

    /// A 20-byte IPv4 header (right checksum) and `payload`.
    static func ipv4(from source: IPv4Address, to destination: IPv4Address, protocolNumber: UInt8 = 1,
                     ttl: UInt8 = 64, flagsAndOffset: UInt16 = 0, _ payload: [UInt8]) -> [UInt8] {
        let total = 20 + payload.count
        var header: [UInt8] = [
            0x45, 0x00, UInt8(total >> 8), UInt8(total & 0xFF),
            0x12, 0x34, UInt8(flagsAndOffset >> 8), UInt8(flagsAndOffset & 0xFF),
            ttl, protocolNumber, 0x00, 0x00,
        ] + bytes(source) + bytes(destination)
        let sum = checksum(header)
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xFF)
        return header + payload
    }

    /// An ICMP echo message (right checksum) with `data`.
    static func echo(type: UInt8 = 8, identifier: UInt16, sequenceNumber: UInt16,
                     data: [UInt8] = Array("netkernel-test-data".utf8)) -> [UInt8] {
        var message: [UInt8] = [type, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xFF),
                                UInt8(sequenceNumber >> 8), UInt8(sequenceNumber & 0xFF)] + data
        let sum = checksum(message)
        message[2] = UInt8(sum >> 8)
        message[3] = UInt8(sum & 0xFF)
        return message
    }

    /// An Ethernet/IPv4 ARP packet.
    static func arp(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address,
                    targetMAC: MACAddress = MACAddress(0, 0, 0, 0, 0, 0), targetIP: IPv4Address) -> [UInt8] {
        [0x00, 0x01, 0x08, 0x00, 0x06, 0x04, UInt8(operation >> 8), UInt8(operation & 0xFF)]
            + senderMAC.bytes + bytes(senderIP) + targetMAC.bytes + bytes(targetIP)
    }
}

extension Array where Element == UInt8 {
    func mac(at offset: Int) -> MACAddress {
        MACAddress(self[offset], self[offset + 1], self[offset + 2], self[offset + 3], self[offset + 4], self[offset + 5])
    }

    func ipv4Address(at offset: Int) -> IPv4Address {
        IPv4Address(self[offset], self[offset + 1], self[offset + 2], self[offset + 3])
    }

    func uint16(at offset: Int) -> UInt16 { UInt16(self[offset]) << 8 | UInt16(self[offset + 1]) }
}
