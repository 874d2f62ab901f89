import NDIS
import NetCore
import NetSim
import TCPIP
import Testing
import WSK

/// Two hosts with WSK clients, for the TCP socket tests: every IRP a test
/// hands to a WSK call through `call` is remembered, and `finish` checks
/// each completed exactly once, closes every socket, lets the simulation
/// idle and checks no buffer is held.
final class TCPFixture {
    let pair: WskPair
    private(set) var probes: [(probe: CompletionProbe, where: SourceLocation)] = []
    private(set) var sockets: [WskSocket] = []

    init(impairments: WireImpairments = WireImpairments(delay: .milliseconds(1))) {
        pair = WskPair(impairments: impairments)
    }

    var sim: Simulation { pair.sim }
    var alice: SimHost { pair.alice }
    var bob: SimHost { pair.bob }

    /// Runs virtual time on.
    func run(_ duration: Duration = .milliseconds(500)) { sim.run(for: duration) }

    /// An IRP-taking call with a fresh, remembered IRP; checks the return contract.
    @discardableResult
    func call(sourceLocation: SourceLocation = #_sourceLocation, _ body: (IRP) -> NTStatus) -> WskCallResult {
        let result = wskCall(sourceLocation: sourceLocation, body)
        probes.append((result.probe, sourceLocation))
        return result
    }

    /// Remembers a probe made elsewhere (an IRP built by a helper).
    func remember(_ probe: CompletionProbe, sourceLocation: SourceLocation = #_sourceLocation) {
        probes.append((probe, sourceLocation))
    }

    /// Closes it at `finish`, unless the test did.
    @discardableResult
    func track<Socket: WskSocket>(_ socket: Socket) -> Socket {
        if !sockets.contains(where: { $0 === socket }) { sockets.append(socket) }
        return socket
    }

    /// A host's address in `family`.
    static func address(of host: String, _ family: AddressFamily, port: UInt16) -> SocketAddress {
        switch (host, family) {
        case ("alice", .inet): .v4(WskPair.aliceV4, port: port)
        case ("alice", .inet6): .v6(WskPair.aliceV6, port: port)
        case (_, .inet): .v4(WskPair.bobV4, port: port)
        case (_, .inet6): .v6(WskPair.bobV6, port: port)
        }
    }

    static func wildcard(_ family: AddressFamily, port: UInt16 = 0) -> SocketAddress {
        family == .inet ? .v4(.any, port: port) : .v6(.unspecified, port: port)
    }

    // MARK: - Sockets

