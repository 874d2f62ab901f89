import NetCore
import Testing

@testable import NDIS

private func ns(_ value: Int64) -> Instant { Instant(nanoseconds: value) }

/// Number of bits that differ between two equally long frames.
private func bitsDiffering(_ a: [UInt8], _ b: [UInt8]) -> Int {
    zip(a, b).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
}

/// The tag `Frames.tagged` wrote into a frame.
private func tag(of frame: [UInt8]) -> Int {
    Int(frame[14]) << 24 | Int(frame[15]) << 16 | Int(frame[16]) << 8 | Int(frame[17])
}

@Suite struct VirtualWireTopologyTests {
    @Test func twoPortsCarryFramesBothWays() throws {
        let bench = WireBench(ports: 2)
        let there = Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0))
        bench.send(from: 0, [there])
        // The send completed at once: the frame has left the NIC.
        #expect(bench.binding(0).completions.map(\.status) == [.success])
        #expect(bench.wire.framesInFlight == 1)
        #expect(bench.binding(1).received.isEmpty, "nothing arrives before the wire delivers")
        #expect(bench.wire.nextArrival == bench.clock.now)
        #expect(bench.wire.deliverDue() == 1)
        #expect(bench.binding(1).received == [there])
        #expect(bench.binding(0).received.isEmpty, "a port does not hear itself")

        let back = Frames.tagged(2, to: WireBench.mac(0), from: WireBench.mac(1))
        bench.send(from: 1, [back])
        bench.deliverAll()
        #expect(bench.binding(0).received == [back])
        #expect(bench.wire.statistics.transmitted == 2)
        #expect(bench.wire.statistics.delivered == 2)
        #expect(bench.wire.nextArrival == nil)
        bench.expectPoolsDrained()
    }

    @Test func threePortsBroadcastReachesAllOthersAndUnicastOnlyItsTarget() throws {
        let bench = WireBench(ports: 3)
        let broadcast = Frames.tagged(1, to: .broadcast, from: WireBench.mac(0), etherType: Frames.arp)
        bench.send(from: 0, [broadcast])
        bench.deliverAll()
        #expect(bench.binding(1).received == [broadcast])
        #expect(bench.binding(2).received == [broadcast])
        #expect(bench.binding(0).received.isEmpty)

        let toTwo = Frames.tagged(2, to: WireBench.mac(2), from: WireBench.mac(0))
        bench.send(from: 0, [toTwo])
        bench.deliverAll()
        #expect(bench.binding(2).received.last == toTwo)
        #expect(bench.binding(1).received == [broadcast], "port 1's filter dropped a frame for port 2")
        #expect(bench.wire.statistics.droppedByReceiver == 1)

        let toNobody = Frames.tagged(3, to: testMAC(0x77), from: WireBench.mac(0))
        bench.send(from: 0, [toNobody])
        bench.deliverAll()
        #expect(bench.binding(1).received.count == 1)
        #expect(bench.binding(2).received.count == 2)
        #expect(bench.wire.statistics.droppedByReceiver == 3)

        // Promiscuous: port 1 hears everything again.
        #expect(bench.binding(1).setPacketFilter(.promiscuous) == .success)
        bench.send(from: 0, [toTwo, toNobody])
        bench.deliverAll()
        #expect(bench.binding(1).received == [broadcast, toTwo, toNobody])
        #expect(bench.binding(2).received == [broadcast, toTwo, toTwo])
        bench.expectPoolsDrained()
    }

    @Test func multicastFollowsTheListAndAllMulticast() throws {
        let bench = WireBench(ports: 3)
        let joined = MACAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0x05)
        let other = MACAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0x06)
        #expect(bench.binding(1).setPacketFilter([.directed, .multicast]) == .success)
        #expect(bench.binding(1).set(.ieee8023MulticastList, joined.bytes).status == .success)
        #expect(bench.binding(2).setPacketFilter([.directed, .broadcast]) == .success)
        let toJoined = Frames.tagged(1, to: joined, from: WireBench.mac(0))
        let toOther = Frames.tagged(2, to: other, from: WireBench.mac(0))
        bench.send(from: 0, [toJoined, toOther])
        bench.deliverAll()
        #expect(bench.binding(1).received == [toJoined])
        #expect(bench.binding(2).received.isEmpty, "multicast is not broadcast")

        #expect(bench.binding(2).setPacketFilter(.allMulticast) == .success)
        bench.send(from: 0, [toJoined, toOther])
        bench.deliverAll()
        #expect(bench.binding(2).received == [toJoined, toOther])
        bench.expectPoolsDrained()
    }

    @Test func withPacketFilterZeroNothingIsDelivered() throws {
        let bench = WireBench(ports: 2, packetFilter: nil)
        let frames = [Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0)),
                      Frames.tagged(2, to: .broadcast, from: WireBench.mac(0))]
        bench.send(from: 0, frames)
        bench.deliverAll()
        #expect(bench.binding(1).received.isEmpty)
        #expect(bench.wire.statistics.droppedByReceiver == 2)
        #expect(bench.wire.statistics.delivered == 0)
        #expect(bench.binding(0).completions.map(\.status) == [.success, .success], "sending needs no filter")

        #expect(bench.binding(1).setPacketFilter([.directed, .broadcast]) == .success)
        bench.send(from: 0, frames)
        bench.deliverAll()
        #expect(bench.binding(1).received == frames)
        bench.expectPoolsDrained()
    }
}

