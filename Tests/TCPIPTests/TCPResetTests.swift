import Testing
@testable import TCPIP
import NetCore

/// When the stack sends RST and what a RST it receives does (RFC 9293
/// §3.10.7.1 for CLOSED, §3.5.3 and RFC 5961 §3.2 for the synchronized states).
@Suite struct TCPResetTests {
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func closedPortAnswersAnAckWithResetFromTheAck(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        peer.hostPort = 9
        let answer = peer.send(.ack, seq: TCPSeq(1000), ack: TCPSeq(0xABCD_0000), payload: [1, 2, 3])
        try #require(answer.count == 1)
        // <SEQ=SEG.ACK><CTL=RST>
        expectSegment(answer[0], .rst, seq: TCPSeq(0xABCD_0000), ack: nil)
        #expect(answer[0].window == 0)
        #expect(answer[0].sourcePort == 9 && answer[0].destinationPort == peer.port)
        #expect(peer.stack.statistics.tcp.noConnection == 1)
        #expect(peer.stack.statistics.tcp.resetsOut == 1)
        peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func closedPortAnswersANonAckWithResetAck(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        peer.hostPort = 9
        // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>: a SYN counts one.
        let syn = peer.send(.syn, seq: TCPSeq(5000))
        try #require(syn.count == 1)
        expectSegment(syn[0], [.rst, .ack], seq: TCPSeq(0), ack: TCPSeq(5001))
        // SYN, three bytes and FIN: five.
        let full = peer.send([.syn, .fin], seq: TCPSeq(7000), payload: [1, 2, 3])
        expectSegment(full.first, [.rst, .ack], seq: TCPSeq(0), ack: TCPSeq(7005))
        // No flags at all, no data: SEG.LEN 0.
        let bare = peer.send([], seq: TCPSeq(9000))
        expectSegment(bare.first, [.rst, .ack], seq: TCPSeq(0), ack: TCPSeq(9000))
        peer.net.expectPoolsClean()
    }

    @Test func noResetAnswersAReset() throws {
        let peer = try TCPPeer()
        peer.hostPort = 9
        #expect(peer.send(.rst, seq: TCPSeq(1)).isEmpty)
        #expect(peer.send([.rst, .ack], seq: TCPSeq(1), ack: TCPSeq(2)).isEmpty)
        #expect(peer.stack.statistics.tcp.resetsOut == 0)
        // Nor does a connection answer an unacceptable one.
        let f = try EstablishedConnection.active()
        #expect(f.peer.send(.rst, seq: f.peerISS + 1 + 100_000).isEmpty)
        #expect(f.peer.send([.rst, .ack], seq: f.peerISS - 10, ack: f.iss + 1).isEmpty)
        #expect(f.connection.state == .established)
        f.connection.abort()
        peer.net.expectPoolsClean()
        f.peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func resetAtRcvNxtResetsTheConnection(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family)
        let data = [UInt8](repeating: 0x5A, count: 200)
        #expect(f.connection.send(f.peer.lend(data), tag: 1) == .success)
        #expect(f.peer.run(for: .milliseconds(5)).count == 1)
        #expect(f.peer.send(.rst, seq: f.peerISS + 1).isEmpty)
        #expect(f.connection.state == .closed)
        #expect(f.owner.events == [.sendCompleted(tag: 1, status: .connectionReset), .closed(.connectionReset)])
        #expect(f.peer.stack.tcpConnectionList.isEmpty)
        #expect(f.peer.stack.statistics.tcp.resetsAccepted == 1)
        #expect(f.peer.stack.statistics.tcp.establishedResets == 1)
        // The timers went with it: no retransmission.
        #expect(f.peer.run(for: .seconds(3)).isEmpty)
        f.peer.net.expectPoolsClean()
    }

    @Test func resetInWindowButNotAtRcvNxtEarnsAChallengeAck() throws {
        let f = try EstablishedConnection.active()
        for offset in [1, 1000, 65_000] {
            let answer = f.peer.send(.rst, seq: f.peerISS + 1 + offset)
            try #require(answer.count == 1)
            expectSegment(answer[0], .ack, seq: f.iss + 1, ack: f.peerISS + 1)
            #expect(f.connection.state == .established)
        }
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 3)
        #expect(f.peer.stack.statistics.tcp.resetsIgnored == 3)
        #expect(f.owner.events.isEmpty)
        // The real thing then resets.
        f.peer.send(.rst, seq: f.peerISS + 1)
        #expect(f.owner.events == [.closed(.connectionReset)])
        f.peer.net.expectPoolsClean()
    }

