import Testing
@testable import TCPIP
import NetCore

/// One established connection with the peer at the other end, for the tests
/// that start from ESTABLISHED: `iss` is the stack's ISS, `peerISS` the peer's.
struct EstablishedConnection {
    let peer: TCPPeer
    let owner: ConnectionRecorder
    let connection: TCPConnection
    let iss: TCPSeq
    let peerISS: TCPSeq

    /// An active open from the stack, the peer answering with `options`
    /// (none by default: no timestamps, so the numbers stay simple).
    static func active(_ family: TCPPeer.Family = .v4, options: TCPOptions = TCPOptions(),
                       peerISS: TCPSeq = TCPSeq(0x1000_0000),
                       configure: (inout TCPConfiguration) -> Void = { _ in }) throws -> EstablishedConnection {
        let peer = try TCPPeer(family, configure: configure)
        peer.sndNxt = peerISS
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.establishActive(owner: owner, options: options)
        #expect(owner.events == [.connected])
        owner.events.removeAll()
        return EstablishedConnection(peer: peer, owner: owner, connection: connection, iss: syn.seq, peerISS: peerISS)
    }
}

/// RFC 9293's state diagram (§3.3.2, figure 5), one transition per test,
/// with the exact segments the stack sends on each.
@Suite struct TCPStateMachineTests {
    // MARK: Opening

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func activeOpenGoesSynSentThenEstablished(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let owner = ConnectionRecorder()
        let connection = try peer.stack.tcpConnect(from: nil, family: peer.addressFamily, to: peer.peerAddress,
                                                   owner: owner).get()
        #expect(connection.state == .synSent)
        peer.hostPort = connection.local.port
        let sent = peer.run(for: .milliseconds(5))
        try #require(sent.count == 1)
        let syn = sent[0]
        let iss = syn.seq
        expectSegment(syn, .syn, seq: iss, ack: nil)
        #expect(syn.window == 65_535)
        // Every option offered: MSS of the 1,500-byte link less 40 (IPv4) or 60 (IPv6) bytes of headers,
        // a shift of 7 (the 4 MiB auto-tuning limit over 65,535), SACK-permitted, a timestamp with no echo.
        #expect(syn.options.maximumSegmentSize == (family == .v4 ? 1460 : 1440))
        #expect(syn.options.windowScale == 7)
        #expect(syn.options.sackPermitted)
        #expect(syn.options.timestamp?.echoReply == 0)
        if family == .v4 { #expect(syn.dontFragment == true) }
        #expect(owner.events.isEmpty)

        let peerISS = TCPSeq(0x2000_0000)
        let answer = peer.send([.syn, .ack], seq: peerISS, ack: iss + 1,
                               options: TCPPeer.fullOptions(timestamp: TCPTimestampOption(value: 777, echoReply: syn.options.timestamp!.value)))
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: iss + 1, ack: peerISS + 1)
        // Window scaling is on: the field is the 64 KiB buffer shifted by 7.
        #expect(Int(answer[0].window) << 7 <= 65_536 && Int(answer[0].window) << 7 >= 65_536 - 256)
        #expect(answer[0].options.timestamp?.echoReply == 777)
        #expect(answer[0].options.maximumSegmentSize == nil && answer[0].options.windowScale == nil)
        #expect(connection.state == .established)
        #expect(owner.events == [.connected])
        #expect(connection.timestampsEnabled && connection.sackEnabled && connection.windowScalingEnabled)
        #expect(peer.stack.statistics.tcp.activeOpens == 1)
        peer.net.expectPoolsClean()
    }

