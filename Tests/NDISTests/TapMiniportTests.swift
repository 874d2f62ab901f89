import Foundation
import NetCore
import Synchronization
import Testing
import TestSupport

@testable import NDIS

#if canImport(Glibc)
import Glibc
#endif

// The TAP miniport against the real Linux kernel. Each test makes its own
// network namespace (nk-tap-<pid>-<n>) and deletes it by name at the end,
// whatever happened.
//
// How the TAP gets into the namespace: a network namespace is a per-thread
// attribute on Linux, so the TAP part of each test runs on a dedicated
// Foundation Thread that first enters the namespace with setns(CLONE_NEWNET)
// (`NetworkNamespace.enter`). Opening /dev/net/tun and TUNSETIFF on that
// thread creates the device in the namespace, and the kernel-side UDP
// sockets the tests make there live in it too. The test's task awaits the
// thread through a continuation, so no thread of the cooperative pool ever
// changes namespace or blocks. Waits are poll() on descriptors with a
// timeout, or a child process's exit — never a sleep.
//
// They need root, /dev/net/tun and `ip`: without them they skip, except
// under CI=true, where they fail.

/// Whether this machine can run the TAP tests.
enum TapEnvironment {
    static let ipPath = Wireshark.find("ip")
    static let available = geteuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun") && ipPath != nil
    /// Run where possible, and always under CI (where `require` then fails).
    static let enabled = available || Wireshark.isCI

    static func require() throws {
        try #require(available, "the TAP tests need root, /dev/net/tun and ip(8)")
    }
}

/// A network namespace made by one test, deleted by name.
struct TestNamespace: Sendable {
    private static let counter = Atomic<Int>(0)
    let name: String

    static func make() throws -> TestNamespace {
        let n = counter.add(1, ordering: .relaxed).newValue
        let namespace = TestNamespace(name: "nk-tap-\(getpid())-\(n)")
        let result = try run(["netns", "add", namespace.name])
        try #require(result.status == 0, "ip netns add \(namespace.name): \(result.output)")
        return namespace
    }

    func delete() {
        _ = try? TestNamespace.run(["netns", "del", name])
    }

    /// `ip netns exec NAME command…`; waits for the command to exit.
    @discardableResult
    func exec(_ command: String...) throws -> (status: Int32, output: String) {
        try TestNamespace.run(["netns", "exec", name] + command)
    }

    /// Runs ip(8) and waits for it to exit, output to a pipe read to the end first.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TapEnvironment.ipPath ?? "/usr/sbin/ip")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs `body` on a new thread inside this namespace and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let name = self.name
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    try NetworkNamespace.enter(named: name)
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "tap-test-\(name)"
            thread.start()
        }
    }
}

/// An NDIS with the TAP miniport driver loaded and a recording protocol bound.
final class TapBench {
    let ndis = Ndis()
    let protocolDriver = RecordingProtocol(name: "proto")
    let sendPool = NetBufferPool(name: "tap-test-tx", capacity: 256, slotSize: 2048)
    let driver: MiniportDriver

    init() {
        let status = ndis.loadDriver(name: "tap", entry: TapMiniport.driverEntry)
        precondition(status == .success, "the TAP driver did not load")
        driver = ndis.miniportDrivers.last!
        protocolDriver.register(in: ndis)
    }

    /// Starts an adapter on `configuration` and sets the packet filter.
    func start(_ configuration: TapConfiguration) -> (status: NDISStatus, adapter: MiniportAdapter?) {
        let (status, adapter) = ndis.startAdapter(driver: driver, name: configuration.name,
                                                  allocatedResources: configuration)
        if let adapter {
            _ = protocolDriver.binding(on: adapter).setPacketFilter([.directed, .broadcast])
        }
        return (status, adapter)
    }

    /// Polls the adapter until `done` holds for the frames received so far,
    /// waiting on its descriptors with poll() between rounds; false on timeout.
    func pump(_ adapter: MiniportAdapter, timeout: Duration = .seconds(15),
              until done: ([[UInt8]]) -> Bool) -> Bool {
        let miniport = adapter.context as! TapMiniport
        let binding = protocolDriver.binding(on: adapter)
        let deadline = ContinuousClock.now + timeout
        while true {
            miniport.poll(budget: 64)
            if done(binding.received) { return true }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            var fds = miniport.fileDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ms = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1
            _ = Glibc.poll(&fds, nfds_t(fds.count), ms)
        }
    }
}

