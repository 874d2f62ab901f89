import ArgumentParser
import NetCore
import NetSim

/// `netkernel bench`: the figures BENCHMARKS.md records, measured in this
/// process with the monotonic clock. Build with `-c release` for real numbers.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure checksum speed, VirtualWire frames/s, ICMP echo round trips/s, IPv4 and IPv6 forwarding and reassembly."
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
            let rate = median(runs) {
                let start = clock.now
                let delivered = bench.run(frames: frames)
                let seconds = (clock.now - start).secondsDouble
                precondition(delivered == frames, "every frame crosses the wire")
                return Double(frames) / seconds
            }
            let label = "VirtualWire, \(length)-byte frames:"
            print(label + String(repeating: " ", count: max(1, 36 - label.count))
                  + "\(format(rate / 1e6)) M frames/s (\(format(rate * Double(length) * 8 / 1e9)) Gbit/s)")
        }

        let echo = EchoBench()
        let roundTrips = 200_000 / scale
        let echoRate = median(runs) {
            let start = clock.now
            let replies = echo.run(roundTrips: roundTrips)
            let seconds = (clock.now - start).secondsDouble
            precondition(replies == roundTrips, "every echo is answered")
            return Double(roundTrips) / seconds
        }
        print("ICMP echo between simulated hosts:  \(format(echoRate / 1e3)) k round trips/s")

        let forwarding = ForwardingBench()
        let datagrams = 500_000 / scale
        let forwardRate = median(runs) {
            let start = clock.now
            let through = forwarding.run(datagrams: datagrams)
            let seconds = (clock.now - start).secondsDouble
            precondition(through == datagrams, "every datagram is forwarded")
            return Double(datagrams) / seconds
        }
        print("IPv4 forwarding, 84-byte datagrams: \(format(forwardRate / 1e6)) M packets/s")

        let forwarding6 = IPv6ForwardingBench()
        let forward6Rate = median(runs) {
            let start = clock.now
            let through = forwarding6.run(packets: datagrams)
            let seconds = (clock.now - start).secondsDouble
            precondition(through == datagrams, "every packet is forwarded")
            return Double(datagrams) / seconds
        }
        print("IPv6 forwarding, 104-byte packets:  \(format(forward6Rate / 1e6)) M packets/s")

        for family in [AddressFamily.inet, .inet6] {
            let reassembly = ReassemblyBench(family: family)
            let rounds = 20_000 / scale
            let reassemblyCost = median(runs) {
                let start = clock.now
                let completed = reassembly.run(datagrams: rounds)
                let seconds = (clock.now - start).secondsDouble
                precondition(completed == rounds, "every datagram completes")
                return seconds / Double(rounds) * 1e6
            }
            let name = family == .inet ? "IPv4" : "IPv6"
            print("\(name) reassembly, 60 KB datagram:    \(format(reassemblyCost)) µs each "
                  + "(\(format(60_000 / reassemblyCost / 1e3)) GB/s)")
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