    /// The SYN's window was advertised before RCV.NXT was known: the
    /// window edge must follow the peer's ISS wherever it lies (here in the
    /// upper half of the sequence space, where a stale edge would look huge).
    @Test func activeOpenAdvertisesTheBufferWhateverThePeersISS() throws {
        for peerISS in [TCPSeq(0x1000_0000), TCPSeq(0x9000_0000), TCPSeq(0xFFFF_FFF0)] {
            var options = TCPOptions()
            options.windowScale = 0
            let fixture = try EstablishedConnection.active(options: options, peerISS: peerISS)
            #expect(fixture.connection.receiveWindow == 65_536)
            let data = fixture.peer.send(.ack, payload: [UInt8](repeating: 7, count: 100), wait: .milliseconds(300))
            try #require(data.count == 1)
            expectSegment(data[0], .ack, seq: fixture.iss + 1, ack: peerISS + 101)
            // Our shift is 7: the field is what is left of the 64 KiB buffer, over 128.
            #expect(Int(data[0].window) << 7 <= 65_536, "\(peerISS): \(data[0])")
            #expect(Int(data[0].window) << 7 >= 65_536 - 100 - 1_460, "\(peerISS): \(data[0])")
            #expect(fixture.owner.received.count == 100)
            // Nothing beyond the advertised window is taken.
            let beyond = fixture.peer.send(.ack, seq: peerISS + 101 + 70_000, payload: [1, 2, 3])
            expectSegment(beyond.first, .ack, seq: fixture.iss + 1, ack: peerISS + 101)
            #expect(fixture.owner.received.count == 100)
            fixture.peer.net.expectPoolsClean()
        }
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func passiveOpenGoesSynReceivedThenEstablished(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let listenerOwner = ListenerRecorder()
        let listener = try peer.listen(owner: listenerOwner)
        let peerISS = TCPSeq(0x3000_0000)
        var options = TCPPeer.fullOptions(mss: 1400, windowScale: 3)
        options.timestamp = TCPTimestampOption(value: 4242, echoReply: 0)
        let answer = peer.send(.syn, seq: peerISS, options: options)
        try #require(answer.count == 1)
        let synACK = answer[0]
        let iss = synACK.seq
        expectSegment(synACK, [.syn, .ack], seq: iss, ack: peerISS + 1)
        #expect(synACK.window == 65_535)
        #expect(synACK.options.maximumSegmentSize == (family == .v4 ? 1460 : 1440))
        #expect(synACK.options.windowScale == 7)
        #expect(synACK.options.sackPermitted)
        #expect(synACK.options.timestamp?.echoReply == 4242)
        let halfOpen = try #require(peer.stack.tcpConnectionList.first)
        #expect(halfOpen.state == .synReceived)
        #expect(listener.halfOpen == 1)
        #expect(listenerOwner.ready == 0)

        peer.timestamps = true
        peer.tsClock = 4243
        let after = peer.send(.ack, seq: peerISS + 1, ack: iss + 1)
        #expect(after.isEmpty)
        #expect(halfOpen.state == .established)
        #expect(listenerOwner.ready == 1)
        #expect(listener.halfOpen == 0)
        let connection = try #require(listener.accept())
        #expect(connection === halfOpen)
        // What the SYN offered: its MSS less the timestamp option, its shift.
        #expect(connection.maximumSegmentSize == 1400 - 12)
        #expect(connection.sndShift == 3)
        #expect(connection.timestampsEnabled && connection.sackEnabled && connection.windowScalingEnabled)
        #expect(peer.stack.statistics.tcp.passiveOpens == 1)
        listener.close()
        connection.abort()
        peer.net.expectPoolsClean()
    }

    /// RFC 9293 §3.5 figure 8: SYN-SENT gets a SYN, answers it with a
    /// SYN-ACK that keeps the ISS, and completes on the peer's ACK.
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func simultaneousOpen(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        let iss = syn.seq
        let peerISS = TCPSeq(0x4000_0000)
        var options = TCPOptions()
        options.maximumSegmentSize = 1300
        options.windowScale = 2
        let answer = peer.send(.syn, seq: peerISS, options: options)
        #expect(connection.state == .synReceived)
        try #require(answer.count == 1)
        expectSegment(answer[0], [.syn, .ack], seq: iss, ack: peerISS + 1)
        #expect(answer[0].options.maximumSegmentSize == syn.options.maximumSegmentSize)
        #expect(answer[0].options.windowScale == 7)
        #expect(!answer[0].options.sackPermitted)
        #expect(answer[0].options.timestamp == nil)
        #expect(owner.events.isEmpty)

        // The peer's own SYN-ACK (its SYN again) is old news: ACKed, not processed.
        let again = peer.send([.syn, .ack], seq: peerISS, ack: iss + 1, options: options)
        try #require(again.count == 1)
        expectSegment(again[0], .ack, seq: iss + 1, ack: peerISS + 1)
        #expect(connection.state == .synReceived)

        // The peer's ACK of our SYN-ACK completes the open.
        let done = peer.send(.ack, seq: peerISS + 1, ack: iss + 1)
        #expect(done.isEmpty)
        #expect(connection.state == .established)
        #expect(owner.events == [.connected])
        #expect(connection.maximumSegmentSize == 1300)
        #expect(connection.sndShift == 2)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    // MARK: Closing

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func activeCloseThroughFinWait2AndTimeWait(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family) { $0.timeWaitDuration = .seconds(2) }
        let (peer, connection) = (f.peer, f.connection)
        #expect(connection.shutdown() == .success)
        #expect(connection.state == .finWait1)
        let fin = peer.run(for: .milliseconds(5))
        try #require(fin.count == 1)
        expectSegment(fin[0], [.fin, .ack], seq: f.iss + 1, ack: f.peerISS + 1)

        #expect(peer.send(.ack, ack: f.iss + 2).isEmpty)
        #expect(connection.state == .finWait2)
        #expect(f.owner.events == [.disconnectCompleted])

        let last = peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 2)
        try #require(last.count == 1)
        expectSegment(last[0], .ack, seq: f.iss + 2, ack: f.peerISS + 2)
        #expect(connection.state == .timeWait)
        // tcpClosed comes last: nothing is reported after it.
        #expect(f.owner.events == [.disconnectCompleted, .peerClosed, .closed(.success)])

        #expect(peer.run(for: .milliseconds(1_990)).isEmpty)
        #expect(connection.state == .timeWait)
        peer.run(for: .milliseconds(20))
        #expect(connection.state == .closed)
        #expect(peer.stack.tcpConnectionList.isEmpty)
        #expect(f.owner.events.count == 3)
        peer.net.expectPoolsClean()
    }

