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

    // MARK: More of SYN-RECEIVED

    @Test func synReceivedAnswersTheSynAgainWithTheSameSynAck() throws {
        let peer = try TCPPeer()
        let listener = try peer.listen(owner: ListenerRecorder())
        let first = peer.send(.syn, seq: TCPSeq(900), options: TCPPeer.fullOptions(timestamp: nil))
        try #require(first.count == 1)
        // Our SYN-ACK was lost; the peer's SYN comes again.
        let again = peer.send(.syn, seq: TCPSeq(900), options: TCPPeer.fullOptions(timestamp: nil))
        try #require(again.count == 1)
        expectSegment(again[0], [.syn, .ack], seq: first[0].seq, ack: TCPSeq(901))
        #expect(again[0].options == first[0].options)
        #expect(peer.stack.tcpConnectionList.count == 1)
        // A SYN with another sequence number is a different story: a challenge ACK.
        let other = peer.send(.syn, seq: TCPSeq(905))
        expectSegment(other.first, .ack, seq: first[0].seq + 1, ack: TCPSeq(901))
        #expect(listener.halfOpen == 1)
        listener.close()
        peer.run(for: .milliseconds(5))
        peer.net.expectPoolsClean()
    }

    @Test func synReceivedBadAckGetsResetFromTheAck() throws {
        let peer = try TCPPeer()
        let listener = try peer.listen(owner: ListenerRecorder())
        let synACK = try #require(peer.send(.syn, seq: TCPSeq(900)).first)
        for bad in [synACK.seq, synACK.seq + 2] {
            let answer = peer.send(.ack, seq: TCPSeq(901), ack: bad)
            try #require(answer.count == 1)
            expectSegment(answer[0], .rst, seq: bad, ack: nil)
        }
        let halfOpen = try #require(peer.stack.tcpConnectionList.first)
        #expect(halfOpen.state == .synReceived)
        listener.close()
        peer.run(for: .milliseconds(5))
        peer.net.expectPoolsClean()
    }

    @Test func theThirdSegmentMayCarryDataAndFin() throws {
        let peer = try TCPPeer()
        let listenerOwner = ListenerRecorder()
        let listener = try peer.listen(owner: listenerOwner)
        let synACK = try #require(peer.send(.syn, seq: TCPSeq(900)).first)
        let answer = peer.send([.ack, .fin], seq: TCPSeq(901), ack: synACK.seq + 1, payload: Array("GET /".utf8))
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: synACK.seq + 1, ack: TCPSeq(907))
        let connection = try #require(listener.accept())
        #expect(connection.state == .closeWait)
        #expect(connection.readableBytes == 5)
        var buffer = [UInt8](repeating: 0, count: 8)
        let count = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
        #expect(Array(buffer.prefix(count)) == Array("GET /".utf8))
        connection.abort()
        listener.close()
        peer.net.expectPoolsClean()
    }

    @Test func aListenerAnswersAnAckWithReset() throws {
        let peer = try TCPPeer { $0.synCookies = false }
        let listener = try peer.listen(owner: ListenerRecorder())
        // LISTEN: any acknowledgment is bad (RFC 9293 §3.10.7.2), SYN-ACK included.
        for flags: TCPFlags in [.ack, [.syn, .ack]] {
            let answer = peer.send(flags, seq: TCPSeq(10), ack: TCPSeq(0xDEAD_0000))
            try #require(answer.count == 1)
            expectSegment(answer[0], .rst, seq: TCPSeq(0xDEAD_0000), ack: nil)
        }
        // Neither SYN nor ACK nor RST: dropped.
        #expect(peer.send(.fin, seq: TCPSeq(10)).isEmpty)
        #expect(peer.stack.tcpConnectionList.isEmpty)
        listener.close()
        peer.net.expectPoolsClean()
    }

    @Test func simultaneousOpenResetRefuses() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        peer.send(.syn, seq: TCPSeq(4000))
        #expect(connection.state == .synReceived)
        #expect(peer.send(.rst, seq: TCPSeq(4001)).isEmpty)
        #expect(connection.state == .closed)
        #expect(owner.events == [.closed(.connectionRefused)])
        _ = syn
        peer.net.expectPoolsClean()
    }

    /// RFC 9293 §3.10.4, CLOSE in SYN-RECEIVED: the FIN waits for
    /// ESTABLISHED when there is data to send first; with none it may go,
    /// but the SYN-ACK must still be retransmitted as a SYN-ACK.
    @Test func closeInSynReceivedFinishesTheHandshakeFirst() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        let synACK = try #require(peer.send(.syn, seq: TCPSeq(4000)).first)
        expectSegment(synACK, [.syn, .ack], seq: syn.seq, ack: TCPSeq(4001))
        #expect(connection.shutdown() == .success)
        #expect(connection.state == .synReceived)
        #expect(connection.send(peer.lend([1]), tag: 1) == .invalidDeviceState)
        let afterClose = peer.run(for: .milliseconds(5))
        // The SYN-ACK is lost: what is retransmitted must still synchronize.
        let retransmitted = peer.run(for: .seconds(2))
        for segment in afterClose + retransmitted where segment.seq == syn.seq {
            #expect(segment.flags.contains(.syn), "\(segment)")
        }
        #expect(retransmitted.contains { $0.flags.contains(.syn) })
        // The peer's ACK completes the handshake; the FIN follows at ISS + 1.
        let fin = peer.send(.ack, seq: TCPSeq(4001), ack: syn.seq + 1) + peer.run(for: .milliseconds(5))
        let finSegment = (afterClose + retransmitted + fin).first { $0.flags.contains(.fin) }
        expectSegment(finSegment, [.fin, .ack], seq: syn.seq + 1, ack: TCPSeq(4001))
        #expect(connection.state == .finWait1)
        peer.send(.ack, seq: TCPSeq(4001), ack: syn.seq + 2)
        #expect(connection.state == .finWait2)
        #expect(owner.events == [.connected, .disconnectCompleted])
        connection.abort()
        peer.net.expectPoolsClean()
    }

    // MARK: More of the synchronized states

    @Test func segmentsWithoutAckAreDropped() throws {
        let f = try EstablishedConnection.active()
        #expect(f.peer.send([], seq: f.peerISS + 1, payload: Array("no ack".utf8)).isEmpty)
        #expect(f.peer.send(.fin, seq: f.peerISS + 1).isEmpty)
        #expect(f.owner.received.isEmpty)
        #expect(f.connection.state == .established)
        #expect(f.peer.stack.statistics.tcp.noACKFlag == 2)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func finIsRetransmittedUntilAcknowledged() throws {
        let f = try EstablishedConnection.active()
        let (peer, connection) = (f.peer, f.connection)
        _ = connection.shutdown()
        let start = peer.now
        let sent = peer.run(for: .milliseconds(1_000))
        #expect(sent.map { $0.time - start } == [1, 301, 901].map { .milliseconds($0) })
        for segment in sent { expectSegment(segment, [.fin, .ack], seq: f.iss + 1, ack: f.peerISS + 1) }
        peer.send(.ack, ack: f.iss + 2)
        #expect(connection.state == .finWait2)
        #expect(peer.run(for: .seconds(5)).isEmpty)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func dataThenFinAreSentInOrderAndBothAcknowledged() throws {
        let f = try EstablishedConnection.active()
        let (peer, connection) = (f.peer, f.connection)
        let data = Array("last words".utf8)
        #expect(connection.send(peer.lend(data), tag: 3) == .success)
        #expect(connection.shutdown() == .success)
        #expect(connection.send(peer.lend([1]), tag: 4) == .invalidDeviceState)
        let sent = peer.run(for: .milliseconds(5))
        try #require(sent.count == 2)
        expectSegment(sent[0], [.ack, .psh], seq: f.iss + 1, ack: f.peerISS + 1, payload: data.count)
        expectSegment(sent[1], [.fin, .ack], seq: f.iss + 1 + data.count, ack: f.peerISS + 1)
        // The data's ACK alone completes the send but not the disconnect.
        peer.send(.ack, ack: f.iss + 1 + data.count)
        #expect(f.owner.events == [.sendCompleted(tag: 3, status: .success)])
        #expect(connection.state == .finWait1)
        peer.send(.ack, ack: f.iss + 2 + data.count)
        #expect(f.owner.events == [.sendCompleted(tag: 3, status: .success), .disconnectCompleted])
        #expect(connection.state == .finWait2)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func aFinBeyondAHoleWaitsForTheHole() throws {
        let f = try EstablishedConnection.active()
        let (peer, connection) = (f.peer, f.connection)
        let next = f.peerISS + 1
        let early = peer.send([.fin, .ack], seq: next + 3, payload: Array("def".utf8))
        expectSegment(early.first, .ack, seq: f.iss + 1, ack: next)
        #expect(connection.state == .established)
        #expect(f.owner.events.isEmpty)
        let filled = peer.send(.ack, seq: next, payload: Array("abc".utf8))
        try #require(filled.count == 1)
        expectSegment(filled[0], .ack, seq: f.iss + 1, ack: next + 7)
        #expect(connection.state == .closeWait)
        // Something was held, so all of it waits in the buffer, in order.
        #expect(f.owner.received.isEmpty)
        #expect(connection.readableBytes == 6)
        var buffer = [UInt8](repeating: 0, count: 8)
        let count = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
        #expect(Array(buffer.prefix(count)) == Array("abcdef".utf8))
        #expect(f.owner.events == [.dataAvailable, .peerClosed])
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func resetInTimeWaitEndsIt() throws {
        let f = try EstablishedConnection.active()
        _ = f.connection.shutdown()
        f.peer.run(for: .milliseconds(5))
        f.peer.send([.fin, .ack], seq: f.peerISS + 1, ack: f.iss + 2)
        #expect(f.connection.state == .timeWait)
        // RFC 9293 §3.10.7.4 (RFC 1337's hazard acknowledged): an acceptable RST closes TIME-WAIT.
        #expect(f.peer.send(.rst, seq: f.peerISS + 2).isEmpty)
        #expect(f.connection.state == .closed)
        #expect(f.owner.closes == [.success])
        f.peer.net.expectPoolsClean()
    }

    /// Data lent during the handshake (WskConnectEx) leaves with the first
    /// segment after it, which carries the handshake's ACK.
    @Test func dataQueuedInSynSentLeavesWithTheHandshakesAck() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        let data = Array("hello".utf8)
        #expect(connection.send(peer.lend(data), tag: 1) == .success)
        #expect(peer.run(for: .milliseconds(5)).isEmpty)
        let answer = peer.send([.syn, .ack], seq: TCPSeq(700), ack: syn.seq + 1)
        try #require(answer.count == 1)
        expectSegment(answer[0], [.ack, .psh], seq: syn.seq + 1, ack: TCPSeq(701), payload: 5)
        #expect(answer[0].payload == data)
        peer.send(.ack, seq: TCPSeq(701), ack: syn.seq + 6)
        #expect(owner.events == [.connected, .sendCompleted(tag: 1, status: .success)])
        connection.abort()
        peer.net.expectPoolsClean()
    }
}
