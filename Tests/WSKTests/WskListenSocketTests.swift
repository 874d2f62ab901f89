@testable import TCPIP
import NetCore
import NetSim
import Testing
import WSK

/// Listening sockets: WskBind starts listening; connections go to queued
/// WskAccept IRPs first, then to WskAcceptEvent, else wait; conditional
/// accept puts each SYN to WskInspectEvent before anything answers it
/// (WSK §2.4, §5.1, §5.2).
@Suite struct WskListenSocketTests {
    static let families: [AddressFamily] = [.inet, .inet6]

    @Test(arguments: families)
    func aQueuedAcceptGetsTheConnectionWithItsAddresses(family: AddressFamily) {
        let f = TCPFixture()
        let listener = f.listener(family: family, port: 7000)
        var local = SocketAddress.v4(.any, port: 0)
        var remote = SocketAddress.v4(.any, port: 0)
        let context = ConnectionEvents()
        let accept = f.call {
            listener.accept(acceptSocketContext: context, acceptSocketDispatch: nil, localAddress: &local,
                            remoteAddress: &remote, irp: $0)
        }
        #expect(accept.status == .pending)
        let (client, connect) = f.connect(family: family, port: 7000)
        #expect(connect.status == .pending)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(accept.irp.ioStatus.status == .success)
        #expect(accept.probe.pendingReturned == [true])
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        #expect(server.socketContext === context)
        #expect(server.addressFamily == family)
        #expect(server.isConnected)
        // Each side's remote is the other's local.
        let (clientLocalStatus, clientLocal) = client.local()
        #expect(clientLocalStatus == .success)
        #expect(remote == clientLocal)
        #expect(server.remote().1 == clientLocal)
        #expect(local == TCPFixture.address(of: "bob", family, port: 7000))
        #expect(client.remote().1 == local)
        #expect(server.local().1 == local)
        if case .v4(let address, let port)? = clientLocal {
            #expect(address == WskPair.aliceV4)
            #expect(port >= 49_152)
        } else if case .v6(let address, let port, _, _)? = clientLocal {
            #expect(address == WskPair.aliceV6)
            #expect(port >= 49_152)
        }
        f.finish()
    }

    @Test func anAcceptCompletesInlineWhenAConnectionWaits() {
        let f = TCPFixture()
        let listener = f.listener(family: .inet)
        let (_, connect) = f.connect(family: .inet)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        #expect(accept.status == .success)
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        #expect(server.isConnected)
        // A second one waits.
        let second = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        #expect(second.status == .pending)
        ioCancelIrp(second.irp)
        f.run(.milliseconds(1))
        #expect(second.irp.ioStatus.status == .cancelled)
        #expect(second.irp.socket == nil)
        f.finish()
    }

    @Test(arguments: families)
    func theAcceptEventGetsTheConnectionAndItsContext(family: AddressFamily) {
        let f = TCPFixture()
        final class Context {}
        let context = Context()
        var seen: [(SocketAddress, SocketAddress, WskEventFlags)] = []
        var accepted: [WskConnectionSocket] = []
        let dispatch = WskClientListenDispatch(acceptEvent: { _, flags, local, remote, socket, acceptContext, _ in
            seen.append((local, remote, flags))
            if let socket { accepted.append(socket) }
            acceptContext = context
            return .success
        })
        let listener = f.listener(family: family, dispatch: dispatch)
        #expect(listener.enableEvents(.accept) == .success)
        let (client, connect) = f.connect(family: family)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(accepted.count == 1)
        guard let server = accepted.first else { return }
        f.track(server)
        #expect(server.socketContext === context)
        #expect(seen.first?.0 == TCPFixture.address(of: "bob", family, port: 5000))
        #expect(seen.first?.1 == client.local().1)
        #expect(seen.first?.2 == .atDispatchLevel)
        #expect(server.remote().1 == client.local().1)
        f.finish()
    }

    @Test func connectionsThatWaitedGoToTheEventOnceEnabled() {
        let f = TCPFixture()
        var accepted = 0
        let dispatch = WskClientListenDispatch(acceptEvent: { _, _, _, _, socket, _, _ in
            if let socket {
                accepted += 1
                _ = socket.closeSocket(IRP())
            }
            return .success
        })
        let listener = f.listener(family: .inet, dispatch: dispatch)
        let (_, first) = f.connect(family: .inet)
        let (_, second) = f.connect(family: .inet)
        f.run()
        #expect(first.irp.ioStatus.status == .success)
        #expect(second.irp.ioStatus.status == .success)
        #expect(accepted == 0)
        #expect(listener.enableEvents(.accept) == .success)
        f.run(.milliseconds(1))
        #expect(accepted == 2)
        f.finish()
    }