// MARK: - Frames and kernel-side sockets

enum TapFrames {
    static let ours = MACAddress(0x02, 0, 0, 0, 0, 0x02)
    static let kernelIP: [UInt8] = [192, 0, 2, 1]
    static let ourIP: [UInt8] = [192, 0, 2, 2]

    static func etherType(_ frame: [UInt8]) -> UInt16 { frame.count >= 14 ? UInt16(frame[12]) << 8 | UInt16(frame[13]) : 0 }

    /// An ARP request asking for `target`.
    static func isARPRequest(_ frame: [UInt8], for target: [UInt8]) -> Bool {
        etherType(frame) == 0x0806 && frame.count >= 42 && frame[20] == 0 && frame[21] == 1
            && Array(frame[38..<42]) == target
    }

    /// An ARP reply from us (`ours`, 192.0.2.2) to the kernel's `mac`, 192.0.2.1.
    static func arpReply(to mac: MACAddress) -> [UInt8] {
        var arp: [UInt8] = [0, 1, 0x08, 0, 6, 4, 0, 2]
        arp += ours.bytes + ourIP + mac.bytes + kernelIP
        return mac.bytes + ours.bytes + [0x08, 0x06] + arp
    }

    /// An IPv4/UDP frame from 192.0.2.2:`sourcePort` to 192.0.2.1:`port` carrying `payload`.
    static func udp(to mac: MACAddress, sourcePort: UInt16, port: UInt16, payload: [UInt8]) -> [UInt8] {
        let udpLength = 8 + payload.count
        var ip: [UInt8] = [0x45, 0, UInt8((20 + udpLength) >> 8), UInt8((20 + udpLength) & 0xFF), 0, 1, 0x40, 0, 64, 17, 0, 0]
        ip += ourIP + kernelIP
        let sum = ip.withUnsafeBytes { InternetChecksum.checksum($0) }
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xFF)
        // UDP checksum 0: none, which IPv4 allows.
        let udp: [UInt8] = [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(port >> 8), UInt8(port & 0xFF),
                            UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
        return mac.bytes + ours.bytes + [0x08, 0x00] + ip + udp + payload
    }

    /// The UDP destination port of an IPv4/UDP frame, if it is one.
    static func udpDestinationPort(_ frame: [UInt8]) -> UInt16? {
        guard etherType(frame) == 0x0800, frame.count >= 42, frame[23] == 17 else { return nil }
        let ihl = Int(frame[14] & 0x0F) * 4
        return UInt16(frame[14 + ihl + 2]) << 8 | UInt16(frame[14 + ihl + 3])
    }
}

/// A kernel UDP socket of the calling thread's namespace.
final class KernelUDPSocket {
    let fd: Int32

    init(bindPort: UInt16? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        try #require(fd >= 0)
        if let port = bindPort {
            var address = KernelUDPSocket.address(TapFrames.kernelIP, port)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(bound == 0, "bind: errno \(errno)")
        }
    }

    deinit { close(fd) }

    static func address(_ ip: [UInt8], _ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(ip[0]) | UInt32(ip[1]) << 8 | UInt32(ip[2]) << 16 | UInt32(ip[3]) << 24
        return address
    }

    @discardableResult
    func send(_ payload: [UInt8], to ip: [UInt8], port: UInt16) -> Int {
        var address = KernelUDPSocket.address(ip, port)
        return payload.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// Waits up to `timeout` ms for a datagram and returns it.
    func receive(timeout: Int32) -> [UInt8]? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&p, 1, timeout) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return got < 0 ? nil : Array(buffer.prefix(got))
    }
}

/// What a test body saw on its namespace thread, checked back in the test.
struct TapObservations: Sendable {
    var startStatus = NDISStatus.failure
    var error: TapError?
    var facts: [String: String] = [:]
    var flags: [String: Bool] = [:]
    var numbers: [String: Int] = [:]
}

