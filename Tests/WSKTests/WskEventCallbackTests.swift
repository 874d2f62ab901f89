import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// WskReceiveFromEvent, SO_WSK_EVENT_CALLBACK and WskRelease on datagram
/// sockets (WSK §5, §2.4).
@Suite struct WskEventCallbackTests {
    static let bob7 = SocketAddress.v4(WskPair.bobV4, port: 7)

    /// bob's server on port 7 with `log`'s callback, alice's client on 4,000.
    static func setUp(_ pair: WskPair, _ log: EventLog, enable: Bool = true) -> (WskDatagramSocket, WskDatagramSocket) {
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7), dispatch: log.dispatch)
        if enable { #expect(server.setEvents(.receiveFrom) == .success) }
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 4_000))
        return (server, client)
    }

    @Test func successConsumesTheDatagram() {
        let pair = WskPair()
        let log = EventLog()
        let (server, client) = Self.setUp(pair, log)
        for i in 0..<3 { client.sendNow(payload(UInt8(i), count: 8 + i), to: Self.bob7) }
        pair.settle()
        #expect(log.payloads == (0..<3).map { payload(UInt8($0), count: 8 + $0) })
        for call in log.calls {
            #expect(call.remote == .v4(WskPair.aliceV4, port: 4_000))
            #expect(call.flags == .atDispatchLevel)
            #expect(!call.chained)
        }
        #expect(log.returned.allSatisfy { $0.controlInfoLength == 0 })
        #expect(server.queuedBytes == 0)
        #expect(server.retainedIndications == 0)
        // Nothing is left for WskReceiveFrom.
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        pair.finish([server, client])
        #expect(receive.status == .cancelled)
    }

    @Test func anUnexpectedAnswerIsTakenAsSuccess() {
        let pair = WskPair()
        let log = EventLog()
        log.otherwise = .deviceNotReady // what msquic answers during teardown
        let (server, client) = Self.setUp(pair, log)
        client.sendNow(payload(1), to: Self.bob7)
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count == 2)
        #expect(server.queuedBytes == 0)
        pair.finish([server, client])
    }

    @Test func pendingRetainsTheIndicationUntilReleasedInAnyOrder() {
        let pair = WskPair()
        let log = EventLog()
        log.otherwise = .pending
        let (server, client) = Self.setUp(pair, log)
        let retainedBefore = pair.bob.wsk.statistics.indicationsRetained
        for i in 0..<4 { client.sendNow(payload(UInt8(i), count: 30 + i), to: Self.bob7) }
        pair.settle()
        #expect(log.retained.count == 4)
        #expect(server.retainedIndications == 4)
        #expect(pair.bob.wsk.statistics.indicationsRetained == retainedBefore + 4)
        // The bytes stay valid after the frames' batch is long gone.
        pair.sim.run(for: .milliseconds(100))
        #expect(log.retained.map { Array($0.bytes) } == (0..<4).map { payload(UInt8($0), count: 30 + $0) })
        #expect(log.retained.map(\.buffer.length) == [30, 31, 32, 33])
        #expect(log.retained.allSatisfy { $0.remoteAddress == .v4(WskPair.aliceV4, port: 4_000) })
        // The held datagrams occupy buffers until released.
        let held = pair.sim.buffersOutstanding + pair.bob.stack.receivePool.outstanding
        #expect(held > 0)
        for i in [2, 0, 3, 1] {
            #expect(server.release(log.retained[i]) == .success)
        }
        #expect(server.retainedIndications == 0)
        // Released twice: not the client's any more.
        #expect(server.release(log.retained[1]) == .invalidParameter)
        pair.finish([server, client])
    }

    @Test func reassembledDatagramsAreRetainedAndQueuedAsCopies() {
        let pair = WskPair()
        let log = EventLog()
        log.answers = [.pending, .dataNotAccepted]
        let (server, client) = Self.setUp(pair, log)
        // Larger than the 1,500-byte MTU: they arrive in fragments and are
        // reassembled, so no single frame holds them.
        let first = payload(1, count: 4_000)
        let second = payload(2, count: 3_000)
        client.sendNow(first, to: Self.bob7)
        client.sendNow(second, to: Self.bob7)
        pair.settle(.milliseconds(100))
        #expect(log.calls.count == 2)
        #expect(log.retained.count == 1)
        #expect(server.queuedBytes == 3_000)
        pair.sim.run(for: .milliseconds(100))
        #expect(Array(log.retained[0].bytes) == first)
        let receive = PostedReceive(capacity: 4_000)
        #expect(receive.post(on: server) == .success)
        #expect(receive.bytes == second)
        #expect(server.release(log.retained[0]) == .success)
        pair.finish([server, client])
    }

    @Test func releasingAnIndicationThatWasNotRetainedIsInvalidParameter() {
        let pair = WskPair()
        let log = EventLog()
        log.answers = [.success, .pending]
        log.otherwise = .success
        let (server, client) = Self.setUp(pair, log)
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(log.returned.count == 1)
        #expect(server.release(log.returned[0]) == .invalidParameter)
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(log.retained.count == 1)
        #expect(server.retainedIndications == 1)
        #expect(server.release(log.retained[0]) == .success)
        #expect(server.retainedIndications == 0)
        #expect(server.release(log.retained[0]) == .invalidParameter)
        pair.finish([server, client])
    }

    @Test func dataNotAcceptedQueuesTheDatagramAndDisablesTheEvent() {
        let pair = WskPair()
        let log = EventLog()
        log.answers = [.dataNotAccepted]
        let (server, client) = Self.setUp(pair, log)
        let refusedBefore = pair.bob.wsk.statistics.indicationsNotAccepted
        for i in 0..<4 { client.sendNow(payload(UInt8(i), count: 10), to: Self.bob7) }
        pair.settle()
        // Offered the first, refused; the event is off, so the rest queue behind it.
        #expect(log.calls.count == 1)
        #expect(log.payloads == [payload(0, count: 10)])
        #expect(pair.bob.wsk.statistics.indicationsNotAccepted == refusedBefore + 1)
        #expect(server.queuedBytes == 40)
        #expect(server.receiveBacklog() == 40)
        // WskReceiveFrom gets the refused one first.
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .success)
        #expect(receive.bytes == payload(0, count: 10))
        // Re-enabling hands over the rest at once, in order.
        #expect(server.setEvents(.receiveFrom) == .success)
        #expect(log.payloads == (0..<4).map { payload(UInt8($0), count: 10) })
        #expect(server.queuedBytes == 0)
        // And new datagrams go to the event again.
        client.sendNow(payload(9), to: Self.bob7)
        pair.settle()
        #expect(log.payloads.last == payload(9))
        #expect(server.queuedBytes == 0)
        pair.finish([server, client])
    }

    @Test func afterDataNotAcceptedTheEventStaysOffEvenOnceTheQueueIsEmpty() {
        let pair = WskPair()
        let log = EventLog()
        log.answers = [.dataNotAccepted]
        let (server, client) = Self.setUp(pair, log)
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .success)
        #expect(receive.bytes == payload(1))
        #expect(server.queuedBytes == 0)
        // Nothing is queued now, but the event was disabled: the next datagram waits for WskReceiveFrom.
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count == 1)
        #expect(server.queuedBytes == 16)
        #expect(server.setEvents(.receiveFrom) == .success)
        #expect(log.payloads == [payload(1), payload(2)])
        pair.finish([server, client])
    }

    @Test func aRefusalWhileHandingOverTheQueueStopsAndDisablesAgain() {
        let pair = WskPair()
        let log = EventLog()
        let (server, client) = Self.setUp(pair, log, enable: false)
        for i in 0..<4 { client.sendNow(payload(UInt8(i)), to: Self.bob7) }
        pair.settle()
        #expect(server.queuedBytes == 64)
        // Takes the first (SUCCESS), keeps the second (PENDING), refuses the third.
        log.answers = [.success, .pending, .dataNotAccepted]
        let refused = pair.bob.wsk.statistics.indicationsNotAccepted
        let retained = pair.bob.wsk.statistics.indicationsRetained
        #expect(server.setEvents(.receiveFrom) == .success)
        #expect(pair.bob.wsk.statistics.indicationsNotAccepted == refused + 1)
        #expect(pair.bob.wsk.statistics.indicationsRetained == retained + 1)
        #expect(log.payloads == [payload(0), payload(1), payload(2)])
        #expect(server.queuedBytes == 32)
        #expect(server.retainedIndications == 1)
        // Disabled again: the next datagram is queued too.
        client.sendNow(payload(4), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count == 3)
        #expect(server.queuedBytes == 48)
        for expected in [payload(2), payload(3), payload(4)] {
            let receive = PostedReceive()
            #expect(receive.post(on: server) == .success)
            #expect(receive.bytes == expected)
        }
        #expect(Array(log.retained[0].bytes) == payload(1))
        #expect(server.release(log.retained[0]) == .success)
        pair.finish([server, client])
    }

    @Test func aQueuedReceiveTakesPrecedenceOverTheEvent() {
        let pair = WskPair()
        let log = EventLog()
        let (server, client) = Self.setUp(pair, log)
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .pending)
        client.sendNow(payload(1), to: Self.bob7)
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(receive.bytes == payload(1))
        #expect(log.payloads == [payload(2)])
        pair.finish([server, client])
    }

    @Test func enablingBeforeBindIsInvalidDeviceState() {
        let pair = WskPair()
        let log = EventLog()
        let socket = pair.datagramSocket(pair.bobNpi, dispatch: log.dispatch)
        #expect(socket.setEvents(.receiveFrom) == .invalidDeviceState)
        #expect(socket.setEvents([.receiveFrom, .disable]) == .invalidDeviceState)
        #expect(socket.bindNow(.v4(.any, port: 7)) == .success)
        #expect(socket.setEvents(.receiveFrom) == .success)
        pair.finish([socket])
    }

    @Test func badEventControlsAreInvalidParameter() {
        let pair = WskPair()
        let log = EventLog()
        let server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7), dispatch: log.dispatch)
        let noCallback = pair.boundSocket(pair.bobNpi, .v4(.any, port: 8))
        // No WskReceiveFromEvent to call.
        #expect(noCallback.setEvents(.receiveFrom) == .invalidParameter)
        // Events of other categories, alone or mixed in.
        #expect(server.setEvents(.accept) == .invalidParameter)
        #expect(server.setEvents([.receiveFrom, .receive]) == .invalidParameter)
        #expect(server.setEvents([.receiveFrom, .accept, .disable]) == .invalidParameter)
        #expect(server.setEvents([]) == .invalidParameter)
        // Another NPI's events.
        #expect(server.setEvents(.receiveFrom, npiID: [UInt8](repeating: 7, count: 16)) == .invalidParameter)
        // A short control.
        let short = Array(WskEventCallbackControl(eventMask: .receiveFrom).bytes.prefix(19))
        #expect(short.withUnsafeBytes {
            server.controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                                 input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        } == .invalidParameter)
        // None of it enabled anything.
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(log.calls.isEmpty)
        #expect(server.queuedBytes == 16)
        pair.finish([server, noCallback, client])
    }

    @Test func disablingWithWskEventDisable() {
        let pair = WskPair()
        let log = EventLog()
        let (server, client) = Self.setUp(pair, log)
        client.sendNow(payload(1), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count == 1)
        // With an IRP, completed inline as no callback is running.
        let disable = wskCall { server.setEvents([.receiveFrom, .disable], irp: $0) }
        #expect(disable.status == .success)
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count == 1)
        #expect(server.queuedBytes == 16)
        // Enabled again, the queued one arrives; disabled without an IRP.
        #expect(server.setEvents(.receiveFrom) == .success)
        #expect(log.payloads == [payload(1), payload(2)])
        #expect(server.setEvents([.receiveFrom, .disable]) == .success)
        client.sendNow(payload(3), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count == 2)
        let receive = PostedReceive()
        #expect(receive.post(on: server) == .success)
        #expect(receive.bytes == payload(3))
        pair.finish([server, client])
    }

    @Test func broadcastsAreFlaggedMsgBcast() {
        let pair = WskPair()
        let log = EventLog()
        let (server, client) = Self.setUp(pair, log)
        #expect(client.setOption(WskControlCode.broadcast, 1) == .success)
        client.sendNow(payload(1), to: .v4(IPv4Address(192, 0, 2, 255), port: 7))
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(log.calls.map(\.flags) == [[.atDispatchLevel, .broadcast], .atDispatchLevel])
        pair.finish([server, client])
    }

    @Test func aCallbackMayStartARequestEchoingTheIndicationItself() {
        let pair = WskPair()
        var server: WskDatagramSocket?
        var echoed: [IRP.IoStatusBlock] = []
        let dispatch = WskClientDatagramDispatch { _, _, indication in
            guard let indication, let server else { return .success }
            // The indication's WSK_BUF is a valid buffer to send from, and the
            // send completes inline, before the indication is given back.
            let irp = IRP()
            _ = server.sendTo(indication.buffer, remoteAddress: indication.remoteAddress, irp: irp)
            echoed.append(irp.ioStatus)
            return .success
        }
        server = pair.boundSocket(pair.bobNpi, .v4(.any, port: 7), dispatch: dispatch)
        #expect(server!.setEvents(.receiveFrom) == .success)
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        let replies = (0..<3).map { _ in PostedReceive() }
        for reply in replies { #expect(reply.post(on: client) == .pending) }
        for i in 0..<3 { client.sendNow(payload(UInt8(i), count: 20 + i), to: Self.bob7) }
        pair.settle()
        #expect(echoed.map(\.status) == [.success, .success, .success])
        #expect(echoed.map(\.information) == [20, 21, 22])
        for (i, reply) in replies.enumerated() {
            #expect(reply.bytes == payload(UInt8(i), count: 20 + i))
            #expect(reply.remote.pointee == Self.bob7)
        }
        pair.finish([server!, client])
    }

    @Test func aBroadcastReachingTwoSocketsIsCopiedForEach() {
        let pair = WskPair()
        let log = EventLog()
        log.otherwise = .pending
        let first = pair.datagramSocket(pair.bobNpi, dispatch: log.dispatch)
        let second = pair.datagramSocket(pair.bobNpi)
        for socket in [first, second] {
            #expect(socket.setOption(WskControlCode.reuseAddress, 1) == .success)
            #expect(socket.bindNow(.v4(.any, port: 7)) == .success)
        }
        #expect(first.setEvents(.receiveFrom) == .success)
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 0))
        #expect(client.setOption(WskControlCode.broadcast, 1) == .success)
        let copied = pair.bob.stack.statistics.udp.datagramsCopied
        client.sendNow(payload(1, count: 100), to: .v4(IPv4Address(192, 0, 2, 255), port: 7))
        pair.settle(.milliseconds(100))
        // Neither could hold the one frame, so each kept its own copy.
        #expect(pair.bob.stack.statistics.udp.datagramsCopied == copied + 2)
        #expect(log.retained.count == 1)
        #expect(log.calls.first?.flags.contains(.broadcast) == true)
        #expect(Array(log.retained[0].bytes) == payload(1, count: 100))
        let receive = PostedReceive()
        #expect(receive.post(on: second) == .success)
        #expect(receive.bytes == payload(1, count: 100))
        #expect(receive.flags.pointee == .broadcast)
        #expect(first.release(log.retained[0]) == .success)
        // A unicast datagram goes to one of them only.
        client.sendNow(payload(2), to: Self.bob7)
        pair.settle()
        #expect(log.calls.count + second.queuedBytes / 16 == 2)
        if let last = log.retained.last, log.retained.count == 2 { #expect(first.release(last) == .success) }
        pair.finish([first, second, client])
    }

    @Test func aDualStackSocketSeesIPv4SendersAsMappedAddresses() {
        let pair = WskPair()
        let log = EventLog()
        let server = pair.datagramSocket(pair.bobNpi, family: .inet6, dispatch: log.dispatch)
        #expect(server.setOption(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .success)
        #expect(server.bindNow(.v6(.unspecified, port: 7)) == .success)
        #expect(server.setEvents(.receiveFrom) == .success)
        let client = pair.boundSocket(pair.aliceNpi, .v4(.any, port: 4_000))
        let client6 = pair.boundSocket(pair.aliceNpi, .v6(.unspecified, port: 4_000))
        client.sendNow(payload(1), to: Self.bob7)
        client6.sendNow(payload(2), to: .v6(WskPair.bobV6, port: 7))
        pair.settle()
        #expect(log.calls.map(\.remote) == [.v6(IPv6Address(ipv4Mapped: WskPair.aliceV4), port: 4_000),
                                            .v6(WskPair.aliceV6, port: 4_000)])
        pair.finish([server, client, client6])
    }
}