    @Test func rejectingInTheAcceptEventResetsTheConnection() {
        let f = TCPFixture()
        var offered: WskConnectionSocket?
        let dispatch = WskClientListenDispatch(acceptEvent: { _, _, _, _, socket, _, _ in
            offered = socket
            return .requestNotAccepted
        })
        let listener = f.listener(family: .inet, dispatch: dispatch)
        #expect(listener.enableEvents(.accept) == .success)
        let opened = f.bob.wsk.statistics.socketsOpen
        let (client, connect) = f.connect(family: .inet)
        f.run()
        // The handshake completed before the client refused the connection.
        #expect(connect.irp.ioStatus.status == .success)
        let receive = f.receive(on: client)
        #expect(offered?.isClosed == true)
        #expect(f.bob.wsk.statistics.socketsOpen == opened)
        #expect(receive.status == .connectionReset)
        #expect(f.bob.stack.statistics.tcp.resetsOut >= 1)
        f.finish()
    }

    @Test func queuedAcceptsAreServedBeforeTheEvent() {
        let f = TCPFixture()
        var events = 0
        let dispatch = WskClientListenDispatch(acceptEvent: { _, _, _, _, socket, _, _ in
            events += 1
            _ = socket?.closeSocket(IRP())
            return .success
        })
        let listener = f.listener(family: .inet6, dispatch: dispatch)
        #expect(listener.enableEvents(.accept) == .success)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        _ = f.connect(family: .inet6)
        f.run()
        #expect(accept.irp.ioStatus.status == .success)
        #expect(events == 0)
        f.track(accept.irp.socket as! WskConnectionSocket)
        // With no IRP left, the next one goes to the event.
        _ = f.connect(family: .inet6)
        f.run()
        #expect(events == 1)
        f.finish()
    }