/// The "link/ether" address `ip -o link show DEV` prints.
func kernelMAC(_ namespace: TestNamespace, _ device: String) throws -> String {
    let output = try namespace.exec("ip", "-o", "link", "show", device).output
    let words = output.split(whereSeparator: { $0 == " " || $0 == "\\" })
    guard let i = words.firstIndex(of: "link/ether"), i + 1 < words.count else { return "?" }
    return String(words[i + 1])
}

// MARK: - Tests

@Suite(.enabled(if: TapEnvironment.enabled), .serialized)
struct TapMiniportKernelTests {
    @Test func arpRequestFromTheKernelIsReceivedAndOurReplyIsLearned() async throws {
        try TapEnvironment.require()
        let namespace = try TestNamespace.make()
        defer { namespace.delete() }
        let seen = try await namespace.run { () throws -> TapObservations in
            var seen = TapObservations()
            let bench = TapBench()
            let configuration = TapConfiguration(name: "nk0", receiveBuffers: 64, mac: TapFrames.ours)
            let (status, started) = bench.start(configuration)
            seen.startStatus = status
            guard let adapter = started else { return seen }
            let miniport = adapter.context as! TapMiniport
            let binding = bench.protocolDriver.binding(on: adapter)
            seen.flags["connectedBeforeUp"] = adapter.linkState.mediaConnectState == .connected
            try namespace.exec("ip", "link", "set", "nk0", "up")
            try namespace.exec("ip", "addr", "add", "192.0.2.1/24", "dev", "nk0")
            seen.flags["refreshed"] = miniport.refreshLinkState()
            seen.flags["connectedAfterUp"] = adapter.linkState.mediaConnectState == .connected
            seen.flags["linkIndicated"] = binding.statuses.contains { $0.linkState?.mediaConnectState == .connected }

            // The kernel resolves 192.0.2.2 before sending to it: an ARP request comes out of the TAP.
            let client = try KernelUDPSocket()
            client.send(Array("hello".utf8), to: TapFrames.ourIP, port: 9)
            seen.flags["arpRequest"] = bench.pump(adapter) { $0.contains { TapFrames.isARPRequest($0, for: TapFrames.ourIP) } }
            let request = binding.received.first { TapFrames.isARPRequest($0, for: TapFrames.ourIP) } ?? []
            let kernelMAC = request.count >= 12 ? MACAddress(bytes: request.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[6..<12]) }) : .zero
            seen.facts["arpSenderMAC"] = "\(kernelMAC)"
            seen.facts["deviceMAC"] = "\(miniport.device.hardwareAddress)"

            // Our reply goes out through the TAP; the kernel learns 02:00:00:00:00:02 and sends the datagram.
            binding.send([TapFrames.arpReply(to: kernelMAC)], from: bench.sendPool)
            seen.flags["replyCompleted"] = binding.completions.last?.status == .success
            seen.flags["datagram"] = bench.pump(adapter) { $0.contains { TapFrames.udpDestinationPort($0) == 9 } }
            let datagram = binding.received.first { TapFrames.udpDestinationPort($0) == 9 } ?? []
            seen.flags["datagramToOurMAC"] = Array(datagram.prefix(6)) == TapFrames.ours.bytes
            seen.facts["neighbour"] = try namespace.exec("ip", "neigh", "show", "192.0.2.2", "dev", "nk0").output

            // A datagram we write reaches a kernel socket.
            let server = try KernelUDPSocket(bindPort: 5000)
            binding.send([TapFrames.udp(to: kernelMAC, sourcePort: 4000, port: 5000, payload: Array("from netkernel".utf8))],
                         from: bench.sendPool)
            seen.facts["serverGot"] = server.receive(timeout: 2000).map { String(decoding: $0, as: UTF8.self) } ?? "nothing"

