import ArgumentParser
import NetCore
import NetSim

/// `netkernel bench`: the figures BENCHMARKS.md records, measured in this
/// process with the monotonic clock. Build with `-c release` for real numbers.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure checksum speed, VirtualWire frames/s, ICMP echo round trips/s, IPv4 and IPv6 forwarding "
            + "and reassembly, WSK socket churn, datagrams/s and memory per socket, TCP bulk throughput, "
            + "connections/s, request/response round trips/s and memory per idle connection."
    )

    @Option(help: "Repetitions of each measurement; the median is reported.")
    var runs = 5

    @Flag(help: "Fewer iterations per run (a smoke test, not a measurement).")
    var quick = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let scale = quick ? 20 : 1
        let clock = SystemClock()
        #if DEBUG
        print("note: a debug build; use `swift run -c release netkernel bench` for real figures")
        #endif
        print("netkernel bench: median of \(runs) runs")

        var buffer = [UInt8](repeating: 0, count: 1500)
        var generator = SeededRandom(seed: 1)
        for i in buffer.indices { buffer[i] = UInt8.random(in: 0...255, using: &generator) }
        let checksumIterations = 2_000_000 / scale
        let checksum = median(runs) {
            var sink: UInt16 = 0
            let start = clock.now
            buffer.withUnsafeMutableBytes { bytes in
                for i in 0..<checksumIterations {
                    bytes[i % 1500] &+= 1
                    sink &+= InternetChecksum.checksum(UnsafeRawBufferPointer(bytes))
                }
            }
            let seconds = (clock.now - start).secondsDouble
            blackHole(sink)
            return Double(checksumIterations * 1500) / seconds / 1e9
        }
        print("checksum, 1500-byte buffers:        \(format(checksum)) GB/s")

        for length in [64, 1514] {
            let bench = WireFrameBench(frameLength: length, batch: 32)
            bench.run(frames: 10_000)
            let frames = 2_000_000 / scale
            let rate = rate(frames, "every frame crosses the wire") { bench.run(frames: frames) }
            report("VirtualWire, \(length)-byte frames:",
                   "\(format(rate / 1e6)) M frames/s (\(format(rate * Double(length) * 8 / 1e9)) Gbit/s)")
        }

        let echo = EchoBench()
        let roundTrips = 200_000 / scale
        let echoRate = rate(roundTrips, "every echo is answered") { echo.run(roundTrips: roundTrips) }
        print("ICMP echo between simulated hosts:  \(format(echoRate / 1e3)) k round trips/s")

        let forwarding = ForwardingBench()
        let datagrams = 500_000 / scale
        let forwardRate = rate(datagrams, "every datagram is forwarded") { forwarding.run(datagrams: datagrams) }
        print("IPv4 forwarding, 84-byte datagrams: \(format(forwardRate / 1e6)) M packets/s")

        let forwarding6 = IPv6ForwardingBench()
        let forward6Rate = rate(datagrams, "every packet is forwarded") { forwarding6.run(packets: datagrams) }
        print("IPv6 forwarding, 104-byte packets:  \(format(forward6Rate / 1e6)) M packets/s")

        for family in [AddressFamily.inet, .inet6] {
            let reassembly = ReassemblyBench(family: family)
            let rounds = 20_000 / scale
            let reassemblyCost = 1e6 / rate(rounds, "every datagram completes") { reassembly.run(datagrams: rounds) }
            let name = family == .inet ? "IPv4" : "IPv6"
            print("\(name) reassembly, 60 KB datagram:    \(format(reassemblyCost)) µs each "
                  + "(\(format(60_000 / reassemblyCost / 1e3)) GB/s)")
        }

        let sockets = WskSocketBench()
        let pairs = 200_000 / scale
        var socketRates: [Double] = []
        for bind in [false, true] {
            socketRates.append(rate(pairs, "every socket is opened") { sockets.run(sockets: pairs, bind: bind) })
            precondition(sockets.socketsOutstanding == 0, "every socket is closed")
        }
        report("WSK WskSocket + WskCloseSocket:",
               "\(format(socketRates[0] / 1e6)) M pairs/s (bound to port 0: \(format(socketRates[1] / 1e6)) M/s)")

        let wskDatagrams = 500_000 / scale
        for mode in WskDatagramBench.ReceiveMode.allCases {
            let bench = WskDatagramBench(mode: mode)
            let rate = rate(wskDatagrams, "every datagram is received") { bench.run(datagrams: wskDatagrams) }
            bench.close()
            precondition(bench.resourcesOutstanding == 0, "closing gives everything back")
            let (label, how) = mode == .event
                ? ("event", "WskReceiveFromEvent") : ("IRPs", "32 WskReceiveFrom IRPs posted")
            report("WSK 64-byte datagrams, \(label):", "\(format(rate / 1e6)) M datagrams/s (\(how))")
        }

        let idleSockets = 10_000
        let perSocket = median(runs) {
            let bench = WskSocketMemoryBench()
            let bytes = bench.bytesPerSocket(sockets: idleSockets)
            precondition(bench.socketsOutstanding == 0, "closing empties the UDP endpoint table")
            return bytes ?? .nan
        }
        report("WSK idle bound datagram socket:", perSocket.isNaN
               ? "n/a (no heap statistics in this C library)"
               : "\(Int(perSocket.rounded())) bytes of heap each (\(idleSockets) open)")
        try tcp(scale: scale, clock: clock)
    }

    /// The TCP figures: one connection's bulk throughput, connection churn,
    /// 1-byte round trips, and the heap an idle connection holds.
    func tcp(scale: Int, clock: SystemClock) throws {
        let bench = TCPBench()
        let bulkBytes = (256 << 20) / scale / (256 << 10) * (256 << 10)
        let bulk = rate(bulkBytes, "every byte arrives") { bench.bulk(bytes: bulkBytes) }
        report("TCP bulk, one connection:", "\(format(bulk * 8 / 1e9)) Gbit/s (MTU 1500, \(bulkBytes >> 20) MiB)")
        let connections = 20_000 / scale
        let churn = rate(connections, "every connection opens and closes") { bench.connections(count: connections) }
        report("TCP connections opened and closed:", "\(format(churn / 1e3)) k/s (handshake, both FINs)")
        let rounds = 100_000 / scale
        let trips = rate(rounds, "every request is answered") { bench.requestResponse(count: rounds) }
        report("TCP 1-byte request/response:", "\(format(trips / 1e3)) k round trips/s (TCP_NODELAY)")
        let idle = 10_000
        let perConnection = median(runs) { bench.bytesPerIdleConnection(count: idle) ?? .nan }
        precondition(bench.connectionsOutstanding == 0, "every connection is closed")
        report("TCP idle established connection:", perConnection.isNaN
               ? "n/a (no heap statistics in this C library)"
               : "\(Int(perConnection.rounded())) bytes of heap per endpoint (\(idle) connections open)")
    }

    /// One line of the report: the label padded to the figures' column.
    func report(_ label: String, _ figure: String) {
        print(label + String(repeating: " ", count: max(1, 36 - label.count)) + figure)
    }

    /// Operations per second, the median of `runs` timings of `body`, which
    /// performs `count` operations and returns how many completed; anything
    /// short of `count` stops the run with `failure`.
    func rate(_ count: Int, _ failure: String, _ body: () -> Int) -> Double {
        let clock = SystemClock()
        return median(runs) {
            let start = clock.now
            let completed = body()
            let seconds = (clock.now - start).secondsDouble
            precondition(completed == count, failure)
            return Double(count) / seconds
        }
    }

    func median(_ runs: Int, _ measure: () -> Double) -> Double {
        let values = (0..<runs).map { _ in measure() }.sorted()
        return values[values.count / 2]
    }

    func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100).\(fraction.count == 1 ? "0" + fraction : fraction)"
    }
}

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
