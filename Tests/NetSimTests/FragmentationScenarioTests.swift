import NDIS
import NetCore
import NetSim
import TCPIP
import TestSupport
import Testing

@Suite struct FragmentationScenarioTests {
    func scenario(size: Int, count: Int, seed: UInt64, impairments: WireImpairments) -> PingScenario {
        var s = PingScenario()
        s.count = count
        s.payloadLength = size
        s.seed = seed
        s.impairments = impairments
        return s
    }

    /// 60 KB pings are 41 fragments each way; shuffled and doubled by the
    /// wire, every one still comes back whole (the ICMP checksum over the
    /// reassembled datagram proves the bytes), and nothing leaks.
    @Test(arguments: [1_473, 8_000, 60_000])
    func largePingsSurviveReorderingAndDuplication(size: Int) throws {
        var impairments = WireImpairments(delay: .milliseconds(5), jitter: .milliseconds(3))
        impairments.reordering = 0.2
        impairments.duplication = 0.1
        let result = try scenario(size: size, count: 20, seed: 21, impairments: impairments).run()
        #expect(result.received == 20)
        #expect(result.events.allSatisfy {
            if case .reply(_, let bytes, _, _) = $0 { return bytes == size + 8 }
            return false
        })
        #expect(result.responderStatistics.ipv4.reassembled == 20)
        #expect(result.pingerStatistics.ipv4.reassembled == 20)
        #expect(result.wire.reordered > 0)
        #expect(result.wire.duplicated > 0)
        #expect(result.buffersOutstanding == 0)
    }

    /// With fragments lost, incomplete datagrams time out after 60 s and
    /// their senders hear "fragment reassembly time exceeded".
    @Test func lostFragmentsTimeOutWithTimeExceeded() throws {
        var s = scenario(size: 8_000, count: 30, seed: 4, impairments: WireImpairments(loss: 0.05, delay: .milliseconds(5)))
        s.timeout = .seconds(70)
        let result = try s.run()
        #expect(result.received < 30)
        #expect(result.responderStatistics.ipv4.reassemblyTimeouts > 0)
        #expect(result.responderStatistics.icmpv4.timeExceededOut > 0)
        // The errors cross the same lossy wire: most, not necessarily all, arrive.
        #expect(result.pingerStatistics.icmpv4.timeExceededIn > 0)
        #expect(result.pingerStatistics.icmpv4.timeExceededIn <= result.responderStatistics.icmpv4.timeExceededOut)
        #expect(result.buffersOutstanding == 0)
    }

    @Test(.enabled(if: Wireshark.tshark != nil || Wireshark.isCI, "tshark is not installed"))
    func fragmentedCaptureReadsCleanlyInTshark() throws {
        let tshark = try #require(Wireshark.tshark, "CI must install tshark")
        let directory = try ScratchDirectory(prefix: "netkernel-fragments")
        let path = directory.path("fragments.pcapng")
        var impairments = WireImpairments(delay: .milliseconds(5))
        impairments.reordering = 0.2
        let result = try scenario(size: 20_000, count: 5, seed: 8, impairments: impairments)
            .run(captureSink: try FileCaptureSink(path: path))
        #expect(result.received == 5)
        let output = try Wireshark.run(tshark, ["-o", "ip.check_checksum:TRUE", "-r", path, "-V"], in: directory)
        #expect(output.status == 0)
        #expect(output.stdout.contains("[Reassembled IPv4 length: 20008]"))
        for warning in ["Malformed", "Bad checksum", "[Expert Info (Error"] {
            #expect(!output.stdout.contains(warning), "tshark reported \(warning)")
        }
    }
}
