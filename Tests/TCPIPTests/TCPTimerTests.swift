import Testing
@testable import TCPIP
import NetCore

/// The connection's timers: SYN and data retransmission with backoff (RFC
/// 6298 §5), delayed ACKs (RFC 9293 §3.8.6.3, RFC 5681 §4.2), zero-window
/// probes (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), keep-alive (RFC 9293
/// §3.8.4) and the FIN-WAIT-2 timeout. The wire delays every frame by 1 ms,
/// so what the stack sends at t is caught at t + 1 ms.
@Suite struct TCPTimerTests {
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func synIsRetransmittedWithBackoffThenTimesOut(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let owner = ConnectionRecorder()
        let start = peer.now
        let (connection, syn) = try peer.connect(owner: owner)
        #expect(syn.time == start + .milliseconds(1))
        let sent = peer.run(for: .seconds(30) + .milliseconds(900))
        // RTO 1 s, doubled after each expiry: 1, 2, 4, 8 s; four retransmissions (maximumSYNRetransmissions).
        #expect(sent.map { $0.time - start } == [1, 3, 7, 15].map { .seconds($0) + .milliseconds(1) })
        for segment in sent {
            expectSegment(segment, .syn, seq: syn.seq, ack: nil)
            #expect(segment.options.maximumSegmentSize == syn.options.maximumSegmentSize)
        }
        #expect(connection.state == .synSent)
        #expect(owner.events.isEmpty)
        // The fifth expiry, 16 s after the last SYN, gives up.
        #expect(peer.run(for: .milliseconds(200)).isEmpty)
        #expect(connection.state == .closed)
        #expect(owner.events == [.closed(.ioTimeout)])
        #expect(peer.stack.statistics.tcp.attemptFails == 1)
        peer.net.expectPoolsClean()
    }

    @Test func synAckIsRetransmittedThenTheHalfOpenConnectionIsDropped() throws {
        let peer = try TCPPeer { $0.maximumSYNRetransmissions = 2 }
        let listener = try peer.listen(owner: ListenerRecorder())
        let start = peer.now
        let first = peer.send(.syn, seq: TCPSeq(100))
        try #require(first.count == 1)
        let again = peer.run(for: .seconds(5))
        // 1 s, then 2 s later.
        #expect(again.map { $0.time - start } == [1, 3].map { .seconds($0) + .milliseconds(2) })
        for segment in again { expectSegment(segment, [.syn, .ack], seq: first[0].seq, ack: TCPSeq(101)) }
        peer.run(for: .seconds(3))
        #expect(peer.stack.tcpConnectionList.isEmpty)
        #expect(listener.halfOpen == 0)
        listener.close()
        peer.net.expectPoolsClean()
    }

    @Test func dataIsRetransmittedWithExponentialBackoffThenDropped() throws {
        let f = try EstablishedConnection.active { $0.maximumDataRetransmissions = 3 }
        // No SACK was negotiated, so no tail loss probe: the RTO alone. The
        // handshake's RTT is a few ms, so the RTO is the 300 ms floor.
        #expect(f.connection.retransmissionTimeout == .milliseconds(300))
        let data = [UInt8](repeating: 0xEE, count: 100)
        let start = f.peer.now
        #expect(f.connection.send(f.peer.lend(data), tag: 5) == .success)
        let sent = f.peer.run(for: .milliseconds(4_400))
        #expect(sent.map { $0.time - start } == [1, 301, 901, 2_101].map { .milliseconds($0) })
        for segment in sent {
            // PSH on the first transmission; a retransmission may leave it off.
            expectSegment(segment, segment.flags.union(.psh) == [.ack, .psh] ? segment.flags : [.ack, .psh],
                          seq: f.iss + 1, ack: f.peerISS + 1, payload: 100)
            #expect(segment.payload == data)
        }
        #expect(sent.first?.flags == [.ack, .psh])
        #expect(f.owner.events.isEmpty)
        #expect(f.peer.stack.statistics.tcp.retransmissionTimeouts == 3)
        // The fourth expiry is one too many: dropped, and no RST for a peer that is not there.
        #expect(f.peer.run(for: .milliseconds(200)).isEmpty)
        #expect(f.connection.state == .closed)
        #expect(f.owner.events == [.sendCompleted(tag: 5, status: .ioTimeout), .closed(.ioTimeout)])
        #expect(f.peer.stack.statistics.tcp.retransmissionLimitDrops == 1)
        f.peer.net.expectPoolsClean()
    }