    @Test func simultaneousCloseGoesThroughClosing() throws {
        let f = try EstablishedConnection.active { $0.timeWaitDuration = .seconds(2) }
        let (peer, connection) = (f.peer, f.connection)
        _ = connection.shutdown()
        let fin = peer.run(for: .milliseconds(5))
        expectSegment(fin.first, [.fin, .ack], seq: f.iss + 1, ack: f.peerISS + 1)

        // The peer's FIN crossed ours: it does not acknowledge our FIN.
        let answer = peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 1)
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: f.iss + 2, ack: f.peerISS + 2)
        #expect(connection.state == .closing)
        #expect(f.owner.events == [.peerClosed])

        #expect(peer.send(.ack, seq: f.peerISS + 2, ack: f.iss + 2).isEmpty)
        #expect(connection.state == .timeWait)
        #expect(f.owner.events == [.peerClosed, .disconnectCompleted, .closed(.success)])
        peer.run(for: .milliseconds(2_010))
        #expect(connection.state == .closed)
        peer.net.expectPoolsClean()
    }

    @Test func finWait1ToTimeWaitOnFinAndAckTogether() throws {
        let f = try EstablishedConnection.active { $0.timeWaitDuration = .seconds(2) }
        let (peer, connection) = (f.peer, f.connection)
        _ = connection.shutdown()
        peer.run(for: .milliseconds(5))
        let answer = peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 2)
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: f.iss + 2, ack: f.peerISS + 2)
        #expect(connection.state == .timeWait)
        #expect(f.owner.events == [.disconnectCompleted, .peerClosed, .closed(.success)])
        peer.run(for: .milliseconds(2_010))
        #expect(connection.state == .closed)
        peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func passiveCloseThroughCloseWaitAndLastAck(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family)
        let (peer, connection) = (f.peer, f.connection)
        let answer = peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 1)
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: f.iss + 1, ack: f.peerISS + 2)
        #expect(connection.state == .closeWait)
        #expect(connection.peerHasClosed)
        #expect(f.owner.events == [.peerClosed])

        #expect(connection.shutdown() == .success)
        #expect(connection.state == .lastAck)
        let fin = peer.run(for: .milliseconds(5))
        try #require(fin.count == 1)
        expectSegment(fin[0], [.fin, .ack], seq: f.iss + 1, ack: f.peerISS + 2)

        #expect(peer.send(.ack, seq: f.peerISS + 2, ack: f.iss + 2).isEmpty)
        #expect(connection.state == .closed)
        #expect(peer.stack.tcpConnectionList.isEmpty)
        #expect(f.owner.events == [.peerClosed, .disconnectCompleted, .closed(.success)])
        peer.net.expectPoolsClean()
    }

    @Test func halfCloseStillReceivesInFinWait2() throws {
        let f = try EstablishedConnection.active()
        let (peer, connection) = (f.peer, f.connection)
        _ = connection.shutdown()
        peer.run(for: .milliseconds(5))
        peer.send(.ack, ack: f.iss + 2)
        #expect(connection.state == .finWait2)

        let data = Array("still talking".utf8)
        #expect(peer.send(.ack, seq: f.peerISS + 1, ack: f.iss + 2, payload: data).isEmpty)
        #expect(f.owner.received == data)
        // One small segment: the delayed ACK.
        let ack = peer.run(for: .milliseconds(200))
        try #require(ack.count == 1)
        expectSegment(ack[0], .ack, seq: f.iss + 2, ack: f.peerISS + 1 + data.count)
        #expect(connection.state == .finWait2)

        let last = peer.send([.fin, .ack], ack: f.iss + 2)
        expectSegment(last.first, .ack, seq: f.iss + 2, ack: f.peerISS + 2 + data.count)
        #expect(connection.state == .timeWait)
        connection.release()
        peer.net.expectPoolsClean()
    }

    @Test func halfCloseStillSendsInCloseWait() throws {
        let f = try EstablishedConnection.active()
        let (peer, connection) = (f.peer, f.connection)
        peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 1)
        #expect(connection.state == .closeWait)

        let data = Array("the other half".utf8)
        #expect(connection.send(peer.lend(data), tag: 9) == .success)
        let sent = peer.run(for: .milliseconds(5))
        try #require(sent.count == 1)
        expectSegment(sent[0], [.ack, .psh], seq: f.iss + 1, ack: f.peerISS + 2, payload: data.count)
        #expect(sent[0].payload == data)

        #expect(peer.send(.ack, seq: f.peerISS + 2, ack: f.iss + 1 + data.count).isEmpty)
        #expect(f.owner.events == [.peerClosed, .sendCompleted(tag: 9, status: .success)])
        #expect(connection.state == .closeWait)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func timeWaitAcknowledgesARetransmittedFinAndRestartsItsTimer() throws {
        let f = try EstablishedConnection.active { $0.timeWaitDuration = .seconds(2) }
        let (peer, connection) = (f.peer, f.connection)
        _ = connection.shutdown()
        peer.run(for: .milliseconds(5))
        peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 2)
        #expect(connection.state == .timeWait)

        peer.run(for: .seconds(1))
        // Our ACK was lost: the peer sends its FIN again.
        let again = peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 2)
        try #require(again.count == 1)
        expectSegment(again[0], .ack, seq: f.iss + 2, ack: f.peerISS + 2)

        // The 2·MSL wait started over: past the first deadline, still waiting.
        peer.run(for: .milliseconds(1_500))
        #expect(connection.state == .timeWait)
        peer.run(for: .milliseconds(600))
        #expect(connection.state == .closed)
        #expect(f.owner.closes == [.success])
        peer.net.expectPoolsClean()
    }

    // MARK: Resets during the handshake

    @Test func synReceivedResetReturnsToListen() throws {
        let peer = try TCPPeer()
        let listenerOwner = ListenerRecorder()
        let listener = try peer.listen(owner: listenerOwner)
        let peerISS = TCPSeq(0x5000_0000)
        let answer = peer.send(.syn, seq: peerISS)
        try #require(answer.count == 1)
        #expect(listener.halfOpen == 1)

        #expect(peer.send(.rst, seq: peerISS + 1).isEmpty)
        #expect(listener.halfOpen == 0)
        #expect(peer.stack.tcpConnectionList.isEmpty)
        #expect(peer.stack.statistics.tcp.attemptFails == 1)
        // Forgotten: no SYN-ACK retransmission follows.
        #expect(peer.run(for: .seconds(5)).isEmpty)
        #expect(listenerOwner.ready == 0)

        // Still listening.
        peer.port += 1
        let next = peer.send(.syn, seq: TCPSeq(0x5100_0000))
        #expect(next.first?.flags == [.syn, .ack])
        listener.close()
        peer.run(for: .milliseconds(5))
        peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func synSentResetWithAcceptableAckRefuses(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        #expect(peer.send([.rst, .ack], seq: TCPSeq(0), ack: syn.seq + 1).isEmpty)
        #expect(connection.state == .closed)
        #expect(owner.events == [.closed(.connectionRefused)])
        #expect(peer.stack.tcpConnectionList.isEmpty)
        #expect(peer.stack.statistics.tcp.attemptFails == 1)
        #expect(peer.run(for: .seconds(2)).isEmpty)
        peer.net.expectPoolsClean()
    }

    @Test func synSentIgnoresResetWithoutAck() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        #expect(peer.send(.rst, seq: TCPSeq(0)).isEmpty)
        #expect(peer.send(.rst, seq: TCPSeq(0x1234), ack: syn.seq + 1).isEmpty)
        #expect(connection.state == .synSent)
        #expect(owner.events.isEmpty)
        // A RST whose ACK is not for our SYN is ignored too (and not answered).
        #expect(peer.send([.rst, .ack], seq: TCPSeq(0), ack: syn.seq + 5).isEmpty)
        #expect(connection.state == .synSent)
        // The SYN is still retransmitted.
        let again = peer.run(for: .seconds(1))
        try #require(again.count == 1)
        expectSegment(again[0], .syn, seq: syn.seq, ack: nil)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func synSentBadAckGetsResetFromTheAck() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        for bad in [syn.seq, syn.seq + 2, syn.seq - 1000] {
            let answer = peer.send(.ack, seq: TCPSeq(0x6000_0000), ack: bad)
            try #require(answer.count == 1)
            expectSegment(answer[0], .rst, seq: bad, ack: nil)
            #expect(connection.state == .synSent)
        }
        // A SYN-ACK with a bad ACK is not taken as the answer either.
        let answer = peer.send([.syn, .ack], seq: TCPSeq(0x6000_0000), ack: syn.seq + 7)
        expectSegment(answer.first, .rst, seq: syn.seq + 7, ack: nil)
        #expect(connection.state == .synSent)
        #expect(owner.events.isEmpty)
        connection.abort()
        peer.net.expectPoolsClean()
    }
}
