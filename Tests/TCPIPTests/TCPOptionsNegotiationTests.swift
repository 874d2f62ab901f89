import Testing
@testable import TCPIP
import NetCore

/// The handshake's options (RFC 9293 §3.7.1 MSS, RFC 7323 window scaling
/// and timestamps, RFC 2018 SACK-permitted) and the segment sizes that follow.
@Suite struct TCPOptionsNegotiationTests {
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func activeSynOffersEverythingByDefault(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family)
        let (connection, syn) = try peer.connect(owner: ConnectionRecorder())
        #expect(syn.options.maximumSegmentSize == (family == .v4 ? 1460 : 1440))
        #expect(syn.options.windowScale == 7)
        #expect(syn.options.sackPermitted)
        let timestamp = try #require(syn.options.timestamp)
        #expect(timestamp.echoReply == 0)
        #expect(syn.options.sackBlocks.isEmpty)
        // MSS 4, SACK-permitted with timestamps 12, window scale 4.
        #expect(syn.options.encodedLength == 20)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func withOffersOffTheActiveSynLeavesThemOutAndIgnoresThePeers() throws {
        let peer = try TCPPeer { $0.offerTimestamps = false; $0.offerSACK = false }
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        #expect(syn.options.maximumSegmentSize == 1460)
        #expect(syn.options.windowScale == 7)
        #expect(!syn.options.sackPermitted)
        #expect(syn.options.timestamp == nil)
        // A peer that sends them anyway (against RFC 7323 §3.2) does not turn them on.
        let answer = peer.send([.syn, .ack], seq: TCPSeq(50), ack: syn.seq + 1, options: TCPPeer.fullOptions())
        try #require(answer.count == 1)
        #expect(answer[0].options.timestamp == nil)
        #expect(!connection.timestampsEnabled && !connection.sackEnabled)
        #expect(connection.windowScalingEnabled)
        #expect(connection.maximumSegmentSize == 1460)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func withOffersOffAPeersOfferIsStillHonouredOnAPassiveOpen(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family) { $0.offerTimestamps = false; $0.offerSACK = false }
        let listener = try peer.listen(owner: ListenerRecorder())
        let answer = peer.send(.syn, seq: TCPSeq(77), options: TCPPeer.fullOptions(timestamp: TCPTimestampOption(value: 31, echoReply: 0)))
        try #require(answer.count == 1)
        let synACK = answer[0]
        #expect(synACK.options.sackPermitted)
        #expect(synACK.options.timestamp?.echoReply == 31)
        #expect(synACK.options.windowScale == 7)
        var ack = TCPOptions()
        ack.timestamp = TCPTimestampOption(value: 32, echoReply: synACK.options.timestamp!.value)
        peer.send(.ack, seq: TCPSeq(78), ack: synACK.seq + 1, options: ack)
        let connection = try #require(listener.accept())
        #expect(connection.timestampsEnabled && connection.sackEnabled && connection.windowScalingEnabled)
        connection.abort()
        listener.close()
        peer.net.expectPoolsClean()
    }

    @Test func noScalingUnlessBothSidesSendTheOptionActive() throws {
        var options = TCPPeer.fullOptions(windowScale: nil, timestamp: nil)
        options.windowScale = nil
        let peer = try TCPPeer()
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        #expect(syn.options.windowScale == 7)
        let answer = peer.send([.syn, .ack], seq: TCPSeq(1000), ack: syn.seq + 1, window: 1000, options: options)
        try #require(answer.count == 1)
        #expect(!connection.windowScalingEnabled)
        // Our window goes out unscaled: the 64 KiB buffer shows as the largest field.
        #expect(answer[0].window == 65_535)
        #expect(connection.sendWindow == 1000)
        // And the peer's is taken as it is.
        peer.send(.ack, seq: TCPSeq(1001), ack: syn.seq + 1, window: 2000)
        #expect(connection.sendWindow == 2000)
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func noScalingUnlessBothSidesSendTheOptionPassive() throws {
        let peer = try TCPPeer()
        let listener = try peer.listen(owner: ListenerRecorder())
        let answer = peer.send(.syn, seq: TCPSeq(1000), options: TCPPeer.fullOptions(windowScale: nil, timestamp: nil))
        try #require(answer.count == 1)
        #expect(answer[0].options.windowScale == nil)
        #expect(answer[0].window == 65_535)
        peer.send(.ack, seq: TCPSeq(1001), ack: answer[0].seq + 1, window: 3000)
        let connection = try #require(listener.accept())
        #expect(!connection.windowScalingEnabled)
        #expect(connection.sendWindow == 3000)
        let owner = ConnectionRecorder()
        connection.owner = owner
        let ack = peer.send(.ack, seq: TCPSeq(1001), ack: answer[0].seq + 1, window: 3000,
                            payload: [UInt8](repeating: 1, count: 100), wait: .milliseconds(300))
        try #require(ack.count == 1)
        #expect(ack[0].window <= 65_535 && ack[0].window >= 65_535 - 1460)
        connection.abort()
        listener.close()
        peer.net.expectPoolsClean()
    }

    @Test func scalingAppliesToEverySegmentButTheSyn() throws {
        let peer = try TCPPeer()
        let (connection, syn) = try peer.connect(owner: ConnectionRecorder())
        peer.send([.syn, .ack], seq: TCPSeq(1000), ack: syn.seq + 1, window: 1000,
                  options: TCPPeer.fullOptions(windowScale: 3, timestamp: nil))
        #expect(connection.windowScalingEnabled)
        #expect(connection.sendWindow == 1000)
        peer.send(.ack, seq: TCPSeq(1001), ack: syn.seq + 1, window: 1000)
        #expect(connection.sendWindow == 8000)
        // A shift above 14 counts as 14 (RFC 7323 §2.3).
        let other = try TCPPeer()
        let (second, syn2) = try other.connect(owner: ConnectionRecorder())
        other.send([.syn, .ack], seq: TCPSeq(1000), ack: syn2.seq + 1,
                   options: TCPPeer.fullOptions(windowScale: 20, timestamp: nil))
        other.send(.ack, seq: TCPSeq(1001), ack: syn2.seq + 1, window: 1)
        #expect(second.sendWindow == 1 << 14)
        connection.abort()
        second.abort()
        peer.net.expectPoolsClean()
        other.net.expectPoolsClean()
    }

    /// An interface MTU of 1,400: the MSS announced and used is clamped to it.
    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func mssIsClampedToThePath(_ family: TCPPeer.Family) throws {
        let peer = try TCPPeer(family, stackConfigure: { $0.sendBufferSize = 1_400 + 128 + 14 })
        #expect(peer.host.interface.mtu == 1_400)
        let owner = ConnectionRecorder()
        let (connection, syn) = try peer.connect(owner: owner)
        let expected = family == .v4 ? 1_360 : 1_340
        #expect(syn.options.maximumSegmentSize == UInt16(expected))
        peer.send([.syn, .ack], seq: TCPSeq(1000), ack: syn.seq + 1,
                  options: TCPPeer.fullOptions(mss: 1460, timestamp: nil))
        #expect(connection.maximumSegmentSize == expected)
        #expect(connection.send(peer.lend([UInt8](repeating: 9, count: 2 * expected + 10)), tag: 1) == .success)
        let sent = peer.run(for: .milliseconds(5))
        // Two full segments; the 10-byte tail waits for the ACK (Nagle).
        #expect(sent.map(\.payload.count) == [expected, expected])
        #expect(peer.send(.ack, seq: TCPSeq(1001), ack: syn.seq + 1 + 2 * expected).map(\.payload.count) == [10])
        connection.abort()
        peer.net.expectPoolsClean()
    }

    @Test func segmentsRespectThePeersMSSLessTheTimestampOption() throws {
        let f = try EstablishedConnection.active(options: TCPPeer.fullOptions(mss: 1000))
        #expect(f.connection.timestampsEnabled)
        #expect(f.connection.maximumSegmentSize == 988)
        #expect(f.connection.send(f.peer.lend([UInt8](repeating: 2, count: 3 * 988)), tag: 1) == .success)
        let sent = f.peer.run(for: .milliseconds(5))
        #expect(sent.map(\.payload.count) == [988, 988, 988])
        #expect(sent.allSatisfy { $0.options.timestamp != nil })
        // Header options are 12 bytes: 20 + 12 + 988 = the peer's 1,000 plus 20 + 20.
        #expect(sent.allSatisfy { $0.packet.count == 20 + 20 + 12 + 988 })
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func withoutAnMSSOptionTheDefaultApplies(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family)
        // RFC 9293 §3.7.1: 536 over IPv4; RFC 8200 §5: 1220 over IPv6.
        let expected = family == .v4 ? 536 : 1220
        #expect(f.connection.maximumSegmentSize == expected)
        #expect(f.connection.send(f.peer.lend([UInt8](repeating: 2, count: 2 * expected)), tag: 1) == .success)
        #expect(f.peer.run(for: .milliseconds(5)).map(\.payload.count) == [expected, expected])
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }
}
