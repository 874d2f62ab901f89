import ArgumentParser
import Glibc
import NDIS
import NetCore
import NetSim
import TCPIP

extension DemoCommand {
    /// "16M", "512K", "1048576": bytes, or nil for anything else.
    static func byteCount(_ text: String) -> Int? {
        var digits = Substring(text)
        var scale = 1
        switch text.last.map({ Character($0.uppercased()) }) {
        case "K": scale = 1 << 10
        case "M": scale = 1 << 20
        case "G": scale = 1 << 30
        default: break
        }
        if scale != 1 { digits = digits.dropLast() }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }

    static func congestionAlgorithm(_ name: String) -> TCPCongestionAlgorithm? {
        switch name.lowercased() {
        case "cubic": .cubic
        case "newreno", "reno": .newReno
        default: nil
        }
    }

    /// The TCP part: alice sends `bytes` to bob over the same impaired wire,
    /// and the run reports throughput, loss recovery and the end-to-end hash.
    func runTCPTransfer(bytes: Int, impairments: WireImpairments) throws {
        var transfer = TCPTransferScenario()
        transfer.size = bytes
        transfer.seed = seed
        transfer.family = ipv6 ? .inet6 : .inet
        transfer.impairments = impairments
        transfer.tcp.congestionControl = Self.congestionAlgorithm(congestion) ?? .cubic
        var samples: [TCPTraceSample] = []
        if trace != nil || plot != nil {
            samples.reserveCapacity(min(bytes / 700, 4_000_000))
            transfer.tracer = { samples.append($0) }
        }
        print("")
        print("TCP: alice sends \(bytes) bytes to bob (port \(transfer.port), \(transfer.tcp.congestionControl), "
              + "SACK, timestamps, window scaling) over the same wire")
        let result: TCPTransferScenario.Result
        do { result = try transfer.run() } catch {
            throw CommandFailure("TCP transfer failed: \(describe(error))")
        }
        let sender = result.sender
        print("  \(result.bytesReceived) bytes in \(milliseconds(result.duration)) ms of virtual time: "
              + "\(format(result.throughput / 1e6)) Mbit/s")
        print("  retransmitted \(sender.retransmittedSegments) segments (\(sender.retransmittedBytes) bytes); "
              + "\(sender.fastRecoveries) fast recoveries (\(sender.sackRecoveries) SACK-driven), "
              + "\(sender.rackLossMarks) RACK loss detections, \(sender.tailLossProbes) tail loss probes, "
              + "\(sender.retransmissionTimeouts) timeouts; \(sender.duplicateSACKs) D-SACKs")
        if result.finished {
            print("  integrity: bob's SipHash of the stream \(result.hashesMatch ? "equals" : "DIFFERS FROM") alice's; "
                  + "both sides closed: \(result.senderStatus.map { "\($0)" } ?? "-") / "
                  + "\(result.receiverStatus.map { "\($0)" } ?? "-")")
        } else {
            print("  not finished within \(transfer.limit) of virtual time at this loss: \(result.bytesReceived) of "
                  + "\(bytes) bytes arrived, and they are \(result.prefixIntact ? "exactly" : "NOT") the first "
                  + "\(result.bytesReceived) bytes alice sent")
        }
        if let trace {
            var text = TCPTraceSample.csvHeader + "\n"
            for sample in samples { text += sample.csvLine + "\n" }
            try write(text, to: trace)
            print("  trace: \(trace) (\(samples.count) samples)")
        }
        if let plot {
            let title = "alice → bob, \(bytes) bytes, \(transfer.tcp.congestionControl), loss \(percent(loss))"
            try write(TimeSequencePlot(title: title, samples: samples).svg(), to: plot)
            print("  plot: \(plot)")
        }
        if stats {
            for (name, statistics) in [("alice", result.senderStatistics), ("bob", result.receiverStatistics)] {
                print("  \(name) TCP:")
                for line in statistics.report { print("      " + line) }
            }
        }
        guard result.prefixIntact, !result.finished || result.hashesMatch else {
            throw CommandFailure("the TCP transfer delivered bytes that differ from what was sent")
        }
        if result.buffersOutstanding != 0 {
            throw CommandFailure("\(result.buffersOutstanding) buffers leaked in the TCP transfer")
        }
    }

    func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else { throw CommandFailure("cannot write \(path)") }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw CommandFailure("cannot write \(path)") }
    }
}