            // OIDs: the device's MTU and address, our current address, the counters.
            seen.facts["permanent"] = binding.query(.ieee8023PermanentAddress).request.informationBuffer.prefix(6)
                .withUnsafeBytes { "\(MACAddress(bytes: $0))" }
            seen.facts["current"] = binding.query(.ieee8023CurrentAddress).request.informationBuffer.prefix(6)
                .withUnsafeBytes { "\(MACAddress(bytes: $0))" }
            seen.numbers["mtu"] = Int(uint32s(Array(binding.query(.genMaximumFrameSize).request.informationBuffer.prefix(4)))[0])
            let statistics = StatisticsInfo(bytes: binding.query(.genStatistics).request.informationBuffer)
            seen.numbers["framesIn"] = Int(statistics?.framesIn ?? 0)
            seen.numbers["framesOut"] = Int(statistics?.framesOut ?? 0)
            seen.numbers["received"] = binding.received.count
            seen.numbers["kernelRx"] = Int(try namespace.exec("cat", "/sys/class/net/nk0/statistics/rx_packets").output
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1

            // Halt: the descriptors close and every buffer is home.
            seen.flags["stopped"] = bench.ndis.stopAdapter(adapter) == .success
            seen.numbers["rxOutstanding"] = miniport.receivePool.outstanding
            seen.numbers["txOutstanding"] = bench.sendPool.outstanding
            seen.numbers["fdsAfterHalt"] = miniport.fileDescriptors.count
            seen.facts["linkAfterHalt"] = try namespace.exec("ip", "link", "show", "nk0").output
            return seen
        }
        #expect(seen.startStatus == .success)
        #expect(seen.flags["connectedBeforeUp"] == false, "a TAP that is not up reports the media disconnected")
        #expect(seen.flags["refreshed"] == true)
        #expect(seen.flags["connectedAfterUp"] == true)
        #expect(seen.flags["linkIndicated"] == true, "NDIS_STATUS_LINK_STATE reached the protocol")
        #expect(seen.flags["arpRequest"] == true, "the kernel's ARP request for 192.0.2.2 was received")
        #expect(seen.facts["arpSenderMAC"] == seen.facts["deviceMAC"])
        #expect(seen.flags["replyCompleted"] == true)
        #expect(seen.flags["datagram"] == true, "the kernel sent the queued datagram once it learned our address")
        #expect(seen.flags["datagramToOurMAC"] == true)
        #expect(seen.facts["neighbour"]?.contains("02:00:00:00:00:02") == true)
        #expect(seen.facts["serverGot"] == "from netkernel")
        #expect(seen.facts["permanent"] == seen.facts["deviceMAC"], "the permanent address is the TAP's own")
        #expect(seen.facts["current"] == "02:00:00:00:00:02", "the current address is the configured one")
        #expect(seen.numbers["mtu"] == 1500)
        #expect(seen.numbers["framesIn"] == seen.numbers["received"])
        #expect(seen.numbers["framesOut"] == 2)
        #expect((seen.numbers["kernelRx"] ?? 0) >= 2, "the kernel counted our frames")
        #expect(seen.flags["stopped"] == true)
        #expect(seen.numbers["rxOutstanding"] == 0)
        #expect(seen.numbers["txOutstanding"] == 0)
        #expect(seen.numbers["fdsAfterHalt"] == 0)
        #expect(seen.facts["linkAfterHalt"]?.contains("does not exist") == true,
                "a TAP the adapter created goes with its last descriptor")
    }

    @Test func attachesToAnExistingTapAndReportsItsMTUAndAddress() async throws {
        try TapEnvironment.require()
        let namespace = try TestNamespace.make()
        defer { namespace.delete() }
        try #require(try namespace.exec("ip", "tuntap", "add", "dev", "nk1", "mode", "tap").status == 0)
        try #require(try namespace.exec("ip", "link", "set", "nk1", "mtu", "1400", "address", "02:00:00:00:00:aa").status == 0)
        let seen = try await namespace.run { () throws -> TapObservations in
            var seen = TapObservations()
            let bench = TapBench()
            let (status, started) = bench.start(TapConfiguration(name: "nk1", receiveBuffers: 16))
            seen.startStatus = status
            guard let adapter = started else { return seen }
            let miniport = adapter.context as! TapMiniport
            let binding = bench.protocolDriver.binding(on: adapter)
            seen.numbers["mtu"] = Int(uint32s(Array(binding.query(.genMaximumFrameSize).request.informationBuffer.prefix(4)))[0])
            seen.numbers["slot"] = miniport.receivePool.slotSize - miniport.receivePool.defaultHeadroom
            seen.facts["permanent"] = binding.query(.ieee8023PermanentAddress).request.informationBuffer.prefix(6)
                .withUnsafeBytes { "\(MACAddress(bytes: $0))" }
            seen.facts["current"] = binding.query(.ieee8023CurrentAddress).request.informationBuffer.prefix(6)
                .withUnsafeBytes { "\(MACAddress(bytes: $0))" }
            seen.flags["stopped"] = bench.ndis.stopAdapter(adapter) == .success
            return seen
        }
        #expect(seen.startStatus == .success)
        #expect(seen.numbers["mtu"] == 1400)
        #expect((seen.numbers["slot"] ?? 0) > 1400 + 14)
        #expect(seen.facts["permanent"] == "02:00:00:00:00:aa")
        #expect(seen.facts["current"] == "02:00:00:00:00:aa", "without a configured address the device's is current")
        #expect(seen.flags["stopped"] == true)
        #expect(try namespace.exec("ip", "link", "show", "nk1").status == 0, "a persistent TAP outlives the adapter")
    }

    @Test func multiQueueReadsEveryQueueAndSendsOnEach() async throws {
        try TapEnvironment.require()
        let namespace = try TestNamespace.make()
        defer { namespace.delete() }
        let seen = try await namespace.run { () throws -> TapObservations in
            var seen = TapObservations()
            let bench = TapBench()
            let configuration = TapConfiguration(name: "nk0", multiQueue: true, queues: 3, receiveBuffers: 64,
                                                 mac: TapFrames.ours)
            let (status, started) = bench.start(configuration)
            seen.startStatus = status
            guard let adapter = started else { return seen }
            let miniport = adapter.context as! TapMiniport
            let binding = bench.protocolDriver.binding(on: adapter)
            seen.numbers["fds"] = Set(miniport.fileDescriptors).count
            try namespace.exec("ip", "link", "set", "nk0", "up")
            try namespace.exec("ip", "addr", "add", "192.0.2.1/24", "dev", "nk0")
            try namespace.exec("ip", "neigh", "replace", "192.0.2.2", "lladdr", "02:00:00:00:00:02", "dev", "nk0",
                               "nud", "permanent")
            // Many flows, so the kernel spreads them over the queues.
            let client = try KernelUDPSocket()
            for port in 7000..<7032 { client.send([UInt8(port & 0xFF)], to: TapFrames.ourIP, port: UInt16(port)) }
            seen.flags["allArrived"] = bench.pump(adapter) { frames in
                Set(frames.compactMap(TapFrames.udpDestinationPort)).count == 32
            }
            // Sends go out on the queue their RSS hash picks; the kernel takes them from any.
            let server = try KernelUDPSocket(bindPort: 5000)
            let kernelMAC = miniport.device.hardwareAddress
            let frames = (0..<6).map { TapFrames.udp(to: kernelMAC, sourcePort: 4000 + UInt16($0), port: 5000, payload: [UInt8($0)]) }
            let chain = bench.sendPool.makeChain(frames)!
            for (i, list) in chain.chainArray.enumerated() { list.hashValue = UInt32(i) }
            binding.handle.sendNetBufferLists(chain)
            seen.numbers["sendsOK"] = binding.completions.filter { $0.status == .success }.count
            var got = Set<UInt8>()
            while got.count < 6, let datagram = server.receive(timeout: 2000) { got.formUnion(datagram) }
            seen.numbers["serverGot"] = got.count
            seen.flags["stopped"] = bench.ndis.stopAdapter(adapter) == .success
            seen.numbers["rxOutstanding"] = miniport.receivePool.outstanding
            return seen
        }
        #expect(seen.startStatus == .success)
        #expect(seen.numbers["fds"] == 3)
        #expect(seen.flags["allArrived"] == true, "32 datagrams on 32 flows arrived through the queues")
        #expect(seen.numbers["sendsOK"] == 6)
        #expect(seen.numbers["serverGot"] == 6)
        #expect(seen.flags["stopped"] == true)
        #expect(seen.numbers["rxOutstanding"] == 0)
    }

    @Test func linkDownIsNoticedByCheckForHangAndSendsFail() async throws {
        try TapEnvironment.require()
        let namespace = try TestNamespace.make()
        defer { namespace.delete() }
        let seen = try await namespace.run { () throws -> TapObservations in
            var seen = TapObservations()
            let bench = TapBench()
            let (status, started) = bench.start(TapConfiguration(name: "nk0", receiveBuffers: 8, mac: TapFrames.ours))
            seen.startStatus = status
            guard let adapter = started else { return seen }
            let miniport = adapter.context as! TapMiniport
            let binding = bench.protocolDriver.binding(on: adapter)
            try namespace.exec("ip", "link", "set", "nk0", "up")
            seen.flags["hangAfterUp"] = bench.ndis.checkForHang().contains { $0 === adapter }
            seen.flags["upNoticed"] = adapter.linkState.mediaConnectState == .connected
            try namespace.exec("ip", "link", "set", "nk0", "down")
            _ = bench.ndis.checkForHang()
            seen.flags["downNoticed"] = adapter.linkState.mediaConnectState == .disconnected
            binding.send([TapFrames.arpReply(to: miniport.device.hardwareAddress)], from: bench.sendPool)
            seen.facts["sendStatus"] = "\(binding.completions.last?.status ?? .success)"
            seen.numbers["writeErrors"] = Int(miniport.counters.writeErrors)
            seen.flags["stopped"] = bench.ndis.stopAdapter(adapter) == .success
            seen.numbers["txOutstanding"] = bench.sendPool.outstanding
            return seen
        }
        #expect(seen.startStatus == .success)
        #expect(seen.flags["hangAfterUp"] == false, "a TAP never asks for a reset")
        #expect(seen.flags["upNoticed"] == true, "MiniportCheckForHangEx noticed IFF_UP|IFF_RUNNING")
        #expect(seen.flags["downNoticed"] == true)
        #expect(seen.facts["sendStatus"] == "\(NDISStatus.mediaDisconnected)", "a frame written to a down TAP fails (EIO) as media disconnected")
        #expect(seen.numbers["writeErrors"] == 1)
        #expect(seen.flags["stopped"] == true)
        #expect(seen.numbers["txOutstanding"] == 0)
    }

    @Test func initializationFailsClearlyForBadNamesTakenNamesAndBusyDevices() async throws {
        try TapEnvironment.require()
        let namespace = try TestNamespace.make()
        defer { namespace.delete() }
        // A link that is not a TAP: a dummy, or a bridge where the kernel has no dummy driver.
        let made = try namespace.exec("ip", "link", "add", "nkdummy", "type", "dummy").status == 0
            || namespace.exec("ip", "link", "add", "nkdummy", "type", "bridge").status == 0
        try #require(made, "no dummy or bridge link could be made")
        let results = try await namespace.run { () -> [String: TapObservations] in
            let bench = TapBench()
            var results: [String: TapObservations] = [:]
            for name in ["nk-sixteen-bytes", "nkdummy"] {
                let configuration = TapConfiguration(name: name)
                var seen = TapObservations()
                seen.startStatus = bench.start(configuration).status
                seen.error = configuration.error
                results[name] = seen
            }
            // A single-queue TAP held by one adapter cannot be attached by a second.
            let first = bench.start(TapConfiguration(name: "nk2"))
            let second = TapConfiguration(name: "nk2")
            var busy = TapObservations()
            busy.startStatus = bench.start(second).status
            busy.error = second.error
            results["busy"] = busy
            // A multi-queue request for a single-queue TAP is refused as well.
            let multi = TapConfiguration(name: "nk2", multiQueue: true, queues: 2)
            var mismatch = TapObservations()
            mismatch.startStatus = bench.start(multi).status
            mismatch.error = multi.error
            results["mismatch"] = mismatch
            if let adapter = first.adapter { _ = bench.ndis.stopAdapter(adapter) }
            return results
        }
        #expect(results["nk-sixteen-bytes"]?.startStatus == .invalidParameter)
        #expect(results["nk-sixteen-bytes"]?.error == .invalidName(device: "nk-sixteen-bytes"))
        #expect(results["nkdummy"]?.startStatus == .resourceConflict)
        #expect(results["nkdummy"]?.error == .notATap(device: "nkdummy"))
        #expect(results["nkdummy"]?.error?.description.contains("nkdummy") == true)
        #expect(results["busy"]?.startStatus == .resourceConflict)
        #expect(results["busy"]?.error == .busy(device: "nk2"))
        #expect(results["mismatch"]?.error == .notATap(device: "nk2"))
    }
}

