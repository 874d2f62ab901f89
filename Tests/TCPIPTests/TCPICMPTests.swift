import Testing
@testable import TCPIP
import NetCore

/// ICMP errors about a connection's segments: hard errors during the
/// handshake (RFC 1122 §4.2.3.9), soft ones kept for a later timeout (RFC
/// 5461), and path MTU discovery (RFC 1191 §6.5, RFC 8201 §5.2).
@Suite struct TCPICMPTests {
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func portUnreachableQuotingOurSynRefusesTheConnection(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        peer.sendUnreachable(code: family == .v4 ? 3 : 4, quoting: syn)
        #expect(connection.state == .closed)
        #expect(owner.events == [.closed(.connectionRefused)])
        #expect(peer.run(for: .seconds(2)).isEmpty)
        peer.net.expectPoolsClean()
    }

    @Test func anErrorQuotingASequenceNumberNotInFlightIsIgnored() throws {
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        // RFC 5927 §4.1: a forged error must name a sequence number we sent.
        var forged = syn.packet
        let tcp = Int(forged[0] & 0x0F) * 4
        forged[tcp + 4] ^= 0x80
        let quoted = PeerSegment(time: syn.time, sourcePort: syn.sourcePort, destinationPort: syn.destinationPort,
                                 seq: syn.seq, ack: syn.ack, flags: syn.flags, window: syn.window, options: syn.options,
                                 payload: [], packet: forged, dontFragment: syn.dontFragment)
        peer.sendUnreachable(code: 3, quoting: quoted)
        #expect(connection.state == .synSent)
        #expect(owner.events.isEmpty)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func hostUnreachableIsSoftAndReportedAtTheTimeout() throws {
        let peer = try TCPPeer { $0.maximumSYNRetransmissions = 1 }
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        peer.sendUnreachable(code: 1, quoting: syn, fromRouter: true)
        #expect(connection.state == .synSent)
        peer.run(for: .seconds(4))
        #expect(owner.events == [.closed(.hostUnreachable)])
        peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func fragmentationNeededLowersTheMSSAndResendsAtTheNewSize(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family, options: TCPPeer.fullOptions(mss: 1460, sack: false,
                                                                                   timestamp: nil))
        let mss = family == .v4 ? 1460 : 1440
        #expect(f.connection.maximumSegmentSize == mss)
        #expect(f.connection.send(f.peer.lend([UInt8](repeating: 6, count: 2 * mss)), tag: 1) == .success)
        let sent = f.peer.run(for: .milliseconds(5))
        #expect(sent.map(\.payload.count) == [mss, mss])
        if family == .v4 { #expect(sent.allSatisfy { $0.dontFragment == true }) }
        let first = try #require(sent.first)

        // A router on the path takes 1,280 bytes at most.
        f.peer.sendUnreachable(code: 4, mtu: 1280, quoting: first, fromRouter: true)
        let newMSS = 1280 - (family == .v4 ? 40 : 60)
        #expect(f.connection.maximumSegmentSize == newMSS)
        let resent = f.peer.take()
        try #require(resent.count >= 1)
        expectSegment(resent[0], .ack, seq: f.iss + 1, ack: f.peerISS + 1, payload: newMSS)
        #expect(resent.allSatisfy { $0.payload.count <= newMSS })
        #expect(Array(resent[0].payload) == [UInt8](repeating: 6, count: newMSS))
        // New data goes at the new size too.
        f.peer.send(.ack, ack: f.iss + 1 + 2 * mss)
        #expect(f.owner.events == [.sendCompleted(tag: 1, status: .success)])
        #expect(f.connection.send(f.peer.lend([UInt8](repeating: 8, count: 2 * newMSS)), tag: 2) == .success)
        #expect(f.peer.run(for: .milliseconds(5)).map(\.payload.count) == [newMSS, newMSS])
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    /// RFC 1122 §4.2.3.9: a hard error on a synchronized connection does not abort it.
    @Test func portUnreachableOnAnEstablishedConnectionIsSoft() throws {
        let f = try EstablishedConnection.active { $0.maximumDataRetransmissions = 1 }
        #expect(f.connection.send(f.peer.lend([1, 2, 3]), tag: 1) == .success)
        let data = try #require(f.peer.run(for: .milliseconds(5)).first)
        f.peer.sendUnreachable(code: 3, quoting: data)
        #expect(f.connection.state == .established)
        #expect(f.owner.events.isEmpty)
        f.peer.run(for: .seconds(2))
        #expect(f.owner.closes == [.connectionRefused])
        f.peer.net.expectPoolsClean()
    }
}
