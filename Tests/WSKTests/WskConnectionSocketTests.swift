import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// Connection sockets: connect, the IRP data path (send completing on the
/// peer's acknowledgment, receive with WAITALL and DRAIN, 0 bytes at the
/// FIN), graceful and abortive disconnect, close, cancellation (WSK §2.4,
/// §3, §8).
@Suite struct WskConnectionSocketTests {
    static let families: [AddressFamily] = [.inet, .inet6]

    // MARK: - Connecting

    @Test(arguments: families)
    func aConnectToAPortNobodyListensOnIsRefused(family: AddressFamily) {
        let f = TCPFixture()
        let (client, connect) = f.connect(family: family, port: 4444)
        #expect(connect.status == .pending)
        f.run()
        #expect(connect.irp.ioStatus.status == .connectionRefused)
        #expect(!client.isConnected)
        #expect(client.remote().0 == .invalidDeviceState)
        // The failed socket can send or receive nothing, nor connect again.
        #expect(f.send([1], on: client).status == .invalidDeviceState)
        #expect(f.call { client.connect(TCPFixture.address(of: "bob", family, port: 4444), irp: $0) }.status
            == .invalidDeviceState)
        f.finish()
    }

    @Test func aConnectWithoutARouteFailsInline() {
        let f = TCPFixture()
        let (_, connect) = f.connect(family: .inet6, to: .v6(IPv6Address("2001:db8:1::1")!, port: 80))
        #expect(connect.status == .networkUnreachable)
        f.finish()
    }

    @Test func aConnectToAnAbsentHostTimesOut() {
        let f = TCPFixture()
        let (_, connect) = f.connect(family: .inet, to: .v4(IPv4Address(192, 0, 2, 99), port: 80))
        #expect(connect.status == .pending)
        f.run(.seconds(20))
        #expect(connect.probe.count == 0)
        f.run(.seconds(60))
        #expect(connect.irp.ioStatus.status == .ioTimeout)
        f.finish()
    }

    @Test func connectNeedsABoundSocketAndItsOwnFamily() {
        let f = TCPFixture()
        _ = f.listener(family: .inet)
        let socket = f.connectionSocket(f.pair.aliceNpi, family: .inet)
        let bob = TCPFixture.address(of: "bob", .inet, port: 5000)
        #expect(f.call { socket.connect(bob, irp: $0) }.status == .invalidDeviceState)
        #expect(socket.local().0 == .invalidDeviceState)
        #expect(f.call { socket.bind(.v4(.any, port: 0), irp: $0) }.status == .success)
        #expect(f.call { socket.bind(.v4(.any, port: 0), irp: $0) }.status == .invalidParameter)
        #expect(socket.local().0 == .success)
        #expect(f.call { socket.connect(.v6(WskPair.bobV6, port: 5000), irp: $0) }.status == .invalidAddress)
        #expect(f.call { socket.connect(bob, flags: 1, irp: $0) }.status == .invalidParameter)
        #expect(socket.remote().0 == .invalidDeviceState)
        // Nothing of the data path works before the connection is up.
        #expect(f.send([1], on: socket).status == .invalidDeviceState)
        #expect(f.receive(on: socket).status == .invalidDeviceState)
        #expect(f.call { socket.disconnect(nil, irp: $0) }.status == .invalidDeviceState)
        #expect(socket.enableEvents(.receive) == .invalidDeviceState)
        #expect(socket.query(WskControlCode.queryIdealSendBacklog).0 == .invalidDeviceState)
        let connect = f.call { socket.connect(bob, irp: $0) }
        #expect(connect.status == .pending)
        #expect(f.call { socket.connect(bob, irp: $0) }.status == .invalidDeviceState)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(socket.remote().1 == bob)
        f.finish()
    }

    @Test func aSpecificLocalAddressAndPortAreUsed() {
        let f = TCPFixture()
        let (_, _, server) = f.established(family: .inet6, clientDispatch: nil)
        let socket = f.connectionSocket(f.pair.aliceNpi, family: .inet6)
        #expect(f.call { socket.bind(.v6(WskPair.aliceV6, port: 40_000), irp: $0) }.status == .success)
        #expect(socket.local().1 == .v6(WskPair.aliceV6, port: 40_000))
        _ = server
        let connect = f.call { socket.connect(.v6(WskPair.bobV6, port: 5000), irp: $0) }
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(socket.local().1 == .v6(WskPair.aliceV6, port: 40_000))
        // An address that is not this host's.
        let other = f.connectionSocket(f.pair.aliceNpi, family: .inet6)
        #expect(f.call { other.bind(.v6(WskPair.bobV6, port: 0), irp: $0) }.status == .invalidAddressComponent)
        f.finish()
    }

    @Test func aDualStackConnectionSocketReachesAnIPv4PeerThroughItsMappedAddress() {
        let f = TCPFixture()
        let listener = f.listener(family: .inet)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let mapped = SocketAddress.v6(IPv6Address(ipv4Mapped: WskPair.bobV4), port: 5000)
        // IPv6-only by default: the mapped address is no destination.
        let only = f.connectionSocket(f.pair.aliceNpi, family: .inet6)
        #expect(f.call { only.bind(.v6(.unspecified, port: 0), irp: $0) }.status == .success)
        #expect(f.call { only.connect(mapped, irp: $0) }.status == .invalidAddress)
        let dual = f.connectionSocket(f.pair.aliceNpi, family: .inet6)
        #expect(dual.set(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .success)
        #expect(f.call { dual.bind(.v6(.unspecified, port: 0), irp: $0) }.status == .success)
        #expect(dual.set(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 1) == .invalidDeviceState)
        let connect = f.call { dual.connect(mapped, irp: $0) }
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(dual.remote().1 == mapped)
        guard case .v6(let local, let port, _, _)? = dual.local().1 else {
            Issue.record("not an IPv6 address")
            return
        }
        #expect(local == IPv6Address(ipv4Mapped: WskPair.aliceV4))
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        #expect(server.remote().1 == .v4(WskPair.aliceV4, port: port))
        f.finish()
    }

    @Test func cancellingAConnectDropsTheAttempt() {
        let f = TCPFixture()
        let (client, connect) = f.connect(family: .inet, to: .v4(IPv4Address(192, 0, 2, 99), port: 80))
        f.run(.milliseconds(100))
        #expect(ioCancelIrp(connect.irp))
        f.run(.milliseconds(1))
        #expect(connect.irp.ioStatus.status == .cancelled)
        #expect(!client.isConnected)
        #expect(f.alice.stack.tcpConnectionList.isEmpty)
        f.finish()
    }

    // MARK: - Sending

    @Test(arguments: families)
    func aSendCompletesOnlyOnceThePeerAcknowledgedIt(family: AddressFamily) {
        let f = TCPFixture(impairments: WireImpairments(delay: .milliseconds(20)))
        let (_, client, server) = f.established(family: family)
        let send = f.send(pattern(3000), on: client)
        #expect(send.status == .pending)
        // Not before a round trip (40 ms) has passed: the data is still on its way.
        f.run(.milliseconds(30))
        #expect(send.probe.count == 0)
        f.run(.milliseconds(300))
        #expect(send.irp.ioStatus.status == .success)
        #expect(send.irp.ioStatus.information == 3000)
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 3000))
        let receive = f.receive(on: server, capacity: 8192)
        #expect(receive.result?.status == .success)
        #expect(receive.bytes == pattern(3000))
        f.finish()
    }

    @Test func severalSendsCompleteInTheirOrder() {
        let f = TCPFixture(impairments: WireImpairments(delay: .milliseconds(5)))
        let (_, client, server) = f.established(family: .inet)
        let order = OrderLog()
        var sent: [UInt8] = []
        var results: [WskCallResult] = []
        for (index, size) in [1, 70_000, 10, 4000, 0, 1].enumerated() {
            let bytes = pattern(size, seed: UInt8(index))
            sent += bytes
            let buffer = ClientBuffer(bytes)
            f.keep(buffer)
            let irp = IRP()
            let probe = CompletionProbe()
            irp.setCompletionRoutine { done in
                order.append(index)
                return probe.routine(done)
            }
            f.remember(probe)
            let status = client.send(buffer.buf(size), irp: irp)
            #expect(status == (size == 0 ? .success : .pending))
            results.append(WskCallResult(status: status, irp: irp, probe: probe))
        }
        let (received, _) = f.drain(server, for: .seconds(2))
        #expect(received == sent)
        f.run(.milliseconds(100))
        // The zero-length send completed inline, the others as their last byte was acknowledged.
        #expect(order.values == [4, 0, 1, 2, 3, 5])
        #expect(results.map(\.irp.ioStatus.information) == [1, 70_000, 10, 4000, 0, 1])
        f.finish()
    }

    @Test func aSendOfAChainedBufferSendsEveryPieceInOrder() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let first = ClientBuffer(pattern(100, seed: 1))
        let second = ClientBuffer(pattern(50, seed: 2))
        let third = ClientBuffer(pattern(30, seed: 3))
        [first, second, third].forEach(f.keep)
        let head = MDL(first.region)
        head.next = MDL(second.region)
        head.next?.next = MDL(third.region)
        let send = f.call { client.send(WSKBuf(mdl: head, offset: 10, length: 150), flags: WskFlag.noDelay, irp: $0) }
        #expect(send.status == .pending)
        f.run()
        #expect(send.irp.ioStatus.information == 150)
        let expected = Array(pattern(100, seed: 1)[10...]) + pattern(50, seed: 2) + pattern(10, seed: 3)
        let receive = f.receive(on: server, capacity: 1000)
        #expect(receive.bytes == expected)
        // Bad requests.
        #expect(f.call { client.send(WSKBuf(mdl: head, offset: 100, length: 1), irp: $0) }.status == .invalidParameter)
        #expect(f.call { client.send(WSKBuf(mdl: nil, offset: 0, length: 1), irp: $0) }.status == .invalidParameter)
        #expect(f.call { client.send(WSKBuf(mdl: head, offset: 0, length: 1), flags: WskFlag.oob, irp: $0) }.status
            == .notSupported)
        #expect(f.call {
            client.sendEx(WSKBuf(mdl: head, offset: 0, length: 1), controlInfo: UnsafeRawBufferPointer(first.region),
                          irp: $0)
        }.status == .notSupported)
        let viaEx = f.call { client.sendEx(WSKBuf(mdl: head, offset: 0, length: 5), irp: $0) }
        f.run()
        #expect(viaEx.irp.ioStatus.information == 5)
        f.finish()
    }

    @Test func cancellingASendResetsTheConnection() {
        let f = TCPFixture(impairments: WireImpairments(delay: .milliseconds(20)))
        let (_, client, server) = f.established(family: .inet)
        let serverReceive = f.receive(on: server, capacity: 10)
        f.run()
        let send = f.send(pattern(500_000), on: client)
        let other = f.send(pattern(10), on: client)
        f.run(.milliseconds(5))
        ioCancelIrp(send.irp)
        f.run()
        #expect(send.irp.ioStatus.status == .cancelled)
        #expect(other.irp.ioStatus.status == .connectionAborted)
        // The peer got what arrived before, then the reset.
        #expect(serverReceive.status == .success || serverReceive.status == .connectionReset)
        let next = f.receive(on: server, capacity: 1 << 20)
        f.run()
        #expect(next.status == .connectionReset || next.status == .success)
        #expect(f.receive(on: client).status == .connectionAborted)
        f.finish()
    }

    // MARK: - Receiving

    @Test func aReceiveCompletesWithWhatArrivedAndWaitAllWithAFullBuffer() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let waitAll = f.receive(on: server, capacity: 1000, flags: WskFlag.waitAll)
        let plain = f.receive(on: server, capacity: 1000)
        #expect(waitAll.result?.status == .pending)
        #expect(plain.result?.status == .pending)
        f.send(pattern(300, seed: 1), on: client, flags: WskFlag.noDelay)
        f.run()
        #expect(!waitAll.isComplete)
        f.send(pattern(900, seed: 2), on: client, flags: WskFlag.noDelay)
        f.run()
        #expect(waitAll.status == .success)
        #expect(waitAll.information == 1000)
        #expect(waitAll.bytes == pattern(300, seed: 1) + pattern(700, seed: 2))
        // The next receive got the rest as it came, without waiting to fill.
        #expect(plain.status == .success)
        #expect(plain.bytes == Array(pattern(900, seed: 2)[700...]))
        f.finish()
    }

    @Test func aWaitAllReceiveCompletesShortAtTheFIN() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet6)
        let waitAll = f.receive(on: server, capacity: 1000, flags: WskFlag.waitAll)
        f.send(pattern(10), on: client)
        f.run()
        #expect(!waitAll.isComplete)
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        #expect(waitAll.status == .success)
        #expect(waitAll.bytes == pattern(10))
        // Then every receive completes inline with 0: the FIN.
        let after = f.receive(on: server, flags: WskFlag.waitAll)
        #expect(after.result?.status == .success)
        #expect(after.information == 0)
        f.finish()
    }

    @Test func receivesPostedBeforeTheDataAreServedInOrder() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let receives = (0..<4).map { _ in f.receive(on: server, capacity: 100) }
        f.send(pattern(250), on: client)
        f.run()
        #expect(receives.map(\.information) == [100, 100, 50, 0])
        #expect(receives[0].bytes + receives[1].bytes + receives[2].bytes == pattern(250))
        #expect(!receives[3].isComplete)
        // Cancelling the last one.
        #expect(ioCancelIrp(receives[3].irp))
        f.run(.milliseconds(1))
        #expect(receives[3].status == .cancelled)
        f.finish()
    }

    @Test func drainDiscardsEverythingUntilTheFIN() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        #expect(f.receive(on: server, capacity: 10, flags: WskFlag.drain).status == .invalidParameter)
        #expect(f.receive(on: server, capacity: 0, flags: WskFlag.drain | WskFlag.waitAll).status
            == .invalidParameter)
        #expect(f.receive(on: server, capacity: 0, flags: 0x10).status == .invalidParameter)
        f.send(pattern(100), on: client)
        f.run()
        let drain = f.receive(on: server, capacity: 0, flags: WskFlag.drain)
        #expect(drain.result?.status == .pending)
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 0))
        f.send(pattern(5000), on: client)
        f.run()
        #expect(!drain.isComplete)
        #expect(server.query(WskControlCode.queryReceiveBacklog) == (.success, 0))
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        #expect(drain.status == .success)
        #expect(drain.information == 0)
        f.finish()
    }

    @Test(arguments: families)
    func thePeersFINCompletesAReceiveWithZeroBytes(family: AddressFamily) {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: family)
        let pending = f.receive(on: server)
        let disconnect = f.call { client.disconnect(nil, irp: $0) }
        #expect(disconnect.status == .pending)
        f.run()
        #expect(pending.status == .success)
        #expect(pending.information == 0)
        #expect(disconnect.irp.ioStatus.status == .success)
        let inline = f.receive(on: server)
        #expect(inline.result?.status == .success)
        #expect(inline.information == 0)
        // Half-closed: bob may still send, alice still receives.
        let answer = f.receive(on: client)
        f.send(pattern(20), on: server)
        f.run()
        #expect(answer.bytes == pattern(20))
        // A second graceful disconnect, or a send after it, is refused.
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .invalidDeviceState)
        #expect(f.send([1], on: client).status == .invalidDeviceState)
        f.finish()
    }

    @Test func bytesBufferedBeforeTheFINAreReadFirst() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        f.send(pattern(64), on: client)
        f.run()
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        let first = f.receive(on: server, capacity: 40)
        #expect(first.bytes == Array(pattern(64)[..<40]))
        let second = f.receive(on: server, capacity: 40, flags: WskFlag.waitAll)
        #expect(second.result?.status == .success)
        #expect(second.bytes == Array(pattern(64)[40...]))
        let third = f.receive(on: server, capacity: 40)
        #expect(third.result?.status == .success)
        #expect(third.information == 0)
        f.finish()
    }

    @Test func aReceiveCancelledAfterPartOfAWaitAllReportsTheBytes() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let waitAll = f.receive(on: server, capacity: 100, flags: WskFlag.waitAll)
        f.send(pattern(30), on: client)
        f.run()
        #expect(ioCancelIrp(waitAll.irp))
        f.run(.milliseconds(1))
        #expect(waitAll.status == .cancelled)
        #expect(waitAll.information == 30)
        #expect(waitAll.bytes == pattern(30))
        f.finish()
    }

    @Test func receiveExReportsNoControlInformation() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let buffer = ClientBuffer(capacity: 64)
        f.keep(buffer)
        var controlLength: UInt32 = 99
        var controlFlags: UInt32 = 0
        #expect(f.call { server.receiveEx(buffer.buf(), controlFlags: &controlFlags, irp: $0) }.status
            == .invalidParameter)
        let receive = f.call { server.receiveEx(buffer.buf(), controlInfoLength: &controlLength, irp: $0) }
        #expect(controlLength == 0)
        f.send([1, 2, 3], on: client)
        f.run()
        #expect(receive.irp.ioStatus.information == 3)
        f.finish()
    }

    // MARK: - Disconnecting and closing

    @Test func aGracefulDisconnectSendsItsFinalBufferThenTheFIN() {
        let f = TCPFixture(impairments: WireImpairments(delay: .milliseconds(10)))
        let (_, client, server) = f.established(family: .inet)
        f.send(pattern(2000, seed: 1), on: client)
        let last = ClientBuffer(pattern(500, seed: 2))
        f.keep(last)
        let disconnect = f.call { client.disconnect(last.buf(), irp: $0) }
        #expect(disconnect.status == .pending)
        f.run(.milliseconds(5))
        #expect(disconnect.probe.count == 0)
        let (bytes, fin) = f.drain(server)
        #expect(bytes == pattern(2000, seed: 1) + pattern(500, seed: 2))
        #expect(fin)
        f.run()
        #expect(disconnect.irp.ioStatus.status == .success)
        f.finish()
    }

    @Test func anAbortiveDisconnectResetsAndFailsPendingRequests() {
        let f = TCPFixture()
        let events = ConnectionEvents()
        let (_, client, server) = f.established(family: .inet6, serverDispatch: events.dispatch)
        #expect(server.enableEvents(.disconnect) == .success)
        let clientReceive = f.receive(on: client)
        let serverReceive = f.receive(on: server)
        let last = ClientBuffer([1])
        f.keep(last)
        #expect(f.call { client.disconnect(last.buf(), flags: WskFlag.abortive, irp: $0) }.status == .invalidParameter)
        #expect(f.call { client.disconnect(nil, flags: 0x4, irp: $0) }.status == .invalidParameter)
        let abort = f.call { client.disconnect(nil, flags: WskFlag.abortive, irp: $0) }
        #expect(abort.status == .success)
        #expect(clientReceive.status == .connectionAborted)
        f.run()
        #expect(serverReceive.status == .connectionReset)
        #expect(events.disconnects == [[.abortive, .atDispatchLevel]])
        #expect(f.send([1], on: client).status == .connectionAborted)
        #expect(f.send([1], on: server).status == .connectionReset)
        f.finish()
    }

    @Test func closingCancelsPendingRequestsAndClosesGracefully() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        let receive = f.receive(on: client)
        let serverReceive = f.receive(on: server)
        #expect(f.call { client.closeSocket($0) }.status == .success)
        #expect(receive.status == .cancelled)
        f.run()
        // The peer sees a FIN, not a reset.
        #expect(serverReceive.status == .success)
        #expect(serverReceive.information == 0)
        #expect(f.receive(on: client).status == .invalidDeviceState)
        f.finish()
    }

    @Test func lingerZeroMakesCloseAbortive() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        var linger: (UInt16, UInt16) = (1, 0)
        #expect(withUnsafeBytes(of: &linger) { input in
            wskCall {
                client.controlSocket(.setOption, controlCode: WskControlCode.linger, level: WskControlCode.solSocket,
                                     input: input, output: nil, outputSizeReturned: nil, irp: $0)
            }.status
        } == .success)
        #expect(client.get(WskControlCode.linger) == 1)
        let serverReceive = f.receive(on: server)
        #expect(f.call { client.closeSocket($0) }.status == .success)
        f.run()
        #expect(serverReceive.status == .connectionReset)
        f.finish()
    }

    @Test func closingWithASendOutstandingResets() {
        let f = TCPFixture(impairments: WireImpairments(delay: .milliseconds(20)))
        let (_, client, server) = f.established(family: .inet)
        let serverReceive = f.receive(on: server, capacity: 1 << 20, flags: WskFlag.waitAll)
        let send = f.send(pattern(200_000), on: client)
        f.run(.milliseconds(5))
        #expect(f.call { client.closeSocket($0) }.status == .success)
        #expect(send.irp.ioStatus.status == .cancelled)
        f.run()
        #expect(serverReceive.status == .connectionReset)
        f.finish()
    }

    @Test func theConnectionOutlivesNothingOnceBothSidesClosed() {
        let f = TCPFixture()
        let (_, client, server) = f.established(family: .inet)
        #expect(f.call { client.disconnect(nil, irp: $0) }.status == .pending)
        #expect(f.call { server.disconnect(nil, irp: $0) }.status == .pending)
        f.run()
        #expect(f.receive(on: client).information == 0)
        #expect(f.receive(on: server).information == 0)
        #expect(f.send([1], on: server).status == .invalidDeviceState)
        f.finish()
        #expect(f.alice.wsk.statistics.socketsOpen == 0)
        #expect(f.bob.wsk.statistics.socketsOpen == 0)
    }

    // MARK: - WskConnectEx and WskSocketConnect

    @Test(arguments: families)
    func connectExSendsItsBufferOnceConnected(family: AddressFamily) {
        let f = TCPFixture()
        let listener = f.listener(family: family)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let socket = f.connectionSocket(f.pair.aliceNpi, family: family)
        #expect(f.call { socket.bind(TCPFixture.wildcard(family), irp: $0) }.status == .success)
        let bob = TCPFixture.address(of: "bob", family, port: 5000)
        let big = ClientBuffer(capacity: 65_536)
        let hello = ClientBuffer(pattern(1000))
        [big, hello].forEach(f.keep)
        #expect(f.call { socket.connectEx(bob, buffer: big.buf(65_536), irp: $0) }.status == .bufferOverflow)
        #expect(f.call { socket.connectEx(bob, buffer: hello.buf(), flags: 1, irp: $0) }.status == .invalidParameter)
        let connect = f.call { socket.connectEx(bob, buffer: hello.buf(), irp: $0) }
        #expect(connect.status == .pending)
        // The peer acknowledges a lone short segment after its delayed-ACK timer (200 ms).
        f.run(.milliseconds(100))
        #expect(connect.probe.count == 0)
        f.run(.milliseconds(300))
        #expect(connect.irp.ioStatus.status == .success)
        #expect(connect.irp.ioStatus.information == 1000)
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        #expect(f.receive(on: server, capacity: 2000).bytes == pattern(1000))
        f.finish()
    }

    @Test func wskSocketConnectMakesBindsAndConnectsInOneCall() {
        let f = TCPFixture()
        let listener = f.listener(family: .inet)
        let npi = f.pair.aliceNpi
        let events = ConnectionEvents()
        let connect = f.call {
            npi.dispatch.wskSocketConnect(npi.client, socketType: .stream, protocolNumber: WskProtocol.tcp,
                                          localAddress: .v4(.any, port: 0),
                                          remoteAddress: .v4(WskPair.bobV4, port: 5000), flags: 0,
                                          socketContext: events, dispatch: events.dispatch, irp: $0)
        }
        #expect(connect.status == .pending)
        #expect(connect.irp.socket == nil)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        guard let socket = connect.irp.socket as? WskConnectionSocket else {
            Issue.record("no socket")
            return
        }
        f.track(socket)
        #expect(socket.isConnected)
        #expect(socket.socketContext === events)
        #expect(socket.category == .connectionSocket)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        #expect(socket.enableEvents(.receive) == .success)
        f.send([4, 5, 6], on: server)
        f.run()
        #expect(events.bytes == [4, 5, 6])
        f.finish()
    }

    @Test func wskSocketConnectFailuresLeaveNoSocket() {
        let f = TCPFixture()
        let npi = f.pair.aliceNpi
        let opened = f.alice.wsk.statistics.socketsOpen
        func socketConnect(type: WskSocketType = .stream, proto: UInt32 = WskProtocol.tcp,
                           local: SocketAddress = .v4(.any, port: 0),
                           remote: SocketAddress = .v4(WskPair.bobV4, port: 5000), flags: UInt32 = 0) -> WskCallResult {
            f.call {
                npi.dispatch.wskSocketConnect(npi.client, socketType: type, protocolNumber: proto,
                                              localAddress: local, remoteAddress: remote, flags: flags,
                                              socketContext: nil, irp: $0)
            }
        }
        #expect(socketConnect(type: .datagram, proto: WskProtocol.udp).status == .invalidParameter)
        #expect(socketConnect(flags: 1).status == .invalidParameter)
        #expect(socketConnect(remote: .v6(WskPair.bobV6, port: 5000)).status == .invalidAddress)
        #expect(socketConnect(local: .v4(WskPair.bobV4, port: 0)).status == .invalidAddressComponent)
        let refused = socketConnect()
        #expect(refused.status == .pending)
        f.run()
        #expect(refused.irp.ioStatus.status == .connectionRefused)
        #expect(refused.irp.socket == nil)
        #expect(f.alice.wsk.statistics.socketsOpen == opened)
        // Cancelled while connecting.
        let cancelled = socketConnect(remote: .v4(IPv4Address(192, 0, 2, 99), port: 80))
        f.run(.milliseconds(10))
        #expect(ioCancelIrp(cancelled.irp))
        f.run(.milliseconds(1))
        #expect(cancelled.irp.ioStatus.status == .cancelled)
        #expect(cancelled.irp.socket == nil)
        #expect(f.alice.wsk.statistics.socketsOpen == opened)
        f.finish()
    }

    // MARK: - Options

    @Test func connectionOptionsAndTheirStatuses() {
        let f = TCPFixture()
        let socket = f.connectionSocket(f.pair.aliceNpi, family: .inet)
        #expect(socket.get(WskControlCode.keepAlive) == 0)
        #expect(socket.get(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP) == 0)
        #expect(socket.get(WskControlCode.receiveBuffer) == 65_536)
        #expect(socket.get(WskControlCode.sendBuffer) == 65_536)
        #expect(socket.get(WskControlCode.linger) == 0)
        #expect(socket.get(WskControlCode.conditionalAccept) == nil)
        #expect(socket.set(WskControlCode.conditionalAccept, 1) == .notSupported)
        #expect(socket.set(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6, 0) == .invalidParameter)
        #expect(socket.get(WskControlCode.ipv6V6Only, level: WskControlCode.ipprotoIPv6) == nil)
        #expect(socket.set(1, level: 17, 1) == .notSupported)
        #expect(socket.set(WskControlCode.sendBuffer, 8192) == .success)
        #expect(socket.get(WskControlCode.sendBuffer) == 8192)
        #expect(socket.set(WskControlCode.receiveBuffer, 0) == .invalidParameter)
        #expect(socket.set(WskControlCode.reuseAddress, 1) == .success)
        #expect(socket.get(WskControlCode.reuseAddress) == 1)
        #expect(socket.query(WskControlCode.queryInspectID).0 == .notSupported)
        var small: UInt32 = 0
        #expect(withUnsafeMutableBytes(of: &small) { output in
            wskCall {
                socket.controlSocket(.ioctl, controlCode: WskControlCode.queryReceiveBacklog, level: 0, input: nil,
                                     output: output, outputSizeReturned: nil, irp: $0)
            }.status
        } == .invalidDeviceState)
        #expect(f.call { socket.bind(.v4(.any, port: 0), irp: $0) }.status == .success)
        #expect(socket.set(WskControlCode.reuseAddress, 0) == .invalidDeviceState)
        #expect(socket.set(WskControlCode.keepAlive, 1) == .success)
        #expect(socket.set(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP, 1) == .success)
        #expect(socket.set(WskControlCode.receiveBuffer, 200_000) == .success)
        _ = f.listener(family: .inet)
        let connect = f.call { socket.connect(.v4(WskPair.bobV4, port: 5000), irp: $0) }
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(socket.get(WskControlCode.keepAlive) == 1)
        #expect(socket.get(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP) == 1)
        #expect(socket.get(WskControlCode.receiveBuffer) == 200_000)
        #expect(socket.set(WskControlCode.keepAlive, 0) == .success)
        #expect(socket.get(WskControlCode.keepAlive) == 0)
        // The SIZE_T IOCTLs want 8 bytes.
        #expect(withUnsafeMutableBytes(of: &small) { output in
            wskCall {
                socket.controlSocket(.ioctl, controlCode: WskControlCode.queryIdealSendBacklog, level: 0, input: nil,
                                     output: output, outputSizeReturned: nil, irp: $0)
            }.status
        } == .bufferTooSmall)
        let (status, backlog) = socket.query(WskControlCode.queryIdealSendBacklog)
        #expect(status == .success)
        #expect(backlog >= 8192)
        #expect(backlog % 4096 == 0)
        // Event callbacks need their callback.
        #expect(socket.enableEvents(.receive) == .invalidParameter)
        #expect(socket.enableEvents(.accept) == .invalidParameter)
        f.finish()
    }
}

/// Completion order, recorded from completion routines.
final class OrderLog: @unchecked Sendable {
    // @unchecked: the simulation runs completions on the test's own thread.
    private(set) var values: [Int] = []
    func append(_ value: Int) { values.append(value) }
}