    func listenSocket(_ npi: WskProviderNpi, family: AddressFamily, dispatch: WskClientListenDispatch? = nil,
                      context: AnyObject? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> WskListenSocket {
        let result = call(sourceLocation: sourceLocation) { irp in
            if let dispatch {
                return npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                              protocolNumber: WskProtocol.tcp, flags: .listenSocket,
                                              socketContext: context, dispatch: dispatch, irp: irp)
            }
            return npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                          protocolNumber: WskProtocol.tcp, flags: .listenSocket,
                                          socketContext: context, dispatch: nil, irp: irp)
        }
        #expect(result.status == .success, sourceLocation: sourceLocation)
        return track(result.irp.socket as! WskListenSocket)
    }

    func connectionSocket(_ npi: WskProviderNpi, family: AddressFamily,
                          dispatch: WskClientConnectionDispatch? = nil, context: AnyObject? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) -> WskConnectionSocket {
        let result = call(sourceLocation: sourceLocation) { irp in
            if let dispatch {
                return npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                              protocolNumber: WskProtocol.tcp, flags: .connectionSocket,
                                              socketContext: context, dispatch: dispatch, irp: irp)
            }
            return npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                          protocolNumber: WskProtocol.tcp, flags: .connectionSocket,
                                          socketContext: context, dispatch: nil, irp: irp)
        }
        #expect(result.status == .success, sourceLocation: sourceLocation)
        return track(result.irp.socket as! WskConnectionSocket)
    }

    func streamSocket(_ npi: WskProviderNpi, family: AddressFamily, dispatch: WskClientStreamDispatch? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) -> WskStreamSocket {
        let result = call(sourceLocation: sourceLocation) { irp in
            npi.dispatch.wskSocket(npi.client, addressFamily: family, socketType: .stream,
                                   protocolNumber: WskProtocol.tcp, flags: .streamSocket, socketContext: nil,
                                   dispatch: dispatch ?? WskClientStreamDispatch(), irp: irp)
        }
        #expect(result.status == .success, sourceLocation: sourceLocation)
        return track(result.irp.socket as! WskStreamSocket)
    }

    /// Bob listening on `port` in `family` (bound to the wildcard).
    func listener(family: AddressFamily, port: UInt16 = 5000, dispatch: WskClientListenDispatch? = nil,
                  sourceLocation: SourceLocation = #_sourceLocation) -> WskListenSocket {
        let socket = listenSocket(pair.bobNpi, family: family, dispatch: dispatch, sourceLocation: sourceLocation)
        #expect(call(sourceLocation: sourceLocation) {
            socket.bind(Self.wildcard(family, port: port), irp: $0)
        }.status == .success, sourceLocation: sourceLocation)
        return socket
    }

    /// Alice's connection socket, bound to the wildcard and connecting to
    /// bob's `port`; the connect's result (pending until it completes).
    func connect(family: AddressFamily, port: UInt16 = 5000, dispatch: WskClientConnectionDispatch? = nil,
                 to remote: SocketAddress? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) -> (WskConnectionSocket, WskCallResult) {
        let socket = connectionSocket(pair.aliceNpi, family: family, dispatch: dispatch,
                                      sourceLocation: sourceLocation)
        #expect(call(sourceLocation: sourceLocation) { socket.bind(Self.wildcard(family), irp: $0) }.status
                == .success, sourceLocation: sourceLocation)
        let target = remote ?? Self.address(of: "bob", family, port: port)
        let connect = call(sourceLocation: sourceLocation) { socket.connect(target, irp: $0) }
        return (socket, connect)
    }

    /// A connection up between alice (client) and bob (the socket bob's
    /// listener accepted with a WskAccept IRP).
    func established(family: AddressFamily, port: UInt16 = 5000,
                     clientDispatch: WskClientConnectionDispatch? = nil,
                     serverDispatch: WskClientConnectionDispatch? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation)
        -> (listener: WskListenSocket, client: WskConnectionSocket, server: WskConnectionSocket) {
        let listener = listener(family: family, port: port, sourceLocation: sourceLocation)
        let accept = call(sourceLocation: sourceLocation) {
            listener.accept(acceptSocketContext: nil, acceptSocketDispatch: serverDispatch, localAddress: nil,
                            remoteAddress: nil, irp: $0)
        }
        let (client, connect) = connect(family: family, port: port, dispatch: clientDispatch,
                                        sourceLocation: sourceLocation)
        let end = sim.clock.now + .seconds(5)
        while (connect.probe.count == 0 || accept.probe.count == 0) && sim.clock.now < end { run(.milliseconds(5)) }
        #expect(connect.irp.ioStatus.status == .success, sourceLocation: sourceLocation)
        #expect(accept.irp.ioStatus.status == .success, sourceLocation: sourceLocation)
        let server = track(accept.irp.socket as! WskConnectionSocket)
        return (listener, client, server)
    }

    // MARK: - Data

    /// WskSend of `bytes` from memory this fixture keeps alive.
    @discardableResult
    func send(_ bytes: [UInt8], on socket: WskConnectionSocket, flags: UInt32 = 0,
              sourceLocation: SourceLocation = #_sourceLocation) -> WskCallResult {
        let buffer = ClientBuffer(bytes)
        keep(buffer)
        return call(sourceLocation: sourceLocation) { socket.send(buffer.buf(bytes.count), flags: flags, irp: $0) }
    }

    /// Client memory kept until the fixture goes.
    private var keptBuffers: [ClientBuffer] = []

    /// Keeps client memory alive until the fixture goes.
    func keep(_ buffer: ClientBuffer) { keptBuffers.append(buffer) }

    /// A WskReceive of up to `capacity` bytes, posted now.
    @discardableResult
    func receive(on socket: WskConnectionSocket, capacity: Int = 4096, flags: UInt32 = 0,
                 sourceLocation: SourceLocation = #_sourceLocation) -> TCPReceive {
        let receive = TCPReceive(capacity: capacity)
        receive.result = call(sourceLocation: sourceLocation) {
            socket.receive(receive.buffer.buf(capacity), flags: flags, irp: $0)
        }
        return receive
    }

    /// Every byte `socket` receives from now until the FIN, through
    /// successive receives, and the final status.
    func drain(_ socket: WskConnectionSocket, for duration: Duration = .seconds(5)) -> (bytes: [UInt8], fin: Bool) {
        var bytes: [UInt8] = []
        let end = sim.clock.now + duration
        while sim.clock.now < end {
            let receive = self.receive(on: socket, capacity: 65_536)
            while !receive.isComplete && sim.clock.now < end { run(.milliseconds(10)) }
            guard receive.isComplete, receive.status == .success else { return (bytes, false) }
            if receive.information == 0 { return (bytes, true) }
            bytes += receive.bytes
        }
        return (bytes, false)
    }

    // MARK: - The end

    func finish(sourceLocation: SourceLocation = #_sourceLocation) {
        for socket in sockets where !socket.isClosed {
            #expect(call(sourceLocation: sourceLocation) { socket.closeSocket($0) }.status == .success,
                    sourceLocation: sourceLocation)
        }
        // Long enough for neighbour resolution toward an absent host to give up its queued frames.
        sim.run(for: .seconds(10))
        for (probe, location) in probes {
            #expect(probe.count == 1, "an IRP completed \(probe.count) times", sourceLocation: location)
        }
        #expect(sim.buffersOutstanding == 0, sourceLocation: sourceLocation)
        for host in [alice, bob] {
            #expect(host.stack.receivePool.outstanding == 0, "\(host.name) rx pool", sourceLocation: sourceLocation)
            #expect(host.stack.largePool.outstanding == 0, "\(host.name) large pool", sourceLocation: sourceLocation)
        }
    }
}

