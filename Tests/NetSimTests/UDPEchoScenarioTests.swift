import NDIS
import NetCore
import NetSim
import TCPIP
import TestSupport
import Testing
import WSK

@Suite struct UDPEchoScenarioTests {
    func scenario(_ family: AddressFamily, count: Int, seed: UInt64, impairments: WireImpairments) -> UDPEchoScenario {
        var s = UDPEchoScenario()
        s.family = family
        s.count = count
        s.seed = seed
        s.interval = .milliseconds(1)
        s.impairments = impairments
        return s
    }

    /// 1,000 datagrams each way at 10 % loss: every frame the wire dropped
    /// is one datagram missing, and nothing else is missing or damaged.
    @Test(arguments: [AddressFamily.inet, .inet6])
    func lossesAreExactlyWhatTheWireDropped(family: AddressFamily) throws {
        let result = try scenario(family, count: 1_000, seed: 12,
                                  impairments: WireImpairments(loss: 0.1, delay: .milliseconds(5))).run()
        let lostForward = result.sent - result.echoedByServer
        let lostBack = result.echoedByServer - result.received
        #expect(UInt64(lostForward + lostBack) == result.wire.lost)
        #expect(result.wire.lost > 100 && result.wire.lost < 300)
        #expect(result.corrupted == 0)
        #expect(result.duplicates == 0)
        #expect(result.buffersOutstanding == 0)
    }

    /// Bits flipped on the wire: the checksums catch every one, so no
    /// damaged datagram is ever delivered; duplicates are seen as such.
    @Test(arguments: [AddressFamily.inet, .inet6])
    func corruptedFramesNeverDeliverDamagedDatagrams(family: AddressFamily) throws {
        var impairments = WireImpairments(delay: .milliseconds(5))
        impairments.corruption = 0.2
        impairments.duplication = 0.05
        let result = try scenario(family, count: 500, seed: 13, impairments: impairments).run()
        #expect(result.wire.corrupted > 50)
        #expect(result.corrupted == 0)
        #expect(result.received < 500)
        #expect(result.received > 300)
        #expect(result.buffersOutstanding == 0)
    }

    @Test(.enabled(if: Wireshark.tshark != nil || Wireshark.isCI, "tshark is not installed"))
    func theExchangeReadsCleanlyInTshark() throws {
        let tshark = try #require(Wireshark.tshark, "CI must install tshark")
        let directory = try ScratchDirectory(prefix: "netkernel-udp")
        for family in [AddressFamily.inet, .inet6] {
            let path = directory.path("udp-\(family.rawValue).pcapng")
            let result = try scenario(family, count: 10, seed: 3, impairments: WireImpairments(delay: .milliseconds(5)))
                .run(captureSink: try FileCaptureSink(path: path))
            #expect(result.received == 10)
            let output = try Wireshark.run(tshark, ["-o", "udp.check_checksum:TRUE", "-r", path, "-V"], in: directory)
            #expect(output.status == 0)
            #expect(output.stdout.contains("User Datagram Protocol, Src Port"))
            #expect(output.stdout.contains("[Checksum Status: Good]"))
            for warning in ["Malformed", "Bad checksum", "[Expert Info (Error"] {
                #expect(!output.stdout.contains(warning), "tshark reported \(warning)")
            }
        }
    }
}