@Suite struct VirtualWireTimingTests {
    @Test func arrivalTimesFollowDelayAndBandwidthExactly() throws {
        // 1 Mbit/s: a byte takes 8 µs to serialize; 5 ms of propagation delay.
        let bench = WireBench(ports: 2, impairments: WireImpairments(delay: .milliseconds(5), bandwidth: 1_000_000))
        #expect(bench.binding(0).query(.genLinkSpeed).request.valueUInt32 == 10_000, "the link speed is the bandwidth")
        let frames = (0..<3).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0), length: 100) }
        bench.send(from: 0, frames)
        // Back to back from t = 0: departures at 0.8, 1.6, 2.4 ms; arrivals 5 ms later.
        #expect(bench.wire.nextArrival == ns(5_800_000))
        bench.clock.advance(to: ns(5_799_999))
        #expect(bench.wire.deliverDue() == 0)
        #expect(bench.binding(1).received.isEmpty)
        bench.clock.advance(to: ns(5_800_000))
        #expect(bench.wire.deliverDue() == 1)
        #expect(bench.binding(1).received == [frames[0]])
        #expect(bench.wire.nextArrival == ns(6_600_000))
        // Both remaining frames are due by 7.4 ms and go up in one indication.
        bench.clock.advance(to: ns(7_400_000))
        #expect(bench.wire.deliverDue() == 2)
        #expect(bench.binding(1).received == frames)
        #expect(bench.binding(1).indications.map(\.count) == [1, 2])
        #expect(bench.binding(1).receiveTimes == [ns(5_800_000), ns(7_400_000), ns(7_400_000)])
        #expect(bench.wire.nextArrival == nil)

        // Later, an idle port starts at once: 1514 bytes take 12.112 ms; a
        // frame queued behind it waits for it.
        bench.clock.advance(to: ns(20_000_000))
        let big = Frames.tagged(10, to: WireBench.mac(1), from: WireBench.mac(0), length: 1514)
        let small = Frames.tagged(11, to: WireBench.mac(1), from: WireBench.mac(0), length: 100)
        bench.send(from: 0, [big, small])
        // The other port is idle and not held up by port 0's queue.
        let reply = Frames.tagged(12, to: WireBench.mac(0), from: WireBench.mac(1), length: 100)
        bench.send(from: 1, [reply])
        #expect(bench.wire.nextArrival == ns(25_800_000))
        bench.deliverAll()
        #expect(bench.binding(0).receiveTimes == [ns(25_800_000)])
        #expect(Array(bench.binding(1).receiveTimes.suffix(2)) == [ns(37_112_000), ns(37_912_000)])
        #expect(Array(bench.binding(1).received.suffix(2)) == [big, small])
        bench.expectPoolsDrained()
    }

    @Test func delayWithoutBandwidthLimitKeepsSendOrder() throws {
        let bench = WireBench(ports: 2, impairments: WireImpairments(delay: .microseconds(250)))
        let frames = (0..<4).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0)) }
        bench.send(from: 0, frames)
        #expect(bench.wire.framesInFlight == 4)
        #expect(bench.wire.nextArrival == ns(250_000))
        bench.deliverAll()
        #expect(bench.binding(1).received == frames)
        #expect(bench.binding(1).receiveTimes == Array(repeating: ns(250_000), count: 4))
        bench.expectPoolsDrained()
    }

    @Test func jitterStaysWithinItsBound() throws {
        let bench = WireBench(ports: 2, seed: 3, impairments: WireImpairments(delay: .milliseconds(1), jitter: .milliseconds(2)))
        for i in 0..<200 {
            bench.send(from: 0, [Frames.tagged(i, to: WireBench.mac(1), from: WireBench.mac(0))])
        }
        bench.deliverAll()
        let times = bench.binding(1).receiveTimes
        #expect(times.count == 200)
        #expect(times.allSatisfy { $0 >= ns(1_000_000) && $0 <= ns(3_000_000) })
        #expect(Set(times).count > 100, "jitter spreads the arrivals")
        bench.expectPoolsDrained()
    }
}