// MARK: - Without root: errors, and the send queue over a datagram socket pair

@Suite struct TapMiniportUnitTests {
    @Test func errnoMapsToOneLineErrorsAndNDISStatuses() {
        #expect(TapError.attaching("nk0", errno: EPERM) == .permissionDenied(device: "nk0"))
        #expect(TapError.attaching("nk0", errno: EACCES) == .permissionDenied(device: "nk0"))
        #expect(TapError.attaching("nk0", errno: ENOENT) == .tunUnavailable(device: "nk0"))
        #expect(TapError.attaching("nk0", errno: EINVAL) == .notATap(device: "nk0"))
        #expect(TapError.attaching("nk0", errno: EBUSY) == .busy(device: "nk0"))
        #expect(TapError.attaching("nk0", errno: ENAMETOOLONG) == .invalidName(device: "nk0"))
        #expect(TapError.permissionDenied(device: "nk0").ndisStatus == NDISStatus(NTStatus.accessDenied))
        #expect(TapError.tunUnavailable(device: "nk0").ndisStatus == .adapterNotFound)
        let all: [TapError] = [.permissionDenied(device: "nk0"), .tunUnavailable(device: "nk0"), .invalidName(device: "nk0"),
                               .notATap(device: "nk0"), .busy(device: "nk0"),
                               .invalidConfiguration(device: "nk0", reason: "queues must be 1 to 256"),
                               .system(device: "nk0", call: "SIOCGIFMTU", errno: ENODEV)]
        for error in all {
            #expect(error.description.hasPrefix("TAP nk0: "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func badNamesFailBeforeAnySystemCall() {
        let bench = TapBench()
        for name in ["", "nk-sixteen-bytes", "a/b"] {
            let configuration = TapConfiguration(name: name)
            #expect(bench.start(configuration).status == .invalidParameter)
            #expect(configuration.error == .invalidName(device: name))
        }
        let zero = TapConfiguration(name: "nk0", multiQueue: true, queues: 0)
        #expect(bench.start(zero).status == .invalidParameter)
    }

    /// A "TAP" made of one end of a non-blocking AF_UNIX datagram socket
    /// pair: frame boundaries are kept, and a full peer gives EAGAIN.
    static func fakeDevice() throws -> (TapDevice, peer: Int32) {
        var fds: [Int32] = [0, 0]
        let made = socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds)
        try #require(made == 0)
        // A connected pair is bounded by the sender's buffer: keep it small so EAGAIN comes soon.
        var size: Int32 = 4096
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let device = TapDevice(name: "fake0", queueDescriptors: [fds[0]], controlSocket: -1, mtu: 1500,
                               hardwareAddress: testMAC(0xEE), fixedFlags: nk_flags_up_running)
        return (device, fds[1])
    }