    @Test func closingTheListenerCancelsAcceptsAndResetsWaitingConnections() {
        let f = TCPFixture()
        let listener = f.listener(family: .inet)
        let (client, connect) = f.connect(family: .inet)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        let receive = f.receive(on: client)
        // One connection waits unaccepted; close with an accept pending on a second listener.
        let other = f.listener(family: .inet, port: 5001)
        let accept = f.call {
            other.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil, remoteAddress: nil,
                         irp: $0)
        }
        #expect(accept.status == .pending)
        #expect(f.call { other.closeSocket($0) }.status == .success)
        #expect(accept.irp.ioStatus.status == .cancelled)
        #expect(f.call { listener.closeSocket($0) }.status == .success)
        f.run()
        #expect(receive.status == .connectionReset)
        // The port is free again.
        let again = f.listener(family: .inet)
        #expect(!again.isClosed)
        f.finish()
    }

    @Test func acceptAndInspectNeedAListeningSocket() {
        let f = TCPFixture()
        let socket = f.listenSocket(f.pair.bobNpi, family: .inet)
        #expect(f.call {
            socket.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil, remoteAddress: nil,
                          irp: $0)
        }.status == .invalidDeviceState)
        var address = SocketAddress.v4(.any, port: 0)
        #expect(f.call { socket.getLocalAddress(&address, irp: $0) }.status == .invalidDeviceState)
        #expect(f.call { socket.inspectComplete(WskInspectID(key: 1, serialNumber: 1), action: .accept, irp: $0) }
            .status == .invalidDeviceState)
        #expect(socket.enableEvents(.accept) == .invalidDeviceState)
        #expect(f.call { socket.bind(.v6(.unspecified, port: 0), irp: $0) }.status == .invalidAddress)
        #expect(f.call { socket.bind(.v4(.any, port: 0), flags: 1, irp: $0) }.status == .invalidParameter)
        #expect(f.call { socket.bind(.v4(.any, port: 0), irp: $0) }.status == .success)
        #expect(f.call { socket.getLocalAddress(&address, irp: $0) }.status == .success)
        guard case .v4(let any, let port) = address else {
            Issue.record("not IPv4")
            return
        }
        #expect(any == .any)
        #expect(port >= 49_152)
        #expect(f.call { socket.bind(.v4(.any, port: 0), irp: $0) }.status == .invalidParameter)
        #expect(f.call {
            socket.accept(flags: 1, acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                          remoteAddress: nil, irp: $0)
        }.status == .invalidParameter)
        // No conditional accept: inspecting is not possible.
        #expect(f.call { socket.inspectComplete(WskInspectID(key: 1, serialNumber: 1), action: .accept, irp: $0) }
            .status == .invalidDeviceState)
        // Enabling the accept event needs the callback.
        #expect(socket.enableEvents(.accept) == .invalidParameter)
        #expect(socket.enableEvents(.receiveFrom) == .invalidParameter)
        f.finish()
    }

    @Test func aSecondListenerOnTheSamePortIsRefusedUnlessSharing() {
        let f = TCPFixture()
        _ = f.listener(family: .inet, port: 6000)
        let second = f.listenSocket(f.pair.bobNpi, family: .inet)
        #expect(f.call { second.bind(.v4(.any, port: 6000), irp: $0) }.status == .addressAlreadyExists)
        let exclusive = f.listenSocket(f.pair.bobNpi, family: .inet)
        #expect(exclusive.set(WskControlCode.exclusiveAddressUse, 1) == .success)
        #expect(exclusive.get(WskControlCode.exclusiveAddressUse) == 1)
        #expect(exclusive.set(WskControlCode.reuseAddress, 1) == .invalidParameter)
        #expect(f.call { exclusive.bind(.v4(.any, port: 6001), irp: $0) }.status == .success)
        #expect(exclusive.set(WskControlCode.exclusiveAddressUse, 0) == .invalidDeviceState)
        let intruder = f.listenSocket(f.pair.bobNpi, family: .inet)
        #expect(intruder.set(WskControlCode.reuseAddress, 1) == .success)
        #expect(f.call { intruder.bind(.v4(.any, port: 6001), irp: $0) }.status == .accessDenied)
        f.finish()
    }

    // MARK: - Dual stack

    @Test func aDualStackListenerAcceptsIPv4WithAMappedRemote() {
        let f = TCPFixture()
        let listener = f.listenSocket(f.pair.bobNpi, family: .inet6)
        #expect(listener.get(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6) == 1)
        #expect(listener.set(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .success)
        #expect(f.call { listener.bind(.v6(.unspecified, port: 8080), irp: $0) }.status == .success)
        #expect(listener.set(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 1) == .invalidDeviceState)
        var remote = SocketAddress.v4(.any, port: 0)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: &remote, irp: $0)
        }
        let (client, connect) = f.connect(family: .inet, port: 8080)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(accept.irp.ioStatus.status == .success)
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        guard case .v4(_, let clientPort)? = client.local().1 else {
            Issue.record("the client is IPv4")
            return
        }
        let mapped = SocketAddress.v6(IPv6Address(ipv4Mapped: WskPair.aliceV4), port: clientPort)
        #expect(remote == mapped)
        #expect(server.remote().1 == mapped)
        #expect(server.addressFamily == .inet6)
        #expect(server.local().1 == .v6(IPv6Address(ipv4Mapped: WskPair.bobV4), port: 8080))
        // IPv6 still works on the same listener.
        let accept6 = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let (_, connect6) = f.connect(family: .inet6, port: 8080)
        f.run()
        #expect(connect6.irp.ioStatus.status == .success)
        f.track(accept6.irp.socket as! WskConnectionSocket)
        f.finish()
    }

    @Test func anIPv6OnlyListenerRefusesIPv4() {
        let f = TCPFixture()
        _ = f.listener(family: .inet6, port: 8080)
        #expect(f.listenSocket(f.pair.bobNpi, family: .inet).set(WskControlCode.ipv6V6Only,
                                                                 level: WskControlCode.ipprotoIPv6, 0)
            == .invalidParameter)
        let (_, connect) = f.connect(family: .inet, port: 8080)
        f.run()
        #expect(connect.irp.ioStatus.status == .connectionRefused)
        f.finish()
    }

    // MARK: - Inheritance

    @Test func eventAcceptedSocketsInheritTheListenersCallbacksAndOptions() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        var viaEvent: WskConnectionSocket?
        let dispatch = WskClientListenDispatch(acceptEvent: { _, _, _, _, socket, _, connectionDispatch in
            viaEvent = socket
            connectionDispatch = events.dispatch
            return .success
        })
        let listener = f.listenSocket(f.pair.bobNpi, family: .inet, dispatch: dispatch)
        #expect(listener.set(WskControlCode.keepAlive, 1) == .success)
        #expect(listener.set(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP, 1) == .success)
        #expect(listener.set(WskControlCode.receiveBuffer, 131_072) == .success)
        #expect(f.call { listener.bind(.v4(.any, port: 5000), irp: $0) }.status == .success)
        #expect(listener.enableEvents([.receive, .disconnect]) == .success)
        #expect(listener.enableEvents(.accept) == .success)
        // Once set on the listener, inherited events stay.
        #expect(listener.enableEvents([.receive, .disable]) == .invalidParameter)
        // Disabling and enabling ACCEPT again keeps them.
        #expect(listener.enableEvents([.accept, .disable]) == .success)
        #expect(listener.enableEvents(.accept) == .success)
        let (client, connect) = f.connect(family: .inet)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        guard let server = viaEvent else {
            Issue.record("no accept event")
            return
        }
        f.track(server)
        #expect(server.get(WskControlCode.keepAlive) == 1)
        #expect(server.get(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP) == 1)
        #expect(server.get(WskControlCode.receiveBuffer) == 131_072)
        f.send(pattern(100), on: client)
        f.run()
        #expect(events.bytes == pattern(100))
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        #expect(events.disconnects == [.atDispatchLevel])
        f.finish()
    }

    @Test func irpAcceptedSocketsStartWithEveryCallbackDisabled() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        let listener = f.listener(family: .inet)
        #expect(listener.enableEvents([.receive, .disconnect, .sendBacklog]) == .success)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: events.dispatch, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let (client, _) = f.connect(family: .inet)
        f.run()
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        f.send(pattern(10), on: client)
        f.run()
        #expect(events.indications.isEmpty)
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 10))
        // Enabled now, the waiting bytes are indicated.
        #expect(server.enableEvents(.receive) == .success)
        f.run(.milliseconds(1))
        #expect(events.bytes == pattern(10))
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 0))
        f.finish()
    }

    // MARK: - Conditional accept

    /// A listener with SO_CONDITIONAL_ACCEPT whose inspect callback answers `action`.
    static func inspecting(_ f: TCPFixture, family: AddressFamily = .inet, action: WskInspectAction,
                           log: InspectLog) -> WskListenSocket {
        let dispatch = WskClientListenDispatch(
            inspectEvent: { _, local, remote, id in
                log.inspected.append((local, remote, id))
                return action
            },
            abortEvent: { _, id in
                log.aborted.append(id)
                return .success
            })
        let listener = f.listenSocket(f.pair.bobNpi, family: family, dispatch: dispatch)
        #expect(listener.get(WskControlCode.conditionalAccept) == 0)
        #expect(listener.set(WskControlCode.conditionalAccept, 1) == .success)
        #expect(listener.get(WskControlCode.conditionalAccept) == 1)
        #expect(f.call { listener.bind(wildcardPort5000(family), irp: $0) }.status == .success)
        #expect(listener.set(WskControlCode.conditionalAccept, 0) == .invalidDeviceState)
        return listener
    }

    static func wildcardPort5000(_ family: AddressFamily) -> SocketAddress { TCPFixture.wildcard(family, port: 5000) }

    final class InspectLog {
        var inspected: [(SocketAddress, SocketAddress, WskInspectID?)] = []
        var aborted: [WskInspectID] = []
    }

    @Test(arguments: families)
    func anInspectAcceptLetsTheHandshakeGoOn(family: AddressFamily) {
        let f = TCPFixture()
        let log = InspectLog()
        let listener = Self.inspecting(f, family: family, action: .accept, log: log)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let (client, connect) = f.connect(family: family)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(log.inspected.count == 1)
        #expect(log.inspected.first?.0 == TCPFixture.address(of: "bob", family, port: 5000))
        #expect(log.inspected.first?.1 == client.local().1)
        #expect(log.inspected.first?.2 != nil)
        f.track(accept.irp.socket as! WskConnectionSocket)
        f.finish()
    }

    @Test func anInspectRejectAnswersTheSYNWithARSTAndNoSYNACK() {
        let f = TCPFixture()
        let log = InspectLog()
        _ = Self.inspecting(f, action: .reject, log: log)
        let (_, connect) = f.connect(family: .inet)
        f.run()
        #expect(connect.irp.ioStatus.status == .connectionRefused)
        #expect(log.inspected.count == 1)
        #expect(f.bob.stack.statistics.tcp.passiveOpens == 0)
        #expect(f.bob.stack.statistics.tcp.synsRejected == 1)
        #expect(log.aborted.isEmpty)
        f.finish()
    }

    @Test func aPendedRequestWaitsForInspectComplete() {
        let f = TCPFixture()
        let log = InspectLog()
        let listener = Self.inspecting(f, action: .pend, log: log)
        let (_, connect) = f.connect(family: .inet)
        f.run(.milliseconds(200))
        #expect(connect.irp.ioStatus.status != .success)
        #expect(connect.probe.count == 0)
        #expect(f.bob.stack.statistics.tcp.passiveOpens == 0)
        guard let id = log.inspected.first?.2 else {
            Issue.record("not inspected")
            return
        }
        // A copy of the id, by value; WskInspectPend is no verdict.
        let copy = WskInspectID(key: id.key, serialNumber: id.serialNumber)
        #expect(f.call { listener.inspectComplete(copy, action: .pend, irp: $0) }.status == .invalidParameter)
        #expect(f.call { listener.inspectComplete(copy, action: .accept, irp: $0) }.status == .success)
        #expect(f.call { listener.inspectComplete(copy, action: .accept, irp: $0) }.status == .invalidParameter)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        #expect(accept.status == .success)
        f.track(accept.irp.socket as! WskConnectionSocket)
        // A second request, pended and then rejected.
        let (_, refused) = f.connect(family: .inet)
        f.run(.milliseconds(20))
        #expect(log.inspected.count == 2)
        guard let second = log.inspected.last?.2 else { return }
        #expect(second != id)
        #expect(f.call { listener.inspectComplete(second, action: .reject, irp: $0) }.status == .success)
        f.run()
        #expect(refused.irp.ioStatus.status == .connectionRefused)
        f.finish()
    }

    @Test func thePeerResettingAPendedRequestRaisesTheAbortEvent() {
        let f = TCPFixture()
        let log = InspectLog()
        let listener = Self.inspecting(f, action: .pend, log: log)
        let (client, connect) = f.connect(family: .inet)
        f.run(.milliseconds(20))
        guard let id = log.inspected.first?.2, case .v4(_, let port)? = client.local().1 else {
            Issue.record("not inspected")
            return
        }
        // The peer gives up with a RST for its SYN (as a host does whose connect was abandoned): in
        // the SYN's sequence space, ISN + 1, or the listener would take it for a blind reset.
        guard let opener = f.alice.stack.tcpConnectionList.first(where: { $0.local.port == port }) else {
            Issue.record("no connection behind the client")
            return
        }
        f.alice.stack.tcpSendReset(seq: opener.iss + 1, ack: nil, local: TransportAddress(WskPair.aliceV4, port: port),
                                   remote: TransportAddress(WskPair.bobV4, port: 5000))
        f.run(.milliseconds(20))
        #expect(log.aborted == [id])
        // Too late to decide.
        #expect(f.call { listener.inspectComplete(id, action: .accept, irp: $0) }.status == .invalidParameter)
        #expect(f.call { client.closeSocket($0) }.status == .success)
        #expect(connect.irp.ioStatus.status == .cancelled)
        f.finish()
    }

    @Test func conditionalAcceptWithoutAnInspectCallbackAccepts() {
        let f = TCPFixture()
        let listener = f.listenSocket(f.pair.bobNpi, family: .inet)
        #expect(listener.set(WskControlCode.conditionalAccept, 1) == .success)
        #expect(f.call { listener.bind(.v4(.any, port: 5000), irp: $0) }.status == .success)
        let (_, connect) = f.connect(family: .inet)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        f.finish()
    }

    @Test func listenerOptionsAndTheirStatuses() {
        let f = TCPFixture()
        let listener = f.listenSocket(f.pair.bobNpi, family: .inet6)
        #expect(listener.get(WskControlCode.keepAlive) == 0)
        #expect(listener.get(WskControlCode.receiveBuffer) == 65_536)
        #expect(listener.get(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP) == 0)
        #expect(listener.get(WskControlCode.reuseAddress) == 0)
        #expect(listener.set(WskControlCode.sendBuffer, 1) == .notSupported)
        #expect(listener.get(WskControlCode.sendBuffer) == nil)
        #expect(listener.set(WskControlCode.broadcast, 1) == .notSupported)
        #expect(listener.set(0x7777, 1) == .notSupported)
        #expect(listener.query(WskControlCode.queryIdealSendBacklog).0 == .notSupported)
        // A short value.
        var short: UInt16 = 1
        #expect(withUnsafeBytes(of: &short) { input in
            wskCall {
                listener.controlSocket(.setOption, controlCode: WskControlCode.keepAlive,
                                       level: WskControlCode.solSocket, input: input, output: nil,
                                       outputSizeReturned: nil, irp: $0)
            }.status
        } == .invalidParameter)
        // Options that may change after bind do.
        #expect(f.call { listener.bind(.v6(.unspecified, port: 0), irp: $0) }.status == .success)
        #expect(listener.set(WskControlCode.keepAlive, 1) == .success)
        #expect(listener.get(WskControlCode.keepAlive) == 1)
        #expect(listener.set(WskControlCode.reuseAddress, 1) == .invalidDeviceState)
        f.finish()
    }
}