@Suite struct VirtualWireImpairmentTests {
    @Test func lossRateIsWithinFourSigma() throws {
        let bench = WireBench(ports: 2, seed: 0xC0FFEE, impairments: WireImpairments(loss: 0.2))
        let n = 10_000
        for i in 0..<n {
            bench.send(from: 0, [Frames.tagged(i, to: WireBench.mac(1), from: WireBench.mac(0), length: 60)])
            if i % 100 == 99 { bench.deliverAll() }
        }
        bench.deliverAll()
        let stats = bench.wire.statistics
        // Binomial(10000, 0.2): mean 2000, sigma 40.
        #expect(abs(Int(stats.lost) - 2000) <= 160, "lost \(stats.lost)")
        #expect(stats.transmitted == UInt64(n))
        let received = bench.binding(1).received
        #expect(received.count + Int(stats.lost) == n)
        #expect(stats.delivered == UInt64(received.count))
        let tags = received.map(tag(of:))
        #expect(tags == tags.sorted(), "loss alone never reorders")
        #expect(bench.binding(0).completions.allSatisfy { $0.status == .success }, "a lost frame was still sent")
        bench.expectPoolsDrained()
    }

    @Test func duplicationDeliversEveryFrameTwice() throws {
        let bench = WireBench(ports: 3, impairments: WireImpairments(duplication: 1))
        let frames = (0..<5).map { Frames.tagged($0, to: .broadcast, from: WireBench.mac(0)) }
        bench.send(from: 0, frames)
        bench.deliverAll()
        let twice = frames.flatMap { [$0, $0] }
        #expect(bench.binding(1).received == twice)
        #expect(bench.binding(2).received == twice)
        #expect(bench.wire.statistics.duplicated == 5)
        #expect(bench.wire.statistics.delivered == 20)
        // Each copy is its own buffer.
        let lists = bench.binding(1).receivedLists
        #expect(lists.count == 10)
        bench.expectPoolsDrained()
    }

