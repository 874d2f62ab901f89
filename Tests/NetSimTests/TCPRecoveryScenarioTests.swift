import Testing
import NDIS
import NetCore
import TCPIP
@testable import NetSim

/// TCP across impaired simulated wires: integrity under every impairment,
/// SACK/RACK against NewReno on the same losses, CUBIC's curve.
@Suite struct TCPRecoveryScenarioTests {
    /// 200 seeded 1 MiB transfers (100 seeds × both families) over wires
    /// with 0–10 % loss, reordering, duplication and corruption: every byte
    /// arrives once and in order (the hashes match), or the connection
    /// fails with a clear status; no buffer is left held.
    @Test(arguments: 0..<10)
    func seededTransfers(batch: Int) throws {
        for index in 0..<10 {
            let seed = UInt64(batch * 10 + index + 1)
            var random = SeededRandom(seed: seed &* 0x9E37_79B9)
            let impairments = WireImpairments(
                loss: random.nextDouble() * 0.10, duplication: random.nextDouble() * 0.03,
                reordering: random.nextDouble() * 0.05, corruption: random.nextDouble() * 0.01,
                delay: .milliseconds(Int64(1 + random.next() % 20)))
            for family in [AddressFamily.inet, .inet6] {
                var scenario = TCPTransferScenario()
                scenario.family = family
                scenario.seed = seed
                scenario.impairments = impairments
                let result = try scenario.run()
                if result.finished {
                    #expect(result.hashesMatch, "seed \(seed) \(family): bytes differ")
                    #expect(result.bytesReceived == scenario.size, "seed \(seed) \(family)")
                    #expect(result.senderStatus == .success && result.receiverStatus == .success)
                } else {
                    // A connection that gave up must say why, and must not have delivered damaged data.
                    let failure = result.senderStatus ?? .success
                    #expect(failure == .ioTimeout || failure == .connectionReset, "seed \(seed) \(family): \(failure)")
                    #expect(result.bytesReceived <= scenario.size)
                }
                #expect(result.buffersOutstanding == 0, "seed \(seed) \(family)")
            }
        }
    }

    /// Four segments of one window lost: with SACK and RACK the sender
    /// repairs all four in about one round trip; NewReno alone learns of one
    /// hole per round trip. Measured on the same losses over several windows.
    @Test func sackAndRACKBeatNewRenoOnAWindowWithSeveralLosses() throws {
        var sackTime = Duration.zero
        var renoTime = Duration.zero
        var sackRetransmissions: UInt64 = 0
        var renoRetransmissions: UInt64 = 0
        for first in [20, 40, 60, 80] {
            for sack in [true, false] {
                var scenario = TCPTransferScenario()
                scenario.size = 512 << 10
                scenario.impairments = WireImpairments(delay: .milliseconds(25))
                scenario.dropDataFrames = [first, first + 2, first + 4, first + 6]
                scenario.tcp.offerSACK = sack
                scenario.tcp.congestionControl = .newReno
                let result = try scenario.run()
                #expect(result.finished && result.hashesMatch)
                #expect(result.wire.lost == 4)
                if sack {
                    sackTime += result.duration
                    sackRetransmissions += result.sender.retransmittedSegments
                    #expect(result.sender.sackRecoveries >= 1)
                } else {
                    renoTime += result.duration
                    renoRetransmissions += result.sender.retransmittedSegments
                }
            }
        }
        #expect(sackTime < renoTime, "SACK+RACK \(sackTime) vs NewReno \(renoTime)")
        #expect(sackRetransmissions <= renoRetransmissions,
                "SACK+RACK \(sackRetransmissions) vs NewReno \(renoRetransmissions) retransmissions")
        // The four lost segments of each window, and at most one tail loss probe besides.
        #expect(sackRetransmissions >= 16 && sackRetransmissions <= 20)
        print("4 × 4 losses: SACK+RACK \(sackRetransmissions) retransmissions in \(sackTime), "
              + "NewReno \(renoRetransmissions) in \(renoTime)")
    }
}
