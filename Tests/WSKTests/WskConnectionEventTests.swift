import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// The connection callbacks: WskReceiveEvent with its three answers and
/// partial accepts, WskRelease, WskDisconnectEvent, WskSendBacklogEvent and
/// SIO_WSK_QUERY_IDEAL_SEND_BACKLOG (WSK §5.1, §5.2, §6.3).
@Suite struct WskConnectionEventTests {
    /// Alice's client socket with `events` enabled on bob's side.
    static func connected(_ f: TCPFixture, _ events: ConnectionEvents, family: AddressFamily = .inet,
                          mask: WskEventMask = [.receive, .disconnect])
        -> (client: WskConnectionSocket, server: WskConnectionSocket) {
        let (_, client, server) = f.established(family: family, serverDispatch: events.dispatch)
        #expect(server.enableEvents(mask) == .success)
        return (client, server)
    }

    @Test(arguments: [AddressFamily.inet, .inet6])
    func everyByteIsIndicatedInOrder(family: AddressFamily) {
        let f = TCPFixture()
        let events = ConnectionEvents()
        let (client, _) = Self.connected(f, events, family: family)
        let data = pattern(100_000)
        f.send(data, on: client)
        f.run()
        #expect(events.bytes == data)
        for indication in events.indications {
            #expect(indication.indicated == indication.bytes.count)
            #expect(indication.flags == .atDispatchLevel)
            #expect(indication.elements >= 1 && indication.elements <= 2)
        }
        f.finish()
    }