    @Test func corruptionFlipsExactlyOneBit() throws {
        let bench = WireBench(ports: 2, seed: 11, impairments: WireImpairments(corruption: 1))
        let frames = (0..<50).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0), length: 60 + $0 * 7) }
        bench.send(from: 0, frames)
        bench.deliverAll()
        let received = bench.binding(1).received
        #expect(received.count == frames.count)
        for (sent, got) in zip(frames, received) {
            #expect(got.count == sent.count)
            #expect(bitsDiffering(sent, got) == 1)
        }
        #expect(bench.wire.statistics.corrupted == 50)
        #expect(bench.binding(0).completions.map(\.bytes) == frames, "the sender's buffers were not touched")
        bench.expectPoolsDrained()
    }

    @Test func reorderedFrameArrivesAfterLaterOnes() throws {
        let bench = WireBench(ports: 2, impairments: WireImpairments(reordering: 1, delay: .milliseconds(1)))
        let held = Frames.tagged(0, to: WireBench.mac(1), from: WireBench.mac(0))
        bench.send(from: 0, [held])
        bench.wire.impairments.reordering = 0
        let later = (1..<4).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0)) }
        bench.send(from: 0, later)
        bench.deliverAll()
        #expect(bench.binding(1).received == later + [held])
        #expect(bench.binding(1).receiveTimes == [ns(1_000_000), ns(1_000_000), ns(1_000_000), ns(3_000_000)],
                "held back by the 2 ms reorder delay")
        #expect(bench.wire.statistics.reordered == 1)
        bench.expectPoolsDrained()
    }

    @Test func framesLargerThanTheMtuAreDropped() throws {
        let bench = WireBench(ports: 2)
        let pool = NetBufferPool(name: "big", capacity: 4, slotSize: 4096)
        let fits = Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0), length: 1514)
        let tooBig = Frames.tagged(2, to: WireBench.mac(1), from: WireBench.mac(0), length: 1515)
        bench.binding(0).send([tooBig, fits], from: pool)
        #expect(bench.wire.statistics.droppedTooBig == 1)
        #expect(bench.wire.framesInFlight == 1)
        bench.deliverAll()
        #expect(bench.binding(1).received == [fits])
        #expect(pool.outstanding == 0)
        bench.expectPoolsDrained()
    }

    @Test func jumboMtuCarriesJumboFrames() throws {
        let bench = WireBench(ports: 2, impairments: WireImpairments(mtu: 9000))
        #expect(bench.binding(1).query(.genMaximumFrameSize).request.valueUInt32 == 9000)
        let pool = NetBufferPool(name: "jumbo", capacity: 4, slotSize: 16_384)
        let fits = Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0), length: 9014)
        let tooBig = Frames.tagged(2, to: WireBench.mac(1), from: WireBench.mac(0), length: 9015)
        bench.binding(0).send([fits, tooBig], from: pool)
        bench.deliverAll()
        #expect(bench.binding(1).received == [fits])
        #expect(bench.wire.statistics.droppedTooBig == 1)
        #expect(pool.outstanding == 0)
        bench.expectPoolsDrained()
    }

    @Test func queueLimitTailDrops() throws {
        let bench = WireBench(ports: 3, impairments: WireImpairments(delay: .milliseconds(1)))
        bench.wire.impairments.queueLimit = 3
        let frames = (0..<5).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0)) }
        bench.send(from: 0, frames)
        #expect(bench.wire.framesInFlight == 3)
        #expect(bench.wire.statistics.droppedQueueFull == 2)
        // The limit is per port: port 2 still has room.
        let toTwo = Frames.tagged(9, to: WireBench.mac(2), from: WireBench.mac(0))
        bench.send(from: 0, [toTwo])
        #expect(bench.wire.framesInFlight == 4)
        bench.deliverAll()
        #expect(bench.binding(1).received == Array(frames.prefix(3)))
        #expect(bench.binding(2).received == [toTwo])
        // Once delivered, the queue has room again.
        bench.send(from: 0, frames)
        #expect(bench.wire.framesInFlight == 3)
        bench.deliverAll()
        bench.expectPoolsDrained()
    }

    @Test func receiverOutOfBuffersDropsAndCountsNoBuffer() throws {
        let bench = WireBench(ports: 2, impairments: WireImpairments(delay: .milliseconds(1)), receiveBuffers: 2)
        let frames = (0..<3).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0)) }
        bench.send(from: 0, frames)
        #expect(bench.wire.statistics.droppedNoBuffer == 1)
        #expect(bench.miniport(1).receivePool.exhaustedCount == 1)
        bench.deliverAll()
        #expect(bench.binding(1).received == Array(frames.prefix(2)))
        #expect(bench.binding(1).query(.genRcvNoBuffer).request.valueUInt64 == 1)
        let stats = try #require(StatisticsInfo(bytes: bench.binding(1).query(.genStatistics).request.informationBuffer))
        #expect(stats.ifInDiscards == 1)
        #expect(stats.framesIn == 2)
        bench.expectPoolsDrained()
    }

    @Test func sameSeedReplaysExactlyAndAnotherSeedDoesNot() throws {
        struct Run: Equatable {
            var received: [[[UInt8]]]
            var times: [[Instant]]
            var statistics: WireStatistics
        }
        func run(seed: UInt64) -> Run {
            var impairments = WireImpairments(loss: 0.1, duplication: 0.1, reordering: 0.2, corruption: 0.1,
                                              delay: .milliseconds(1), jitter: .milliseconds(3), bandwidth: 10_000_000)
            impairments.reorderDelay = .milliseconds(4)
            let bench = WireBench(ports: 3, seed: seed, impairments: impairments)
            for i in 0..<300 {
                let from = i % 3
                let to = i % 5 == 0 ? MACAddress.broadcast : WireBench.mac((from + 1) % 3)
                bench.send(from: from, [Frames.tagged(i, to: to, from: WireBench.mac(from), length: 60 + i % 200)])
                bench.clock.advance(by: .microseconds(100))
                bench.wire.deliverDue()
            }
            bench.deliverAll()
            bench.expectPoolsDrained()
            return Run(received: (0..<3).map { bench.binding($0).received },
                       times: (0..<3).map { bench.binding($0).receiveTimes },
                       statistics: bench.wire.statistics)
        }
        let first = run(seed: 42)
        let again = run(seed: 42)
        let other = run(seed: 43)
        #expect(first == again)
        #expect(first.received != other.received)
        #expect(first.statistics != other.statistics)
        // The run exercised every impairment.
        #expect(first.statistics.lost > 0 && first.statistics.duplicated > 0)
        #expect(first.statistics.reordered > 0 && first.statistics.corrupted > 0)
    }
}

