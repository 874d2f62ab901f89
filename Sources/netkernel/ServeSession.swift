import Dispatch
import Logging
import NDIS
import NetCore
import TCPIP
import WSK

#if canImport(Glibc)
import Glibc
#endif

/// One run of `netkernel serve`: an NDIS with the TAP miniport driver
/// loaded, one adapter on the TAP device, the TCP/IP stack bound to it,
/// WSK over the stack, and an Engine that runs all of it on the calling
/// (main) thread until SIGINT or SIGTERM.
///
/// Order of setup: the adapter starts on the TAP (created or attached;
/// brought administratively up, so its link is connected from the start),
/// the stack binds to it and — once its restart completes — sends a
/// gratuitous ARP for each IPv4 address and brings IPv6 up (link-local
/// address, DAD for every IPv6 address). The services open, the engine
/// runs, and `ready` is printed only when no IPv6 address is tentative any
/// more: from then on every address answers.
///
/// Threading: everything here runs on the engine thread (the main thread,
/// inside `engine.run()`), or on the main thread before the engine starts
/// or after it returned. Timers and signals live on a dispatch queue and
/// reach the stack only through `engine.submit`; hence @unchecked Sendable.
final class ServeSession: @unchecked Sendable {
    let options: ServeOptions
    let ndis = Ndis()
    let stack: TCPIPStack
    let wsk: WskSubsystem
    let clock = SystemClock()
    let queue = DispatchQueue(label: "netkernel.serve")
    var engine: Engine?
    var adapter: MiniportAdapter?
    var interface: IPInterface?
    var capture: CaptureFilter?
    var echo: UDPEchoService?
    var services: [TCPServiceListener] = []
    let logger: Logger
    var signals: ShutdownSignals?
    var readinessTimer: DispatchSourceTimer?
    var statisticsTimer: DispatchSourceTimer?
    var oneShots: [DispatchSourceTimer] = []
    var readyDeadline: Instant = .zero
    var isReady = false
    /// Whether the engine ran (and the counters are worth printing).
    var ran = false
    /// Why the session stopped, if it was not a signal.
    var failure: CommandFailure?
    /// Runs on the engine thread once every address answers (`netkernel connect` starts its client here).
    var onReady: ((ServeSession) -> Void)?

