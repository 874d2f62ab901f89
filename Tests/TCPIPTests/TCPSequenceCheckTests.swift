import Testing
@testable import TCPIP
import NetCore

/// SEGMENT ARRIVES' first check (RFC 9293 §3.10.7.4): the four
/// acceptability cases, unacceptable segments answered with an ACK and
/// dropped, and PAWS (RFC 7323 §5.3).
@Suite struct TCPSequenceCheckTests {
    /// A connection with a 4 KiB receive buffer that the owner does not
    /// read (no scaling), and 10 bytes of ours in flight, unacknowledged.
    private func smallWindow() throws -> EstablishedConnection {
        let f = try EstablishedConnection.active(options: TCPPeer.fullOptions(mss: 1460, windowScale: nil, sack: false,
                                                                           timestamp: nil)) {
            $0.receiveBuffer = 4096
            $0.maximumReceiveBuffer = 4096
        }
        f.owner.receiveLimit = 0
        #expect(f.connection.receiveWindow == 4096)
        return f
    }

    /// Fills the 4 KiB window: 1460 + 1460 + 1176 bytes, then the delayed ACK advertising 0.
    private func fill(_ f: EstablishedConnection) throws {
        f.peer.send(.ack, payload: [UInt8](repeating: 1, count: 1460))
        f.peer.send(.ack, payload: [UInt8](repeating: 2, count: 1460))
        f.peer.send(.ack, payload: [UInt8](repeating: 3, count: 1176))
        let acks = f.peer.run(for: .milliseconds(300))
        let last = try #require(acks.last)
        expectSegment(last, .ack, seq: f.iss + 1, ack: f.peerISS + 1 + 4096, window: 0)
        #expect(f.connection.receiveWindow == 0)
        #expect(f.connection.readableBytes == 4096)
    }

    /// Sends 10 bytes and returns once they are on the wire.
    private func sendTen(_ f: EstablishedConnection, tag: UInt64) throws {
        #expect(f.connection.send(f.peer.lend([UInt8](repeating: 9, count: 10)), tag: tag) == .success)
        let sent = f.peer.run(for: .milliseconds(5))
        try #require(sent.count == 1)
    }