@Suite struct VirtualWireLifecycleTests {
    @Test func pauseWaitsForIndicatedFramesToComeBack() throws {
        let bench = WireBench(ports: 2)
        bench.protocolDriver.holdReceives = true
        let frames = (0..<2).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0)) }
        bench.send(from: 0, frames)
        bench.deliverAll()
        let receiver = bench.adapters[1]
        #expect(receiver.outstandingReceiveIndications == 2)

        var outcome: NDISStatus?
        #expect(bench.ndis.pauseStack(receiver) { outcome = $0 } == .pending)
        #expect(receiver.state == .pausing)
        // While pausing the receiver takes nothing new off the wire.
        bench.send(from: 0, [Frames.tagged(5, to: WireBench.mac(1), from: WireBench.mac(0))])
        bench.deliverAll()
        #expect(bench.binding(1).received == frames)

        bench.binding(1).returnHeld()
        #expect(receiver.state == .paused)
        #expect(outcome == .success)
        #expect(bench.miniport(1).receivePool.outstanding == 0)

        #expect(bench.ndis.restartStack(receiver) == .success)
        bench.protocolDriver.holdReceives = false
        let after = Frames.tagged(6, to: WireBench.mac(1), from: WireBench.mac(0))
        bench.send(from: 0, [after])
        bench.deliverAll()
        #expect(bench.binding(1).received == frames + [after])
        bench.expectPoolsDrained()
    }

    @Test func framesInFlightToAPausedAdapterAreDiscardedOnArrival() throws {
        let bench = WireBench(ports: 2, impairments: WireImpairments(delay: .milliseconds(2)))
        bench.send(from: 0, [Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0))])
        #expect(bench.ndis.pauseStack(bench.adapters[1]) == .success)
        bench.deliverAll()
        #expect(bench.binding(1).received.isEmpty)
        #expect(bench.wire.statistics.droppedByReceiver == 1)
        let stats = try #require(StatisticsInfo(bytes: bench.binding(1).query(.genStatistics).request.informationBuffer))
        #expect(stats.ifInDiscards == 1)
        bench.expectPoolsDrained()
    }

    @Test func framesInFlightToAHaltedAdapterGoBackToItsPool() throws {
        let bench = WireBench(ports: 3, impairments: WireImpairments(delay: .milliseconds(2)))
        let toOne = (0..<3).map { Frames.tagged($0, to: WireBench.mac(1), from: WireBench.mac(0)) }
        let toTwo = Frames.tagged(9, to: WireBench.mac(2), from: WireBench.mac(0))
        bench.send(from: 0, toOne + [toTwo])
        #expect(bench.wire.framesInFlight == 4)
        let halted = bench.adapters[1]
        let pool = bench.miniport(1).receivePool
        #expect(pool.outstanding == 3)
        #expect(bench.ndis.stopAdapter(halted) == .success)
        #expect(pool.outstanding == 0, "the halted adapter's buffers are not stranded on the wire")
        bench.deliverAll()
        #expect(bench.binding(2).received == [toTwo], "other ports still get theirs")
        #expect(bench.wire.framesInFlight == 0)
        // A halted port takes nothing new.
        bench.send(from: 0, toOne)
        bench.deliverAll()
        #expect(pool.outstanding == 0)
        bench.expectPoolsDrained()
    }
}

@Suite struct VirtualWireMtuChangeTests {
    @Test func raisingTheWireMtuAfterStartDropsFramesTheReceiversCannotHold() throws {
        let bench = WireBench(ports: 2)
        bench.wire.impairments.mtu = 9000
        let pool = NetBufferPool(name: "jumbo", capacity: 4, slotSize: 16_384)
        let jumbo = Frames.tagged(1, to: WireBench.mac(1), from: WireBench.mac(0), length: 9014)
        let normal = Frames.tagged(2, to: WireBench.mac(1), from: WireBench.mac(0), length: 1514)
        bench.binding(0).send([jumbo, normal], from: pool)
        bench.deliverAll()
        #expect(bench.binding(1).received == [normal], "the receiver's 1500-byte buffers cannot take a jumbo frame")
        #expect(bench.wire.statistics.droppedTooBig == 1)
        #expect(pool.outstanding == 0)
        bench.expectPoolsDrained()
    }
}