    @Test func aPartialAcceptPausesTheEventsUntilAReceiveCompletes() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        events.answer = { call, _ in call == 1 ? (.success, 10) : (.success, nil) }
        let (client, server) = Self.connected(f, events)
        f.send(pattern(100, seed: 1), on: client)
        f.run()
        #expect(events.indications.count == 1)
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 90))
        // More data: no event while paused.
        f.send(pattern(50, seed: 2), on: client)
        f.run()
        #expect(events.indications.count == 1)
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 140))
        // A receive takes some of what is left; the events go on with the rest.
        let receive = f.receive(on: server, capacity: 40)
        #expect(receive.result?.status == .success)
        #expect(receive.bytes == Array(pattern(100, seed: 1)[10..<50]))
        f.run(.milliseconds(1))
        #expect(events.indications.count == 2)
        #expect(events.indications[1].bytes == Array(pattern(100, seed: 1)[50...]) + pattern(50, seed: 2))
        f.send(pattern(5, seed: 3), on: client)
        f.run()
        #expect(events.indications.last?.bytes == pattern(5, seed: 3))
        f.finish()
    }

    @Test func dataNotAcceptedLeavesItBufferedUntilAZeroLengthReceiveRearms() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        events.answer = { call, _ in call == 1 ? (.dataNotAccepted, nil) : (.success, nil) }
        let (client, server) = Self.connected(f, events)
        f.send(pattern(300, seed: 1), on: client)
        f.run()
        f.send(pattern(200, seed: 2), on: client)
        f.run()
        #expect(events.indications.count == 1)
        #expect(events.indications.first?.bytes == pattern(300, seed: 1))
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 500))
        // A zero-length receive completes at once (bytes are waiting) and takes none of them.
        let rearm = f.receive(on: server, capacity: 0)
        #expect(rearm.result?.status == .success)
        #expect(rearm.information == 0)
        f.run(.milliseconds(1))
        #expect(events.indications.count == 2)
        #expect(events.indications[1].bytes == pattern(300, seed: 1) + pattern(200, seed: 2))
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 0))
        f.finish()
    }

    @Test func aZeroLengthReceivePostedWhileNothingWaitsCompletesWithTheNextBytes() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        events.answer = { call, _ in call == 1 ? (.dataNotAccepted, nil) : (.success, nil) }
        let (client, server) = Self.connected(f, events)
        f.send(pattern(10, seed: 1), on: client)
        f.run()
        // Read what was refused, which does not resume the events by itself being a read…
        let read = f.receive(on: server, capacity: 100)
        #expect(read.bytes == pattern(10, seed: 1))
        // …but its completion does: the next bytes go to the event.
        f.send(pattern(20, seed: 2), on: client)
        f.run()
        #expect(events.indications.count == 2)
        #expect(events.indications.last?.bytes == pattern(20, seed: 2))
        // A zero-length receive with nothing waiting completes when bytes come, taking none.
        events.answer = { _, _ in (.dataNotAccepted, nil) }
        f.send(pattern(5, seed: 3), on: client)
        f.run()
        let rearm = f.receive(on: server, capacity: 0)
        #expect(rearm.result?.status == .success)
        _ = f.receive(on: server, capacity: 100)
        let waiting = f.receive(on: server, capacity: 0)
        #expect(waiting.result?.status == .pending)
        events.answer = { _, _ in (.success, nil) }
        f.send(pattern(7, seed: 4), on: client)
        f.run()
        #expect(waiting.status == .success)
        #expect(waiting.information == 0)
        #expect(events.indications.last?.bytes == pattern(7, seed: 4))
        f.finish()
    }

    @Test func pendingKeepsTheChainUntilReleased() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        events.answer = { call, _ in call % 2 == 1 ? (.pending, nil) : (.success, nil) }
        let (client, server) = Self.connected(f, events)
        var expected: [[UInt8]] = []
        for i in 0..<4 {
            let bytes = pattern(1000 + i, seed: UInt8(i))
            expected.append(bytes)
            f.send(bytes, on: client, flags: WskFlag.noDelay)
            f.run()
        }
        #expect(events.bytes == expected.flatMap { $0 })
        #expect(events.retained.count == 2)
        #expect(server.retainedIndications == events.retained.reduce(0) { count, head in
            var n = 0
            var current: WskDataIndication? = head
            while let element = current { n += 1; current = element.next }
            return count + n
        })
        // The kept bytes are intact after everything else moved on.
        func bytes(_ head: WskDataIndication) -> [UInt8] {
            var out: [UInt8] = []
            var current: WskDataIndication? = head
            while let element = current { out += Array(element.bytes); current = element.next }
            return out
        }
        #expect(bytes(events.retained[0]) == expected[0])
        #expect(bytes(events.retained[1]) == expected[2])
        // Another socket's release refuses them; released out of order, once.
        #expect(client.release(events.retained[0]) == .invalidParameter)
        #expect(server.release(events.retained[1]) == .success)
        #expect(server.release(events.retained[1]) == .invalidParameter)
        // Release after close is allowed: close does not take indications back.
        #expect(f.call { server.closeSocket($0) }.status == .success)
        #expect(server.release(events.retained[0]) == .success)
        #expect(server.retainedIndications == 0)
        f.finish()
    }

    @Test func eventsAreSerialAndAReceivePostedInsideOneIsServedNext() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        var inner: TCPReceive?
        var server: WskConnectionSocket?
        events.during = { _ in
            guard inner == nil, let server else { return }
            // Inside the event: the receive queues behind the bytes being indicated.
            inner = f.receive(on: server, capacity: 5)
            #expect(inner?.result?.status == .pending)
        }
        events.answer = { call, _ in call == 1 ? (.success, 3) : (.success, nil) }
        let (client, socket) = Self.connected(f, events)
        server = socket
        f.send(pattern(20), on: client)
        f.run()
        // 3 bytes accepted, the next 5 to the receive, whose completion resumed the events for the rest.
        #expect(events.indications.count == 2)
        #expect(inner?.bytes == Array(pattern(20)[3..<8]))
        #expect(events.indications.first?.bytes == pattern(20))
        #expect(events.indications.last?.bytes == Array(pattern(20)[8...]))
        f.finish()
    }

    @Test func closingTheSocketInsideItsReceiveEvent() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        var server: WskConnectionSocket?
        events.during = { _ in _ = server?.closeSocket(IRP()) }
        let (client, socket) = Self.connected(f, events)
        server = socket
        let clientReceive = f.receive(on: client)
        f.send(pattern(10), on: client)
        f.run()
        #expect(events.indications.count == 1)
        #expect(socket.isClosed)
        // Everything was taken (SUCCESS), so bob's close is graceful.
        #expect(clientReceive.status == .success)
        #expect(clientReceive.information == 0)
        f.finish()
    }

    @Test func bytesThatArrivedBeforeTheEventWasEnabledAreIndicatedOnEnabling() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        let (_, client, server) = f.established(family: .inet6, clientDispatch: events.dispatch)
        f.send(pattern(700), on: server)
        #expect(f.call { server.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        #expect(events.indications.isEmpty)
        #expect(client.enableEvents([.receive, .disconnect]) == .success)
        #expect(events.indications.isEmpty)
        f.run(.milliseconds(1))
        #expect(events.bytes == pattern(700))
        #expect(events.disconnects == [.atDispatchLevel])
        // Disabled again: bytes wait for a receive.
        #expect(client.enableEvents([.receive, .disconnect, .disable]) == .invalidParameter)
        #expect(client.enableEvents([.receive, .disable]) == .success)
        f.finish()
    }

    @Test func disabledEventsLeaveTheBytesToReceives() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        let (client, server) = Self.connected(f, events)
        f.send([1, 2, 3], on: client)
        f.run()
        #expect(server.enableEvents([.receive, .disable]) == .success)
        f.send([4, 5], on: client)
        f.run()
        #expect(events.bytes == [1, 2, 3])
        #expect(f.receive(on: server).bytes == [4, 5])
        f.finish()
    }

    @Test func theDisconnectEventReportsAFINGracefullyAndATimeoutAbortively() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        let clientEvents = ConnectionEvents()
        let (_, client, server) = f.established(family: .inet, clientDispatch: clientEvents.dispatch,
                                                serverDispatch: events.dispatch)
        #expect(server.enableEvents(.disconnect) == .success)
        #expect(client.enableEvents(.disconnect) == .success)
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        #expect(events.disconnects == [.atDispatchLevel])
        // Bob still sends; then the wire goes dead and bob's data is never acknowledged.
        f.sim.wires[0].impairments = WireImpairments(loss: 1.0)
        let send = f.send(pattern(100), on: server)
        // Alice's FIN came before: a receive still reports it, not the failure to come.
        let receive = f.receive(on: server)
        #expect(receive.result?.status == .success)
        #expect(receive.information == 0)
        f.run(.seconds(1200))
        #expect(send.irp.ioStatus.status == .ioTimeout)
        #expect(f.send([1], on: server).status == .ioTimeout)
        #expect(events.disconnects == [.atDispatchLevel, [.abortive, .atDispatchLevel]])
        f.finish()
    }

    @Test func theSendBacklogEventFollowsTheIdealBacklog() {
        let f = TCPFixture(impairments: WireImpairments(delay: .milliseconds(10)))
        let events = ConnectionEvents()
        let (_, client, server) = f.established(family: .inet, clientDispatch: events.dispatch)
        #expect(client.enableEvents(.sendBacklog) == .success)
        let (status, initial) = client.query(WskControlCode.queryIdealSendBacklog)
        #expect(status == .success)
        // A bulk transfer grows the windows, and with them the ideal backlog.
        let data = pattern(2 << 20)
        f.send(data, on: client)
        let (received, _) = f.drain(server, for: .seconds(3))
        #expect(received.count == data.count)
        #expect(!events.backlogs.isEmpty)
        #expect(events.backlogs.last == client.query(WskControlCode.queryIdealSendBacklog).1)
        #expect(events.backlogs.allSatisfy { $0 >= 8192 && $0 % 4096 == 0 })
        #expect(events.backlogs.contains { $0 > initial })
        // Consecutive reports differ: an event means a change.
        #expect(zip(events.backlogs, events.backlogs.dropFirst()).allSatisfy { $0 != $1 })
        // Disabled, no more.
        #expect(client.enableEvents([.sendBacklog, .disable]) == .success)
        let count = events.backlogs.count
        f.send(pattern(1 << 20), on: client)
        _ = f.drain(server, for: .seconds(2))
        #expect(events.backlogs.count == count)
        f.finish()
    }
}