    @Test func resetOutsideTheWindowIsIgnoredSilently() throws {
        let f = try EstablishedConnection.active()
        let window = f.connection.receiveWindow
        for seq in [f.peerISS, f.peerISS + 1 + window + 1, f.peerISS + 1 + 1_000_000, f.peerISS - 70_000] {
            #expect(f.peer.send(.rst, seq: seq).isEmpty)
            #expect(f.peer.send([.rst, .ack], seq: seq, ack: f.iss + 1).isEmpty)
        }
        #expect(f.connection.state == .established)
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 0)
        #expect(f.owner.events.isEmpty)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func abortSendsReset(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family)
        let data = [UInt8](repeating: 1, count: 300)
        #expect(f.connection.send(f.peer.lend(data), tag: 4) == .success)
        #expect(f.peer.run(for: .milliseconds(5)).count == 1)
        f.connection.abort()
        #expect(f.connection.state == .closed)
        let sent = f.peer.run(for: .milliseconds(5))
        try #require(sent.count == 1)
        // <SEQ=SND.NXT><CTL=RST>, here with the ACK Linux and Windows put on it.
        #expect(sent[0].flags.contains(.rst))
        #expect(!sent[0].flags.contains(.syn) && !sent[0].flags.contains(.fin))
        #expect(sent[0].seq == f.iss + 1 + 300)
        #expect(sent[0].payload.isEmpty)
        #expect(f.owner.events == [.sendCompleted(tag: 4, status: .connectionAborted), .closed(.connectionAborted)])
        #expect(f.peer.stack.statistics.tcp.resetsOut == 1)
        #expect(f.peer.run(for: .seconds(3)).isEmpty)
        f.peer.net.expectPoolsClean()
    }

    @Test func abortInSynSentSendsNothing() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, _) = try peer.connect(owner: owner)
        connection.abort()
        #expect(owner.events == [.closed(.connectionAborted)])
        #expect(peer.run(for: .seconds(3)).isEmpty)
        peer.net.expectPoolsClean()
    }
}

/// RFC 5961's defences against blind in-window attacks, and the
/// stack-wide limit on the challenge ACKs they send (§7).
@Suite struct TCPBlindAttackTests {
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func synInEstablishedEarnsAChallengeAck(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family)
        // In the window, at RCV.NXT, beyond it: never a reset (RFC 5961 §4.2).
        for seq in [f.peerISS + 1, f.peerISS + 500] {
            let answer = f.peer.send(.syn, seq: seq)
            try #require(answer.count == 1)
            expectSegment(answer[0], .ack, seq: f.iss + 1, ack: f.peerISS + 1)
        }
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 2)
        let synACK = f.peer.send([.syn, .ack], seq: f.peerISS + 1, ack: f.iss + 1)
        expectSegment(synACK.first, .ack, seq: f.iss + 1, ack: f.peerISS + 1)
        #expect(f.connection.state == .established)
        #expect(f.owner.events.isEmpty)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func ackBeyondSndNxtEarnsAChallengeAckAndIsDropped() throws {
        let f = try EstablishedConnection.active()
        let answer = f.peer.send(.ack, seq: f.peerISS + 1, ack: f.iss + 1 + 5000, payload: Array("forged".utf8))
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: f.iss + 1, ack: f.peerISS + 1)
        #expect(f.owner.received.isEmpty)
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 1)
        #expect(f.peer.stack.statistics.tcp.badACK == 1)
        #expect(f.connection.state == .established)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func ackTooOldIsDroppedWithAnAck() throws {
        let f = try EstablishedConnection.active()
        // MAX.SND.WND is the peer's 65,535 (no scaling): anything below SND.UNA − 65,535 is too old.
        let old = f.iss + 1 - 70_000
        let answer = f.peer.send(.ack, seq: f.peerISS + 1, ack: old, payload: Array("stale".utf8))
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: f.iss + 1, ack: f.peerISS + 1)
        #expect(f.owner.received.isEmpty)
        #expect(f.peer.stack.statistics.tcp.badACK == 1)
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 0)
        // Old but within MAX.SND.WND: a duplicate ACK, the data taken.
        let recent = f.iss + 1 - 1000
        f.peer.send(.ack, seq: f.peerISS + 1, ack: recent, payload: Array("fresh".utf8))
        #expect(f.owner.received == Array("fresh".utf8))
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func challengeAcksAreRateLimitedStackWide() throws {
        let f = try EstablishedConnection.active { $0.challengeACKsPerSecond = 2 }
        var acks = 0
        for i in 0..<5 {
            acks += f.peer.send(.rst, seq: f.peerISS + 2 + i, wait: .milliseconds(2)).count
        }
        #expect(acks == 2)
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 2)
        #expect(f.peer.stack.statistics.tcp.challengeACKsSuppressed == 3)
        // SYNs and bad ACKs draw on the same budget.
        #expect(f.peer.send(.syn, seq: f.peerISS + 1).isEmpty)
        #expect(f.peer.send(.ack, ack: f.iss + 100).isEmpty)
        #expect(f.peer.stack.statistics.tcp.challengeACKsSuppressed == 5)
        // A second later the budget is back.
        f.peer.run(for: .seconds(1))
        let answer = f.peer.send(.rst, seq: f.peerISS + 10)
        expectSegment(answer.first, .ack, seq: f.iss + 1, ack: f.peerISS + 1)
        #expect(f.peer.stack.statistics.tcp.challengeACKs == 3)
        #expect(f.connection.state == .established)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }
}
