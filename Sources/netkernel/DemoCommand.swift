import ArgumentParser
import NDIS
import NetCore
import NetSim
import TCPIP

/// `netkernel demo`: two simulated hosts on an impaired virtual wire, one
/// pinging the other, printed like ping(8) with round trips in virtual time;
/// over IPv6 after DAD, router discovery and SLAAC.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Ping between two simulated hosts on a lossy virtual wire (no root, no TAP)."
    )

    @Option(help: "Echo requests to send.")
    var count = 10

    @Option(help: "Probability that the wire loses a frame, each direction (0 to 1).")
    var loss = 0.1

    @Option(help: "One-way wire delay in milliseconds.")
    var delay = 10.0

    @Option(help: "Random extra delay per frame, 0 to this many milliseconds.")
    var jitter = 0.0

    @Option(help: "Milliseconds between echo requests.")
    var interval = 1000.0

    @Option(help: "ICMP data bytes per request (8 carry the send time).")
    var pingSize = 56

    @Option(help: "Seed of the run: one seed, one run, byte for byte.")
    var seed: UInt64 = 1

    @Option(help: "Write every frame of both hosts to this pcapng file.")
    var pcap: String?

    @Flag(help: "Print each host's counters after the run.")
    var stats = false

    @Flag(help: "Ping over IPv6: a simulated router advertises 2001:db8:1::/64 and the hosts autoconfigure first.")
    var ipv6 = false

    @Option(help: "UDP datagrams alice sends to bob's WSK echo service over each family afterwards (0 for none).")
    var udpCount = 20

    @Option(help: "Bytes alice sends bob over TCP afterwards (suffix K, M or G; 0 for no transfer).")
    var size = "16M"

    @Option(help: "TCP congestion control for the transfer: cubic or newreno.")
    var congestion = "cubic"

    @Option(help: "Write the TCP sender's trace (time, snd.una, snd.nxt, cwnd, ssthresh, srtt, rto, flight, rwnd) as CSV.")
    var trace: String?

    @Option(help: "Draw the TCP transfer's time-sequence graph with cwnd as SVG.")
    var plot: String?

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard (0...1_000_000).contains(udpCount) else { throw ValidationError("--udp-count must be between 0 and 1000000") }
        guard (0...1).contains(loss) else { throw ValidationError("--loss must be between 0 and 1") }
        guard delay >= 0, jitter >= 0 else { throw ValidationError("--delay and --jitter must not be negative") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
        let largest = ipv6 ? 65_527 : 65_507
        guard (0...largest).contains(pingSize) else {
            throw ValidationError("--ping-size must be between 0 and \(largest)")
        }
        guard let bytes = Self.byteCount(size), bytes <= 1 << 32 else {
            throw ValidationError("--size must be a byte count such as 1048576, 512K or 16M (at most 4G)")
        }
        guard Self.congestionAlgorithm(congestion) != nil else {
            throw ValidationError("--congestion must be cubic or newreno")
        }
    }

    func run() throws {
        var scenario = PingScenario()
        scenario.count = count
        scenario.interval = .nanoseconds(Int64(interval * 1_000_000))
        scenario.payloadLength = pingSize
        scenario.seed = seed
        scenario.ipv6 = ipv6
        scenario.impairments = WireImpairments(loss: loss, delay: .nanoseconds(Int64(delay * 1_000_000)),
                                               jitter: .nanoseconds(Int64(jitter * 1_000_000)))
        scenario.timeout = max(.seconds(2), scenario.impairments.delay * 4 + scenario.impairments.jitter * 2)
        var sink: CaptureSink?
        if let pcap {
            do { sink = try FileCaptureSink(path: pcap) } catch {
                throw CommandFailure("cannot write \(pcap): \(describe(error))")
            }
        }
        let wireText = "simulated wire: loss \(percent(loss)), delay \(delay) ms, jitter \(jitter) ms, seed \(seed)"
        let ttlName = ipv6 ? "hlim" : "ttl"
        var target = ""
        let result: PingScenario.Result
        do {
            result = try scenario.run(captureSink: sink, onReady: { from, to in
                target = "\(to)"
                print("PING \(to) from \(from): \(pingSize) data bytes (\(wireText))")
            }, onEvent: { event in
                switch event {
                case let .reply(sequence, bytes, ttl, roundTrip):
                    print("\(bytes) bytes from \(target): icmp_seq=\(sequence) \(ttlName)=\(ttl) "
                          + "time=\(milliseconds(roundTrip)) ms")
                case let .sendFailed(sequence, status):
                    print("icmp_seq=\(sequence): send failed: \(status)")
                }
            })
        } catch {
            switch error {
            case .capture(let failure): throw CommandFailure("capture failed: \(describe(failure))")
            case .noAutoconfiguredAddress:
                throw CommandFailure("IPv6 autoconfiguration gave the hosts no address within \(scenario.setupLimit)")
            }
        }
        if ipv6 { print("(DAD, router discovery and SLAAC took \(milliseconds(result.setup)) ms of virtual time)") }
        print("")
        print("--- \(target) ping statistics ---")
        print("\(result.transmitted) packets transmitted, \(result.received) received, "
              + "\(percent(result.lossPercent / 100)) packet loss, time \(milliseconds(result.elapsed)) ms (virtual)")
        if !result.roundTrips.isEmpty {
            let ms = result.roundTrips.map { $0.secondsDouble * 1000 }
            let avg = ms.reduce(0, +) / Double(ms.count)
            print("rtt min/avg/max = \(format(ms.min()!))/\(format(avg))/\(format(ms.max()!)) ms")
        }
        if let pcap { print("capture: \(pcap)") }
        if udpCount > 0 { try runUDPExchange(impairments: scenario.impairments) }
        if let bytes = Self.byteCount(size), bytes > 0 { try runTCPTransfer(bytes: bytes, impairments: scenario.impairments) }
        if stats {
            let wire = result.wire
            print("")
            print("wire: \(wire.transmitted) frames sent, \(wire.delivered) delivered, \(wire.lost) lost, "
                  + "\(wire.duplicated) duplicated, \(wire.reordered) reordered, \(wire.corrupted) corrupted")
            for (name, statistics) in [("alice", result.pingerStatistics), ("bob", result.responderStatistics)] {
                print("")
                print("\(name):")
                for line in statistics.report { print("  " + line) }
            }
            print("")
            print("buffers outstanding after the run: \(result.buffersOutstanding)")
        }
    }

    /// The UDP part: alice's WSK datagram socket sends to bob's echo
    /// service over each family, on the same impaired wire.
    func runUDPExchange(impairments: WireImpairments) throws {
        print("")
        print("UDP through WSK: alice sends \(udpCount) datagrams of 64 bytes to bob's echo service (port 7)")
        for family in [AddressFamily.inet, .inet6] {
            var exchange = UDPEchoScenario()
            exchange.family = family
            exchange.count = udpCount
            exchange.seed = family == .inet ? seed : seed &+ 1
            exchange.impairments = impairments
            let result: UDPEchoScenario.Result
            do { result = try exchange.run() } catch {
                throw CommandFailure("UDP exchange failed: \(describe(error))")
            }
            let name = family == .inet ? "IPv4" : "IPv6"
            print("  \(name) \(result.server): \(result.sent) sent, \(result.echoedByServer) reached bob, "
                  + "\(result.received) echoed back intact, \(result.corrupted) corrupted; "
                  + "the wire lost \(result.wire.lost) frames")
            if result.buffersOutstanding != 0 {
                throw CommandFailure("\(result.buffersOutstanding) buffers leaked in the UDP exchange")
            }
        }
    }

    func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : "\(format(value))%"
    }

    func milliseconds(_ duration: Duration) -> String { format(duration.secondsDouble * 1000) }

    func format(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(abs(thousandths) % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    func describe(_ error: CaptureError) -> String {
        switch error {
        case let .openFailed(_, errno): return "open failed (errno \(errno))"
        case let .writeFailed(errno): return "write failed (errno \(errno))"
        case .closed: return "capture already closed"
        case let .unknownInterface(id): return "unknown interface \(id)"
        }
    }
}
