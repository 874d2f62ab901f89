import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// Stream sockets: bound undecided, then a listening socket after
/// WskListen or a connection socket after WskConnect, for good (WSK §2.1,
/// §2.4); and basic sockets over TCP.
@Suite struct WskStreamSocketTests {
    @Test(arguments: [AddressFamily.inet, .inet6])
    func aStreamSocketListensAndAccepts(family: AddressFamily) {
        let f = TCPFixture()
        var accepted: [WskConnectionSocket] = []
        let dispatch = WskClientStreamDispatch(listen: WskClientListenDispatch(
            acceptEvent: { _, _, _, _, socket, _, _ in
                if let socket { accepted.append(socket) }
                return .success
            }))
        let stream = f.streamSocket(f.pair.bobNpi, family: family, dispatch: dispatch)
        #expect(stream.role == .undecided)
        #expect(stream.category == .streamSocket)
        #expect(f.call { stream.listen($0) }.status == .invalidDeviceState)
        #expect(f.call { stream.bind(TCPFixture.wildcard(family, port: 5000), irp: $0) }.status == .success)
        #expect(stream.role == .undecided)
        // Nothing of either role works yet.
        #expect(stream.enableEvents(.accept) == .invalidDeviceState)
        #expect(f.call {
            stream.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                          remoteAddress: nil, irp: $0)
        }.status == .invalidDeviceState)
        #expect(f.call { stream.listen($0) }.status == .success)
        #expect(stream.role == .listening)
        #expect(f.call { stream.listen($0) }.status == .invalidDeviceState)
        let accept = f.call {
            stream.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                          remoteAddress: nil, irp: $0)
        }
        #expect(accept.status == .pending)
        let (_, first) = f.connect(family: family)
        f.run()
        #expect(first.irp.ioStatus.status == .success)
        f.track(accept.irp.socket as! WskConnectionSocket)
        // The listen half of the dispatch serves the accept event.
        #expect(stream.enableEvents(.accept) == .success)
        let (_, second) = f.connect(family: family)
        f.run()
        #expect(second.irp.ioStatus.status == .success)
        #expect(accepted.count == 1)
        accepted.forEach { f.track($0) }
        // The connection role's calls are refused for good.
        #expect(f.call { stream.connect(TCPFixture.address(of: "alice", family, port: 1), irp: $0) }.status
            == .invalidDeviceState)
        let buffer = ClientBuffer([1])
        #expect(f.call { stream.send(buffer.buf(), irp: $0) }.status == .invalidDeviceState)
        #expect(f.call { stream.receive(buffer.buf(), irp: $0) }.status == .invalidDeviceState)
        #expect(f.call { stream.disconnect(nil, irp: $0) }.status == .invalidDeviceState)
        var address = SocketAddress.v4(.any, port: 0)
        #expect(f.call { stream.getRemoteAddress(&address, irp: $0) }.status == .invalidDeviceState)
        #expect(f.call { stream.getLocalAddress(&address, irp: $0) }.status == .success)
        #expect(address == TCPFixture.wildcard(family, port: 5000))
        f.finish()
    }

    @Test func aStreamSocketConnectsAndCarriesData() {
        let f = TCPFixture()
        let listener = f.listener(family: .inet)
        let accept = f.call {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let events = ConnectionEvents()
        let stream = f.streamSocket(f.pair.aliceNpi, family: .inet, dispatch: WskClientStreamDispatch(
            connect: events.dispatch))
        // Options set before the role carry over to it.
        #expect(stream.set(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP, 1) == .success)
        #expect(stream.set(WskControlCode.conditionalAccept, 1) == .notSupported)
        #expect(stream.get(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP) == 1)
        let bob = TCPFixture.address(of: "bob", .inet, port: 5000)
        #expect(f.call { stream.connect(bob, irp: $0) }.status == .invalidDeviceState)
        #expect(f.call { stream.bind(.v4(.any, port: 0), irp: $0) }.status == .success)
        var local = SocketAddress.v4(.any, port: 1)
        #expect(f.call { stream.getLocalAddress(&local, irp: $0) }.status == .success)
        let connect = f.call { stream.connect(bob, irp: $0) }
        #expect(connect.status == .pending)
        #expect(stream.role == .connection)
        f.run()
        #expect(connect.irp.ioStatus.status == .success)
        #expect(stream.get(WskControlCode.tcpNoDelay, level: WskControlCode.ipprotoTCP) == 1)
        var remote = SocketAddress.v4(.any, port: 0)
        #expect(f.call { stream.getRemoteAddress(&remote, irp: $0) }.status == .success)
        #expect(remote == bob)
        let server = f.track(accept.irp.socket as! WskConnectionSocket)
        let out = ClientBuffer(pattern(300))
        f.keep(out)
        let send = f.call { stream.send(out.buf(), irp: $0) }
        #expect(send.status == .pending)
        let answer = ClientBuffer(capacity: 100)
        f.keep(answer)
        let receive = f.call { stream.receive(answer.buf(), irp: $0) }
        let got = f.receive(on: server, capacity: 1000)
        f.run()
        #expect(got.bytes == pattern(300))
        f.send([9, 9, 9], on: server)
        f.run()
        #expect(send.irp.ioStatus.information == 300)
        #expect(receive.irp.ioStatus.information == 3)
        #expect(answer.prefix(3) == [9, 9, 9])
        // Events come from the connect half of the dispatch.
        #expect(stream.enableEvents(.receive) == .success)
        f.send([7], on: server)
        f.run()
        #expect(events.bytes == [7])
        // The listening role is gone for good.
        #expect(f.call { stream.listen($0) }.status == .invalidDeviceState)
        #expect(f.call {
            stream.accept(acceptSocketContext: nil, acceptSocketDispatch: nil, localAddress: nil,
                          remoteAddress: nil, irp: $0)
        }.status == .invalidDeviceState)
        let disconnect = f.call { stream.disconnect(nil, irp: $0) }
        f.run()
        #expect(disconnect.irp.ioStatus.status == .success)
        #expect(f.receive(on: server).information == 0)
        f.finish()
    }

    @Test func aStreamSocketThatFailsToConnectStaysAConnectionSocket() {
        let f = TCPFixture()
        let stream = f.streamSocket(f.pair.aliceNpi, family: .inet6)
        #expect(f.call { stream.bind(.v6(.unspecified, port: 0), irp: $0) }.status == .success)
        let hello = ClientBuffer([1, 2])
        f.keep(hello)
        let connect = f.call { stream.connectEx(.v6(WskPair.bobV6, port: 9), buffer: hello.buf(), irp: $0) }
        f.run()
        #expect(connect.irp.ioStatus.status == .connectionRefused)
        #expect(stream.role == .connection)
        #expect(f.call { stream.listen($0) }.status == .invalidDeviceState)
        f.finish()
    }

    @Test func aClosedStreamSocketRefusesEverything() {
        let f = TCPFixture()
        let stream = f.streamSocket(f.pair.bobNpi, family: .inet)
        #expect(f.call { stream.bind(.v4(.any, port: 5000), irp: $0) }.status == .success)
        #expect(f.call { stream.closeSocket($0) }.status == .success)
        #expect(f.call { stream.listen($0) }.status == .invalidDeviceState)
        #expect(f.call { stream.bind(.v4(.any, port: 5000), irp: $0) }.status == .invalidDeviceState)
        // Its address was given back.
        _ = f.listener(family: .inet, port: 5000)
        f.finish()
    }

    @Test(arguments: [AddressFamily.inet, .inet6])
    func aBasicSocketOverTCPHoldsNoConnection(family: AddressFamily) {
        let f = TCPFixture()
        let npi = f.pair.aliceNpi
        let result = f.call {
            npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                   protocolNumber: WskProtocol.tcp, flags: .basicSocket, socketContext: nil,
                                   dispatch: nil, irp: $0)
        }
        #expect(result.status == .success)
        guard let socket = result.irp.socket else { return }
        #expect(!(socket is WskConnectionSocket) && !(socket is WskListenSocket) && !(socket is WskStreamSocket))
        #expect(socket.socketType == .stream)
        #expect(socket.protocolNumber == WskProtocol.tcp)
        #expect(socket.category == .basicSocket)
        #expect(socket.set(WskControlCode.keepAlive, 1) == .notSupported)
        #expect(f.call { socket.closeSocket($0) }.status == .success)
        f.finish()
    }

    @Test func aTableOfTheWrongCategoryIsRefused() {
        let f = TCPFixture()
        let npi = f.pair.aliceNpi
        let listen = f.call {
            npi.dispatch.wskSocket(npi.client, addressFamily: .inet, socketType: .stream,
                                   protocolNumber: WskProtocol.tcp, flags: .connectionSocket, socketContext: nil,
                                   dispatch: WskClientListenDispatch(), irp: $0)
        }
        #expect(listen.status == .invalidParameter)
        let stream = f.call {
            npi.dispatch.wskSocket(npi.client, addressFamily: .inet, socketType: .stream,
                                   protocolNumber: WskProtocol.tcp, flags: .listenSocket, socketContext: nil,
                                   dispatch: WskClientStreamDispatch(), irp: $0)
        }
        #expect(stream.status == .invalidParameter)
        let connection = f.call {
            npi.dispatch.wskSocket(npi.client, addressFamily: .inet, socketType: .datagram,
                                   protocolNumber: WskProtocol.udp, flags: .connectionSocket, socketContext: nil,
                                   dispatch: WskClientConnectionDispatch(), irp: $0)
        }
        #expect(connection.status == .invalidParameter)
        #expect(f.alice.wsk.statistics.socketsOpen == 0)
        f.finish()
    }
}
