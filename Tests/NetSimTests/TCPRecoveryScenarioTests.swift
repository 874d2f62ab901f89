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

    /// After one loss, CUBIC's window follows RFC 9438's curve
    /// W(t) = C·(t − K)³ + W_max (§4.2), worked out here from the formula,
    /// not from the implementation: W_max is the window before the loss, t
    /// counts from the first ACK after recovery, K = ∛((W_max − cwnd_epoch)/C).
    @Test func cubicWindowFollowsTheCurveAfterALoss() throws {
        var samples: [TCPTraceSample] = []
        var scenario = TCPTransferScenario()
        scenario.size = 48 << 20
        scenario.impairments = WireImpairments(delay: .milliseconds(50))
        scenario.dropDataFrames = [400]
        scenario.tcp.receiveBuffer = 16 << 20
        scenario.tcp.maximumReceiveBuffer = 16 << 20
        scenario.tracer = { samples.append($0) }
        let result = try scenario.run()
        #expect(result.finished && result.hashesMatch)
        let recovery = try #require(samples.firstIndex { $0.event == .fastRecovery })
        #expect(samples.filter { $0.event == .fastRecovery }.count == 1)
        let wMax = Double(try #require(samples[..<recovery].last { $0.event == .ack }).congestionWindow)
        let end = try #require(samples[recovery...].firstIndex { $0.event == .recoveryEnd })
        let epoch = try #require(samples[end...].first { $0.event == .ack })
        let mss = 1448.0
        let c = 0.4
        let k = Self.cubeRoot((wMax - Double(epoch.congestionWindow)) / mss / c)
        #expect(Double(epoch.congestionWindow) <= 0.7 * wMax + mss, "β = 0.7")
        var checked = 0
        var worst = 0.0
        for sample in samples[end...] where sample.event == .ack {
            let t = (sample.time - epoch.time).secondsDouble
            guard t >= 0.5 else { continue }
            let expected = (c * (t - k) * (t - k) * (t - k) * mss) + wMax
            let error = abs(Double(sample.congestionWindow) - expected) / expected
            worst = max(worst, error)
            checked += 1
        }
        #expect(checked > 1000)
        #expect(worst < 0.05, "cwnd strays \(worst * 100)% from W(t); K = \(k) s, W_max = \(wMax / mss) segments")
        print("CUBIC: W_max \(Int(wMax / mss)) segments, K \(k) s, \(checked) ACKs within \(worst * 100)% of W(t)")
    }

    /// ECN (RFC 3168), on in both stacks: the wire marks ECN-capable packets
    /// Congestion Experienced instead of dropping them; the receiver echoes
    /// the mark, the sender halves its window once per window and answers
    /// with CWR — the transfer completes with no loss at all to recover.
    @Test func ecnMarksSlowTheSenderWithoutLoss() throws {
        for family in [AddressFamily.inet, .inet6] {
            var scenario = TCPTransferScenario()
            scenario.family = family
            scenario.size = 4 << 20
            scenario.tcp.ecn = true
            var impairments = WireImpairments(delay: .milliseconds(10))
            impairments.congestionMarking = 0.01
            scenario.impairments = impairments
            let result = try scenario.run()
            #expect(result.finished && result.hashesMatch)
            #expect(result.wire.congestionMarked > 0)
            #expect(result.receiver.congestionExperienced == result.wire.congestionMarked)
            #expect(result.sender.ecnReductions > 0)
            #expect(result.sender.ecnReductions <= result.wire.congestionMarked)
            #expect(result.sender.retransmittedSegments == 0)
            #expect(result.wire.lost == 0)
        }
        // Without ECN on the stacks nothing is ECN-capable, so nothing is marked.
        var plain = TCPTransferScenario()
        var impairments = WireImpairments(delay: .milliseconds(10))
        impairments.congestionMarking = 0.01
        plain.impairments = impairments
        let result = try plain.run()
        #expect(result.wire.congestionMarked == 0 && result.sender.ecnReductions == 0)
    }

    static func cubeRoot(_ x: Double) -> Double {
        var y = max(1, x / 3)
        for _ in 0..<200 { y -= (y * y * y - x) / (3 * y * y) }
        return y
    }
}