    /// Karn's rule (RFC 6298 §3, §5.7): the ACK of a retransmitted segment
    /// gives no measurement, so the backed-off RTO stays until a segment
    /// sent once is acknowledged.
    @Test func backoffLastsUntilAFreshMeasurement() throws {
        let f = try EstablishedConnection.active()
        #expect(f.connection.send(f.peer.lend([1, 2, 3]), tag: 1) == .success)
        let sent = f.peer.run(for: .milliseconds(1_000))
        #expect(sent.count == 3)
        f.peer.send(.ack, ack: f.iss + 4)
        #expect(f.owner.events == [.sendCompleted(tag: 1, status: .success)])
        #expect(f.connection.retransmissionTimeout == .milliseconds(1_200))
        let start = f.peer.now
        #expect(f.connection.send(f.peer.lend([4]), tag: 2) == .success)
        let next = f.peer.run(for: .milliseconds(1_300))
        #expect(next.map { $0.time - start } == [1, 1_201].map { .milliseconds($0) })
        f.peer.send(.ack, ack: f.iss + 5)
        // Sent once and acknowledged: a measurement, and the RTO is back at its floor.
        #expect(f.connection.send(f.peer.lend([5]), tag: 3) == .success)
        #expect(f.peer.run(for: .milliseconds(5)).count == 1)
        f.peer.send(.ack, ack: f.iss + 6)
        #expect(f.connection.retransmissionTimeout == .milliseconds(300))
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func delayedAckWaits200msForASingleSegment() throws {
        let f = try EstablishedConnection.active()
        let start = f.peer.now
        #expect(f.peer.send(.ack, payload: [1, 2, 3], wait: .milliseconds(200)).isEmpty)
        let ack = f.peer.run(for: .milliseconds(5))
        try #require(ack.count == 1)
        // Arrived at 1 ms, acknowledged 200 ms later, caught 1 ms after that.
        #expect(ack[0].time - start == .milliseconds(202))
        expectSegment(ack[0], .ack, seq: f.iss + 1, ack: f.peerISS + 4)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func everySecondFullSegmentIsAcknowledgedAtOnce() throws {
        let f = try EstablishedConnection.active(options: TCPPeer.fullOptions(mss: 1460, windowScale: nil, sack: false,
                                                                           timestamp: nil))
        let full = [UInt8](repeating: 4, count: 1460)
        #expect(f.peer.send(.ack, payload: full).isEmpty)
        let ack = f.peer.send(.ack, payload: full)
        try #require(ack.count == 1)
        expectSegment(ack[0], .ack, seq: f.iss + 1, ack: f.peerISS + 1 + 2920)
        // And the count starts over.
        #expect(f.peer.send(.ack, payload: full).isEmpty)
        #expect(f.peer.send(.ack, payload: full).count == 1)
        #expect(f.owner.received.count == 4 * 1460)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func outOfOrderDataIsAcknowledgedAtOnce() throws {
        let f = try EstablishedConnection.active(options: TCPPeer.fullOptions(timestamp: nil))
        let next = f.peerISS + 1
        let ahead = f.peer.send(.ack, seq: next + 100, payload: [UInt8](repeating: 1, count: 50))
        try #require(ahead.count == 1)
        // A duplicate ACK with the block received (RFC 2018 §4).
        expectSegment(ahead[0], .ack, seq: f.iss + 1, ack: next)
        #expect(ahead[0].options.sackBlocks.count == 1)
        #expect(ahead[0].options.sackBlocks.first == TCPSACKBlock(start: next + 100, end: next + 150))
        #expect(f.owner.received.isEmpty)
        // Filling the hole is acknowledged at once too, up to the end of both.
        let filled = f.peer.send(.ack, seq: next, payload: [UInt8](repeating: 2, count: 100))
        try #require(filled.count == 1)
        expectSegment(filled[0], .ack, seq: f.iss + 1, ack: next + 150)
        #expect(filled[0].options.sackBlocks.isEmpty)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    /// Zero-window probes go out with backoff, and the connection lives as
    /// long as the peer answers them (RFC 1122 §4.2.2.17), however many.
    @Test func zeroWindowProbesBackOffAndTheConnectionSurvivesWhileAnswered() throws {
        let peer = try TCPPeer { $0.maximumDataRetransmissions = 2 }
        peer.window = 0
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.establishActive(owner: owner)
        let iss = syn.seq
        #expect(connection.sendWindow == 0)
        let data = [UInt8](repeating: 0x11, count: 100)
        var mark = peer.now
        #expect(connection.send(peer.lend(data), tag: 1) == .success)
        var interval = Duration.milliseconds(300)
        for round in 0..<12 {
            // Nothing just before the probe is due, the probe exactly when it is.
            #expect(peer.run(for: interval - (peer.now - mark) - .milliseconds(1)).isEmpty, "round \(round)")
            let probe = peer.run(for: .milliseconds(2))
            try #require(probe.count == 1, "round \(round)")
            // SEQ = SND.UNA − 1: outside the peer's window, so it must answer.
            expectSegment(probe[0], .ack, seq: iss, ack: peer.sndNxt)
            #expect(probe[0].time - mark == interval + .milliseconds(1), "round \(round)")
            mark = probe[0].time - .milliseconds(1)
            #expect(peer.send(.ack, ack: iss + 1, window: 0).isEmpty)
            interval = min(interval * 2, .seconds(60))
        }
        #expect(connection.state == .established)
        #expect(peer.stack.statistics.tcp.zeroWindowProbes == 12)
        // The window opens: the data goes at once.
        let opened = peer.send(.ack, ack: iss + 1, window: 65_535)
        try #require(opened.count == 1)
        expectSegment(opened[0], [.ack, .psh], seq: iss + 1, ack: peer.sndNxt, payload: 100)
        peer.send(.ack, ack: iss + 101)
        #expect(owner.events == [.connected, .sendCompleted(tag: 1, status: .success)])
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func unansweredZeroWindowProbesDropTheConnection() throws {
        let peer = try TCPPeer { $0.maximumDataRetransmissions = 2 }
        peer.window = 0
        let owner = ConnectionRecorder()
        let (connection, _) = try peer.establishActive(owner: owner)
        #expect(connection.send(peer.lend([1, 2, 3]), tag: 1) == .success)
        // Probes every 0.3, 0.6, …, 38.4 s, then 60 s more for the last to be answered.
        let probes = peer.run(for: .seconds(135))
        #expect(probes.count == 8)
        #expect(connection.state == .established)
        peer.run(for: .seconds(3))
        #expect(connection.state == .closed)
        #expect(owner.events == [.connected, .sendCompleted(tag: 1, status: .ioTimeout), .closed(.ioTimeout)])
        peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func keepAliveProbesIdleConnectionsAndDropsAfterCountUnanswered(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family) {
            $0.keepAliveIdle = .seconds(10)
            $0.keepAliveInterval = .seconds(1)
            $0.keepAliveProbes = 3
        }
        let (peer, connection) = (f.peer, f.connection)
        connection.keepAlive = true
        let start = peer.now
        #expect(peer.send(.ack, ack: f.iss + 1).isEmpty)
        // Idle 10 s after that segment arrived (at 1 ms): the first probe.
        #expect(peer.run(for: .seconds(10) - (peer.now - start)).isEmpty)
        let first = peer.run(for: .milliseconds(5))
        try #require(first.count == 1)
        #expect(first[0].time - start == .seconds(10) + .milliseconds(2))
        expectSegment(first[0], .ack, seq: f.iss, ack: f.peerISS + 1)
        // Answered: the connection is idle again from the answer.
        let answered = peer.now
        #expect(peer.send(.ack, ack: f.iss + 1).isEmpty)
        let probes = peer.run(for: .seconds(13) + .milliseconds(500))
        #expect(probes.map { $0.time - answered } == [10, 11, 12].map { .seconds($0) + .milliseconds(2) })
        for probe in probes { expectSegment(probe, .ack, seq: f.iss, ack: f.peerISS + 1) }
        #expect(connection.state == .closed)
        #expect(f.owner.events == [.closed(.ioTimeout)])
        #expect(peer.stack.statistics.tcp.keepAliveProbes == 4)
        #expect(peer.stack.statistics.tcp.keepAliveTimeouts == 1)
        peer.net.expectPoolsClean()
    }

    @Test func keepAliveIsOffByDefault() throws {
        let f = try EstablishedConnection.active { $0.keepAliveIdle = .seconds(10) }
        #expect(f.peer.run(for: .seconds(60)).isEmpty)
        #expect(f.connection.state == .established)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func finWait2TimesOutOnlyForReleasedConnections() throws {
        let f = try EstablishedConnection.active { $0.finWait2Timeout = .seconds(5) }
        let (peer, connection) = (f.peer, f.connection)
        _ = connection.shutdown()
        peer.run(for: .milliseconds(5))
        peer.send(.ack, ack: f.iss + 2)
        #expect(connection.state == .finWait2)
        // The owner still holds it: FIN-WAIT-2 waits for the peer's FIN as long as it takes.
        #expect(peer.run(for: .seconds(20)).isEmpty)
        #expect(connection.state == .finWait2)
        // Released: the timeout applies from now.
        connection.release()
        peer.run(for: .milliseconds(4_990))
        #expect(connection.state == .finWait2)
        #expect(peer.run(for: .milliseconds(20)).isEmpty)
        #expect(connection.state == .closed)
        #expect(peer.stack.tcpConnectionList.isEmpty)
        #expect(f.owner.events == [.disconnectCompleted])
        peer.net.expectPoolsClean()
    }

    @Test func aConnectionReleasedBeforeItsFinIsAckedTimesOutInFinWait2() throws {
        let f = try EstablishedConnection.active { $0.finWait2Timeout = .seconds(5) }
        let (peer, connection) = (f.peer, f.connection)
        connection.release()
        let fin = peer.run(for: .milliseconds(5))
        expectSegment(fin.first, [.fin, .ack], seq: f.iss + 1, ack: f.peerISS + 1)
        peer.send(.ack, ack: f.iss + 2)
        #expect(connection.state == .finWait2)
        peer.run(for: .milliseconds(4_990))
        #expect(connection.state == .finWait2)
        peer.run(for: .milliseconds(20))
        #expect(connection.state == .closed)
        #expect(f.owner.events.isEmpty)
        peer.net.expectPoolsClean()
    }
}