    init(options: ServeOptions) {
        self.options = options
        let seed = UInt64.random(in: .min ... .max)
        stack = TCPIPStack(ndis: ndis, configuration: TCPIPStack.Configuration(seed: seed))
        wsk = WskSubsystem(stack: stack)
        var logger = Logger(label: "netkernel.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = options.logLevel
        self.logger = logger
    }

    /// Sets everything up, runs until a signal (or a failure), tears down,
    /// prints the counters. Throws the one line to print on failure.
    func run() throws(CommandFailure) {
        do { try setUp() } catch {
            failure = error
            tearDown()
            throw error
        }
        guard let engine else { return }
        ran = true
        engine.run()
        tearDown()
        if let failure { throw failure }
    }

    func setUp() throws(CommandFailure) {
        if let path = options.pcap {
            do {
                let filter = CaptureFilter(writer: try PcapngWriter(sink: try FileCaptureSink(path: path)), clock: clock)
                guard filter.register(in: ndis) == .success else { throw CommandFailure("--pcap \(path): the capture filter did not register") }
                capture = filter
            } catch let error as CommandFailure {
                throw error
            } catch {
                throw CommandFailure("--pcap \(path): cannot write the capture: \(error)")
            }
        }

        let loaded = ndis.loadDriver(name: "tap", entry: TapMiniport.driverEntry)
        guard loaded.isSuccess, let driver = ndis.miniportDrivers.last else {
            throw CommandFailure("the TAP miniport driver did not load: \(loaded)")
        }
        let configuration = TapConfiguration(name: options.tap)
        configuration.mtu = options.mtu
        configuration.bringUp = true
        // Opened here, not by MiniportInitializeEx, to know the device's own
        // MAC first: that one is the kernel's station on this wire, so the
        // adapter must use another (or the kernel and the stack would form
        // the same IPv6 link-local address and DAD would fail).
        let device: TapDevice
        do { device = try TapDevice.open(configuration) } catch { throw CommandFailure(error.description) }
        configuration.device = device
        configuration.mac = options.mac ?? Self.stationAddress(besides: device.hardwareAddress)
        let (status, started) = ndis.startAdapter(driver: driver, name: options.tap, allocatedResources: configuration)
        guard status == .success, let adapter = started, let miniport = adapter.context as? TapMiniport else {
            throw CommandFailure(configuration.error?.description ?? "TAP \(options.tap): the adapter did not start: \(status)")
        }
        self.adapter = adapter
        guard let interface = stack.interface(named: adapter.name) else {
            throw CommandFailure("TAP \(options.tap): the TCP/IP stack did not bind to the adapter")
        }
        self.interface = interface

        for address in options.addresses {
            let added = switch address {
            case .v4(let a, let length): stack.addAddress(a, prefixLength: length, to: interface)
            case .v6(let a, let length): stack.addAddress(a, prefixLength: length, to: interface)
            }
            guard added.isSuccess else { throw CommandFailure("--address \(address): the stack refused it: \(added)") }
        }
        for gateway in options.gateways {
            let added = switch gateway {
            case .v4(let a): stack.addRoute(IPv4Prefix(address: .any, length: 0)!, nextHop: a, interface: interface)
            case .v6(let a): stack.addRoute(IPv6Prefix.defaultRoute, nextHop: a, interface: interface)
            }
            guard added.isSuccess else { throw CommandFailure("--gateway \(gateway): the stack refused it: \(added)") }
        }

        let engine: Engine
        do {
            engine = try Engine(stack: stack, clock: clock)
            try engine.add(miniport)
        } catch {
            throw CommandFailure("engine: \(error)")
        }
        self.engine = engine
        wsk.engineExecutor = { work in engine.submit(work) }

        if let port = options.udpEcho {
            let service = UDPEchoService(port: port)
            echo = service
            try service.open(wsk)
            logger.info("UDP echo listening", metadata: ["port": "\(port)"])
        }
        if let port = options.echo {
            services.append(TCPServiceListener(name: "TCP echo", port: port, logger: logger) { socket, listener in
                EchoConnection(socket: socket, listener: listener)
            })
        }
        if let port = options.discard {
            services.append(TCPServiceListener(name: "TCP discard", port: port, logger: logger) { socket, listener in
                DiscardConnection(socket: socket, listener: listener)
            })
        }
        if let port = options.http {
            services.append(TCPServiceListener(name: "HTTP", port: port, logger: logger) { [unowned self] socket, listener in
                HTTPConnection(socket: socket, listener: listener) { self.statusPage() }
            })
        }
        for service in services { try service.open(wsk) }

        signals = ShutdownSignals(queue: queue) { [self] _ in
            engine.submit { self.shutDown() }
        }
        readyDeadline = clock.now + options.readyTimeout
        readinessTimer = repeating(every: .milliseconds(10)) { [self] in self.checkReady() }
        if let seconds = options.statsInterval {
            statisticsTimer = repeating(every: .nanoseconds(Int64(seconds * 1e9))) { [self] in self.printStatistics() }
        }
    }

    /// The adapter's default MAC: the device's own with the last octet's
    /// low bit flipped, locally administered and unicast.
    static func stationAddress(besides kernel: MACAddress) -> MACAddress {
        var bytes = kernel.bytes
        bytes[0] = (bytes[0] | 0x02) & 0xFE
        bytes[5] ^= 0x01
        return MACAddress(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5])
    }

