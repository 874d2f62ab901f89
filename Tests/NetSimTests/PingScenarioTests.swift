import NDIS
import NetCore
import NetSim
import TestSupport
import Testing

@Suite struct PingScenarioTests {
    func scenario(count: Int, loss: Double, seed: UInt64) -> PingScenario {
        var s = PingScenario()
        s.count = count
        s.seed = seed
        s.impairments = WireImpairments(loss: loss, delay: .milliseconds(10))
        return s
    }

    @Test func losslessRunAnswersEveryPingWithExactRoundTrips() throws {
        let result = try scenario(count: 20, loss: 0, seed: 7).run()
        #expect(result.received == 20)
        // The first request waits for ARP; bob's own announcement, 10 ms away, resolves it.
        #expect(result.roundTrips.first == .milliseconds(30))
        #expect(result.roundTrips.dropFirst().allSatisfy { $0 == .milliseconds(20) })
        #expect(result.buffersOutstanding == 0)
        #expect(result.pingerStatistics.arp.requestsOut == 1)
        #expect(result.responderStatistics.icmpv4.echoRepliesOut == 20)
    }

    /// Each ping needs its request and its reply to survive, so at loss p per
    /// frame the expected ping loss is 1 − (1 − p)²: 36 % at 20 %.
    @Test func thousandPingsAtTwentyPercentLossMatchTheExpectedLoss() throws {
        let result = try scenario(count: 1000, loss: 0.2, seed: 42).run()
        let lost = Double(result.transmitted - result.received)
        let p = 1 - 0.8 * 0.8
        let sigma = (1000 * p * (1 - p)).squareRoot()
        #expect(abs(lost - 1000 * p) < 4 * sigma, "lost \(lost), expected \(1000 * p) ± \(4 * sigma)")
        let frames = Double(result.wire.transmitted)
        let wireSigma = (frames * 0.2 * 0.8).squareRoot()
        #expect(abs(Double(result.wire.lost) - frames * 0.2) < 4 * wireSigma)
        #expect(result.buffersOutstanding == 0)
    }

    @Test func oneSeedGivesByteIdenticalCaptures() throws {
        let first = MemoryCaptureSink()
        let second = MemoryCaptureSink()
        let third = MemoryCaptureSink()
        let a = try scenario(count: 1000, loss: 0.2, seed: 99).run(captureSink: first)
        let b = try scenario(count: 1000, loss: 0.2, seed: 99).run(captureSink: second)
        _ = try scenario(count: 1000, loss: 0.2, seed: 100).run(captureSink: third)
        #expect(first.bytes.count > 100_000)
        #expect(first.bytes == second.bytes)
        #expect(first.bytes != third.bytes)
        #expect(a.events == b.events)
    }

    @Test func impairedWireStillLeaksNoBuffer() throws {
        var s = scenario(count: 300, loss: 0.1, seed: 5)
        s.impairments.duplication = 0.1
        s.impairments.reordering = 0.1
        s.impairments.corruption = 0.05
        s.impairments.jitter = .milliseconds(3)
        let result = try s.run()
        #expect(result.received > 150)
        #expect(result.buffersOutstanding == 0)
        // Corrupted frames are caught by a checksum somewhere, never delivered as good pings.
        #expect(result.roundTrips.allSatisfy { $0 >= .milliseconds(20) && $0 <= .milliseconds(26) + .milliseconds(2) })
    }

    @Test(.enabled(if: Wireshark.tshark != nil || Wireshark.isCI, "tshark is not installed"))
    func demoCaptureReadsCleanlyInTshark() throws {
        let tshark = try #require(Wireshark.tshark, "CI must install tshark")
        let directory = try ScratchDirectory(prefix: "netkernel-sim")
        let path = directory.path("demo.pcapng")
        let result = try scenario(count: 50, loss: 0.2, seed: 3).run(captureSink: try FileCaptureSink(path: path))
        let output = try Wireshark.run(tshark, ["-o", "ip.check_checksum:TRUE", "-r", path, "-V"], in: directory)
        #expect(output.status == 0)
        #expect(output.stdout.contains("Echo (ping) request"))
        #expect(output.stdout.contains("Address Resolution Protocol"))
        for warning in ["Malformed", "[Expert Info", "Bad checksum", "incorrect"] {
            #expect(!output.stdout.contains(warning), "tshark reported \(warning)")
        }
        #expect(result.received > 0)
    }
}