    static let nk_flags_up_running: Int32 = Int32(IFF_UP | IFF_RUNNING)

    @Test func sendsWaitOnEAGAINInOrderAreDroppedWhenTheQueueIsFullAndReceivesIndicate() throws {
        let (device, peer) = try Self.fakeDevice()
        defer { close(peer) }
        let bench = TapBench()
        let configuration = TapConfiguration(name: "fake0", receiveBuffers: 8, sendQueueLimit: 4)
        configuration.device = device
        let (status, started) = bench.start(configuration)
        #expect(status == .success)
        let adapter = try #require(started)
        let miniport = adapter.context as! TapMiniport
        let binding = bench.protocolDriver.binding(on: adapter)
        #expect(adapter.linkState.mediaConnectState == .connected)

        // Far more frames than the peer's queue holds: some go, four wait, the rest drop.
        let frames = (0..<64).map { Frames.tagged($0, to: testMAC(1), from: testMAC(0xEE)) }
        binding.send(frames, from: bench.sendPool)
        let sent = binding.completions.filter { $0.status == .success }.count
        let dropped = binding.completions.filter { $0.status == .resources }.count
        #expect(sent > 0)
        #expect(miniport.queuedSends == 4)
        #expect(miniport.wantsWritable)
        #expect(dropped == 64 - sent - 4)
        #expect(miniport.counters.sendQueueDrops == UInt64(dropped))
        #expect(miniport.core.statistics.ifOutDiscards == UInt64(dropped))

        // The peer drains; the waiting sends go out, after the earlier ones, in order.
        var delivered: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        func drain() {
            while true {
                let got = buffer.withUnsafeMutableBytes { recv(peer, $0.baseAddress, $0.count, 0) }
                if got <= 0 { break }
                delivered.append(Array(buffer.prefix(got)))
            }
        }
        drain()
        #expect(miniport.flushSends() == 4)
        drain()
        #expect(!miniport.wantsWritable)
        #expect(delivered == Array(frames.prefix(sent + 4)))
        #expect(binding.completions.filter { $0.status == .success }.count == sent + 4)
        #expect(miniport.core.statistics.framesOut == UInt64(sent + 4))

        // Frames the peer writes are read into the pool and indicated in one chain;
        // one for another address is filtered, and the pool bounds what is kept.
        let incoming = (0..<3).map { Frames.tagged(100 + $0, to: testMAC(0xEE), from: testMAC(1)) }
        let foreign = Frames.tagged(200, to: testMAC(0x77), from: testMAC(1))
        for frame in incoming + [foreign] {
            _ = frame.withUnsafeBytes { send(peer, $0.baseAddress, $0.count, 0) }
        }
        #expect(miniport.poll(budget: 64) == 4)
        #expect(binding.received == incoming)
        #expect(binding.indications.last?.count == 3)
        #expect(miniport.counters.receiveFiltered == 1)
        #expect(miniport.receivePool.outstanding == 0, "the binding returned them")

        // Waiting sends complete as paused when the adapter stops; every buffer is home.
        let more = (0..<40).map { Frames.tagged(300 + $0, to: testMAC(1), from: testMAC(0xEE)) }
        binding.send(more, from: bench.sendPool)
        #expect(miniport.queuedSends == 4)
        #expect(bench.ndis.stopAdapter(adapter) == .success)
        #expect(binding.completions.filter { $0.status == .paused }.count == 4)
        #expect(bench.sendPool.outstanding == 0)
        #expect(miniport.receivePool.outstanding == 0)
        #expect(miniport.fileDescriptors.isEmpty)
    }