/// A posted WskReceive with its own client memory.
final class TCPReceive {
    let buffer: ClientBuffer
    var result: WskCallResult?

    init(capacity: Int) { buffer = ClientBuffer(capacity: max(capacity, 1)) }

    var isComplete: Bool { (result?.probe.count ?? 0) > 0 }
    var status: NTStatus { result?.irp.ioStatus.status ?? .unsuccessful }
    var information: Int { result?.irp.ioStatus.information ?? 0 }
    var bytes: [UInt8] { buffer.prefix(information) }
    var irp: IRP { result!.irp }
}

/// What a connection socket's callbacks saw, and what they answer.
final class ConnectionEvents {
    struct Indication {
        let bytes: [UInt8]
        let indicated: Int
        let elements: Int
        let flags: WskEventFlags
    }

    var indications: [Indication] = []
    /// Chains answered STATUS_PENDING.
    var retained: [WskDataIndication] = []
    var disconnects: [WskEventFlags] = []
    var backlogs: [Int] = []
    /// How each receive event answers: the status and how many bytes to accept.
    var answer: (_ call: Int, _ indicated: Int) -> (NTStatus, Int?) = { _, _ in (.success, nil) }
    /// Runs inside each receive event, after recording it.
    var during: ((WskDataIndication) -> Void)?

    var dispatch: WskClientConnectionDispatch {
        WskClientConnectionDispatch(
            receiveEvent: { [self] _, flags, indication, indicated, accepted in
                var bytes: [UInt8] = []
                var elements = 0
                var current = indication
                while let element = current {
                    bytes += Array(element.bytes)
                    elements += 1
                    current = element.next
                }
                indications.append(Indication(bytes: bytes, indicated: indicated, elements: elements, flags: flags))
                if let indication { during?(indication) }
                let (status, take) = answer(indications.count, indicated)
                if let take { accepted = take }
                if status == .pending, let indication { retained.append(indication) }
                return status
            },
            disconnectEvent: { [self] _, flags in
                disconnects.append(flags)
                return .success
            },
            sendBacklogEvent: { [self] _, ideal in
                backlogs.append(ideal)
                return .success
            })
    }

    /// Every byte indicated, in order.
    var bytes: [UInt8] { indications.flatMap(\.bytes) }
}

/// A pattern of `count` bytes starting from `seed`, so that every byte
/// says where it belongs.
func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed) &+ $0 >> 8) }
}

extension WskSocket {
    /// SO_WSK_EVENT_CALLBACK with `mask`, no IRP (enabling takes none).
    func enableEvents(_ mask: WskEventMask) -> NTStatus {
        let control = WskEventCallbackControl(eventMask: mask).bytes
        return control.withUnsafeBytes {
            controlSocket(.setOption, controlCode: WskControlCode.eventCallback, level: WskControlCode.solSocket,
                          input: $0, output: nil, outputSizeReturned: nil, irp: nil)
        }
    }

    /// WskSetOption of a ULONG with an IRP.
    func set(_ code: UInt32, level: UInt32 = WskControlCode.solSocket, _ value: UInt32) -> NTStatus {
        var value = value.littleEndian
        return withUnsafeBytes(of: &value) { input in
            wskCall {
                controlSocket(.setOption, controlCode: code, level: level, input: input, output: nil,
                              outputSizeReturned: nil, irp: $0)
            }.status
        }
    }

    /// WskGetOption of a ULONG with an IRP; nil on failure.
    func get(_ code: UInt32, level: UInt32 = WskControlCode.solSocket) -> UInt32? {
        var value: UInt32 = 0xDEAD_BEEF
        let status = withUnsafeMutableBytes(of: &value) { output in
            wskCall {
                controlSocket(.getOption, controlCode: code, level: level, input: nil, output: output,
                              outputSizeReturned: nil, irp: $0)
            }.status
        }
        return status == .success ? UInt32(littleEndian: value) : nil
    }

    /// A SIZE_T IOCTL (SIO_WSK_QUERY_*): the status and value.
    func query(_ code: UInt32) -> (NTStatus, Int) {
        var value: UInt64 = 0
        let status = withUnsafeMutableBytes(of: &value) { output in
            wskCall {
                controlSocket(.ioctl, controlCode: code, level: 0, input: nil, output: output,
                              outputSizeReturned: nil, irp: $0)
            }.status
        }
        return (status, Int(UInt64(littleEndian: value)))
    }
}

extension WskConnectionSocket {
    /// WskGetRemoteAddress with a fresh IRP.
    func remote() -> (NTStatus, SocketAddress?) {
        var address = SocketAddress.v4(.any, port: 0)
        let status = wskCall { getRemoteAddress(&address, irp: $0) }.status
        return (status, status == .success ? address : nil)
    }

    /// WskGetLocalAddress with a fresh IRP.
    func local() -> (NTStatus, SocketAddress?) {
        var address = SocketAddress.v4(.any, port: 0)
        let status = wskCall { getLocalAddress(&address, irp: $0) }.status
        return (status, status == .success ? address : nil)
    }
}
