import Benchmark
import NetCore
import NetSim

// Each iteration is one frame, one checksum, one round trip, one datagram
// or one socket, so the malloc counters read per operation: the data path
// must show zero.
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    for length in [64, 1514] {
        Benchmark("VirtualWire \(length)-byte frame",
                  configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
            let bench = WireFrameBench(frameLength: length, batch: 1)
            bench.run(frames: 10_000)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(bench.run(frames: 1))
            }
            benchmark.stopMeasurement()
            precondition(bench.buffersOutstanding == 0, "every buffer came back")
        }
    }

    Benchmark("Internet checksum, 1500 bytes",
              configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        var generator = SeededRandom(seed: 1)
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { bytes.deallocate() }
        for i in 0..<1500 { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            bytes[i % 1500] &+= 1
            blackHole(InternetChecksum.checksum(UnsafeRawBufferPointer(bytes)))
        }
    }

    Benchmark("ICMP echo round trip, simulated hosts",
              configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        let bench = EchoBench()
        _ = bench.run(roundTrips: 1_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(bench.run(roundTrips: 1))
        }
    }

    Benchmark("IPv4 forwarding, simulated router",
              configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        let bench = ForwardingBench(batch: 1)
        bench.run(datagrams: 1_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(bench.run(datagrams: 1))
        }
    }

    Benchmark("IPv6 forwarding, simulated router",
              configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        let bench = IPv6ForwardingBench(batch: 1)
        bench.run(packets: 1_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(bench.run(packets: 1))
        }
        benchmark.stopMeasurement()
        precondition(bench.buffersOutstanding == 0, "every buffer came back")
    }

    for family in [AddressFamily.inet, .inet6] {
        let name = family == .inet ? "IPv4" : "IPv6"
        Benchmark("\(name) reassembly, 60 KB datagram",
                  configuration: .init(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(2))) { benchmark in
            let bench = ReassemblyBench(family: family)
            _ = bench.run(datagrams: 10)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(bench.run(datagrams: 1))
            }
        }
    }

    for bind in [false, true] {
        Benchmark("WskSocket + WskCloseSocket\(bind ? ", bound to port 0" : "")",
                  configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
            let bench = WskSocketBench()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(bench.run(sockets: 1, bind: bind))
            }
            benchmark.stopMeasurement()
            precondition(bench.socketsOutstanding == 0, "every socket is closed")
        }
    }

    for mode in WskDatagramBench.ReceiveMode.allCases {
        let how = mode == .event ? "WskReceiveFromEvent" : "WskReceiveFrom IRPs"
        Benchmark("WSK 64-byte datagram, \(how)",
                  configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
            let bench = WskDatagramBench(mode: mode, batch: 1)
            bench.run(datagrams: 1_000)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(bench.run(datagrams: 1))
            }
            benchmark.stopMeasurement()
            bench.close()
            precondition(bench.resourcesOutstanding == 0, "closing gives everything back")
        }
    }

    // Sockets are opened and left open inside the measurement, so the
    // bytes malloc'd and not freed, per iteration, are one idle socket's.
    Benchmark("WSK idle datagram socket, bound to port 0",
              configuration: .init(metrics: [.mallocCountTotal, .mallocFreeDelta, .memoryLeakedBytes],
                                   scalingFactor: .kilo, maxDuration: .seconds(2))) { benchmark in
        let bench = WskSocketMemoryBench(capacity: benchmark.scaledIterations.count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            bench.open(sockets: 1)
        }
        benchmark.stopMeasurement()
        bench.closeAll()
        precondition(bench.socketsOutstanding == 0, "closing empties the UDP endpoint table")
    }

    // One 256 KiB send per iteration over an open connection: the mallocs
    // per iteration, divided by its ~181 segments, are the per-segment cost.
    Benchmark("TCP 256 KiB over one connection",
              configuration: .init(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(2))) { benchmark in
        let bench = TCPBench()
        precondition(bench.startBulk(), "the connection opens")
        blackHole(bench.sendBulk(bytes: 4 << 20))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(bench.sendBulk(bytes: 256 << 10))
        }
        benchmark.stopMeasurement()
        bench.stopBulk()
        precondition(bench.connectionsOutstanding == 0, "every connection is closed")
    }

    Benchmark("TCP connection opened and closed",
              configuration: .init(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(2))) { benchmark in
        let bench = TCPBench()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(bench.connections(count: 1))
        }
        benchmark.stopMeasurement()
    }
}