    @Test func cancelSendAbortsOnlyTheMatchingWaitingSends() throws {
        let (device, peer) = try Self.fakeDevice()
        defer { close(peer) }
        let bench = TapBench()
        let configuration = TapConfiguration(name: "fake0", receiveBuffers: 8, sendQueueLimit: 8)
        configuration.device = device
        let adapter = try #require(bench.start(configuration).adapter)
        let miniport = adapter.context as! TapMiniport
        let binding = bench.protocolDriver.binding(on: adapter)
        binding.send((0..<60).map { Frames.tagged($0, to: testMAC(1), from: testMAC(0xEE)) }, from: bench.sendPool,
                     cancelId: 1)
        let queuedFirst = miniport.queuedSends
        binding.send((0..<2).map { Frames.tagged(100 + $0, to: testMAC(1), from: testMAC(0xEE)) },
                     from: bench.sendPool, cancelId: 2)
        #expect(queuedFirst == 8)
        miniport.cancelSend(2)
        #expect(miniport.queuedSends == 8)
        miniport.cancelSend(1)
        #expect(miniport.queuedSends == 0)
        #expect(binding.completions.filter { $0.status == .sendAborted }.count == 8)
        #expect(bench.ndis.stopAdapter(adapter) == .success)
        #expect(bench.sendPool.outstanding == 0)
    }
}