    @Test func zeroWindowZeroLengthOnlyAtRcvNxt() throws {
        let f = try smallWindow()
        try fill(f)
        try sendTen(f, tag: 1)
        let next = f.peerISS + 1 + 4096
        // Not at RCV.NXT: unacceptable, answered, its ACK not looked at.
        let off = f.peer.send(.ack, seq: next + 1, ack: f.iss + 11)
        try #require(off.count == 1)
        expectSegment(off[0], .ack, seq: f.iss + 11, ack: next, window: 0)
        #expect(f.owner.completions.isEmpty)
        // A pure ACK at RCV.NXT is taken even with the window closed.
        #expect(f.peer.send(.ack, seq: next, ack: f.iss + 11).isEmpty)
        #expect(f.owner.completions == [.sendCompleted(tag: 1, status: .success)])
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func zeroWindowTakesNoDataButStillItsAck() throws {
        let f = try smallWindow()
        try fill(f)
        try sendTen(f, tag: 1)
        let next = f.peerISS + 1 + 4096
        let answer = f.peer.send(.ack, seq: next, ack: f.iss + 11, payload: [7])
        try #require(answer.count == 1)
        expectSegment(answer[0], .ack, seq: f.iss + 11, ack: next, window: 0)
        #expect(f.connection.readableBytes == 4096)
        // RFC 9293 §3.10.7.4: "special allowance should be made to accept valid ACKs".
        #expect(f.owner.completions == [.sendCompleted(tag: 1, status: .success)])
        // A FIN does not fit a closed window either.
        let fin = f.peer.send([.fin, .ack], seq: next, ack: f.iss + 11)
        expectSegment(fin.first, .ack, seq: f.iss + 11, ack: next, window: 0)
        #expect(f.connection.state == .established)
        // Reading opens the window; the update goes out, and the byte is then taken.
        var sink = [UInt8](repeating: 0, count: 4096)
        #expect(sink.withUnsafeMutableBytes { f.connection.read(into: $0) } == 4096)
        let update = f.peer.run(for: .milliseconds(5))
        try #require(update.count == 1)
        #expect(update[0].window > 0)
        f.peer.send(.ack, seq: next, ack: f.iss + 11, payload: [7])
        #expect(f.connection.readableBytes == 1)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func openWindowZeroLengthAnywhereInside() throws {
        let f = try smallWindow()
        try sendTen(f, tag: 1)
        let next = f.peerISS + 1
        // SEQ = RCV.NXT + RCV.WND is just outside; below RCV.NXT is outside too.
        for seq in [next + 4096, next - 1] {
            let answer = f.peer.send(.ack, seq: seq, ack: f.iss + 11)
            try #require(answer.count == 1)
            expectSegment(answer[0], .ack, seq: f.iss + 11, ack: next)
        }
        #expect(f.owner.completions.isEmpty)
        #expect(f.peer.stack.statistics.tcp.outOfWindow == 2)
        // Anywhere in [RCV.NXT, RCV.NXT + RCV.WND) is fine.
        #expect(f.peer.send(.ack, seq: next + 4095, ack: f.iss + 11).isEmpty)
        #expect(f.owner.completions == [.sendCompleted(tag: 1, status: .success)])
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test func openWindowDataAcceptedWhenAnyOfItIsInside() throws {
        let f = try smallWindow()
        f.owner.receiveLimit = .max
        let next = f.peerISS + 1
        #expect(f.peer.send(.ack, seq: next, payload: Array("0123456789".utf8)).isEmpty)
        // Five old bytes and five new: the new ones are taken, the duplicate answered at once.
        let overlap = f.peer.send(.ack, seq: next + 5, payload: Array("56789abcde".utf8))
        try #require(overlap.count == 1)
        expectSegment(overlap[0], .ack, seq: f.iss + 1, ack: next + 15)
        #expect(f.owner.received == Array("0123456789abcde".utf8))
        // All old: unacceptable, answered, dropped.
        let old = f.peer.send(.ack, seq: next, payload: Array("0123456789".utf8))
        expectSegment(old.first, .ack, seq: f.iss + 1, ack: next + 15)
        // The right edge is where the last ACK put it (silly window avoidance
        // keeps it from creeping by 15 bytes, RFC 9293 §3.8.6.2.2).
        let edge = next + 15 + Int(overlap[0].window)
        #expect(edge == next + 4096)
        // Starting at the right edge: outside, answered, dropped.
        let beyond = f.peer.send(.ack, seq: edge, payload: [1, 2, 3])
        expectSegment(beyond.first, .ack, seq: f.iss + 1, ack: next + 15)
        // Straddling the right edge: the part inside is kept (out of order here, so held).
        let straddle = f.peer.send(.ack, seq: edge - 2, payload: [1, 2, 3, 4])
        expectSegment(straddle.first, .ack, seq: f.iss + 1, ack: next + 15)
        #expect(f.owner.received.count == 15)
        #expect(f.peer.stack.statistics.tcp.outOfOrderSegments == 1)
        #expect(f.peer.stack.statistics.tcp.outOfWindow == 2)
        f.connection.abort()
        f.peer.net.expectPoolsClean()
    }

    @Test(arguments: [TCPPeer.Family.v4, .v6])
    func pawsDropsASegmentWithAnOldTimestamp(_ family: TCPPeer.Family) throws {
        let f = try EstablishedConnection.active(family, options: TCPPeer.fullOptions(sack: false))
        let peer = f.peer
        #expect(f.connection.timestampsEnabled)
        peer.tsClock = 6_000
        let first = peer.send(.ack, payload: Array("new".utf8), wait: .milliseconds(300))
        try #require(first.count == 1)
        #expect(first[0].options.timestamp?.echoReply == 6_000)
        #expect(f.owner.received == Array("new".utf8))

        // An old duplicate from before the wrap: TSval behind TS.Recent.
        var old = TCPOptions()
        old.timestamp = TCPTimestampOption(value: 5_500, echoReply: 0)
        let dropped = peer.send(.ack, seq: f.peerISS + 4, options: old, payload: Array("xyz".utf8))
        try #require(dropped.count == 1)
        expectSegment(dropped[0], .ack, seq: f.iss + 1, ack: f.peerISS + 4)
        #expect(dropped[0].options.timestamp?.echoReply == 6_000)
        #expect(f.owner.received == Array("new".utf8))
        #expect(peer.stack.statistics.tcp.pawsRejected == 1)
        // A RST is not subject to PAWS (RFC 7323 §5.3 R1).
        peer.send(.rst, seq: f.peerISS + 4, options: old)
        #expect(f.owner.events.last == .closed(.connectionReset))
        peer.net.expectPoolsClean()
    }
}