    /// A dispatch timer that submits `work` to the engine every `interval`.
    func repeating(every interval: Duration, _ work: @escaping @Sendable () -> Void) -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000
            + Int(interval.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds),
                       leeway: .milliseconds(1))
        timer.setEventHandler { [engine] in engine?.submit(work) }
        timer.resume()
        return timer
    }

    /// Runs `work` on the engine thread once, `delay` from now.
    func after(_ delay: Duration, _ work: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let nanoseconds = Int(delay.components.seconds) * 1_000_000_000 + Int(delay.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), leeway: .milliseconds(1))
        timer.setEventHandler { [engine] in engine?.submit(work) }
        timer.resume()
        oneShots.append(timer)
    }

    /// Engine thread: `ready` once DAD has finished for every IPv6 address
    /// (the link-local one included); a failure if one is a duplicate, or
    /// if DAD takes longer than the timeout.
    func checkReady() {
        guard !isReady, failure == nil, let interface else { return }
        if let duplicate = interface.ipv6Addresses.first(where: { $0.dadState == .duplicate }) {
            fail("DAD: \(duplicate.address) is already in use on \(interface.name)")
            return
        }
        let settled = interface.linkLocalAddress != nil
            && !interface.ipv6Addresses.contains { $0.dadState == .tentative }
        guard settled else {
            if clock.now > readyDeadline {
                fail("DAD did not finish on \(interface.name) within \(options.readyTimeout)")
            }
            return
        }
        isReady = true
        readinessTimer?.cancel()
        let v4 = interface.addresses.map { "\($0)" }
        let v6 = interface.ipv6Addresses.map { "\($0.address)/\($0.prefixLength)" }
        var line = "serving on \(interface.name) (\(interface.macAddress), MTU \(interface.mtu)): "
            + (v4 + v6).joined(separator: " ")
        if let echo { line += "; UDP echo on port \(echo.port)" }
        for service in services { line += "; \(service.name) on port \(service.port)" }
        logger.info("ready", metadata: ["interface": "\(interface.name)"])
        if let onReady {
            onReady(self)
            return
        }
        print(line)
        print("ready")
        fflush(nil)
    }

    /// Engine thread: the counters so far, for --stats-interval.
    func printStatistics() {
        for line in stack.statistics.report { print(line) }
        fflush(nil)
    }

    /// Engine thread: the body of GET / — the stack's counters and the services'.
    func statusPage() -> String {
        var lines = ["NetKernel serve on \(options.tap)", ""]
        lines += stack.statistics.report
        if let echo { lines.append("UDP echo: \(echo.echoed) datagrams echoed") }
        lines += services.map(\.summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Engine thread: stops listening and asks the loop to return.
    func shutDown() {
        logger.info("shutting down")
        readinessTimer?.cancel()
        statisticsTimer?.cancel()
        echo?.close()
        for service in services { service.close() }
        engine?.stop()
    }

    func fail(_ message: String) {
        if failure == nil { failure = CommandFailure(message) }
        shutDown()
    }

    /// Main thread, the engine stopped (or never started): closes what is
    /// open, halts the adapter (the TAP disappears with its last descriptor
    /// if serve created it), finishes the capture, prints the counters.
    func tearDown() {
        signals?.cancel()
        for timer in oneShots { timer.cancel() }
        readinessTimer?.cancel()
        statisticsTimer?.cancel()
        echo?.close()
        for service in services { service.close() }
        if let adapter {
            let stopped = ndis.stopAdapter(adapter)
            while ndis.hasDeferredWork { _ = ndis.runDeferredProcedureCalls() }
            if stopped != .success && failure == nil {
                failure = CommandFailure("TAP \(options.tap): the adapter did not halt: \(stopped)")
            }
        }
        if let capture {
            do { try capture.writer.close() } catch {
                if failure == nil { failure = CommandFailure("--pcap: cannot finish the capture: \(error)") }
            }
        }
        guard ran, onReady == nil else { return }
        print("statistics:")
        for line in stack.statistics.report { print("  " + line) }
        if let echo { print("  UDP echo: \(echo.echoed) datagrams echoed, \(echo.failed) not sent") }
        for service in services { print("  " + service.summary) }
        if let engine {
            let s = engine.statistics
            print("  Engine: \(s.iterations) iterations, \(s.waits) waits, \(s.frames) frames, \(s.submissions) submissions")
        }
        fflush(nil)
    }
}
